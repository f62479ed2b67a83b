//! Frame time of the story screen (`fabula bench --frames`): a synthetic
//! story of many turns drawn by the real [`App`] and renderer on ratatui's
//! test backend, with what a player does between frames (scrolling the
//! story, selecting and jumping between turns in the review, switching
//! alternatives, typing, a passage streaming in). No model is loaded:
//! sentiment comes from the built-in lexicon, and the passage is streamed
//! here the way the engine streams it.

use std::time::Instant;

use ratatui::backend::TestBackend;
use ratatui::Terminal;

use crate::config::Config;
use crate::engine::Event;
use crate::lm::LstmState;
use crate::sentiment::turn::TurnScorer;
use crate::story::session::ModelStamp;
use crate::story::{NodeId, Role, Session, StoryTree};

use super::action::Action;
use super::app::{App, Pane};

pub const WIDTH: u16 = 120;
pub const HEIGHT: u16 = 40;

/// What one run measured.
#[derive(Clone, Debug)]
pub struct FrameReport {
    pub frames: usize,
    /// Turns on the story's branch when the measurement started.
    pub turns: usize,
    /// Nodes in its tree (the branch and every alternative).
    pub nodes: usize,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    /// The slowest update between two frames (starting a passage prepares
    /// the model's request from the story).
    pub update_max_ms: f64,
    /// Resident memory at the end (VmRSS), where the system reports it.
    pub rss_bytes: Option<u64>,
}

/// A small deterministic generator: the same story on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const WORDS: &[&str] = &[
    "the", "the", "a", "and", "of", "to", "in", "you", "your", "it", "lantern", "corridor", "door",
    "whisper", "cold", "stone", "light", "shadow", "river", "friend", "fear", "hope", "warm",
    "broken", "smile", "blood", "quiet", "gold", "storm", "slowly", "bright", "dark", "lost",
    "safe", "laugh", "ancient", "key", "window", "voice", "sings", "falls", "opens", "beneath",
    "tower", "glad", "terrible", "gentle", "dead", "love", "ruin", "stair", "wind",
];

const ACTIONS: &[&str] = &[
    "open the door",
    "follow the river downstream",
    "light the lantern and look around",
    "call out to the voice",
    "hide behind the altar",
    "take the golden key",
    "climb the broken stair",
    "wait for the storm to pass",
    "ask the stranger her name",
    "run",
];

fn sentence(rng: &mut Rng) -> String {
    let n = 8 + rng.below(9);
    let mut s = String::new();
    for i in 0..n {
        let w = WORDS[rng.below(WORDS.len())];
        if i == 0 {
            let mut c = w.chars();
            if let Some(f) = c.next() {
                s.extend(f.to_uppercase());
                s.push_str(c.as_str());
            }
        } else {
            s.push(' ');
            s.push_str(w);
        }
    }
    s.push('.');
    s
}

/// A passage of a few hundred characters, sometimes in two paragraphs.
fn passage(rng: &mut Rng) -> String {
    let target = 200 + rng.below(300);
    let mut text = String::new();
    while text.len() < target {
        if !text.is_empty() {
            text.push_str(if rng.below(6) == 0 { "\n\n" } else { " " });
        }
        text.push_str(&sentence(rng));
    }
    text
}

fn action(rng: &mut Rng) -> String {
    ACTIONS[rng.below(ACTIONS.len())].to_string()
}

/// Text, lexicon sentiment, stored choices, and for a passage its model
/// state and generation figures, as a played turn has them.
fn fill(tree: &mut StoryTree, id: NodeId, rng: &mut Rng, state: &LstmState) {
    let scorer = TurnScorer::lexicon_only();
    let Some(mut n) = tree.node_mut(id) else {
        return;
    };
    n.sentiment = Some(scorer.score(&n.text));
    n.choices = (0..3).map(|_| action(rng)).collect();
    if n.role == Role::Narration {
        n.tokens = n.text.chars().count();
        n.seconds = n.tokens as f32 / 900.0;
        let mut s = state.clone();
        let at = id % s.h.len().max(1);
        if let Some(v) = s.h.get_mut(at) {
            *v = (id % 97) as f32 / 97.0;
        }
        n.state = Some(s);
    }
}

/// A story whose branch has `turns` turns (the opening, then actions and
/// passages in turn), with a retried passage beside every 40th passage and
/// an abandoned two-turn branch every 500 turns. States have the shape of
/// a 2x384 model.
pub fn synthetic_session(turns: usize, seed: u64) -> Session {
    let mut rng = Rng(seed | 1);
    let state = LstmState::zeros(2, 384);
    let mut s = Session::new("fantasy", &passage(&mut rng), ModelStamp::default());
    s.title = "The Synthetic Tower".into();
    fill(&mut s.tree, 0, &mut rng, &state);
    let mut at = s.tree.root();
    for i in 1..turns.max(1) {
        let role = if i % 2 == 1 {
            Role::Player
        } else {
            Role::Narration
        };
        if role == Role::Narration && i % 80 == 0 {
            let Ok(alt) = s.tree.push(at, role, &passage(&mut rng)) else {
                break;
            };
            fill(&mut s.tree, alt, &mut rng, &state);
        }
        let text = match role {
            Role::Player => action(&mut rng),
            _ => passage(&mut rng),
        };
        let Ok(id) = s.tree.push(at, role, &text) else {
            break;
        };
        fill(&mut s.tree, id, &mut rng, &state);
        if i % 500 == 0 {
            let mut side = id;
            for role in [Role::Player, Role::Narration] {
                let text = match role {
                    Role::Player => action(&mut rng),
                    _ => passage(&mut rng),
                };
                let Ok(next) = s.tree.push(side, role, &text) else {
                    break;
                };
                fill(&mut s.tree, next, &mut rng, &state);
                side = next;
            }
        }
        at = id;
    }
    // The main line is where the player is; the side branches were left.
    let _ = s.tree.set_current(at);
    s
}

/// Resident memory now, from /proc/self/status (Linux).
pub fn resident_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

struct Bench {
    app: App,
    term: Terminal<TestBackend>,
    times: Vec<f64>,
    updates: Vec<f64>,
    wanted: usize,
    rng: Rng,
}

impl Bench {
    fn done(&self) -> bool {
        self.times.len() >= self.wanted
    }

    /// One update, then the frame drawn after it; each is timed, the frame
    /// time being the drawing (updates are timed to be reported beside it).
    fn frame(&mut self, actions: impl IntoIterator<Item = Action>) -> anyhow::Result<()> {
        // The count is exact: a round of updates stops where it is.
        if self.done() {
            return Ok(());
        }
        let t = Instant::now();
        for a in actions {
            self.app.update(a);
        }
        self.updates.push(t.elapsed().as_secs_f64() * 1e3);
        let t = Instant::now();
        let app = &self.app;
        self.term.draw(|f| super::render::render(app, f))?;
        self.times.push(t.elapsed().as_secs_f64() * 1e3);
        // Nothing runs the requests: the measurement plays the engine.
        self.app.outbox.clear();
        Ok(())
    }

    fn focus(&mut self, pane: Pane) {
        for _ in 0..3 {
            if self.app.focus == pane {
                break;
            }
            self.app.update(Action::FocusNext);
        }
    }

    fn scroll_story(&mut self) -> anyhow::Result<()> {
        self.focus(Pane::Story);
        for _ in 0..12 {
            self.frame([Action::Scroll(-3)])?;
        }
        for _ in 0..4 {
            self.frame([Action::Scroll(3)])?;
        }
        self.frame([Action::ScrollToEnd])
    }

    fn browse_review(&mut self) -> anyhow::Result<()> {
        self.focus(Pane::Review);
        for _ in 0..15 {
            self.frame([Action::Select(-1)])?;
        }
        // A rewind: the later turns stay listed, dimmed.
        self.frame([Action::JumpToSelected])?;
        for _ in 0..5 {
            self.frame([Action::Select(1)])?;
        }
        self.frame([Action::Select(-200)])?;
        // Back to where the story was.
        self.frame([Action::Select(isize::MAX / 2), Action::JumpToSelected])?;
        // The newest turn that has an alternative: look at it and come back.
        let tree = &self.app.session.tree;
        let trail = tree.trail();
        if let Some(pos) = trail.iter().rposition(|&id| tree.siblings(id).0.len() > 1) {
            let delta = pos as isize - self.app.review_selected as isize;
            self.frame([Action::Select(delta)])?;
            self.frame([Action::Sibling(1)])?;
            self.frame([Action::Sibling(-1)])?;
        }
        self.frame([Action::Select(isize::MAX / 2)])
    }

    /// Types an action and plays the turn: the passage streams in over
    /// many frames, then gets its sentiment and choices as a finished
    /// passage does.
    fn play_turn(&mut self) -> anyhow::Result<()> {
        self.focus(Pane::Chat);
        let typed = action(&mut self.rng);
        for c in typed.chars() {
            self.frame([Action::Char(c)])?;
        }
        self.app.update(Action::Cancel);
        let scorer = TurnScorer::lexicon_only();
        let tree = &mut self.app.session.tree;
        let Ok(player) = tree.push(tree.current(), Role::Player, &typed) else {
            return Ok(());
        };
        if let Some(mut n) = tree.node_mut(player) {
            n.sentiment = Some(scorer.score(&typed));
        }
        // Continuing from an action writes a passage: the app's own path.
        self.frame([Action::Retry])?;
        let Some(job) = self.app.job.as_ref().map(|j| j.id) else {
            return Ok(());
        };
        let text = passage(&mut self.rng);
        let chars: Vec<char> = text.chars().collect();
        for chunk in chars.chunks(8) {
            let text: String = chunk.iter().collect();
            self.frame([Action::Engine(Event::Token { job, text })])?;
        }
        let node = self.app.session.tree.current();
        let state = LstmState::zeros(2, 384);
        fill(&mut self.app.session.tree, node, &mut self.rng, &state);
        self.app.job = None;
        self.app.choices = self
            .app
            .session
            .tree
            .node(node)
            .map(|n| n.choices.clone())
            .unwrap_or_default();
        self.frame([Action::Tick])
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// Builds a `turns`-turn story, opens it in the story screen at 120x40 and
/// draws `frames` frames (after a few untimed ones) across the three panes;
/// `overlay` draws the other branches on the review's arc.
pub fn measure(turns: usize, frames: usize, overlay: bool) -> anyhow::Result<FrameReport> {
    let session = synthetic_session(turns, 0x5eed);
    let turns = session.tree.branch().len();
    let nodes = session.tree.len();
    let mut app = App::new(
        Config::default(),
        "story (synthetic)".into(),
        ModelStamp::default(),
        1,
    );
    app.resume(session, std::path::PathBuf::from("synthetic.json"));
    // Nothing is written: the measurement is of drawing, not saving.
    app.session_path = None;
    app.update(Action::Resize(WIDTH, HEIGHT));
    app.show_branches = overlay;
    let term = Terminal::new(TestBackend::new(WIDTH, HEIGHT))?;
    let mut bench = Bench {
        app,
        term,
        times: Vec::with_capacity(frames + 200),
        updates: Vec::with_capacity(frames + 200),
        wanted: 5,
        rng: Rng(0xf4a3e),
    };
    while !bench.done() {
        bench.frame([Action::Tick])?;
    }
    bench.times.clear();
    bench.updates.clear();
    bench.wanted = frames.max(1);
    while !bench.done() {
        bench.scroll_story()?;
        bench.browse_review()?;
        bench.play_turn()?;
    }
    let mut times = std::mem::take(&mut bench.times);
    times.sort_by(f64::total_cmp);
    Ok(FrameReport {
        frames: times.len(),
        turns,
        nodes,
        p50_ms: percentile(&times, 50.0),
        p99_ms: percentile(&times, 99.0),
        max_ms: times.last().copied().unwrap_or(f64::NAN),
        update_max_ms: bench.updates.iter().copied().fold(0.0, f64::max),
        rss_bytes: resident_bytes(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_synthetic_story_has_the_asked_turns_and_branches() {
        let s = synthetic_session(1200, 7);
        assert!(s.tree.validate().is_ok());
        assert_eq!(s.tree.branch().len(), 1200);
        // 14 retried passages and 2 two-turn side branches.
        assert_eq!(s.tree.len(), 1200 + 14 + 4);
        assert_eq!(s.tree.abandoned_leaves(), 14 + 2);
        let n = s.tree.node(s.tree.branch()[2]).unwrap();
        assert!(n.text.len() >= 200 && n.sentiment.is_some() && n.state.is_some());
    }

    #[test]
    fn percentiles_are_nearest_rank() {
        let xs: Vec<f64> = (1..=200).map(f64::from).collect();
        assert_eq!(percentile(&xs, 50.0), 100.0);
        assert_eq!(percentile(&xs, 99.0), 198.0);
        assert_eq!(percentile(&[3.0], 99.0), 3.0);
    }
}
