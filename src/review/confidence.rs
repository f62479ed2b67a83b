//! The confidence figures the review shows per passage: those stored with
//! it, or for a passage that stored none (an older session, an imported
//! transcript) its repetition counted from the story, which needs no
//! model; and the flag of [`crate::narrator::confidence::flag`].

use std::collections::HashMap;

use serde::Serialize;

use crate::narrator::confidence::{self, Confidence, Flag, Seen};
use crate::story::prompt::recent_passages;
use crate::story::{NodeId, Role, StoryTree};

/// The story's median surprisal, the yardstick of the unsure flag: over
/// every measured passage of the tree, all branches.
pub fn story_median(tree: &StoryTree) -> Option<f32> {
    confidence::story_median(
        tree.nodes()
            .iter()
            .filter_map(|n| n.confidence.and_then(|c| c.surprisal_bits_per_char)),
    )
}

/// A passage's figures and flag; `None` for turns that are not the
/// narrator's (or one still empty).
pub fn of_turn(
    tree: &StoryTree,
    id: NodeId,
    median: Option<f32>,
) -> Option<(Confidence, Option<Flag>)> {
    let n = tree.node(id)?;
    if n.role != Role::Narration || n.text.trim().is_empty() {
        return None;
    }
    let c = n.confidence.unwrap_or_else(|| counted(tree, id));
    Some((c, confidence::flag(&c, median)))
}

/// [`of_turn`] from the stored figures alone, or those `counted` once
/// ([`count_missing`]): what the review pane draws
/// every frame, where counting repetition anew for each row would cost
/// more than the rest of the frame.
pub fn stored(
    tree: &StoryTree,
    id: NodeId,
    counted: &HashMap<NodeId, Confidence>,
    median: Option<f32>,
) -> Option<(Confidence, Option<Flag>)> {
    let c = tree
        .node(id)?
        .confidence
        .or_else(|| counted.get(&id).copied())?;
    Some((c, confidence::flag(&c, median)))
}

/// The repetition of a passage that stored none, counted from the story.
fn counted(tree: &StoryTree, id: NodeId) -> Confidence {
    let repetition = tree.node(id).map_or(0.0, |n| {
        n.parent.map_or(0.0, |p| {
            confidence::repetition(&n.text, &Seen::of(&recent_passages(tree, p)))
        })
    });
    Confidence {
        surprisal_bits_per_char: None,
        repetition,
    }
}

/// The repetition of every passage that stored none (an older session, a
/// transcript), counted once so a story opened for review shows and flags
/// them too, without changing the story.
pub fn count_missing(tree: &StoryTree) -> HashMap<NodeId, Confidence> {
    tree.nodes()
        .iter()
        .filter(|n| {
            n.role == Role::Narration && n.confidence.is_none() && !n.text.trim().is_empty()
        })
        .map(|n| (n.id, counted(tree, n.id)))
        .collect()
}

/// The confidence part of `review --summary/--json`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ConfidenceSummary {
    /// Over every measured passage of the story; `null` when none was.
    pub median_surprisal_bits_per_char: Option<f32>,
    /// Passages of the current branch flagged as looping / unsure.
    pub looping_turns: Vec<usize>,
    pub unsure_turns: Vec<usize>,
    /// The rules, as words.
    pub rule: String,
}

pub fn summary(tree: &StoryTree) -> ConfidenceSummary {
    let median = story_median(tree);
    let mut looping_turns = Vec::new();
    let mut unsure_turns = Vec::new();
    for (i, id) in tree.branch().into_iter().enumerate() {
        match of_turn(tree, id, median).and_then(|(_, f)| f) {
            Some(Flag::Looping) => looping_turns.push(i + 1),
            Some(Flag::Unsure) => unsure_turns.push(i + 1),
            None => {}
        }
    }
    ConfidenceSummary {
        median_surprisal_bits_per_char: median,
        looping_turns,
        unsure_turns,
        rule: rule(),
    }
}

/// The flag rules in a sentence.
pub fn rule() -> String {
    format!(
        "looping: at least {:.0} % of a passage's word {}-grams already in it or the 3 passages before; \
         unsure: surprisal above {} x the story's median (with at least {} measured passages)",
        confidence::LOOPING_SHARE * 100.0,
        confidence::GRAM,
        confidence::UNSURE_FACTOR,
        confidence::UNSURE_MIN_PASSAGES
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_transcript_passage_that_loops_is_flagged_without_a_model() {
        let mut t = StoryTree::new("You are in a cellar.");
        let p = t.push(0, Role::Player, "go north").unwrap();
        let looping = t
            .push(
                p,
                Role::Narration,
                "You go north. You go north. You go north. You go north.",
            )
            .unwrap();
        let p2 = t.push(looping, Role::Player, "look").unwrap();
        let fresh = t
            .push(
                p2,
                Role::Narration,
                "A cold stair winds down into the dark below the house.",
            )
            .unwrap();
        let (c, f) = of_turn(&t, looping, None).unwrap();
        assert!(c.repetition >= confidence::LOOPING_SHARE);
        assert_eq!(c.surprisal_bits_per_char, None);
        assert_eq!(f, Some(Flag::Looping));
        assert_eq!(of_turn(&t, fresh, None).unwrap().1, None);
        assert_eq!(of_turn(&t, p, None), None, "not a passage");
        let none = HashMap::new();
        assert_eq!(stored(&t, looping, &none, None), None, "nothing stored");
        let counted = count_missing(&t);
        assert_eq!(
            stored(&t, looping, &counted, None),
            Some((c, Some(Flag::Looping)))
        );
        let s = summary(&t);
        assert_eq!(s.looping_turns, vec![3]);
        assert!(s.unsure_turns.is_empty());
    }
}
