//! Writing a story's passages again from what each one stored
//! ([`super::provenance`]) and comparing them byte for byte with the text
//! kept: `fabula replay`. Nothing in the story is changed.

use crate::lm::generate::feed;
use crate::lm::{InferenceModel, LstmState, Scratch};
use crate::narrator::narrate;

use super::prompt::{context_until, plan_with};
use super::provenance::ModelId;
use super::tree::{NodeId, Role, StoryTree};

/// What replaying one passage found.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    Identical,
    /// The passage written again differs; `at` is the first differing
    /// character (0-based).
    Mismatch {
        at: usize,
        replayed: String,
        /// Set when the passage was written on other kernels than these,
        /// which can explain it.
        other_kernels: Option<String>,
    },
    /// The passage's inputs are not all known; says why.
    NotReplayable(String),
}

#[derive(Clone, Debug, PartialEq)]
pub struct PassageReplay {
    pub node: NodeId,
    /// Its turn on the path from the opening (1-based, as the review counts).
    pub turn: usize,
    pub outcome: Outcome,
}

/// How states are found.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReplayOptions {
    /// Read the story before each passage from its text instead of using
    /// the state stored with the passage's parent (the state the game
    /// started from): shows whether the stored states are needed.
    pub recompute_states: bool,
}

/// Totals over a replay.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub identical: usize,
    pub mismatched: usize,
    pub not_replayable: usize,
}

impl Tally {
    pub fn of(results: &[PassageReplay]) -> Tally {
        let mut t = Tally::default();
        for r in results {
            match r.outcome {
                Outcome::Identical => t.identical += 1,
                Outcome::Mismatch { .. } => t.mismatched += 1,
                Outcome::NotReplayable(_) => t.not_replayable += 1,
            }
        }
        t
    }

    pub fn total(&self) -> usize {
        self.identical + self.mismatched + self.not_replayable
    }
}

/// The state a passage after `parent` started from: the one stored with
/// the parent (the game stores it as it reads the parent), else the story
/// up to the parent read from the start.
fn start_state(
    model: &InferenceModel,
    tree: &StoryTree,
    parent: NodeId,
    options: ReplayOptions,
    scratch: &mut Scratch,
) -> LstmState {
    let (layers, hidden) = (model.net.hyper.layers, model.net.hyper.hidden_size);
    let stored = tree
        .node(parent)
        .and_then(|n| n.state.clone())
        .filter(|s| !options.recompute_states && s.fits(layers, hidden));
    stored.unwrap_or_else(|| {
        let mut s = model.net.zero_state();
        feed(
            &model.net,
            &model.vocab,
            &context_until(tree, parent),
            &mut s,
            scratch,
        );
        s
    })
}

/// Replays every narration passage of `tree` (all branches, in the order
/// they were written), calling `each` as each is done.
pub fn replay(
    model: &InferenceModel,
    tree: &StoryTree,
    options: ReplayOptions,
    mut each: impl FnMut(&PassageReplay),
) -> Vec<PassageReplay> {
    let here = ModelId::of(model);
    let mut scratch = Scratch::default();
    let mut results = Vec::new();
    for node in tree.nodes().iter().filter(|n| n.role == Role::Narration) {
        let outcome = replay_one(model, &here, tree, node.id, options, &mut scratch);
        let r = PassageReplay {
            node: node.id,
            turn: tree.path_to(node.id).len(),
            outcome,
        };
        each(&r);
        results.push(r);
    }
    results
}

fn replay_one(
    model: &InferenceModel,
    here: &ModelId,
    tree: &StoryTree,
    id: NodeId,
    options: ReplayOptions,
    scratch: &mut Scratch,
) -> Outcome {
    let not = |why: String| Outcome::NotReplayable(why);
    let Some(node) = tree.node(id) else {
        return not("no such turn".into());
    };
    let Some(made) = &node.provenance else {
        return not(
            "no stored inputs (written before passages kept them, or an imported transcript)"
                .into(),
        );
    };
    if made.stopped {
        return not("stopped by the player partway (when is not recorded)".into());
    }
    if node.text.trim().is_empty() {
        return not("never finished (the story was saved while it was being written)".into());
    }
    if let Err(e) = made.check() {
        return not(format!("its stored record is invalid: {e}"));
    }
    if made.model.name != here.name || made.model.weights != here.weights {
        return not(format!(
            "written by model {:?} ({}), this is {:?} ({}); --model picks another",
            made.model.name, made.model.weights, here.name, here.weights
        ));
    }
    if made.model.format != here.format {
        return not(format!(
            "written with {} weights, these are {} (FABULA_WEIGHTS={} replays it)",
            made.model.format, here.format, made.model.format
        ));
    }
    let Some(parent) = node.parent else {
        return not("it has no turn before it".into());
    };
    let start = start_state(model, tree, parent, options, scratch);
    let plan = plan_with(tree, parent, made.plan.clone());
    let n = narrate(model, &start, &plan, &made.sampling, made.seed, || true);
    if n.text == node.text {
        return Outcome::Identical;
    }
    let at = n
        .text
        .chars()
        .zip(node.text.chars())
        .take_while(|(a, b)| a == b)
        .count();
    Outcome::Mismatch {
        at,
        replayed: n.text,
        other_kernels: (made.model.kernels != here.kernels).then(|| made.model.kernels.clone()),
    }
}
