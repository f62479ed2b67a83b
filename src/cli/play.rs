//! `fabula` with no command: the story TUI (new story, or `--resume`).

use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::config::Config;
use crate::lm::InferenceModel;
use crate::story::session::{list_sessions, sessions_dir};
use crate::story::Session;
use crate::tui::{self, Start};

/// Loads the story model (the story needs no other).
pub fn load_story_model(
    config: &Config,
    story_override: Option<&str>,
) -> anyhow::Result<InferenceModel> {
    let name = story_override.unwrap_or(&config.models.story);
    let path = crate::paths::resolve_model(name)?;
    InferenceModel::load(&path).with_context(|| format!("loading the story model {name:?}"))
}

/// Finds the session `--resume` names: a path, an id, or (no value) the most recent.
pub fn find_session(which: &str) -> anyhow::Result<(Session, PathBuf)> {
    let dir = sessions_dir();
    let path = if which.is_empty() {
        let (sessions, _) = list_sessions(&dir);
        sessions
            .first()
            .map(|s| s.path.clone())
            .with_context(|| format!("no saved stories in {}", dir.display()))?
    } else {
        crate::story::session::resume_path(&dir, which)?
    };
    let session = match Session::load(&path) {
        Ok(s) => s,
        Err(e) => {
            // The last good save is kept beside a damaged one; offer it, never overwrite either.
            let bak = crate::fsutil::backup_path(&path);
            match Session::load(&bak) {
                Ok(_) => anyhow::bail!("{e}\nthe previous good save is at {} (copy it over the damaged file to continue from it)", bak.display()),
                Err(_) => return Err(e.into()),
            }
        }
    };
    Ok((session, path))
}

pub fn print_sessions(config_path: Option<&Path>) -> anyhow::Result<()> {
    use crate::text_safety::printable_line;
    // A --config given is read and checked here as by every command.
    Config::load(config_path)?;
    let dir = sessions_dir();
    // A folder that is there but cannot be read is an error, not "no stories".
    match std::fs::metadata(&dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => anyhow::bail!("{}: {e}", dir.display()),
        Ok(m) if !m.is_dir() => anyhow::bail!(
            "{}: not a folder, so no story can be listed or saved there",
            dir.display()
        ),
        Ok(_) => {
            std::fs::read_dir(&dir).with_context(|| format!("{}", dir.display()))?;
        }
    }
    let (sessions, bad) = list_sessions(&dir);
    let mut out = String::new();
    if sessions.is_empty() && bad.is_empty() {
        out.push_str(&format!(
            "No saved stories in {}.\n",
            printable_line(&dir.display().to_string())
        ));
    }
    for s in &sessions {
        let id = s
            .path
            .file_stem()
            .map(|x| x.to_string_lossy().into_owned())
            .unwrap_or_default();
        out.push_str(&format!(
            "{}\t{} turns\t{}\n",
            printable_line(&id),
            s.turns,
            printable_line(&s.title)
        ));
    }
    super::print_stdout(&out)?;
    for e in &bad {
        eprintln!("skipped: {}", printable_line(&e.to_string()));
    }
    Ok(())
}

pub fn run(
    config_path: Option<&Path>,
    model: Option<&str>,
    resume: Option<&str>,
    history: bool,
) -> anyhow::Result<()> {
    let (config, _) = Config::load(config_path)?;
    // A --resume value that names no story is said first, terminal or not.
    let resume_path = match resume {
        Some(which) => Some(find_session(which)?.1),
        None => None,
    };
    tui::require_terminal()?;
    // Held until the story screen closes: a second fabula on this story is refused.
    let mut _lock = None;
    let start = match resume_path {
        Some(path) => {
            _lock = Some(crate::story::session::SessionLock::acquire(&path)?);
            // Read again under the lock: what a fabula that just quit saved last.
            Start::Resume(Session::load(&path)?, path)
        }
        None => Start::New,
    };
    let story = load_story_model(&config, model)?;
    tui::run(config, Some(story), start, history)
}
