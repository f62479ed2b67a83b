//! `fabula bench --pick`: the time from the key that picks a suggested
//! choice to its whole passage drawn (the story screen at 120x40 on
//! ratatui's test backend), through the real app and engine thread, with the choices' passages written ahead and without. Both runs
//! play the same seed and picks, so they must write the same story.

use std::sync::Arc;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::headless::{Headless, Opening};
use crate::config::Config;
use crate::lm::InferenceModel;

/// One run's figures.
#[derive(Clone, Debug)]
pub struct PickRun {
    /// Milliseconds from each pick's key to its full passage.
    pub ms: Vec<f64>,
    /// The passages the picks got, in order.
    pub passages: Vec<String>,
    /// Picks answered by a passage written ahead.
    pub ahead: usize,
}

/// Plays `picks` picked choices from opening 1 with `seed`; `ahead` turns
/// writing ahead on or off. With it on, each pick waits until every
/// choice's passage is written (a player reading the passage).
pub fn play(
    config: &Config,
    model: &Arc<InferenceModel>,
    picks: usize,
    seed: u64,
    ahead: bool,
) -> anyhow::Result<PickRun> {
    let mut config = config.clone();
    config.story.prewrite_choices = ahead;
    let mut game = Headless::new(config, Arc::clone(model), seed, false);
    game.start(&Opening::Builtin(1))?;
    game.app.update(crate::tui::action::Action::Resize(120, 40));
    let mut term = ratatui::Terminal::new(ratatui::backend::TestBackend::new(120, 40))?;
    let mut run = PickRun {
        ms: Vec::with_capacity(picks),
        passages: Vec::with_capacity(picks),
        ahead: 0,
    };
    for k in 0..picks {
        game.wait_prewrites()?;
        let offered = game.app.choices.len();
        anyhow::ensure!(offered > 0, "turn {k} offered no choices");
        // Not always the first choice: any offered one is written ahead.
        let digit = char::from(b'1' + (k % offered.min(9)) as u8);
        let key = KeyEvent::new(KeyCode::Char(digit), KeyModifiers::NONE);
        // To the passage drawn: the key, the app's update, the engine when
        // the passage was not written ahead, and one frame of the screen.
        let started = std::time::Instant::now();
        game.key_to_passage(key)?;
        term.draw(|f| crate::tui::render::render(&game.app, f))?;
        run.ms.push(started.elapsed().as_secs_f64() * 1e3);
        let tree = &game.app.session.tree;
        run.passages.push(
            tree.node(tree.current())
                .map(|n| n.text.clone())
                .unwrap_or_default(),
        );
        game.wait_prewrites()?;
    }
    run.ahead = game.app.written_ahead;
    Ok(run)
}
