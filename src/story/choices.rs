//! The choices offered after a turn: what the model predicted a player
//! types next, cleaned, and asked for again when too few are usable.

use crate::narrator::choices::clean_choices;

use super::prompt::{action_before, scene_of};
use super::tree::{NodeId, StoryTree};

/// Batches of choice predictions asked for at most per turn.
pub const CHOICE_ATTEMPTS: usize = 3;

/// What a batch of predictions came to.
#[derive(Clone, Debug, PartialEq)]
pub struct Offer {
    pub choices: Vec<String>,
    /// Too few are usable: another batch should add to these.
    pub ask_again: bool,
}

/// The choices at `node` after batch `attempt` (1-based) predicted
/// `texts`; a later batch adds to the choices the earlier ones left on
/// the node. At most `wanted` are kept.
pub fn offer(
    tree: &StoryTree,
    node: NodeId,
    attempt: usize,
    texts: Vec<String>,
    wanted: usize,
) -> Offer {
    let avoid: Vec<String> = action_before(tree, node).into_iter().collect();
    let mut raw = match tree.node(node) {
        Some(n) if attempt > 1 => n.choices.clone(),
        _ => Vec::new(),
    };
    raw.extend(texts);
    let choices = clean_choices(&raw, wanted, &avoid, &scene_of(tree, node));
    let ask_again = choices.len() < wanted.min(2) && attempt < CHOICE_ATTEMPTS;
    Offer { choices, ask_again }
}
