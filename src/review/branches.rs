//! Every branch of a story as a sentiment arc: for `review --json`, each
//! leaf's path from the opening with its per-turn scores; for the review
//! pane, the parts of the other branches that leave the current one, to
//! draw over its arc and show how a choice changed the mood.

use serde::Serialize;

use crate::story::{NodeId, StoryTree};

/// One leaf's path from the opening.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BranchArc {
    pub leaf: NodeId,
    /// The branch the player is on (it ends where the player last was).
    pub current: bool,
    /// Turns, from the opening, this path shares with the current branch.
    pub shared_turns: usize,
    pub nodes: Vec<NodeId>,
    /// Each node's sentiment score, `null` where it was not scored.
    pub sentiment: Vec<Option<f32>>,
}

/// Every leaf's arc, in id order.
pub fn branch_arcs(tree: &StoryTree) -> Vec<BranchArc> {
    let on_branch = positions_on_branch(tree);
    let current_leaf = tree.deepest_visited(tree.current());
    tree.nodes()
        .iter()
        .filter(|n| n.children.is_empty())
        .map(|leaf| {
            let nodes = tree.path_to(leaf.id);
            let shared_turns = nodes
                .iter()
                .take_while(|&&id| on_branch.get(id).is_some_and(|&p| p > 0))
                .count();
            let sentiment = nodes
                .iter()
                .map(|&id| tree.node(id).and_then(|n| n.sentiment).map(|s| s.score))
                .collect();
            BranchArc {
                leaf: leaf.id,
                current: leaf.id == current_leaf,
                shared_turns,
                nodes,
                sentiment,
            }
        })
        .collect()
}

/// How another branch is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// One turn beside the current branch: a retried passage, or an action
    /// that got no answer.
    Alternative,
    /// Several turns: a branch the player left (or undid).
    Abandoned,
}

/// Where another branch leaves the current one and how its mood went:
/// (turn, score) points from the turn it forks at (so its line starts on
/// the current arc) to its leaf; unscored turns are skipped.
#[derive(Clone, Debug, PartialEq)]
pub struct OtherBranch {
    pub kind: Kind,
    pub points: Vec<(f64, f64)>,
}

/// The other branches' arcs, relative to the current branch (root to the
/// current turn). Each walks up from its leaf to the current branch only,
/// so the cost follows the branches' own length, not the story's.
pub fn other_branches(tree: &StoryTree) -> Vec<OtherBranch> {
    let on_branch = positions_on_branch(tree);
    let score = |id: NodeId| {
        tree.node(id)
            .and_then(|n| n.sentiment)
            .map(|s| s.score as f64)
    };
    let mut out = Vec::new();
    let mut part = Vec::new();
    for leaf in tree.nodes().iter().filter(|n| n.children.is_empty()) {
        if on_branch.get(leaf.id).is_some_and(|&p| p > 0) {
            continue;
        }
        part.clear();
        let mut at = Some(leaf.id);
        let mut fork = None;
        while let Some(id) = at {
            match on_branch.get(id) {
                Some(&p) if p > 0 => {
                    fork = Some((id, p));
                    break;
                }
                _ => part.push(id),
            }
            at = tree.node(id).and_then(|n| n.parent);
        }
        let Some((fork, fork_turn)) = fork else {
            continue;
        };
        let mut points = Vec::with_capacity(part.len() + 1);
        points.extend(score(fork).map(|s| (fork_turn as f64, s)));
        for (k, &id) in part.iter().rev().enumerate() {
            points.extend(score(id).map(|s| ((fork_turn + k + 1) as f64, s)));
        }
        let kind = if part.len() == 1 {
            Kind::Alternative
        } else {
            Kind::Abandoned
        };
        out.push(OtherBranch { kind, points });
    }
    out
}

/// Leaves off the current branch: the branches the overlay adds.
pub fn other_leaves(tree: &StoryTree) -> usize {
    tree.abandoned_leaves()
}

/// For each node, its 1-based turn on the current branch (0: not on it).
fn positions_on_branch(tree: &StoryTree) -> Vec<usize> {
    let mut on = vec![0; tree.len()];
    for (i, id) in tree.branch().into_iter().enumerate() {
        on[id] = i + 1;
    }
    on
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sentiment::{Label, Sentiment};
    use crate::story::Role;

    fn scored(t: &mut StoryTree, parent: NodeId, role: Role, score: f32) -> NodeId {
        let id = t.push(parent, role, "text").unwrap();
        t.node_mut(id).unwrap().sentiment = Some(Sentiment {
            score,
            label: Label::Neutral,
            scorer: None,
        });
        id
    }

    /// Ids: 0 - 1 - 5 - 6 - 7 is the current branch, 8 beside 7 (a retry),
    /// and 1 - 2 - 3 - 4 left behind.
    fn story() -> StoryTree {
        let mut t = StoryTree::new("It was dark.");
        t.node_mut(0).unwrap().sentiment = Some(Sentiment {
            score: 0.0,
            label: Label::Neutral,
            scorer: None,
        });
        let a = scored(&mut t, 0, Role::Player, 0.1);
        let side = scored(&mut t, a, Role::Narration, -0.8);
        let b = scored(&mut t, side, Role::Player, -0.5);
        scored(&mut t, b, Role::Narration, -0.9);
        let p = scored(&mut t, a, Role::Narration, 0.5);
        let c = scored(&mut t, p, Role::Player, 0.2);
        let d = scored(&mut t, c, Role::Narration, 0.7);
        let _retry = scored(&mut t, c, Role::Narration, 0.9);
        t.set_current(d).unwrap();
        t
    }

    #[test]
    fn every_leaf_has_its_arc_from_the_opening() {
        let t = story();
        let arcs = branch_arcs(&t);
        assert_eq!(arcs.len(), 3);
        let leaves: Vec<NodeId> = arcs.iter().map(|a| a.leaf).collect();
        assert_eq!(leaves, vec![4, 7, 8]);
        assert_eq!(arcs[0].nodes, vec![0, 1, 2, 3, 4]);
        assert_eq!(
            arcs[0].sentiment,
            vec![Some(0.0), Some(0.1), Some(-0.8), Some(-0.5), Some(-0.9)]
        );
        assert_eq!(arcs[0].shared_turns, 2);
        assert!(arcs[1].current && !arcs[0].current && !arcs[2].current);
        assert_eq!(arcs[1].shared_turns, 5);
        assert_eq!(arcs[2].nodes, vec![0, 1, 5, 6, 8]);
        assert_eq!(arcs[2].shared_turns, 4);
    }

    #[test]
    fn other_branches_start_where_they_leave_the_current_one() {
        let t = story();
        let mut others = other_branches(&t);
        others.sort_by_key(|a| a.points.len());
        assert_eq!(others.len(), 2);
        // The retry: from turn 4 (the action) to its passage at turn 5.
        assert_eq!(others[0].kind, Kind::Alternative);
        assert_eq!(
            others[0].points,
            vec![(4.0, 0.2f32 as f64), (5.0, 0.9f32 as f64)]
        );
        // The branch left after turn 2.
        assert_eq!(others[1].kind, Kind::Abandoned);
        let turns: Vec<f64> = others[1].points.iter().map(|p| p.0).collect();
        assert_eq!(turns, vec![2.0, 3.0, 4.0, 5.0]);
        assert_eq!(other_leaves(&t), 2);
    }

    #[test]
    fn after_a_rewind_the_undone_turns_are_another_branch() {
        let mut t = story();
        t.set_current(6).unwrap();
        let others = other_branches(&t);
        // Nodes 7 and 8 now both leave the branch at node 6 (turn 4).
        assert_eq!(others.len(), 3);
        let at_four = others
            .iter()
            .filter(|o| o.kind == Kind::Alternative && o.points[0].0 == 4.0)
            .count();
        assert_eq!(at_four, 2);
        assert_eq!(branch_arcs(&t).iter().filter(|a| a.current).count(), 1);
    }
}
