//! Reading training and evaluation text: UTF-8 checked with the byte offset
//! of the first bad sequence, split into training and held-out parts.

use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum CorpusError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: not UTF-8 text: invalid byte sequence at byte {offset}")]
    NotUtf8 { path: PathBuf, offset: usize },
    #[error("{path}: file is empty")]
    Empty { path: PathBuf },
}

/// The largest text file read for training (it is held in memory whole).
pub const MAX_CORPUS_BYTES: u64 = 2 << 30;

/// One text file, read whole (training needs it in memory anyway).
pub struct CorpusFile {
    pub path: PathBuf,
    pub text: String,
}

impl CorpusFile {
    pub fn read(path: &Path) -> Result<CorpusFile, CorpusError> {
        let bytes =
            crate::fsutil::read_file(path, MAX_CORPUS_BYTES).map_err(|source| CorpusError::Io {
                path: path.to_path_buf(),
                source,
            })?;
        let text = String::from_utf8(bytes).map_err(|e| CorpusError::NotUtf8 {
            path: path.to_path_buf(),
            offset: e.utf8_error().valid_up_to(),
        })?;
        if text.trim().is_empty() {
            return Err(CorpusError::Empty {
                path: path.to_path_buf(),
            });
        }
        Ok(CorpusFile {
            path: path.to_path_buf(),
            text,
        })
    }

    /// Splits at a character boundary so that about `fraction` of the
    /// characters (the tail) are held out.
    pub fn split(&self, fraction: f64) -> (&str, &str) {
        let chars = self.text.chars().count();
        let held = ((chars as f64) * fraction.clamp(0.0, 1.0)).round() as usize;
        let cut = self
            .text
            .char_indices()
            .nth(chars - held.min(chars))
            .map_or(self.text.len(), |(i, _)| i);
        self.text.split_at(cut)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn not_utf8_names_the_byte() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bad.txt");
        fs::write(&path, b"hello \xff world").unwrap();
        let err = CorpusFile::read(&path).err().unwrap();
        let msg = err.to_string();
        assert!(msg.contains("bad.txt") && msg.contains("byte 6"), "{msg}");
    }

    #[test]
    fn empty_file_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("empty.txt");
        fs::write(&path, "  \n").unwrap();
        assert!(matches!(
            CorpusFile::read(&path),
            Err(CorpusError::Empty { .. })
        ));
    }

    #[test]
    fn split_keeps_char_boundaries() {
        let f = CorpusFile {
            path: PathBuf::from("x"),
            text: "物語物語物語物語物語".into(),
        };
        let (a, b) = f.split(0.2);
        assert_eq!(a.chars().count(), 8);
        assert_eq!(b, "物語");
    }
}
