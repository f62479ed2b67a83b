//! The story tree: every turn is a node (narration or player action) with
//! its text, sentiment and the model state after it. The current branch is
//! the path from the root to `current`; rewinding moves `current` up,
//! continuing from an earlier turn grows a new branch beside the old one.

use std::cell::RefCell;
use std::ops::{Deref, DerefMut};

use serde::{Deserialize, Serialize};

use super::provenance::Provenance;
use crate::lm::LstmState;
use crate::narrator::confidence::Confidence;
use crate::narrator::scene::Scene;
use crate::sentiment::Sentiment;

pub type NodeId = usize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The story's first paragraph (a genre opening or the player's own).
    Opening,
    Narration,
    Player,
}

impl Role {
    pub fn label(self) -> &'static str {
        match self {
            Role::Opening => "opening",
            Role::Narration => "narration",
            Role::Player => "player",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Node {
    pub id: NodeId,
    pub parent: Option<NodeId>,
    pub children: Vec<NodeId>,
    pub role: Role,
    pub text: String,
    #[serde(default)]
    pub sentiment: Option<Sentiment>,
    /// Model state after this node's text; `None` while it is being generated
    /// or when it was not stored (imported transcripts).
    #[serde(default, with = "crate::story::state_codec")]
    pub state: Option<LstmState>,
    /// The child that was last on the current branch, so moving back down
    /// (or switching to this branch) returns to where the player was.
    #[serde(default)]
    pub last_child: Option<NodeId>,
    /// Suggested choices offered after this turn, kept so a rewind shows
    /// them again without asking the model.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub choices: Vec<String>,
    /// Characters generated and seconds spent on them (narration only).
    #[serde(default)]
    pub tokens: usize,
    #[serde(default)]
    pub seconds: f32,
    /// What wrote this passage (narration written by this version or
    /// later); `None` for older sessions and imported transcripts. Boxed:
    /// frames walk the nodes, and a small node keeps that fast.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provenance: Option<Box<Provenance>>,
    /// The model's surprisal and the passage's repetition (narration).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidence: Option<Confidence>,
    /// The scene after this turn (openings and finished passages; an
    /// action changes the scene only through the passage that answers it).
    /// `None` for older sessions: it is rebuilt from the text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scene: Option<Box<Scene>>,
}

impl Node {
    fn new(id: NodeId, parent: Option<NodeId>, role: Role, text: &str) -> Node {
        Node {
            id,
            parent,
            children: Vec::new(),
            role,
            text: text.to_string(),
            sentiment: None,
            state: None,
            last_child: None,
            choices: Vec::new(),
            tokens: 0,
            seconds: 0.0,
            provenance: None,
            confidence: None,
            scene: None,
        }
    }
}

/// What is wrong with a story tree read from disk; turns are named by id.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum InvalidTree {
    #[error("the story has no turns")]
    Empty,
    #[error("current turn {0} does not exist")]
    NoCurrent(NodeId),
    #[error("turn at position {at} has id {id}")]
    WrongId { at: NodeId, id: NodeId },
    #[error("turn {0} has no parent")]
    NoParent(NodeId),
    #[error("the opening has a parent")]
    OpeningHasParent,
    #[error("turn {turn} has parent {parent}, which is not earlier")]
    LaterParent { turn: NodeId, parent: NodeId },
    #[error("turn {0} is missing from its parent's children")]
    NotInParent(NodeId),
    #[error("turn {turn} lists child {child}, which is not its child")]
    ForeignChild { turn: NodeId, child: NodeId },
    #[error("turn {turn} remembers child {child}, which is not its child")]
    ForeignLastChild { turn: NodeId, child: NodeId },
    #[error("turn {turn} has a generation time of {seconds}")]
    BadSeconds { turn: NodeId, seconds: f32 },
    #[error("turn {turn} has a sentiment score of {score}")]
    BadSentiment { turn: NodeId, score: f32 },
    #[error("turn {0} has a model state that is not finite")]
    NonFiniteState(NodeId),
    #[error("turn {turn} has a surprisal of {bits} bits per character")]
    BadSurprisal { turn: NodeId, bits: f32 },
    #[error("turn {turn} has a repetition share of {share} (0 to 1)")]
    BadRepetition { turn: NodeId, share: f32 },
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TreeError {
    #[error("turn {0} does not exist")]
    NoSuchNode(NodeId),
    #[error("the opening has no siblings")]
    IsRoot,
    #[error("turn {0} is not the newest turn, or turns follow it")]
    NotNewestLeaf(NodeId),
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StoryTree {
    nodes: Vec<Node>,
    current: NodeId,
    /// Derived from `nodes`, never stored: rebuilt after loading.
    #[serde(skip)]
    totals: Totals,
}

/// Figures of the path from the root to one node, inclusive: what the
/// review shows of the current branch. Kept per node, so reading the
/// current branch's figures does not walk it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PathTotals {
    pub turns: usize,
    pub player_turns: usize,
    pub words: usize,
    pub generated_chars: usize,
    pub generation_seconds: f32,
    /// The sum of the sentiment scores, in path order, over `scored` turns.
    pub sentiment_sum: f32,
    pub scored: usize,
    /// (1-based turn on the path, score) of the first highest score.
    pub max: Option<(usize, f32)>,
    /// (1-based turn on the path, score) of the first lowest score.
    pub min: Option<(usize, f32)>,
}

impl PathTotals {
    fn empty() -> PathTotals {
        // Sums start where `Iterator::sum` starts, so a path's sums equal
        // those of its turns summed in order, bit for bit.
        let zero: f32 = std::iter::empty::<f32>().sum();
        PathTotals {
            turns: 0,
            player_turns: 0,
            words: 0,
            generated_chars: 0,
            generation_seconds: zero,
            sentiment_sum: zero,
            scored: 0,
            max: None,
            min: None,
        }
    }

    /// These figures with `node` (`words` of text) appended to the path.
    fn then(mut self, node: &Node, words: usize) -> PathTotals {
        self.turns += 1;
        self.player_turns += usize::from(node.role == Role::Player);
        self.words += words;
        self.generated_chars += node.tokens;
        self.generation_seconds += node.seconds;
        if let Some(s) = node.sentiment {
            self.sentiment_sum += s.score;
            self.scored += 1;
            // Strict comparisons: the first of equal extremes is kept.
            if self.max.is_none_or(|m| s.score > m.1) {
                self.max = Some((self.turns, s.score));
            }
            if self.min.is_none_or(|m| s.score < m.1) {
                self.min = Some((self.turns, s.score));
            }
        }
        self
    }
}

fn word_count(text: &str) -> usize {
    text.split_whitespace().count()
}

/// The tree's figures kept up to date as it changes, so a frame reads them
/// instead of counting the words of every turn. Words per node and the
/// leaf and fork counts change with each edit; path figures are redone on
/// the next read from the earliest node changed (parents come before
/// children, so one pass in id order is enough).
#[derive(Clone, Default)]
struct Totals(RefCell<TotalsInner>);

#[derive(Clone, Default)]
struct TotalsInner {
    /// Words of each node's text; empty until first built (a loaded tree).
    words: Vec<usize>,
    /// Path figures of each node; those at `fresh` and after are stale.
    paths: Vec<PathTotals>,
    fresh: usize,
    leaves: usize,
    forks: usize,
}

impl TotalsInner {
    fn built(&self, nodes: &[Node]) -> bool {
        self.words.len() == nodes.len() && !nodes.is_empty()
    }

    /// Counts everything anew when nothing was counted yet.
    fn build(&mut self, nodes: &[Node]) {
        if self.built(nodes) {
            return;
        }
        self.words = nodes.iter().map(|n| word_count(&n.text)).collect();
        self.leaves = nodes.iter().filter(|n| n.children.is_empty()).count();
        self.forks = nodes.iter().filter(|n| n.children.len() > 1).count();
        self.paths.clear();
        self.fresh = 0;
    }

    /// A node's children went from `before` to `after` in number.
    fn children_changed(&mut self, before: usize, after: usize) {
        self.leaves = self.leaves + usize::from(after == 0) - usize::from(before == 0);
        self.forks = self.forks + usize::from(after > 1) - usize::from(before > 1);
    }

    fn stale_from(&mut self, id: NodeId) {
        self.fresh = self.fresh.min(id);
    }

    fn path(&mut self, nodes: &[Node], id: NodeId) -> Option<PathTotals> {
        self.build(nodes);
        if self.fresh < nodes.len() {
            self.paths.truncate(self.fresh);
            for (i, n) in nodes.iter().enumerate().skip(self.fresh) {
                let before = match n.parent {
                    Some(p) if p < i => self.paths[p],
                    _ => PathTotals::empty(),
                };
                let words = self.words.get(i).copied().unwrap_or(0);
                self.paths.push(before.then(n, words));
            }
            self.fresh = nodes.len();
        }
        self.paths.get(id).copied()
    }
}

impl PartialEq for Totals {
    /// Derived from the nodes, which are compared already.
    fn eq(&self, _: &Totals) -> bool {
        true
    }
}

impl std::fmt::Debug for Totals {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Totals")
    }
}

/// A node open for changes; when it is dropped the tree's figures take the
/// changes in (its words, whether it is a leaf or a fork, its path figures).
pub struct NodeMut<'a> {
    tree: &'a mut StoryTree,
    id: NodeId,
    children: usize,
}

impl Deref for NodeMut<'_> {
    type Target = Node;
    fn deref(&self) -> &Node {
        &self.tree.nodes[self.id]
    }
}

impl DerefMut for NodeMut<'_> {
    fn deref_mut(&mut self) -> &mut Node {
        &mut self.tree.nodes[self.id]
    }
}

impl Drop for NodeMut<'_> {
    fn drop(&mut self) {
        let node = &self.tree.nodes[self.id];
        let t = self.tree.totals.0.get_mut();
        if let Some(w) = t.words.get_mut(self.id) {
            *w = word_count(&node.text);
        }
        t.children_changed(self.children, node.children.len());
        t.stale_from(self.id);
    }
}

impl StoryTree {
    pub fn new(opening: &str) -> StoryTree {
        StoryTree {
            nodes: vec![Node::new(0, None, Role::Opening, opening)],
            current: 0,
            totals: Totals::default(),
        }
    }

    pub fn root(&self) -> NodeId {
        0
    }

    pub fn current(&self) -> NodeId {
        self.current
    }

    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    pub fn node(&self, id: NodeId) -> Option<&Node> {
        self.nodes.get(id)
    }

    /// A node to change; the tree's figures follow when it is dropped.
    pub fn node_mut(&mut self, id: NodeId) -> Option<NodeMut<'_>> {
        let children = self.nodes.get(id)?.children.len();
        self.totals.0.get_mut().build(&self.nodes);
        Some(NodeMut {
            tree: self,
            id,
            children,
        })
    }

    /// Figures of the current branch (root to `current`).
    pub fn branch_totals(&self) -> PathTotals {
        self.path_totals(self.current)
            .unwrap_or_else(PathTotals::empty)
    }

    /// Figures of the path from the root to `id`.
    pub fn path_totals(&self, id: NodeId) -> Option<PathTotals> {
        self.totals.0.borrow_mut().path(&self.nodes, id)
    }

    fn leaf_and_fork_counts(&self) -> (usize, usize) {
        let mut t = self.totals.0.borrow_mut();
        t.build(&self.nodes);
        (t.leaves, t.forks)
    }

    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    /// Adds a child of `parent` and makes it current.
    pub fn push(&mut self, parent: NodeId, role: Role, text: &str) -> Result<NodeId, TreeError> {
        if parent >= self.nodes.len() {
            return Err(TreeError::NoSuchNode(parent));
        }
        let id = self.nodes.len();
        let t = self.totals.0.get_mut();
        t.build(&self.nodes);
        t.words.push(word_count(text));
        // The new node is a leaf.
        t.leaves += 1;
        let siblings = self.nodes[parent].children.len();
        t.children_changed(siblings, siblings + 1);
        t.stale_from(id);
        self.nodes.push(Node::new(id, Some(parent), role, text));
        self.nodes[parent].children.push(id);
        self.set_current(id)?;
        Ok(id)
    }

    /// Removes `id`, which must be the newest turn with nothing after it
    /// (a passage stopped before any text), so ids stay positions. Its
    /// parent becomes current; returns the parent.
    pub fn remove_newest(&mut self, id: NodeId) -> Result<NodeId, TreeError> {
        let newest = self.nodes.len().saturating_sub(1);
        let node = self.nodes.get(id).ok_or(TreeError::NoSuchNode(id))?;
        let parent = match node.parent {
            Some(p) if id == newest && node.children.is_empty() => p,
            _ => return Err(TreeError::NotNewestLeaf(id)),
        };
        let t = self.totals.0.get_mut();
        t.build(&self.nodes);
        t.words.pop();
        // The removed node was a leaf.
        t.leaves = t.leaves.saturating_sub(1);
        let siblings = self.nodes[parent].children.len();
        t.children_changed(siblings, siblings.saturating_sub(1));
        t.stale_from(id);
        self.nodes.pop();
        let p = &mut self.nodes[parent];
        p.children.retain(|&c| c != id);
        if p.last_child == Some(id) {
            p.last_child = p.children.last().copied();
        }
        self.set_current(parent)?;
        Ok(parent)
    }

    /// Makes `id` current and remembers the path to it.
    pub fn set_current(&mut self, id: NodeId) -> Result<(), TreeError> {
        if id >= self.nodes.len() {
            return Err(TreeError::NoSuchNode(id));
        }
        self.current = id;
        let mut child = id;
        while let Some(parent) = self.nodes[child].parent {
            self.nodes[parent].last_child = Some(child);
            child = parent;
        }
        Ok(())
    }

    /// Root to `current`, inclusive.
    pub fn branch(&self) -> Vec<NodeId> {
        self.path_to(self.current)
    }

    pub fn path_to(&self, id: NodeId) -> Vec<NodeId> {
        let mut path = Vec::new();
        let mut at = Some(id.min(self.nodes.len().saturating_sub(1)));
        while let Some(n) = at {
            path.push(n);
            at = self.nodes[n].parent;
        }
        path.reverse();
        path
    }

    /// Siblings of `id` in creation order (itself included) and its index among them.
    pub fn siblings(&self, id: NodeId) -> (Vec<NodeId>, usize) {
        match self.nodes.get(id).and_then(|n| n.parent) {
            Some(p) => {
                let sibs = self.nodes[p].children.clone();
                let at = sibs.iter().position(|&s| s == id).unwrap_or(0);
                (sibs, at)
            }
            None => (vec![id.min(self.nodes.len().saturating_sub(1))], 0),
        }
    }

    /// Root to where the player last was below `current`: the current
    /// branch and, after a rewind, the turns after `current` that a player
    /// can return to (they follow `last_child`).
    pub fn trail(&self) -> Vec<NodeId> {
        self.path_to(self.deepest_visited(self.current))
    }

    /// Follows `last_child` links down from `id` to where the player last was.
    pub fn deepest_visited(&self, id: NodeId) -> NodeId {
        let mut at = id;
        while let Some(next) = self.nodes.get(at).and_then(|n| n.last_child) {
            at = next;
        }
        at
    }

    /// Moves to the previous (`-1`) or next (`+1`) sibling of `id` and down
    /// its last visited path. Returns the new current node.
    pub fn switch_sibling(&mut self, id: NodeId, delta: isize) -> Result<NodeId, TreeError> {
        let node = self.nodes.get(id).ok_or(TreeError::NoSuchNode(id))?;
        if node.parent.is_none() {
            return Err(TreeError::IsRoot);
        }
        let (sibs, at) = self.siblings(id);
        let next = (at as isize + delta).rem_euclid(sibs.len() as isize) as usize;
        let target = self.deepest_visited(sibs[next]);
        self.set_current(target)?;
        Ok(target)
    }

    /// Leaves that are not on the current branch: branches the player left behind.
    pub fn abandoned_leaves(&self) -> usize {
        // Every node on the branch but its end has a child on it, so the
        // end is the only leaf the branch can hold.
        let current_is_leaf = self
            .nodes
            .get(self.current)
            .is_some_and(|n| n.children.is_empty());
        self.leaf_and_fork_counts()
            .0
            .saturating_sub(usize::from(current_is_leaf))
    }

    /// Nodes with more than one child: the places where the story forked.
    pub fn fork_count(&self) -> usize {
        self.leaf_and_fork_counts().1
    }

    /// Checks the links after loading from disk: every parent and child
    /// exists, links agree both ways, ids match positions, no cycles.
    pub fn validate(&self) -> Result<(), InvalidTree> {
        if self.nodes.is_empty() {
            return Err(InvalidTree::Empty);
        }
        if self.current >= self.nodes.len() {
            return Err(InvalidTree::NoCurrent(self.current));
        }
        for (i, n) in self.nodes.iter().enumerate() {
            if n.id != i {
                return Err(InvalidTree::WrongId { at: i, id: n.id });
            }
            match n.parent {
                None if i != 0 => return Err(InvalidTree::NoParent(i)),
                Some(_) if i == 0 => return Err(InvalidTree::OpeningHasParent),
                // Parents come first, so following parents always ends at the root.
                Some(p) if p >= i => return Err(InvalidTree::LaterParent { turn: i, parent: p }),
                Some(p) if !self.nodes[p].children.contains(&i) => {
                    return Err(InvalidTree::NotInParent(i))
                }
                _ => {}
            }
            for &c in &n.children {
                if self.nodes.get(c).and_then(|c| c.parent) != Some(i) {
                    return Err(InvalidTree::ForeignChild { turn: i, child: c });
                }
            }
            if let Some(c) = n.last_child {
                if !n.children.contains(&c) {
                    return Err(InvalidTree::ForeignLastChild { turn: i, child: c });
                }
            }
            // Numbers JSON cannot write back (infinities, NaN) would make
            // the next save unreadable, so they are refused on load.
            if !(n.seconds.is_finite() && n.seconds >= 0.0) {
                return Err(InvalidTree::BadSeconds {
                    turn: i,
                    seconds: n.seconds,
                });
            }
            if let Some(s) = n.sentiment {
                if !(-1.0..=1.0).contains(&s.score) {
                    return Err(InvalidTree::BadSentiment {
                        turn: i,
                        score: s.score,
                    });
                }
            }
            if let Some(state) = &n.state {
                if !state.h.iter().chain(&state.c).all(|v| v.is_finite()) {
                    return Err(InvalidTree::NonFiniteState(i));
                }
            }
            if let Some(c) = &n.confidence {
                if let Some(bits) = c.surprisal_bits_per_char {
                    if !(bits.is_finite() && bits >= 0.0) {
                        return Err(InvalidTree::BadSurprisal { turn: i, bits });
                    }
                }
                if !(0.0..=1.0).contains(&c.repetition) {
                    return Err(InvalidTree::BadRepetition {
                        turn: i,
                        share: c.repetition,
                    });
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn story() -> StoryTree {
        // 0 opening -> 1 player -> 2 narration
        let mut t = StoryTree::new("It was dark.");
        let p = t.push(0, Role::Player, "light a match").unwrap();
        t.push(p, Role::Narration, "The match flares.").unwrap();
        t
    }

    #[test]
    fn push_extends_the_branch() {
        let t = story();
        assert_eq!(t.branch(), vec![0, 1, 2]);
        assert_eq!(t.current(), 2);
        assert!(t.validate().is_ok());
    }

    #[test]
    fn retry_makes_a_sibling_and_switching_walks_between_them() {
        let mut t = story();
        let retry = t
            .push(1, Role::Narration, "The match will not light.")
            .unwrap();
        assert_eq!(t.siblings(retry), (vec![2, 3], 1));
        assert_eq!(t.abandoned_leaves(), 1);
        assert_eq!(t.switch_sibling(retry, -1).unwrap(), 2);
        assert_eq!(t.switch_sibling(2, 1).unwrap(), 3);
        assert_eq!(t.switch_sibling(3, 1).unwrap(), 2, "wraps around");
        assert_eq!(t.fork_count(), 1);
    }

    #[test]
    fn rewinding_and_continuing_branches_and_switching_returns_to_deepest_visit() {
        let mut t = story();
        t.set_current(0).unwrap();
        let other = t.push(0, Role::Player, "wait").unwrap();
        t.push(other, Role::Narration, "Nothing happens.").unwrap();
        assert_eq!(t.branch(), vec![0, 3, 4]);
        // Back to the first branch: lands on its last turn, not its first.
        assert_eq!(t.switch_sibling(3, -1).unwrap(), 2);
        assert_eq!(t.branch(), vec![0, 1, 2]);
    }

    #[test]
    fn the_trail_keeps_the_turns_after_a_rewind() {
        let mut t = story();
        t.set_current(0).unwrap();
        assert_eq!(t.branch(), vec![0]);
        assert_eq!(t.trail(), vec![0, 1, 2]);
        t.set_current(2).unwrap();
        assert_eq!(t.trail(), vec![0, 1, 2]);
        // Continuing from the rewind makes the new turns the trail.
        t.set_current(0).unwrap();
        t.push(0, Role::Player, "wait").unwrap();
        assert_eq!(t.trail(), vec![0, 3]);
    }

    #[test]
    fn only_the_newest_leaf_is_removed() {
        let mut t = story();
        let retry = t.push(1, Role::Narration, "").unwrap();
        assert_eq!(t.remove_newest(retry), Ok(1));
        assert_eq!(t.len(), 3);
        assert_eq!(t.node(1).unwrap().children, vec![2]);
        assert_eq!(t.node(1).unwrap().last_child, Some(2));
        assert_eq!(t.current(), 1);
        assert!(t.validate().is_ok());
        assert_eq!(t.remove_newest(1), Err(TreeError::NotNewestLeaf(1)));
        assert_eq!(t.remove_newest(0), Err(TreeError::NotNewestLeaf(0)));
        assert_eq!(t.remove_newest(2), Ok(1));
        assert_eq!(t.node(1).unwrap().last_child, None);
    }

    #[test]
    fn bad_ids_are_errors_not_panics() {
        let mut t = story();
        assert_eq!(
            t.push(99, Role::Player, "x"),
            Err(TreeError::NoSuchNode(99))
        );
        assert_eq!(t.set_current(99), Err(TreeError::NoSuchNode(99)));
        assert_eq!(t.switch_sibling(0, 1), Err(TreeError::IsRoot));
        assert_eq!(t.switch_sibling(42, 1), Err(TreeError::NoSuchNode(42)));
    }

    #[test]
    fn validate_catches_broken_links() {
        let mut t = story();
        t.nodes[2].parent = Some(0);
        assert_eq!(
            t.validate(),
            Err(InvalidTree::ForeignChild { turn: 1, child: 2 })
        );
        let mut t = story();
        t.current = 10;
        assert_eq!(t.validate(), Err(InvalidTree::NoCurrent(10)));
        let mut t = story();
        t.nodes[1].children.push(7);
        let err = t.validate().unwrap_err();
        assert_eq!(err, InvalidTree::ForeignChild { turn: 1, child: 7 });
        assert_eq!(
            err.to_string(),
            "turn 1 lists child 7, which is not its child"
        );
        let mut t = story();
        t.nodes[2].seconds = f32::NAN;
        assert!(matches!(
            t.validate(),
            Err(InvalidTree::BadSeconds { turn: 2, .. })
        ));
        let mut t = story();
        t.nodes[1].last_child = Some(0);
        assert_eq!(
            t.validate(),
            Err(InvalidTree::ForeignLastChild { turn: 1, child: 0 })
        );
    }
}
