//! Crash-safe file writing: a file is either the old version or the new
//! one, never half of one, and the previous good version is kept.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

/// Where the previous good version of `path` is kept.
pub fn backup_path(path: &Path) -> PathBuf {
    with_suffix(path, ".bak")
}

/// Write to `path.tmp`, fsync, rename over `path`, fsync the folder.
pub fn write_atomic(path: &Path, data: &[u8]) -> std::io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        fs::create_dir_all(dir)?;
    }
    let tmp = with_suffix(path, ".tmp");
    {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(data)?;
        f.sync_all()?;
    }
    fs::rename(&tmp, path)?;
    sync_parent(path);
    Ok(())
}

/// Like [`write_atomic`], first keeping the current file as `path.bak`
/// (a hard link, so the old version stays whole whatever happens next).
pub fn write_atomic_with_backup(path: &Path, data: &[u8]) -> std::io::Result<()> {
    if path.exists() {
        let bak = backup_path(path);
        let bak_tmp = with_suffix(path, ".bak.tmp");
        let _ = fs::remove_file(&bak_tmp);
        if fs::hard_link(path, &bak_tmp).is_err() {
            // File systems without hard links get a copy instead.
            fs::copy(path, &bak_tmp)?;
        }
        fs::rename(&bak_tmp, &bak)?;
    }
    write_atomic(path, data)
}

fn sync_parent(path: &Path) {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        // Persists the rename itself; a folder that cannot be opened is not fatal.
        if let Ok(d) = fs::File::open(dir) {
            let _ = d.sync_all();
        }
    }
}

/// Reads a UTF-8 text file that must be a regular file of at most `limit`
/// bytes, checked before reading (a FIFO or `/dev/zero` is refused at once).
pub fn read_text_file(path: &Path, limit: u64) -> std::io::Result<String> {
    use std::io::{Error, ErrorKind};
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        return Err(Error::new(ErrorKind::InvalidInput, "not a regular file"));
    }
    if meta.len() > limit {
        return Err(Error::new(
            ErrorKind::InvalidData,
            format!("{} bytes, more than the {limit} allowed", meta.len()),
        ));
    }
    let bytes = std::fs::read(path)?;
    String::from_utf8(bytes).map_err(|e| {
        Error::new(
            ErrorKind::InvalidData,
            format!("not UTF-8 (byte {})", e.utf8_error().valid_up_to()),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backup_keeps_the_previous_version() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("s.json");
        write_atomic_with_backup(&p, b"one").unwrap();
        assert!(!backup_path(&p).exists());
        write_atomic_with_backup(&p, b"two").unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"two");
        assert_eq!(fs::read(backup_path(&p)).unwrap(), b"one");
        assert!(!with_suffix(&p, ".tmp").exists());
    }
}
