//! The song file: a song with a format header, saved atomically beside a
//! backup of the last good copy, and the names the editor gives new songs.

use std::path::{Path, PathBuf};

use thiserror::Error;

use super::song::{Song, SongError};

const FORMAT: &str = "fabula-song";
const VERSION: u32 = 1;
/// Larger files are refused before they are read: no song is this long.
const MAX_SONG_BYTES: u64 = 16 << 20;

#[derive(serde::Serialize, serde::Deserialize)]
struct SongFile {
    format: String,
    version: u32,
    song: Song,
}

/// Why a song could not be read or written; every message names the file.
#[derive(Debug, Error)]
pub enum SongFileError {
    #[error("{}: {source}", .path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: not a fabula song: line {line} column {column}: {message}", .path.display())]
    Parse {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{}: not a fabula song (format {format:?} version {version})", .path.display())]
    Format {
        path: PathBuf,
        format: String,
        version: u32,
    },
    #[error("{}: {source}", .path.display())]
    Invalid { path: PathBuf, source: SongError },
    #[error("{}: the song could not be encoded: {source}", .path.display())]
    Encode {
        path: PathBuf,
        source: serde_json::Error,
    },
    #[error("{}: {source}", .path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

pub fn load_song(path: &Path) -> Result<Song, SongFileError> {
    let bytes =
        crate::fsutil::read_file(path, MAX_SONG_BYTES).map_err(|source| SongFileError::Read {
            path: path.to_path_buf(),
            source,
        })?;
    let file: SongFile = serde_json::from_slice(&bytes).map_err(|e| SongFileError::Parse {
        path: path.to_path_buf(),
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    })?;
    if file.format != FORMAT || file.version != VERSION {
        return Err(SongFileError::Format {
            path: path.to_path_buf(),
            format: file.format,
            version: file.version,
        });
    }
    file.song
        .validate()
        .map_err(|source| SongFileError::Invalid {
            path: path.to_path_buf(),
            source,
        })?;
    Ok(file.song)
}

/// Writes `song` to `path`; the copy that was there becomes the backup.
pub fn save_song(path: &Path, song: &Song) -> Result<(), SongFileError> {
    let file = SongFile {
        format: FORMAT.into(),
        version: VERSION,
        song: song.clone(),
    };
    let json = serde_json::to_vec_pretty(&file).map_err(|source| SongFileError::Encode {
        path: path.to_path_buf(),
        source,
    })?;
    crate::fsutil::write_atomic_with_backup(path, &json).map_err(|source| SongFileError::Write {
        path: path.to_path_buf(),
        source,
    })
}

/// Where a song the editor names is saved in `dir`: its title as a file
/// name (`moon-river.json`, then `moon-river-2.json`, ...), or the time
/// for an untitled song. `current` is the song's own file, never in the way.
pub fn song_path(dir: &Path, title: &str, current: Option<&Path>) -> PathBuf {
    let mut stem = String::new();
    for c in title.trim().chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            stem.push(c);
        } else if !stem.is_empty() && !stem.ends_with('-') {
            stem.push('-');
        }
    }
    let stem: String = stem.trim_end_matches('-').chars().take(60).collect();
    let stem = stem.trim_end_matches('-');
    if stem.is_empty() {
        return dir.join(format!("{}.json", crate::story::session::now_secs()));
    }
    (1..)
        .map(|n| match n {
            1 => dir.join(format!("{stem}.json")),
            n => dir.join(format!("{stem}-{n}.json")),
        })
        .find(|p| Some(p.as_path()) == current || !p.exists())
        .unwrap_or_else(|| dir.join(format!("{stem}.json")))
}

/// Gives a song's file (and its backup) a new name; the backup follows
/// when it can, as it is only a second copy.
pub fn rename_song(old: &Path, new: &Path) -> std::io::Result<()> {
    if old.exists() {
        std::fs::rename(old, new)?;
        let _ = std::fs::rename(
            crate::fsutil::backup_path(old),
            crate::fsutil::backup_path(new),
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_song_that_cannot_be_written_is_an_error_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        // A folder where the file should be: the write fails.
        let path = dir.path().join("taken.json");
        std::fs::create_dir(&path).unwrap();
        let err = save_song(&path, &Song::new("t")).unwrap_err();
        assert!(matches!(err, SongFileError::Write { .. }), "{err}");
        assert!(err.to_string().contains("taken.json"), "{err}");
    }

    #[test]
    fn another_format_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.json");
        save_song(&path, &Song::new("t")).unwrap();
        let other = std::fs::read_to_string(&path)
            .unwrap()
            .replace(FORMAT, "other");
        std::fs::write(&path, other).unwrap();
        let err = load_song(&path).unwrap_err();
        assert!(matches!(err, SongFileError::Format { .. }), "{err}");
    }
}
