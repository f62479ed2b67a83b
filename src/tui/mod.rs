//! The terminal user interface: app state, key mapping, rendering, and the
//! event loop that joins the terminal, the engine and a frame tick.

pub mod action;
pub mod app;
pub mod lyrics;
pub mod openings;
pub mod render;
pub mod wrap;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use ratatui::crossterm::event::{
    self, DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
    Event as TermEvent,
};
use ratatui::crossterm::execute;
use tokio::sync::mpsc;

use crate::config::Config;
use crate::engine::{self, Models};
use crate::lm::InferenceModel;
use crate::story::session::ModelStamp;
use crate::story::Session;
use action::Action;
use app::App;

pub fn model_stamp(m: &InferenceModel) -> ModelStamp {
    ModelStamp {
        name: m.card.name.clone(),
        layers: m.card.hyper.layers,
        hidden: m.card.hyper.hidden_size,
        vocab_size: m.card.hyper.vocab_size,
        steps: m.card.training.steps,
    }
}

/// The terminal screens need a terminal on stdin and stdout; without one
/// (a service, a pipe, a file) this says what to use instead.
pub fn require_terminal() -> anyhow::Result<()> {
    use std::io::IsTerminal;
    if std::io::stdin().is_terminal() && std::io::stdout().is_terminal() {
        Ok(())
    } else {
        anyhow::bail!(
            "fabula needs a terminal; for scripts use `fabula --plain`, `review --summary`, `lyrics --print`"
        )
    }
}

/// A flag raised by SIGTERM, SIGHUP or SIGINT from outside (in the TUI,
/// Ctrl-C is a key): the event loop then quits as Ctrl-C does, saving the
/// story and restoring the terminal.
pub fn termination_flag() -> anyhow::Result<Arc<std::sync::atomic::AtomicBool>> {
    let flag = Arc::new(std::sync::atomic::AtomicBool::new(false));
    for signal in [
        signal_hook::consts::SIGTERM,
        signal_hook::consts::SIGHUP,
        signal_hook::consts::SIGINT,
    ] {
        signal_hook::flag::register(signal, Arc::clone(&flag))
            .context("installing the signal handlers")?;
    }
    Ok(flag)
}

/// How a TUI session starts.
pub enum Start {
    New,
    Resume(Session, PathBuf),
    /// Read-only review of a session or transcript.
    Review(Session),
}

/// Runs the TUI until the player quits. The terminal is restored on every
/// way out, panics included (the panic hook is installed by the caller).
/// Without a story model (read-only review) no engine is started.
pub fn run(
    config: Config,
    story: Option<InferenceModel>,
    lyrics: Option<InferenceModel>,
    start: Start,
) -> anyhow::Result<()> {
    require_terminal()?;
    let terminate = termination_flag()?;
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
    match start {
        Start::New => {}
        Start::Resume(session, path) => app.resume(session, path),
        Start::Review(session) => app.open_read_only(session),
    }
    app.saver = Some(crate::story::saver::Saver::spawn());
    let (engine_tx, mut engine_rx) = mpsc::unbounded_channel();
    // Without an engine the sender is kept, so the channel stays open and quiet.
    let (engine, _idle_sender) = match story {
        Some(story) => {
            let models = Models {
                story: Arc::new(story),
                lyrics: lyrics.map(Arc::new),
            };
            (Some(engine::spawn(models, engine_tx)), None)
        }
        None => (None, Some(engine_tx)),
    };
    let mut input_rx = spawn_input_thread()?;

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .context("starting the async runtime")?;
    let mut terminal = ratatui::init();
    let _ = execute!(std::io::stdout(), EnableMouseCapture, EnableBracketedPaste);
    let result: anyhow::Result<()> = runtime.block_on(async {
        let mut tick = tokio::time::interval(Duration::from_millis(250));
        if let Ok(size) = terminal.size() {
            app.update(Action::Resize(size.width, size.height));
        }
        loop {
            terminal
                .draw(|f| render::render(&app, f))
                .context("drawing the screen")?;
            tokio::select! {
                Some(ev) = input_rx.recv() => {
                    handle_terminal_event(&mut app, ev);
                    // Take everything already typed before drawing again (fast paste, key repeat).
                    while let Ok(ev) = input_rx.try_recv() {
                        handle_terminal_event(&mut app, ev);
                    }
                }
                Some(ev) = engine_rx.recv() => {
                    app.update(Action::Engine(ev));
                    // Tokens arrive faster than frames: take all that are waiting.
                    while let Ok(ev) = engine_rx.try_recv() {
                        app.update(Action::Engine(ev));
                    }
                }
                _ = tick.tick() => app.update(Action::Tick),
            }
            if terminate.load(std::sync::atomic::Ordering::SeqCst) && !app.should_quit {
                app.update(Action::Quit);
            }
            for request in app.outbox.drain(..) {
                if !engine.as_ref().is_some_and(|e| e.send(request)) {
                    app.status = "The model engine stopped; your story is saved.".into();
                }
            }
            if app.should_quit {
                break;
            }
        }
        Ok(())
    });
    let _ = execute!(
        std::io::stdout(),
        DisableMouseCapture,
        DisableBracketedPaste
    );
    ratatui::restore();
    drop(engine);
    let last_save_error = app.saver.take().and_then(|s| s.finish());
    let report = exit_report(app.session_path.as_deref(), app.read_only, last_save_error);
    match (result, report) {
        (Err(e), Err(not_saved)) => Err(e.context(not_saved.to_string())),
        (Err(e), Ok(_)) => Err(e),
        (Ok(()), Err(not_saved)) => Err(not_saved),
        (Ok(()), Ok(line)) => {
            if let Some(line) = line {
                println!("{line}");
            }
            Ok(())
        }
    }
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

/// Terminal events on a channel: crossterm's read blocks, so it gets a
/// thread of its own and the event loop never waits on it.
pub fn spawn_input_thread() -> anyhow::Result<mpsc::UnboundedReceiver<TermEvent>> {
    let (tx, rx) = mpsc::unbounded_channel();
    std::thread::Builder::new()
        .name("fabula-input".into())
        .spawn(move || {
            while let Ok(ev) = event::read() {
                if tx.send(ev).is_err() {
                    break;
                }
            }
        })
        .context("starting the input thread")?;
    Ok(rx)
}

fn handle_terminal_event(app: &mut App, ev: TermEvent) {
    let action = match ev {
        TermEvent::Key(k) => action::from_key(k, app.focus, app.input.is_empty()),
        TermEvent::Mouse(m) => action::from_mouse(m),
        TermEvent::Paste(text) => Some(Action::Paste(text)),
        TermEvent::Resize(w, h) => Some(Action::Resize(w, h)),
        _ => None,
    };
    if let Some(a) = action {
        app.update(a);
    }
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
