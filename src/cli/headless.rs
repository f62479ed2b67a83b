//! The story game without a terminal: the same `App` and engine the TUI
//! drives, fed actions as lines and read back as turns. `fabula --plain`
//! and `fabula eval --play` are built on it.

use std::sync::Arc;

use anyhow::Context;
use tokio::sync::mpsc;

use crate::config::Config;
use crate::engine::{self, EngineHandle, Event, Models};
use crate::lm::InferenceModel;
use crate::story::openings::OPENINGS;
use crate::story::Role;
use crate::tui::action::Action;
use crate::tui::app::App;

/// What one turn showed: the action taken (none for the opening), the
/// passage and the choices offered after it.
#[derive(Clone, Debug, PartialEq)]
pub struct Turn {
    pub action: Option<String>,
    pub passage: String,
    pub choices: Vec<String>,
}

/// How a headless story starts.
pub enum Opening {
    /// A built-in opening, 1-based as on the start screen.
    Builtin(usize),
    Text(String),
}

pub struct Headless {
    pub app: App,
    engine: EngineHandle,
    events: mpsc::UnboundedReceiver<Event>,
    /// Whether the story is autosaved like a TUI story.
    save: bool,
}

impl Headless {
    pub fn new(config: Config, model: Arc<InferenceModel>, seed: u64, save: bool) -> Headless {
        let stamp = crate::tui::model_stamp(&model);
        let label = format!(
            "{} {}x{}",
            model.card.name, model.card.hyper.layers, model.card.hyper.hidden_size
        );
        let mut app = App::new(config, label, stamp, seed);
        app.model_id = crate::story::provenance::ModelId::of(&model);
        let (tx, events) = mpsc::unbounded_channel();
        let engine = engine::spawn(Models::story(model), tx);
        Headless {
            app,
            engine,
            events,
            save,
        }
    }

    /// Sends queued requests and applies engine events until no job runs.
    fn settle(&mut self) -> anyhow::Result<()> {
        loop {
            for request in self.app.outbox.drain(..) {
                anyhow::ensure!(self.engine.send(request), "the model engine stopped");
            }
            if !self.app.generating() {
                return Ok(());
            }
            let event = self
                .events
                .blocking_recv()
                .context("the model engine stopped")?;
            if let Event::Error { job, message } = &event {
                // A passage written ahead that failed is only not used.
                if !self.app.prewrites.is_ahead(*job) {
                    anyhow::bail!("the model failed: {message}");
                }
            }
            self.app.update(Action::Engine(event));
        }
    }

    /// Applies the engine events that have already arrived (passages
    /// written ahead while the input was read), without waiting.
    pub fn take_arrived(&mut self) {
        while let Ok(event) = self.events.try_recv() {
            self.app.update(Action::Engine(event));
        }
        for request in self.app.outbox.drain(..) {
            if !self.engine.send(request) {
                break;
            }
        }
    }

    /// Waits until every offered choice's passage is written ahead (none
    /// when writing ahead is off).
    pub fn wait_prewrites(&mut self) -> anyhow::Result<()> {
        self.settle()?;
        while self.app.prewrites.counts().1 > 0 {
            let event = self
                .events
                .blocking_recv()
                .context("the model engine stopped")?;
            self.app.update(Action::Engine(event));
            self.settle()?;
        }
        Ok(())
    }

    /// Presses `key` in the story pane and waits until the passage it
    /// starts is written in full; returns the time from the key to then
    /// (what `fabula bench` reports for a picked choice). The choices that
    /// follow are left to the next `settle`.
    pub fn key_to_passage(
        &mut self,
        key: ratatui::crossterm::event::KeyEvent,
    ) -> anyhow::Result<std::time::Duration> {
        use crate::tui::app::{JobKind, Pane};
        use crate::tui::keys::{action_for, Focus, Mode};
        self.app.focus = Pane::Story;
        let started = std::time::Instant::now();
        if let Some(action) = action_for(Mode::Story, Focus::Story, key) {
            self.app.update(action);
        }
        loop {
            for request in self.app.outbox.drain(..) {
                anyhow::ensure!(self.engine.send(request), "the model engine stopped");
            }
            let writing = self
                .app
                .job
                .as_ref()
                .is_some_and(|j| matches!(j.kind, JobKind::Passage { .. }));
            if !writing {
                return Ok(started.elapsed());
            }
            let event = self
                .events
                .blocking_recv()
                .context("the model engine stopped")?;
            self.app.update(Action::Engine(event));
        }
    }

    /// The passage and choices at the current turn.
    fn current_turn(&self, action: Option<String>) -> Turn {
        let tree = &self.app.session.tree;
        let passage = tree
            .node(tree.current())
            .filter(|n| n.role == Role::Narration)
            .map(|n| n.text.clone())
            .unwrap_or_default();
        Turn {
            action,
            passage,
            choices: self.app.choices.clone(),
        }
    }

    /// Starts the story; returns the opening text and its first turn.
    pub fn start(&mut self, opening: &Opening) -> anyhow::Result<(String, Turn)> {
        match opening {
            Opening::Builtin(n) => {
                anyhow::ensure!(
                    (1..=OPENINGS.len()).contains(n),
                    "--opening must be between 1 and {}, got {n}",
                    OPENINGS.len()
                );
                // `--opening N` is the built-in list's number, whatever
                // order the start screen shows them in.
                let shown = self
                    .app
                    .recommended
                    .openings
                    .iter()
                    .position(|&k| k == n - 1);
                self.app.update(Action::Choose(shown.unwrap_or(n - 1)));
            }
            Opening::Text(text) => {
                anyhow::ensure!(!text.trim().is_empty(), "--opening-text is empty");
                self.app.update(Action::Paste(text.clone()));
                self.app.update(Action::Submit);
            }
        }
        if !self.save {
            self.app.session_path = None;
        }
        self.settle()?;
        let opening = self
            .app
            .session
            .tree
            .node(0)
            .map(|n| n.text.clone())
            .unwrap_or_default();
        Ok((opening, self.current_turn(None)))
    }

    /// Plays one input line: a number picks that choice, anything else is
    /// typed as the action. `None` for a blank line or a number with no
    /// such choice (nothing happens).
    pub fn act(&mut self, line: &str) -> anyhow::Result<Option<Turn>> {
        let line = line.trim();
        if line.is_empty() {
            return Ok(None);
        }
        // A pick uses the passage written while the line was read.
        self.take_arrived();
        let action = match line.parse::<usize>() {
            Ok(k) => match self.app.choices.get(k.wrapping_sub(1)).cloned() {
                Some(choice) => {
                    self.app.update(Action::Choose(k - 1));
                    choice
                }
                None => return Ok(None),
            },
            Err(_) => {
                self.app.input.clear();
                self.app.update(Action::Paste(line.to_string()));
                self.app.update(Action::Submit);
                line.to_string()
            }
        };
        self.settle()?;
        Ok(Some(self.current_turn(Some(action))))
    }
}

impl Drop for Headless {
    fn drop(&mut self) {
        // The engine finishes its queue before it stops: passages written
        // ahead are stopped first, so the end of input is not delayed.
        self.app.prewrites.clear();
    }
}

impl Headless {
    /// Retry (Ctrl-R): another version of the last passage, with a new seed.
    pub fn retry(&mut self) -> anyhow::Result<Turn> {
        self.app.update(Action::Retry);
        self.settle()?;
        Ok(self.current_turn(None))
    }
}

/// Opening text from the built-in list or given text.
pub fn opening_from(number: Option<usize>, text: Option<String>) -> Opening {
    match (text, number) {
        (Some(t), _) => Opening::Text(t),
        (None, n) => Opening::Builtin(n.unwrap_or(1)),
    }
}
