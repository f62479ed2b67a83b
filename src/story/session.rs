//! A saved story: the tree plus what is needed to resume it, written as
//! JSON with an atomic rename after every turn and the previous good save
//! kept beside it.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use super::tree::{InvalidTree, Role, StoryTree};
use crate::fsutil;

pub const SESSION_FORMAT: &str = "fabula-session";
pub const SESSION_VERSION: u32 = 1;
/// The largest session file read (a long story with every turn's state is
/// a few megabytes).
pub const MAX_SESSION_BYTES: u64 = 256 << 20;

/// Identifies the model a session's stored states belong to; a session
/// opened with another model recomputes states instead of using them.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ModelStamp {
    pub name: String,
    pub layers: usize,
    pub hidden: usize,
    pub vocab_size: usize,
    pub steps: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Session {
    pub format: String,
    pub version: u32,
    pub id: String,
    pub title: String,
    pub genre: String,
    pub created: u64,
    pub updated: u64,
    #[serde(default)]
    pub model: ModelStamp,
    /// The mood the player steers toward (none: not steered).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mood: Option<super::Mood>,
    pub tree: StoryTree,
}

#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: not a fabula session: {message}")]
    Invalid { path: PathBuf, message: String },
    #[error("{path}: not a fabula session: {source}")]
    Tree { path: PathBuf, source: InvalidTree },
    #[error("{path}: not a fabula session: field \"id\": {source}")]
    Id { path: PathBuf, source: InvalidId },
    #[error(
        "{path}: this story is open in another fabula{by}; close it there first \
         (`fabula review PATH` reads it without changing it)"
    )]
    Locked { path: PathBuf, by: String },
}

pub fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

impl Session {
    pub fn new(genre: &str, opening: &str, model: ModelStamp) -> Session {
        let now = now_secs();
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        Session {
            format: SESSION_FORMAT.into(),
            version: SESSION_VERSION,
            id: format!("{now}-{:05}", nanos % 100_000),
            title: title_from(opening),
            genre: genre.into(),
            created: now,
            updated: now,
            model,
            mood: None,
            tree: StoryTree::new(opening),
        }
    }

    pub fn to_json(&self) -> Vec<u8> {
        // Serialising plain data cannot fail; an empty file would be caught on load.
        serde_json::to_vec(self).unwrap_or_default()
    }

    pub fn from_json(path: &Path, bytes: &[u8]) -> Result<Session, SessionError> {
        let invalid = |message: String| SessionError::Invalid {
            path: path.to_path_buf(),
            message,
        };
        if bytes.iter().all(|b| b.is_ascii_whitespace()) {
            return Err(invalid("the file is empty".into()));
        }
        // Check the header first so a file of another kind gets a plain answer.
        #[derive(Deserialize)]
        struct Header {
            format: Option<String>,
            version: Option<u32>,
        }
        let header: Header = serde_json::from_slice(bytes)
            .map_err(|e| invalid(format!("line {} column {}: {e}", e.line(), e.column())))?;
        match (header.format.as_deref(), header.version) {
            (Some(SESSION_FORMAT), Some(SESSION_VERSION)) => {}
            (Some(SESSION_FORMAT), Some(v)) => {
                return Err(invalid(format!(
                    "session format version {v}; this fabula reads version {SESSION_VERSION}"
                )))
            }
            _ => return Err(invalid("missing \"format\": \"fabula-session\"".into())),
        }
        let session: Session = serde_json::from_slice(bytes)
            .map_err(|e| invalid(format!("line {} column {}: {e}", e.line(), e.column())))?;
        check_id(&session.id).map_err(|source| SessionError::Id {
            path: path.to_path_buf(),
            source,
        })?;
        session
            .tree
            .validate()
            .map_err(|source| SessionError::Tree {
                path: path.to_path_buf(),
                source,
            })?;
        Ok(session)
    }

    pub fn load(path: &Path) -> Result<Session, SessionError> {
        let bytes =
            fsutil::read_file(path, MAX_SESSION_BYTES).map_err(|source| SessionError::Io {
                path: path.to_path_buf(),
                source,
            })?;
        Session::from_json(path, &bytes)
    }

    /// Saves atomically, keeping the previous save as `.bak`.
    pub fn save(&mut self, path: &Path) -> Result<(), SessionError> {
        self.updated = now_secs();
        fsutil::write_atomic_with_backup(path, &self.to_json()).map_err(|source| SessionError::Io {
            path: path.to_path_buf(),
            source,
        })
    }

    /// The current branch as Markdown: narration as paragraphs, the
    /// player's actions as quoted lines.
    pub fn export_markdown(&self) -> String {
        format!("# {}\n\n{}", self.title, self.export_text())
    }

    /// The current branch as plain text, in the transcript form `fabula
    /// review` reads back: player lines start with `> `. A passage that
    /// follows no action (the first one, after the opening) comes after a
    /// lone `>`, an empty command, so it is read back as a turn of its own
    /// instead of more of the opening.
    pub fn export_text(&self) -> String {
        let mut out = String::new();
        let mut after_player = true;
        for id in self.tree.branch() {
            let Some(n) = self.tree.node(id) else {
                continue;
            };
            match n.role {
                Role::Player => out.push_str(&format!("> {}\n\n", n.text.trim())),
                _ => {
                    if !after_player {
                        out.push_str(">\n\n");
                    }
                    out.push_str(&format!("{}\n\n", n.text.trim()));
                }
            }
            after_player = n.role == Role::Player;
        }
        out
    }
}

/// A short title: the first words of the opening.
fn title_from(opening: &str) -> String {
    let words: Vec<&str> = opening.split_whitespace().take(8).collect();
    let mut t = words.join(" ");
    if opening.split_whitespace().count() > 8 {
        t.push('…');
    }
    if t.is_empty() {
        "Untitled story".into()
    } else {
        t
    }
}

/// The longest session id accepted.
pub const MAX_ID_LEN: usize = 64;

/// Checks that `id` can name a file in the sessions or exports folder and
/// nothing else: 1 to [`MAX_ID_LEN`] ASCII letters, digits, `-`, `_` and
/// `.`, not starting with `.` and without `..`. So an id never holds a
/// path separator, never climbs out of its folder and is never absolute.
/// Ids fabula makes (`1700000000-12345`) always pass.
pub fn check_id(id: &str) -> Result<(), InvalidId> {
    let plain = !id.is_empty()
        && id.len() <= MAX_ID_LEN
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && !id.starts_with('.')
        && !id.contains("..");
    if plain {
        return Ok(());
    }
    Err(InvalidId {
        shown: crate::text_safety::printable_line(id)
            .chars()
            .take(MAX_ID_LEN + 1)
            .collect(),
    })
}

/// A string that cannot be a session id; `shown` is its printable start.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "{shown:?} is not a session id (1 to {MAX_ID_LEN} letters, digits, '-', '_' or '.', \
     not starting with '.' and without '..')"
)]
pub struct InvalidId {
    pub shown: String,
}

/// Why `--resume WHICH` names no session file.
#[derive(Debug, thiserror::Error)]
pub enum ResumeError {
    #[error("{shown}: {source} (a path given to --resume must exist; a session id has no '/')")]
    Missing {
        shown: String,
        source: std::io::Error,
    },
    #[error(transparent)]
    Id(#[from] InvalidId),
}

/// The session file that `--resume WHICH` names. A value with a path
/// separator is a path and must exist as given; anything else must be a
/// plain id ([`check_id`]) and names `DIR/WHICH.json`.
pub fn resume_path(dir: &Path, which: &str) -> Result<PathBuf, ResumeError> {
    let is_path = which.contains('/') || which.contains(std::path::MAIN_SEPARATOR);
    if is_path {
        let path = PathBuf::from(which);
        return match fs::metadata(&path) {
            Ok(_) => Ok(path),
            Err(source) => Err(ResumeError::Missing {
                shown: crate::text_safety::printable_line(which).into_owned(),
                source,
            }),
        };
    }
    Ok(crate::paths::session_file(dir, which)?)
}

/// An advisory lock that one fabula holds on a session while it plays it,
/// so a second one on the same story is refused instead of the two
/// overwriting each other's turns. The lock is on `PATH.lock` (the session
/// file itself is replaced on every save), removed when dropped.
#[derive(Debug)]
pub struct SessionLock {
    file: fs::File,
    path: PathBuf,
}

impl SessionLock {
    /// Takes the lock for the session at `session_path`, or says which
    /// process holds it.
    pub fn acquire(session_path: &Path) -> Result<SessionLock, SessionError> {
        use std::io::{Read, Seek, Write};
        let path = PathBuf::from({
            let mut s = session_path.as_os_str().to_owned();
            s.push(".lock");
            s
        });
        let io = |source| SessionError::Io {
            path: path.clone(),
            source,
        };
        loop {
            let mut file = fs::OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)
                .map_err(io)?;
            match file.try_lock() {
                Ok(()) => {}
                Err(fs::TryLockError::WouldBlock) => {
                    let mut holder = String::new();
                    let _ = file.read_to_string(&mut holder);
                    let holder = holder.trim();
                    let by = if holder.chars().all(|c| c.is_ascii_digit()) && !holder.is_empty() {
                        format!(" (process {holder})")
                    } else {
                        String::new()
                    };
                    return Err(SessionError::Locked {
                        path: session_path.to_path_buf(),
                        by,
                    });
                }
                Err(fs::TryLockError::Error(e)) => return Err(io(e)),
            }
            // The holder before us may have removed the file after we opened
            // it: the lock counts only on the file that is at `path` now.
            use std::os::unix::fs::MetadataExt;
            let ours = file.metadata().map_err(io)?;
            match fs::metadata(&path) {
                Ok(now) if now.ino() == ours.ino() && now.dev() == ours.dev() => {}
                _ => continue,
            }
            file.set_len(0).map_err(io)?;
            file.rewind().map_err(io)?;
            write!(file, "{}", std::process::id()).map_err(io)?;
            return Ok(SessionLock { file, path });
        }
    }
}

impl Drop for SessionLock {
    fn drop(&mut self) {
        // Removed while still locked, so no one can lock a file that is gone.
        let _ = fs::remove_file(&self.path);
        let _ = self.file.unlock();
    }
}

/// One line of the session list.
#[derive(Clone, Debug, PartialEq)]
pub struct SessionSummary {
    pub path: PathBuf,
    pub title: String,
    pub turns: usize,
    pub updated: u64,
}

/// Saved sessions in `dir`, most recent first. Files that do not load are
/// listed as errors (and never overwritten by anyone) instead of hiding the rest.
pub fn list_sessions(dir: &Path) -> (Vec<SessionSummary>, Vec<SessionError>) {
    let mut ok = Vec::new();
    let mut bad = Vec::new();
    let Ok(entries) = fs::read_dir(dir) else {
        return (ok, bad);
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().and_then(|e| e.to_str()) != Some("json") {
            continue;
        }
        match Session::load(&path) {
            Ok(s) => ok.push(SessionSummary {
                path,
                title: s.title,
                // Turns as the story reads (the branch played), not every
                // alternative tried: the count `review` gives.
                turns: s.tree.branch().len(),
                updated: s.updated,
            }),
            Err(e) => bad.push(e),
        }
    }
    ok.sort_by(|a, b| b.updated.cmp(&a.updated).then(a.path.cmp(&b.path)));
    (ok, bad)
}

/// Where sessions are saved (see [`crate::paths::sessions_dir`]).
pub fn sessions_dir() -> PathBuf {
    crate::paths::sessions_dir()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lm::LstmState;

    fn branched() -> Session {
        let mut s = Session::new("fantasy", "The dragon sleeps.", ModelStamp::default());
        let p = s.tree.push(0, Role::Player, "sneak past").unwrap();
        let n = s.tree.push(p, Role::Narration, "You tiptoe by.").unwrap();
        let mut st = LstmState::zeros(2, 3);
        st.h[4] = 0.25;
        st.c[5] = -1.5;
        s.tree.node_mut(n).unwrap().state = Some(st);
        s.tree
            .push(p, Role::Narration, "The dragon wakes!")
            .unwrap();
        s
    }

    #[test]
    fn save_load_round_trip_of_a_branched_tree() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.json");
        let mut s = branched();
        s.save(&path).unwrap();
        let back = Session::load(&path).unwrap();
        assert_eq!(back, s);
        assert_eq!(
            back.tree.node(2).unwrap().state.as_ref().unwrap().c[5],
            -1.5
        );
    }

    #[test]
    fn bad_files_are_clear_errors() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bad.json");
        for (content, needle) in [
            ("", "empty"),
            (
                "{\"format\": \"fabula-session\", \"version\": 1, ",
                "line 1",
            ),
            ("{\"format\": \"other\"}", "fabula-session"),
            (
                "{\"format\": \"fabula-session\", \"version\": 7}",
                "version 7",
            ),
            ("[1,2,3]", "line 1"),
        ] {
            fs::write(&path, content).unwrap();
            let err = Session::load(&path).unwrap_err().to_string();
            assert!(
                err.contains("bad.json") && err.contains(needle),
                "{content:?}: {err}"
            );
        }
        let s = branched();
        let mut json: serde_json::Value = serde_json::from_slice(&s.to_json()).unwrap();
        json["tree"]["nodes"][2]["parent"] = serde_json::json!(2);
        fs::write(&path, json.to_string()).unwrap();
        let err = Session::load(&path).unwrap_err().to_string();
        assert!(
            err.contains("bad.json") && err.contains("turn 1 lists child 2"),
            "{err}"
        );
    }

    #[test]
    fn ids_are_plain_names_and_nothing_else() {
        for good in [
            "1700000000-12345",
            "a",
            "my_story.v2",
            &"x".repeat(MAX_ID_LEN),
        ] {
            assert_eq!(check_id(good), Ok(()), "{good}");
        }
        for bad in [
            "",
            ".",
            "..",
            ".hidden",
            "../../../../tmp/x",
            "/abs/x",
            "a/b",
            "a\\b",
            "a..b",
            "nul\0",
            "with space",
            "\u{1b}]0;owned\u{7}",
            "é",
            &"x".repeat(MAX_ID_LEN + 1),
        ] {
            let err = check_id(bad).unwrap_err().to_string();
            assert!(err.contains("not a session id"), "{bad:?}: {err}");
            assert!(!err.contains('\u{1b}'), "{err}");
        }
        assert_eq!(
            check_id(&Session::new("", "", ModelStamp::default()).id),
            Ok(())
        );
    }

    #[test]
    fn resume_takes_an_id_or_an_existing_path() {
        let dir = tempfile::tempdir().unwrap();
        let sessions = dir.path().join("sessions");
        assert_eq!(
            resume_path(&sessions, "1700000000-12345").unwrap(),
            sessions.join("1700000000-12345.json")
        );
        for bad in [
            "..",
            "../../outside/victim",
            "/no/such/file.json",
            "./missing",
        ] {
            let err = resume_path(&sessions, bad).unwrap_err().to_string();
            assert!(
                err.contains(bad) || err.contains("not a session id"),
                "{bad}: {err}"
            );
        }
        let err = resume_path(&sessions, "../../outside/victim").unwrap_err();
        assert!(matches!(err, ResumeError::Missing { .. }), "{err}");
        assert!(err.to_string().contains("must exist"), "{err}");
        let file = dir.path().join("elsewhere.json");
        fs::write(&file, "{}").unwrap();
        let given = file.to_str().unwrap();
        assert_eq!(resume_path(&sessions, given).unwrap(), file);
    }

    #[test]
    fn a_session_whose_id_is_a_path_is_refused_on_load() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("evil.json");
        for id in ["../../../../tmp/x", "/abs/x", "", "a\u{1b}[2J"] {
            let mut json: serde_json::Value =
                serde_json::from_slice(&branched().to_json()).unwrap();
            json["id"] = serde_json::json!(id);
            fs::write(&path, json.to_string()).unwrap();
            let err = Session::load(&path).unwrap_err().to_string();
            assert!(
                err.contains("evil.json")
                    && err.contains("\"id\"")
                    && err.contains("not a session id"),
                "{id:?}: {err}"
            );
            assert!(!err.contains('\u{1b}'), "{err}");
        }
    }

    #[test]
    fn export_writes_the_current_branch() {
        let s = branched();
        assert_eq!(
            s.export_text(),
            "The dragon sleeps.\n\n> sneak past\n\nThe dragon wakes!\n\n"
        );
        assert!(s.export_markdown().starts_with("# The dragon sleeps."));
    }

    #[test]
    fn list_counts_the_turns_of_the_story_and_reports_bad_files() {
        let dir = tempfile::tempdir().unwrap();
        branched().save(&dir.path().join("good.json")).unwrap();
        fs::write(dir.path().join("broken.json"), "{").unwrap();
        let (ok, bad) = list_sessions(dir.path());
        assert_eq!(ok.len(), 1);
        // Four turns were written, one an alternative: the story has three.
        assert_eq!(ok[0].turns, 3);
        assert_eq!(bad.len(), 1);
    }

    #[test]
    fn a_second_player_of_the_same_session_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.json");
        branched().save(&path).unwrap();
        let first = SessionLock::acquire(&path).unwrap();
        let err = SessionLock::acquire(&path).unwrap_err().to_string();
        assert!(
            err.contains("s.json")
                && err.contains("open in another fabula")
                && err.contains(&format!("process {}", std::process::id())),
            "{err}"
        );
        // Another session is not affected.
        let other = SessionLock::acquire(&dir.path().join("t.json")).unwrap();
        drop(first);
        assert!(!dir.path().join("s.json.lock").exists());
        let again = SessionLock::acquire(&path).unwrap();
        drop((again, other));
        // Only the session files are left.
        let mut names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        assert_eq!(names, ["s.json"]);
    }
}
