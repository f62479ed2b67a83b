//! Autosave off the UI thread: sessions are handed to a saver thread,
//! which writes only the latest version when several are waiting, so a
//! long story never makes a keypress wait on the disk.

use std::path::PathBuf;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use super::Session;

pub struct Saver {
    tx: Option<mpsc::Sender<(PathBuf, Box<Session>)>>,
    handle: Option<JoinHandle<()>>,
    error: Arc<Mutex<Outcome>>,
}

/// Temporary files older than this are left by a writer that died.
const STALE_TEMP_AGE: std::time::Duration = std::time::Duration::from_secs(600);

#[derive(Default)]
struct Outcome {
    /// An error not yet shown (taken once by the status line).
    unseen: Option<String>,
    /// The error of the most recent save; `None` once a save succeeds.
    last_failed: Option<String>,
}

impl Saver {
    pub fn spawn() -> Saver {
        let (tx, rx) = mpsc::channel::<(PathBuf, Box<Session>)>();
        let error = Arc::new(Mutex::new(Outcome::default()));
        let err = error.clone();
        let handle = std::thread::Builder::new()
            .name("fabula-saver".into())
            .spawn(move || {
                let mut cleaned = false;
                while let Ok(mut job) = rx.recv() {
                    // Anything newer already waiting replaces this one.
                    while let Ok(newer) = rx.try_recv() {
                        job = newer;
                    }
                    let (path, mut session) = job;
                    if !cleaned {
                        cleaned = true;
                        // Temporary files of writers that died mid-save.
                        if let Some(dir) = path.parent() {
                            crate::fsutil::remove_stale_temps(dir, STALE_TEMP_AGE);
                        }
                    }
                    let outcome = session.save(&path).map_err(|e| e.to_string());
                    if let Ok(mut slot) = err.lock() {
                        slot.last_failed = outcome.clone().err();
                        if let Err(e) = outcome {
                            slot.unseen = Some(e);
                        }
                    }
                }
            })
            .ok();
        Saver {
            tx: Some(tx),
            handle,
            error,
        }
    }

    pub fn save(&self, path: PathBuf, session: Session) {
        if let Some(tx) = &self.tx {
            let _ = tx.send((path, Box::new(session)));
        }
    }

    /// The last save error, once.
    pub fn take_error(&self) -> Option<String> {
        self.error.lock().ok().and_then(|mut e| e.unseen.take())
    }

    /// Waits for every queued save to be written; the error of the last
    /// save when it failed (an earlier failure mended by a later save is
    /// not reported).
    pub fn finish(mut self) -> Option<String> {
        self.tx.take();
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
        match self.error.lock() {
            Ok(mut e) => e.last_failed.take(),
            Err(_) => Some("the saver thread failed".into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn the_latest_version_is_on_disk_after_finish() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.json");
        let saver = Saver::spawn();
        let mut s = Session::new("g", "Once.", Default::default());
        for i in 0..20 {
            s.tree
                .push(
                    s.tree.current(),
                    crate::story::Role::Narration,
                    &format!("turn {i}"),
                )
                .unwrap();
            saver.save(path.clone(), s.clone());
        }
        assert_eq!(saver.finish(), None);
        assert_eq!(Session::load(&path).unwrap().tree.len(), 21);
    }

    #[test]
    fn finish_reports_whether_the_last_save_failed() {
        let dir = tempfile::tempdir().unwrap();
        // A file where the sessions folder should be: every save fails.
        let blocker = dir.path().join("sessions");
        fs::write(&blocker, "not a folder").unwrap();
        let bad = blocker.join("s.json");
        let good = dir.path().join("ok").join("s.json");
        let s = Session::new("g", "Once.", Default::default());

        let saver = Saver::spawn();
        saver.save(bad.clone(), s.clone());
        let err = saver.finish().expect("the failed save is reported");
        assert!(err.contains("sessions"), "{err}");

        // A failure mended by a later save is not reported at the end.
        let saver = Saver::spawn();
        saver.save(bad, s.clone());
        std::thread::sleep(std::time::Duration::from_millis(200));
        saver.save(good.clone(), s);
        assert_eq!(saver.finish(), None);
        assert!(good.exists());
    }

    #[test]
    fn stale_temporary_files_are_cleaned_up() {
        let dir = tempfile::tempdir().unwrap();
        let stale = dir.path().join("s.json.99-0.tmp");
        fs::write(&stale, "half a save").unwrap();
        let old = std::time::SystemTime::now() - STALE_TEMP_AGE * 2;
        fs::File::options()
            .write(true)
            .open(&stale)
            .unwrap()
            .set_modified(old)
            .unwrap();
        let saver = Saver::spawn();
        saver.save(
            dir.path().join("s.json"),
            Session::new("g", "Once.", Default::default()),
        );
        assert_eq!(saver.finish(), None);
        assert!(!stale.exists());
    }
}
