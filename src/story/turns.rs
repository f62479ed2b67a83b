//! Turn-level moves on a story that are decided by the tree alone: where
//! undo goes back to, and what stopping a passage before it wrote anything
//! takes away. The screens only say what happened.

use super::tree::{NodeId, Role, StoryTree};

/// The turn undo goes back to: the one before the last player action on
/// the current branch. `None` when the branch has no action to undo (the
/// story is at its opening).
pub fn undo_target(tree: &StoryTree) -> Option<NodeId> {
    let branch = tree.branch();
    let last_player = branch
        .iter()
        .rposition(|&id| tree.node(id).map(|n| n.role) == Some(Role::Player))?;
    last_player.checked_sub(1).map(|p| branch[p])
}

/// What [`drop_empty_passage`] took away.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dropped {
    /// Where the story is now to continue from.
    pub back_to: NodeId,
    /// The player's action that got no answer, also removed so it can be
    /// sent again or changed.
    pub unanswered: Option<String>,
}

/// Removes `passage`, a narration stopped before any text, so no empty turn
/// stays in the story. If the action it answered is the newest turn (the
/// player had not gone on from it elsewhere), that action goes too. `None`
/// when `passage` is not the newest leaf (nothing is removed).
pub fn drop_empty_passage(tree: &mut StoryTree, passage: NodeId) -> Option<Dropped> {
    let parent = tree.remove_newest(passage).ok()?;
    let back_to = tree.deepest_visited(parent);
    if back_to == parent && tree.node(parent).map(|n| n.role) == Some(Role::Player) {
        let action = tree.node(parent).map(|n| n.text.clone());
        if let Ok(before) = tree.remove_newest(parent) {
            return Some(Dropped {
                back_to: before,
                unanswered: action,
            });
        }
    }
    Some(Dropped {
        back_to,
        unanswered: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn story() -> StoryTree {
        // 0 opening -> 1 action -> 2 passage -> 3 action -> 4 passage
        let mut t = StoryTree::new("It was dark.");
        let a = t.push(0, Role::Player, "light a match").unwrap();
        let p = t.push(a, Role::Narration, "The match flares.").unwrap();
        let b = t.push(p, Role::Player, "open the door").unwrap();
        t.push(b, Role::Narration, "It creaks open.").unwrap();
        t
    }

    #[test]
    fn undo_goes_to_the_turn_before_the_last_action() {
        let mut t = story();
        assert_eq!(undo_target(&t), Some(2));
        t.set_current(2).unwrap();
        assert_eq!(undo_target(&t), Some(0));
        t.set_current(0).unwrap();
        assert_eq!(undo_target(&t), None);
        assert_eq!(undo_target(&StoryTree::new("Only an opening.")), None);
    }

    #[test]
    fn an_empty_passage_and_its_unanswered_action_are_removed() {
        let mut t = story();
        let c = t.push(4, Role::Player, "go north").unwrap();
        let empty = t.push(c, Role::Narration, "").unwrap();
        let d = drop_empty_passage(&mut t, empty).unwrap();
        assert_eq!(
            d,
            Dropped {
                back_to: 4,
                unanswered: Some("go north".into())
            }
        );
        assert_eq!(t.len(), 5);
        assert_eq!(t.current(), 4);
        assert!(t.validate().is_ok());
    }

    #[test]
    fn a_retry_that_wrote_nothing_keeps_the_action() {
        // The action already has an answer: only the empty retry goes.
        let mut t = story();
        let empty = t.push(3, Role::Narration, "").unwrap();
        let d = drop_empty_passage(&mut t, empty).unwrap();
        assert_eq!(d.unanswered, None);
        assert_eq!(d.back_to, 4);
        assert_eq!(t.len(), 5);
    }

    #[test]
    fn only_the_newest_leaf_can_be_dropped() {
        let mut t = story();
        assert_eq!(drop_empty_passage(&mut t, 2), None);
        assert_eq!(t.len(), 5);
    }
}
