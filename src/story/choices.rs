//! The choices offered after a turn: what the model predicted a player
//! types next, cleaned, and asked for again when too few are usable.

use crate::narrator::choices::{clean_choices, clean_command, fits_scene, scene_choices};
use crate::narrator::scene::{action_object, head_of};

use super::prompt::{action_before, scene_after, scene_of};
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
    // Only what makes sense where the player is ("eat the chair" and
    // things of another room are dropped); the scene fills what is left.
    let scene = scene_after(tree, node);
    let fitting: Vec<String> = raw
        .into_iter()
        .filter(|r| clean_command(r).is_some_and(|c| fits_scene(&c, &scene)))
        .collect();
    let mut choices = clean_choices(&fitting, wanted, &avoid, &scene_of(tree, node));
    let enough = wanted.min(2);
    let ask_again = choices.len() < enough && attempt < CHOICE_ATTEMPTS;
    if !ask_again && choices.len() < enough {
        // The model's predictions did not fit the scene: the scene's own.
        let head = |c: &str| action_object(c).map(|o| head_of(&o).to_string());
        // Plain actions last: a scene that names almost nothing still
        // offers two.
        let plain = ["look around", "listen"].map(String::from);
        for c in scene_choices(&scene, wanted).into_iter().chain(plain) {
            let taken = avoid.iter().any(|a| a.eq_ignore_ascii_case(&c));
            // "open the ruined gate" beside "open the gate" is the same choice.
            let same = choices
                .iter()
                .any(|o| head(o).is_some() && head(o) == head(&c));
            if choices.len() < wanted && !taken && !same {
                choices.push(c);
            }
        }
    }
    Offer { choices, ask_again }
}
