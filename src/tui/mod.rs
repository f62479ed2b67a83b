//! The terminal user interface: one shell ([`shell`]) runs the story, the
//! read-only review and the lyrics editor as modes, each with its state,
//! its `update` and its rendering; one key table ([`keys`]) serves them all.

pub mod action;
pub mod app;
pub mod frame_bench;
pub mod keys;
pub mod lyrics;
pub mod prewrite;
pub mod render;
pub mod shell;
pub mod wrap;

use std::path::PathBuf;
use std::sync::Arc;

use crate::config::Config;
use crate::engine::Models;
use crate::lm::InferenceModel;
use crate::story::session::ModelStamp;
use crate::story::Session;
use action::Action;
use app::App;

pub use shell::{require_terminal, termination_flag};

pub fn model_stamp(m: &InferenceModel) -> ModelStamp {
    ModelStamp {
        name: m.card.name.clone(),
        layers: m.card.hyper.layers,
        hidden: m.card.hyper.hidden_size,
        vocab_size: m.card.hyper.vocab_size,
        steps: m.card.training.steps,
    }
}

/// How a story screen starts.
pub enum Start {
    New,
    Resume(Session, PathBuf),
    /// Read-only review of a session or transcript.
    Review(Session),
}

/// Runs the story (or, without a model, the read-only review) in the
/// shell until the player quits.
/// With `history`, the player's play history orders openings and choices
/// and what is played is added to it.
pub fn run(
    config: Config,
    story: Option<InferenceModel>,
    start: Start,
    history: bool,
) -> anyhow::Result<()> {
    let stamp = story.as_ref().map(model_stamp).unwrap_or_default();
    let label = story.as_ref().map_or_else(
        || "no model".to_string(),
        |s| {
            format!(
                "{} {}x{}",
                s.card.name, s.card.hyper.layers, s.card.hyper.hidden_size
            )
        },
    );
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(1, |d| d.as_nanos() as u64);
    let mut app = App::new(config, label, stamp, seed);
    // What this player picks orders the openings and choices; a review learns nothing.
    if history && !matches!(start, Start::Review(_)) {
        app.use_history(crate::history::Store::in_data_dir());
    }
    if let Some(model) = story.as_ref() {
        app.model_id = crate::story::provenance::ModelId::of(model);
    }
    match start {
        Start::New => {}
        Start::Resume(session, path) => app.update(Action::Resume(Box::new(session), path)),
        Start::Review(session) => app.update(Action::OpenReadOnly(Box::new(session))),
    }
    app.saver = Some(crate::story::saver::Saver::spawn());
    let models = story.map(|s| Models::story(Arc::new(s)));
    shell::run(&mut app, models)
}

/// What is said when the story screen closes: where the story was saved,
/// or, when the last autosave failed, an error saying that it was not
/// saved and where the last good copy is (so the exit status is non-zero).
pub fn exit_report(
    session_path: Option<&std::path::Path>,
    read_only: bool,
    last_save_error: Option<String>,
) -> anyhow::Result<Option<String>> {
    let Some(path) = session_path.filter(|_| !read_only) else {
        return Ok(None);
    };
    let Some(error) = last_save_error else {
        return Ok(Some(format!(
            "Story saved to {} (continue with `fabula --resume`).",
            path.display()
        )));
    };
    let bak = crate::fsutil::backup_path(path);
    let good = if Session::load(path).is_ok() {
        format!("the last good copy is {}", path.display())
    } else if Session::load(&bak).is_ok() {
        format!("the last good copy is {}", bak.display())
    } else {
        "no earlier copy of it is on disk".to_string()
    };
    anyhow::bail!("the story was NOT saved (the last autosave failed: {error}); {good}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_false_story_saved_when_the_last_autosave_failed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.json");
        let said = exit_report(Some(&path), false, None).unwrap().unwrap();
        assert!(said.starts_with("Story saved to"), "{said}");
        assert_eq!(exit_report(Some(&path), true, None).unwrap(), None);
        assert_eq!(exit_report(None, false, None).unwrap(), None);

        let failed = || Some("disk full".to_string());
        let err = exit_report(Some(&path), false, failed())
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("NOT saved")
                && err.contains("disk full")
                && err.contains("no earlier copy"),
            "{err}"
        );
        let mut s = Session::new("g", "Once.", ModelStamp::default());
        s.save(&path).unwrap();
        let err = exit_report(Some(&path), false, failed())
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("NOT saved")
                && err.contains(&format!("last good copy is {}", path.display())),
            "{err}"
        );
        s.save(&path).unwrap();
        std::fs::write(&path, "{").unwrap();
        let err = exit_report(Some(&path), false, failed())
            .unwrap_err()
            .to_string();
        assert!(err.contains("s.json.bak"), "{err}");
    }
}
