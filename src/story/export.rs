//! Writing a story's current branch out as Markdown and plain text.

use std::path::{Path, PathBuf};

use thiserror::Error;

use super::session::Session;

#[derive(Debug, Error)]
pub enum ExportError {
    /// The id would name something other than a file in the folder.
    #[error(transparent)]
    BadId(#[from] super::session::InvalidId),
    #[error("{}: {source}", .path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Writes `<id>.md` and `<id>.txt` into `dir`.
pub fn export(session: &Session, dir: &Path) -> Result<(), ExportError> {
    // File names come only from an id that names a file and nothing else
    // (loading checks it too), so an export stays in its folder.
    let write = |ext: &str, text: String| {
        let path = crate::paths::export_file(dir, &session.id, ext)?;
        crate::fsutil::write_atomic(&path, text.as_bytes())
            .map_err(|source| ExportError::Write { path, source })
    };
    write("md", session.export_markdown())?;
    write("txt", session.export_text())
}
