//! Where fabula finds its shipped models and keeps its files.

use std::path::{Path, PathBuf};

use directories::ProjectDirs;

pub fn project_dirs() -> Option<ProjectDirs> {
    ProjectDirs::from("", "", "fabula")
}

/// Folders searched for the shipped models, in order: `$FABULA_MODELS`,
/// `models/` beside the executable's repository (`target/release/..`), and
/// `models/` in the working directory.
pub fn model_dirs() -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    if let Some(d) = std::env::var_os("FABULA_MODELS") {
        dirs.push(PathBuf::from(d));
    }
    if let Ok(exe) = std::env::current_exe() {
        for up in exe.ancestors().skip(1).take(4) {
            dirs.push(up.join("models"));
        }
    }
    dirs.push(PathBuf::from("models"));
    if let Some(p) = project_dirs() {
        dirs.push(p.data_dir().join("models"));
    }
    dirs
}

/// Why a model argument names no model.
#[derive(Debug, thiserror::Error)]
pub enum ModelLookupError {
    /// A bare name found in none of the model folders.
    #[error(
        "model {name:?} not found; looked in {} (set FABULA_MODELS or pass a path)",
        join_paths(.looked)
    )]
    NotFound { name: String, looked: Vec<PathBuf> },
    /// A path (it has a separator or a dot) with no model card beside it.
    #[error("{arg}: no model card ({}) found", .card.display())]
    NoCard { arg: String, card: PathBuf },
}

fn join_paths(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|d| d.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Resolves a model argument: a path to a model (stem or either file) is
/// used as given; a bare name (`story`, `lyrics`) is looked up in
/// [`model_dirs`]. Returns the stem path.
pub fn resolve_model(arg: &str) -> Result<PathBuf, ModelLookupError> {
    let given = Path::new(arg);
    let files = crate::lm::ModelFiles::new(given);
    if files.card.exists() || files.weights.exists() {
        return Ok(given.to_path_buf());
    }
    let is_name = !arg.contains(std::path::MAIN_SEPARATOR) && !arg.contains('.');
    if is_name {
        for dir in model_dirs() {
            let stem = dir.join(arg);
            if crate::lm::ModelFiles::new(&stem).card.exists() {
                return Ok(stem);
            }
        }
        return Err(ModelLookupError::NotFound {
            name: arg.to_string(),
            looked: model_dirs(),
        });
    }
    Err(ModelLookupError::NoCard {
        arg: arg.to_string(),
        card: files.card,
    })
}

/// The folder stories, songs and exports are kept in: `$FABULA_DATA` when
/// set (tests, portable installs), else the platform's data folder.
pub fn data_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("FABULA_DATA") {
        return PathBuf::from(d);
    }
    project_dirs()
        .map(|p| p.data_dir().to_path_buf())
        .unwrap_or_else(|| PathBuf::from(".fabula"))
}

pub fn sessions_dir() -> PathBuf {
    data_dir().join("sessions")
}

/// The player's play history (`fabula history`), which orders openings
/// and choices; it never leaves this folder.
pub fn history_file() -> PathBuf {
    data_dir().join("history.jsonl")
}

/// Where the lyrics editor saves the songs it names.
pub fn songs_dir() -> PathBuf {
    data_dir().join("songs")
}

/// A session's file in `sessions`. The id must name a file and nothing
/// else (no separators, no `..`), so a session read from disk or named on
/// the command line can never point outside its folder.
pub fn session_file(
    sessions: &Path,
    id: &str,
) -> Result<PathBuf, crate::story::session::InvalidId> {
    crate::story::session::check_id(id)?;
    Ok(sessions.join(format!("{id}.json")))
}

/// A story's export `<id>.<ext>` in `exports`, with the id checked as for
/// [`session_file`].
pub fn export_file(
    exports: &Path,
    id: &str,
    ext: &str,
) -> Result<PathBuf, crate::story::session::InvalidId> {
    crate::story::session::check_id(id)?;
    Ok(exports.join(format!("{id}.{ext}")))
}

/// Where a story's exports go: `exports` beside its sessions folder.
pub fn exports_dir(sessions: &Path) -> PathBuf {
    sessions
        .parent()
        .map_or_else(|| PathBuf::from("exports"), |d| d.join("exports"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_and_export_files_stay_in_their_folder() {
        let dir = Path::new("/data/sessions");
        assert_eq!(
            session_file(dir, "1700000000-12345").unwrap(),
            dir.join("1700000000-12345.json")
        );
        assert_eq!(
            export_file(dir, "1700000000-12345", "md").unwrap(),
            dir.join("1700000000-12345.md")
        );
        for bad in ["../x", "a/b", "", "..", "/etc/passwd", "a\\b"] {
            assert!(session_file(dir, bad).is_err(), "{bad:?}");
            assert!(export_file(dir, bad, "txt").is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_missing_model_is_an_error_naming_it_and_where_it_was_looked_for() {
        match resolve_model("no-such-model-anywhere") {
            Err(e @ ModelLookupError::NotFound { .. }) => {
                let said = e.to_string();
                assert!(said.contains("\"no-such-model-anywhere\""), "{said}");
                assert!(said.contains("FABULA_MODELS"), "{said}");
            }
            other => panic!("expected NotFound, got {other:?}"),
        }
        let err = resolve_model("./no/such/model.json").unwrap_err();
        assert!(
            matches!(&err, ModelLookupError::NoCard { arg, .. } if arg == "./no/such/model.json"),
            "{err:?}"
        );
        assert!(err.to_string().contains("no model card"), "{err}");
    }
}
