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

/// A temporary name beside `path` that no other writer uses: the process
/// id and a counter, ending in `.tmp` (what [`remove_stale_temps`] removes).
fn unique_temp(path: &Path) -> PathBuf {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    with_suffix(path, &format!(".{}-{n}.tmp", std::process::id()))
}

/// Write to a temporary file of this writer's own, fsync, rename over
/// `path`, fsync the folder. On failure the temporary file is removed.
pub fn write_atomic(path: &Path, data: &[u8]) -> std::io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        fs::create_dir_all(dir)?;
    }
    let tmp = unique_temp(path);
    let written = (|| {
        let mut f = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        f.write_all(data)?;
        f.sync_all()?;
        drop(f);
        fs::rename(&tmp, path)
    })();
    if let Err(e) = written {
        let _ = fs::remove_file(&tmp);
        return Err(e);
    }
    sync_parent(path);
    Ok(())
}

/// Removes the `.tmp` files in `dir` left by writers that died mid-write
/// (older than `age`, so a write in progress elsewhere is never touched).
/// Returns how many were removed.
pub fn remove_stale_temps(dir: &Path, age: std::time::Duration) -> usize {
    let Ok(entries) = fs::read_dir(dir) else {
        return 0;
    };
    let now = std::time::SystemTime::now();
    let mut removed = 0;
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().and_then(|e| e.to_str()) != Some("tmp") {
            continue;
        }
        let Ok(meta) = entry.metadata() else {
            continue;
        };
        let old = meta
            .modified()
            .ok()
            .and_then(|m| now.duration_since(m).ok())
            .is_some_and(|d| d >= age);
        if meta.is_file() && old && fs::remove_file(&path).is_ok() {
            removed += 1;
        }
    }
    removed
}

/// Like [`write_atomic`], first keeping the current file as `path.bak`
/// (a hard link, so the old version stays whole whatever happens next).
pub fn write_atomic_with_backup(path: &Path, data: &[u8]) -> std::io::Result<()> {
    if path.exists() {
        let bak = backup_path(path);
        let bak_tmp = unique_temp(&bak);
        let linked = fs::hard_link(path, &bak_tmp)
            // File systems without hard links get a copy instead.
            .or_else(|_| fs::copy(path, &bak_tmp).map(|_| ()))
            .and_then(|()| fs::rename(&bak_tmp, &bak));
        if let Err(e) = linked {
            let _ = fs::remove_file(&bak_tmp);
            return Err(e);
        }
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

/// What kind of thing `meta` describes, for "not a regular file" errors.
fn file_kind(meta: &fs::Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let t = meta.file_type();
    if t.is_dir() {
        "a directory"
    } else if t.is_fifo() {
        "a FIFO"
    } else if t.is_char_device() {
        "a character device"
    } else if t.is_block_device() {
        "a block device"
    } else if t.is_socket() {
        "a socket"
    } else {
        "not a regular file"
    }
}

fn check_regular(meta: &fs::Metadata, limit: u64) -> std::io::Result<u64> {
    use std::io::{Error, ErrorKind};
    if !meta.is_file() {
        return Err(Error::new(
            ErrorKind::InvalidInput,
            format!("not a regular file ({})", file_kind(meta)),
        ));
    }
    if meta.len() > limit {
        return Err(Error::new(
            ErrorKind::InvalidData,
            format!("{} bytes, more than the {limit} allowed", meta.len()),
        ));
    }
    Ok(meta.len())
}

/// Opens `path` for reading when it is a regular file of at most `limit`
/// bytes, checked before opening (so a FIFO never blocks, `/dev/zero` is
/// never read) and again on the open file. Returns the file and its length.
pub fn open_regular(path: &Path, limit: u64) -> std::io::Result<(fs::File, u64)> {
    check_regular(&fs::metadata(path)?, limit)?;
    let file = fs::File::open(path)?;
    let len = check_regular(&file.metadata()?, limit)?;
    Ok((file, len))
}

/// Reads a file that must be a regular file of at most `limit` bytes,
/// checked before reading; a file that grows past `limit` while it is read
/// is refused too.
pub fn read_file(path: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let (file, len) = open_regular(path, limit)?;
    let mut bytes = Vec::with_capacity(len as usize);
    file.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("more than the {limit} bytes allowed"),
        ));
    }
    Ok(bytes)
}

/// Reads a UTF-8 text file that must be a regular file of at most `limit`
/// bytes, checked before reading (a FIFO or `/dev/zero` is refused at once).
pub fn read_text_file(path: &Path, limit: u64) -> std::io::Result<String> {
    use std::io::{Error, ErrorKind};
    let bytes = read_file(path, limit)?;
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
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            2,
            "no temporary files left"
        );
    }

    #[test]
    fn a_failed_write_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        // A non-empty folder where the file should be: the rename fails.
        let p = dir.path().join("s.json");
        fs::create_dir(&p).unwrap();
        fs::write(p.join("inside"), "x").unwrap();
        assert!(write_atomic(&p, b"data").is_err());
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("s.json")]);
    }

    #[test]
    fn temporary_names_are_unique_per_writer() {
        let p = Path::new("/d/s.json");
        let (a, b) = (unique_temp(p), unique_temp(p));
        assert_ne!(a, b);
        assert!(a.to_str().unwrap().ends_with(".tmp"), "{a:?}");
        assert!(a
            .to_str()
            .unwrap()
            .contains(&std::process::id().to_string()));
    }

    #[test]
    fn stale_temporary_files_are_removed_and_fresh_ones_kept() {
        let dir = tempfile::tempdir().unwrap();
        let stale = dir.path().join("s.json.123-0.tmp");
        let fresh = dir.path().join("t.json.456-0.tmp");
        let keep = dir.path().join("s.json");
        for p in [&stale, &fresh, &keep] {
            fs::write(p, "x").unwrap();
        }
        let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
        for p in [&stale, &keep] {
            fs::File::options()
                .write(true)
                .open(p)
                .unwrap()
                .set_modified(hour_ago)
                .unwrap();
        }
        let removed = remove_stale_temps(dir.path(), std::time::Duration::from_secs(600));
        assert_eq!(removed, 1);
        assert!(!stale.exists() && fresh.exists() && keep.exists());
    }

    #[test]
    fn only_regular_files_within_the_limit_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.txt");
        fs::write(&p, "hello").unwrap();
        assert_eq!(read_file(&p, 5).unwrap(), b"hello");
        assert_eq!(read_text_file(&p, 5).unwrap(), "hello");
        let err = read_file(&p, 4).unwrap_err().to_string();
        assert!(
            err.contains("5 bytes") && err.contains("4 allowed"),
            "{err}"
        );
        let err = read_file(dir.path(), 1 << 20).unwrap_err().to_string();
        assert!(err.contains("directory"), "{err}");
        let err = read_file(Path::new("/dev/zero"), 1 << 20)
            .unwrap_err()
            .to_string();
        assert!(err.contains("character device"), "{err}");
        // A FIFO with no writer would block an open for reading forever.
        let fifo = dir.path().join("fifo");
        let status = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(status.success());
        let err = read_file(&fifo, 1 << 20).unwrap_err().to_string();
        assert!(err.contains("FIFO"), "{err}");
        // A sparse file is refused from its length, without reading it.
        let big = dir.path().join("big");
        fs::File::create(&big).unwrap().set_len(3 << 30).unwrap();
        let err = read_file(&big, 1 << 30).unwrap_err().to_string();
        assert!(err.contains("3221225472 bytes"), "{err}");
    }
}
