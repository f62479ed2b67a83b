//! The review's statistics are kept up to date as the story tree changes
//! (they are drawn every frame); after any sequence of changes they must
//! equal the statistics counted from scratch over the tree.

use std::path::Path;

use fabula::review::stats::{stats, Stats};
use fabula::sentiment::{Label, Sentiment};
use fabula::story::session::ModelStamp;
use fabula::story::{Role, Session, StoryTree};
use proptest::prelude::*;

/// The statistics counted from the nodes alone: every turn of the branch
/// walked, every word counted, every leaf checked against the branch.
fn from_scratch(tree: &StoryTree) -> Stats {
    let branch = tree.branch();
    let nodes: Vec<_> = branch.iter().filter_map(|&id| tree.node(id)).collect();
    let scores: Vec<(usize, f32)> = nodes
        .iter()
        .enumerate()
        .filter_map(|(i, n)| n.sentiment.map(|s| (i + 1, s.score)))
        .collect();
    let mean =
        (!scores.is_empty()).then(|| scores.iter().map(|s| s.1).sum::<f32>() / scores.len() as f32);
    let max = scores
        .iter()
        .copied()
        .reduce(|a, b| if b.1 > a.1 { b } else { a });
    let min = scores
        .iter()
        .copied()
        .reduce(|a, b| if b.1 < a.1 { b } else { a });
    let generated_chars: usize = nodes.iter().map(|n| n.tokens).sum();
    let generation_seconds: f32 = nodes.iter().map(|n| n.seconds).sum();
    Stats {
        turns: nodes.len(),
        player_turns: nodes.iter().filter(|n| n.role == Role::Player).count(),
        words: nodes
            .iter()
            .map(|n| n.text.split_whitespace().count())
            .sum(),
        total_nodes: tree.len(),
        branch_points: tree.nodes().iter().filter(|n| n.children.len() > 1).count(),
        abandoned_branches: tree
            .nodes()
            .iter()
            .filter(|n| n.children.is_empty() && !branch.contains(&n.id))
            .count(),
        mean_sentiment: mean,
        min_sentiment: min.map(|m| m.1),
        max_sentiment: max.map(|m| m.1),
        most_positive_turn: max.map(|m| m.0),
        most_negative_turn: min.map(|m| m.0),
        generated_chars,
        generation_seconds,
        chars_per_second: (generation_seconds > 0.0)
            .then(|| generated_chars as f32 / generation_seconds),
    }
}

/// What a player (or the app for them) does to a story.
#[derive(Clone, Debug)]
enum Op {
    /// A new turn after the node picked by the index (a new turn at the
    /// end, or a retry or a new branch further back).
    Push(usize, bool, String),
    /// Rewind or jump to a node.
    Jump(usize),
    /// The previous or next alternative of a node.
    Sibling(usize, bool),
    /// A passage stopped before any text: the newest turn removed.
    RemoveNewest,
    /// Text streamed into a turn.
    Append(usize, String),
    /// A finished passage: its text, sentiment and generation figures.
    Finish(usize, String, Option<i8>, usize, u8),
    /// The story saved and resumed.
    Resume,
    /// A copy of the story, as the autosave takes.
    Clone,
}

fn text() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "",
        "open the door",
        "The lantern gutters.  A cold wind\nfalls through the stair.",
        "  run ",
        "Gold, and blood, and a quiet smile.\n\nThe river sings.",
        "走 进 去",
    ])
    .prop_map(str::to_string)
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (any::<usize>(), any::<bool>(), text()).prop_map(|(p, r, t)| Op::Push(p, r, t)),
        2 => any::<usize>().prop_map(Op::Jump),
        2 => (any::<usize>(), any::<bool>()).prop_map(|(i, d)| Op::Sibling(i, d)),
        1 => Just(Op::RemoveNewest),
        2 => (any::<usize>(), text()).prop_map(|(i, t)| Op::Append(i, t)),
        2 => (any::<usize>(), text(), prop::option::of(-100i8..=100), 0usize..500, any::<u8>())
            .prop_map(|(i, t, s, k, secs)| Op::Finish(i, t, s, k, secs)),
        1 => Just(Op::Resume),
        1 => Just(Op::Clone),
    ]
}

fn apply(session: &mut Session, op: Op) {
    let tree = &mut session.tree;
    let pick = |i: usize, tree: &StoryTree| i % tree.len();
    match op {
        Op::Push(p, player, text) => {
            let role = if player {
                Role::Player
            } else {
                Role::Narration
            };
            let parent = pick(p, tree);
            tree.push(parent, role, &text).unwrap();
        }
        Op::Jump(i) => tree.set_current(pick(i, tree)).unwrap(),
        Op::Sibling(i, next) => {
            let _ = tree.switch_sibling(pick(i, tree), if next { 1 } else { -1 });
        }
        Op::RemoveNewest => {
            let _ = tree.remove_newest(tree.len() - 1);
        }
        Op::Append(i, more) => {
            let id = pick(i, tree);
            tree.node_mut(id).unwrap().text.push_str(&more);
        }
        Op::Finish(i, text, score, tokens, secs) => {
            let id = pick(i, tree);
            let mut n = tree.node_mut(id).unwrap();
            n.text = text;
            n.sentiment = score.map(|s| {
                let score = f32::from(s) / 100.0;
                Sentiment {
                    score,
                    label: Label::from_score(score),
                    scorer: None,
                }
            });
            n.tokens = tokens;
            n.seconds = f32::from(secs) / 8.0;
        }
        Op::Resume => {
            *session = Session::from_json(Path::new("story.json"), &session.to_json()).unwrap();
        }
        Op::Clone => *session = session.clone(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn kept_statistics_equal_a_recount_after_any_changes(
        ops in prop::collection::vec(op(), 1..60),
        // Read the statistics after every change, or only now and then:
        // a read leaves figures fresh that the next change must make stale.
        read_every in 1usize..4,
    ) {
        let mut session = Session::new("test", "It was dark.", ModelStamp::default());
        for (i, op) in ops.into_iter().enumerate() {
            apply(&mut session, op.clone());
            if i % read_every == 0 {
                prop_assert_eq!(stats(&session.tree), from_scratch(&session.tree), "after {:?}", op);
            }
        }
        prop_assert_eq!(stats(&session.tree), from_scratch(&session.tree));
        prop_assert!(session.tree.validate().is_ok());
    }
}

#[test]
fn a_long_branch_keeps_its_extremes_and_sums_through_rewinds() {
    let mut s = Session::new("test", "Start.", ModelStamp::default());
    let mut at = 0;
    for i in 0..300 {
        at = s.tree.push(at, Role::Narration, "one two three").unwrap();
        let score = ((i * 37) % 201) as f32 / 100.0 - 1.0;
        s.tree.node_mut(at).unwrap().sentiment = Some(Sentiment {
            score,
            label: Label::from_score(score),
            scorer: None,
        });
        assert_eq!(stats(&s.tree), from_scratch(&s.tree));
    }
    // Rewind to the middle, change a turn before it, branch, and come back.
    let mid = s.tree.branch()[150];
    s.tree.set_current(mid).unwrap();
    assert_eq!(stats(&s.tree), from_scratch(&s.tree));
    s.tree.node_mut(10).unwrap().text.push_str(" four five");
    s.tree.push(mid, Role::Player, "wait").unwrap();
    assert_eq!(stats(&s.tree), from_scratch(&s.tree));
    s.tree.set_current(at).unwrap();
    let st = stats(&s.tree);
    assert_eq!(st, from_scratch(&s.tree));
    assert_eq!(st.words, 1 + 300 * 3 + 2);
    assert_eq!((st.branch_points, st.abandoned_branches), (1, 1));
}
