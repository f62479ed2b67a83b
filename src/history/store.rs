//! The play history on disk: `history.jsonl` in the data folder, one event
//! per line, appended as the player plays. A last line torn by a crash is
//! skipped; a damaged line elsewhere is skipped and named; the file is
//! kept under [`MAX_BYTES`] by dropping its oldest half when it passes it.

use std::fs;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use super::Event;

/// The history is cut back to half this when an append passes it (about
/// 10,000 turns).
pub const MAX_BYTES: u64 = 2 << 20;
/// A file larger than this is not read (it was not written by fabula).
pub const READ_LIMIT: u64 = 4 * MAX_BYTES;

#[derive(Debug, thiserror::Error)]
#[error("{path}: {source}")]
pub struct StoreError {
    pub path: String,
    pub source: std::io::Error,
}

/// What a history file held.
#[derive(Debug, Default)]
pub struct Loaded {
    pub events: Vec<Event>,
    /// Lines that were not events, as `line N: why`.
    pub skipped: Vec<String>,
    /// The last line was cut short (a write stopped by a crash).
    pub torn_tail: bool,
    pub bytes: u64,
}

#[derive(Clone, Debug)]
pub struct Store {
    pub path: PathBuf,
}

impl Store {
    pub fn at(path: impl Into<PathBuf>) -> Store {
        Store { path: path.into() }
    }

    /// The player's history in the data folder (`FABULA_DATA` or the
    /// platform's).
    pub fn in_data_dir() -> Store {
        Store::at(crate::paths::history_file())
    }

    fn error(&self, source: std::io::Error) -> StoreError {
        StoreError {
            path: self.path.display().to_string(),
            source,
        }
    }

    /// Reads every event; no file is an empty history.
    pub fn load(&self) -> Result<Loaded, StoreError> {
        let text = match crate::fsutil::read_file(&self.path, READ_LIMIT) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Loaded::default()),
            Err(e) => return Err(self.error(e)),
            Ok(bytes) => bytes,
        };
        Ok(parse(&text))
    }

    /// Appends events, each on its own line, then cuts the file back when
    /// it has grown past [`MAX_BYTES`].
    pub fn append(&self, events: &[Event]) -> Result<(), StoreError> {
        if events.is_empty() {
            return Ok(());
        }
        if let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty()) {
            fs::create_dir_all(dir).map_err(|e| self.error(e))?;
        }
        let mut lines = String::new();
        for e in events {
            // An event is plain data: serialising it cannot fail.
            lines.push_str(&serde_json::to_string(e).unwrap_or_default());
            lines.push('\n');
        }
        let len = self.write_lines(&lines).map_err(|e| self.error(e))?;
        if len > MAX_BYTES {
            self.compact().map_err(|e| self.error(e))?;
        }
        Ok(())
    }

    fn write_lines(&self, lines: &str) -> std::io::Result<u64> {
        if let Ok(meta) = fs::metadata(&self.path) {
            if !meta.is_file() {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidInput,
                    "not a regular file",
                ));
            }
        }
        let mut options = fs::OpenOptions::new();
        options.read(true).append(true).create(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&self.path)?;
        let len = file.metadata()?.len();
        // After a torn last line the new event starts a line of its own.
        let mut last = [b'\n'];
        if len > 0 {
            file.seek(SeekFrom::Start(len - 1))?;
            file.read_exact(&mut last)?;
        }
        if last[0] != b'\n' {
            file.write_all(b"\n")?;
        }
        file.write_all(lines.as_bytes())?;
        Ok(file.metadata()?.len())
    }

    /// Keeps the newest events that fill half of [`MAX_BYTES`].
    fn compact(&self) -> std::io::Result<()> {
        let loaded = self.load().map_err(|e| e.source)?;
        let mut kept: Vec<String> = Vec::new();
        let mut size = 0u64;
        for e in loaded.events.iter().rev() {
            let line = serde_json::to_string(e).unwrap_or_default();
            size += line.len() as u64 + 1;
            if size > MAX_BYTES / 2 {
                break;
            }
            kept.push(line);
        }
        kept.reverse();
        let mut text = kept.join("\n");
        text.push('\n');
        crate::fsutil::write_atomic(&self.path, text.as_bytes())
    }

    /// Deletes the history; returns what it held, or `None` when there
    /// was none.
    pub fn forget(&self) -> Result<Option<Loaded>, StoreError> {
        let loaded = match fs::metadata(&self.path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(self.error(e)),
            // A file too damaged to read is deleted all the same.
            Ok(meta) if meta.is_file() => self.load().unwrap_or(Loaded {
                bytes: meta.len(),
                ..Loaded::default()
            }),
            Ok(_) => {
                return Err(self.error(std::io::Error::new(
                    std::io::ErrorKind::InvalidInput,
                    "not a regular file; nothing was deleted",
                )))
            }
        };
        fs::remove_file(&self.path).map_err(|e| self.error(e))?;
        Ok(Some(loaded))
    }
}

/// Parses a history file's bytes: bad lines are skipped and named, a torn
/// last line is skipped quietly.
pub fn parse(bytes: &[u8]) -> Loaded {
    let mut loaded = Loaded {
        bytes: bytes.len() as u64,
        ..Loaded::default()
    };
    let ends_clean = bytes.last().is_none_or(|&b| b == b'\n');
    let lines: Vec<&[u8]> = bytes.split(|&b| b == b'\n').collect();
    let count = lines.len();
    for (i, line) in lines.into_iter().enumerate() {
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        match serde_json::from_slice::<Event>(line) {
            Ok(e) => loaded.events.push(e),
            Err(_) if i + 1 == count && !ends_clean => loaded.torn_tail = true,
            Err(e) => loaded.skipped.push(format!("line {}: {e}", i + 1)),
        }
    }
    loaded
}

/// Where [`Store::in_data_dir`] keeps the file, for messages.
pub fn describe(path: &Path) -> String {
    crate::text_safety::printable_line(&path.display().to_string()).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn started(story: &str) -> Event {
        Event::Started {
            at: 1,
            story: story.into(),
            opening: "horror".into(),
        }
    }

    #[test]
    fn events_append_and_read_back_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::at(dir.path().join("data/history.jsonl"));
        assert!(store.load().unwrap().events.is_empty());
        store.append(&[started("a")]).unwrap();
        store.append(&[started("b"), started("c")]).unwrap();
        let loaded = store.load().unwrap();
        let stories: Vec<&str> = loaded.events.iter().map(Event::story).collect();
        assert_eq!(stories, ["a", "b", "c"]);
        assert!(loaded.skipped.is_empty() && !loaded.torn_tail);
    }

    #[test]
    fn a_torn_last_line_is_skipped_and_the_next_event_starts_a_new_line() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::at(dir.path().join("history.jsonl"));
        store.append(&[started("a")]).unwrap();
        let mut f = fs::OpenOptions::new()
            .append(true)
            .open(&store.path)
            .unwrap();
        f.write_all(br#"{"event":"started","at":2,"sto"#).unwrap();
        let loaded = store.load().unwrap();
        assert_eq!(loaded.events.len(), 1);
        assert!(loaded.torn_tail && loaded.skipped.is_empty());
        store.append(&[started("b")]).unwrap();
        let loaded = store.load().unwrap();
        let stories: Vec<&str> = loaded.events.iter().map(Event::story).collect();
        assert_eq!(stories, ["a", "b"]);
        // The torn line is now inside the file: named, not fatal.
        assert_eq!(loaded.skipped.len(), 1, "{:?}", loaded.skipped);
        assert!(
            loaded.skipped[0].starts_with("line 2:"),
            "{:?}",
            loaded.skipped
        );
    }

    #[test]
    fn the_file_is_cut_back_to_its_newest_events_past_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::at(dir.path().join("history.jsonl"));
        let batch: Vec<Event> = (0..2000).map(|i| started(&format!("s{i}"))).collect();
        for _ in 0..40 {
            store.append(&batch).unwrap();
        }
        let len = fs::metadata(&store.path).unwrap().len();
        assert!(len <= MAX_BYTES, "{len}");
        store.append(&[started("newest")]).unwrap();
        let loaded = store.load().unwrap();
        assert_eq!(loaded.events.last().unwrap().story(), "newest");
        assert!(loaded.events.len() > 1000);
    }

    #[test]
    fn forget_deletes_the_file_and_says_what_it_held() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::at(dir.path().join("history.jsonl"));
        assert!(store.forget().unwrap().is_none());
        store.append(&[started("a"), started("b")]).unwrap();
        let gone = store.forget().unwrap().unwrap();
        assert_eq!(gone.events.len(), 2);
        assert!(!store.path.exists());
        fs::create_dir(&store.path).unwrap();
        let err = store.forget().unwrap_err().to_string();
        assert!(err.contains("history.jsonl") && err.contains("not a regular file"));
        assert!(store.append(&[started("c")]).is_err());
    }
}
