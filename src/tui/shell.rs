//! The one terminal shell the story, the read-only review and the lyrics
//! editor run in: it owns the terminal (raw mode, mouse, bracketed paste,
//! restored on every way out), the engine thread, a frame tick, and the
//! loop that turns terminal and engine events into a screen's actions.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use ratatui::crossterm::event::{
    self, DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
    Event as TermEvent,
};
use ratatui::crossterm::execute;
use ratatui::{DefaultTerminal, Frame};
use tokio::sync::mpsc;

use super::action::{self, Action};
use super::keys::{self, Focus, Mode};
use crate::engine::{self, Models, Request};

/// A mode of the shell: its state answers actions and draws itself.
pub trait Screen {
    /// Which rows of the key table apply.
    fn mode(&self) -> Mode;
    /// What has the keys now (it decides what a letter does).
    fn focus(&self) -> Focus;
    fn update(&mut self, action: Action);
    fn render(&self, frame: &mut Frame);
    /// Requests queued for the engine since the last call.
    fn take_requests(&mut self) -> Vec<Request>;
    /// The engine thread is gone: the screen says so.
    fn engine_stopped(&mut self);
    fn should_quit(&self) -> bool;
    /// Called once the terminal is restored: the line to print (where the
    /// work was saved), or an error when it was not saved.
    fn close(&mut self) -> anyhow::Result<Option<String>>;
}

/// The terminal screens need a terminal on stdin and stdout; without one
/// (a service, a pipe, a file) this says what to use instead.
pub fn require_terminal() -> anyhow::Result<()> {
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
/// work and restoring the terminal.
pub fn termination_flag() -> anyhow::Result<Arc<AtomicBool>> {
    let flag = Arc::new(AtomicBool::new(false));
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

/// The terminal in raw mode with mouse and paste reporting, until dropped:
/// the drop restores it on every way out of the loop, a panic's unwinding
/// included (ratatui's panic hook has already left raw mode by then).
struct TerminalGuard;

impl TerminalGuard {
    fn enter() -> (TerminalGuard, DefaultTerminal) {
        let terminal = ratatui::init();
        let _ = execute!(std::io::stdout(), EnableMouseCapture, EnableBracketedPaste);
        (TerminalGuard, terminal)
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        let _ = execute!(
            std::io::stdout(),
            DisableMouseCapture,
            DisableBracketedPaste
        );
        ratatui::restore();
    }
}

/// Runs `screen` until it quits. `models`: what the engine loads (none for
/// a screen that generates nothing; its requests then fail as sent).
pub fn run(screen: &mut dyn Screen, models: Option<Models>) -> anyhow::Result<()> {
    require_terminal()?;
    let terminate = termination_flag()?;
    let (engine_tx, mut engine_rx) = mpsc::unbounded_channel();
    // Without an engine the sender is kept, so the channel stays open and quiet.
    let (engine, _idle_sender) = match models {
        Some(models) => (Some(engine::spawn(models, engine_tx)), None),
        None => (None, Some(engine_tx)),
    };
    let mut input_rx = spawn_input_thread()?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .context("starting the async runtime")?;
    let result = {
        let (_guard, mut terminal) = TerminalGuard::enter();
        runtime.block_on(async {
            let mut tick = tokio::time::interval(Duration::from_millis(250));
            if let Ok(size) = terminal.size() {
                screen.update(Action::Resize(size.width, size.height));
            }
            loop {
                terminal
                    .draw(|f| screen.render(f))
                    .context("drawing the screen")?;
                tokio::select! {
                    Some(ev) = input_rx.recv() => {
                        handle_terminal_event(screen, ev);
                        // Take everything already typed before drawing again (fast paste, key repeat).
                        while let Ok(ev) = input_rx.try_recv() {
                            handle_terminal_event(screen, ev);
                        }
                    }
                    Some(ev) = engine_rx.recv() => {
                        screen.update(Action::Engine(ev));
                        // Tokens arrive faster than frames: take all that are waiting.
                        while let Ok(ev) = engine_rx.try_recv() {
                            screen.update(Action::Engine(ev));
                        }
                    }
                    _ = tick.tick() => screen.update(Action::Tick),
                }
                if terminate.load(Ordering::SeqCst) && !screen.should_quit() {
                    screen.update(Action::Quit);
                }
                for request in screen.take_requests() {
                    if !engine.as_ref().is_some_and(|e| e.send(request)) {
                        screen.engine_stopped();
                    }
                }
                if screen.should_quit() {
                    return anyhow::Ok(());
                }
            }
        })
    };
    drop(engine);
    match (result, screen.close()) {
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

/// Terminal events on a channel: crossterm's read blocks, so it gets a
/// thread of its own and the event loop never waits on it.
fn spawn_input_thread() -> anyhow::Result<mpsc::UnboundedReceiver<TermEvent>> {
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

/// What a terminal event asks of `screen`, through the key table.
pub fn action_for_event(screen: &dyn Screen, ev: TermEvent) -> Option<Action> {
    match ev {
        TermEvent::Key(k) => keys::action_for(screen.mode(), screen.focus(), k),
        TermEvent::Mouse(m) => action::from_mouse(m),
        TermEvent::Paste(text) => Some(Action::Paste(text)),
        TermEvent::Resize(w, h) => Some(Action::Resize(w, h)),
        _ => None,
    }
}

fn handle_terminal_event(screen: &mut dyn Screen, ev: TermEvent) {
    if let Some(a) = action_for_event(screen, ev) {
        screen.update(a);
    }
}
