//! Statistics of a story: over the current branch (what was played) and
//! the whole tree (what was tried).

use serde::Serialize;

use crate::narrator::confidence::Flag;
use crate::story::{NodeId, StoryTree};

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TurnRow {
    pub turn: usize,
    pub node: NodeId,
    pub role: &'static str,
    pub score: Option<f32>,
    pub label: Option<String>,
    /// Which scorer gave the sentiment (`lexicon`, `lstm-en`, `lstm-zh`).
    pub scorer: Option<&'static str>,
    pub first_words: String,
    /// Alternatives at this turn (1 when it never branched).
    pub alternatives: usize,
    /// The narrator's passages: bits per character under the model
    /// (`null` when not recorded: older sessions, transcripts) ...
    pub surprisal_bits_per_char: Option<f32>,
    /// ... the share of its word 4-grams seen before (counted from the
    /// story when not recorded) ...
    pub repetition: Option<f32>,
    /// ... and `looping` or `unsure` when flagged.
    pub flag: Option<Flag>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Stats {
    pub turns: usize,
    pub player_turns: usize,
    pub words: usize,
    pub total_nodes: usize,
    pub branch_points: usize,
    pub abandoned_branches: usize,
    pub mean_sentiment: Option<f32>,
    pub min_sentiment: Option<f32>,
    pub max_sentiment: Option<f32>,
    /// Turn numbers (1-based on the branch) of the extremes.
    pub most_positive_turn: Option<usize>,
    pub most_negative_turn: Option<usize>,
    pub generated_chars: usize,
    pub generation_seconds: f32,
    pub chars_per_second: Option<f32>,
}

/// A score with its sign and `decimals` places; one that rounds to zero
/// is written without a sign, never as "-0.0".
pub fn signed(v: f32, decimals: usize) -> String {
    let s = format!("{v:+.decimals$}");
    if s[1..].bytes().all(|b| b == b'0' || b == b'.') {
        s[1..].to_string()
    } else {
        s
    }
}

pub fn first_words(text: &str, n: usize) -> String {
    let words: Vec<&str> = text.split_whitespace().take(n).collect();
    let mut s = words.join(" ");
    if text.split_whitespace().nth(n).is_some() {
        s.push('…');
    }
    s
}

/// One row per turn of the current branch.
pub fn turn_rows(tree: &StoryTree) -> Vec<TurnRow> {
    let median = super::confidence::story_median(tree);
    tree.branch()
        .into_iter()
        .enumerate()
        .filter_map(|(i, id)| {
            let n = tree.node(id)?;
            let conf = super::confidence::of_turn(tree, id, median);
            Some(TurnRow {
                turn: i + 1,
                node: id,
                role: n.role.label(),
                score: n.sentiment.map(|s| s.score),
                label: n.sentiment.map(|s| s.label.to_string()),
                scorer: n.sentiment.and_then(|s| s.scorer).map(|s| s.as_str()),
                first_words: first_words(&n.text, 8),
                alternatives: tree.siblings(id).0.len(),
                surprisal_bits_per_char: conf.and_then(|c| c.0.surprisal_bits_per_char),
                repetition: conf.map(|c| c.0.repetition),
                flag: conf.and_then(|c| c.1),
            })
        })
        .collect()
}

/// The figures come from those the tree keeps up to date as it changes
/// ([`StoryTree::branch_totals`]): the review draws them every frame, and
/// counting the words of a long story each time took most of a frame.
pub fn stats(tree: &StoryTree) -> Stats {
    let t = tree.branch_totals();
    let generated_chars = t.generated_chars;
    let generation_seconds = t.generation_seconds;
    Stats {
        turns: t.turns,
        player_turns: t.player_turns,
        words: t.words,
        total_nodes: tree.len(),
        branch_points: tree.fork_count(),
        abandoned_branches: tree.abandoned_leaves(),
        mean_sentiment: (t.scored > 0).then(|| t.sentiment_sum / t.scored as f32),
        min_sentiment: t.min.map(|m| m.1),
        max_sentiment: t.max.map(|m| m.1),
        most_positive_turn: t.max.map(|m| m.0),
        most_negative_turn: t.min.map(|m| m.0),
        generated_chars,
        generation_seconds,
        chars_per_second: (generation_seconds > 0.0)
            .then(|| generated_chars as f32 / generation_seconds),
    }
}

#[cfg(test)]
mod tests {
    use super::signed;

    #[test]
    fn a_score_that_rounds_to_zero_has_no_sign() {
        assert_eq!(signed(-0.03, 1), "0.0");
        assert_eq!(signed(-0.004, 2), "0.00");
        assert_eq!(signed(0.0, 1), "0.0");
        assert_eq!(signed(-0.05001, 1), "-0.1");
        assert_eq!(signed(0.55, 2), "+0.55");
        assert_eq!(signed(-0.74, 2), "-0.74");
    }
}
