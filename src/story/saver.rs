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
    error: Arc<Mutex<Option<String>>>,
}

impl Saver {
    pub fn spawn() -> Saver {
        let (tx, rx) = mpsc::channel::<(PathBuf, Box<Session>)>();
        let error = Arc::new(Mutex::new(None));
        let err = error.clone();
        let handle = std::thread::Builder::new()
            .name("fabula-saver".into())
            .spawn(move || {
                while let Ok(mut job) = rx.recv() {
                    // Anything newer already waiting replaces this one.
                    while let Ok(newer) = rx.try_recv() {
                        job = newer;
                    }
                    let (path, mut session) = job;
                    if let Err(e) = session.save(&path) {
                        if let Ok(mut slot) = err.lock() {
                            *slot = Some(e.to_string());
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
        self.error.lock().ok().and_then(|mut e| e.take())
    }

    /// Waits for every queued save to be written.
    pub fn finish(mut self) -> Option<String> {
        self.tx.take();
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
        self.take_error()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
