//! Choosing among candidate passages. Each is scored on what a player
//! notices, and the model's own likelihood keeps the bias from forcing
//! words in:
//!
//! ```text
//! score = mean log-probability per character under the model (nats)
//!       + 0.6 × uptake: the share of the action's objects the passage names
//!             ("open the gate": the gate), + 0.6 when its first sentence
//!             names the verb too
//!             (for an action with no object, 0.6 × whether it names the verb)
//!       − 0.5 when its first sentence acts on another thing, one neither the
//!             action nor the story named ("You take the panel" after
//!             `take the mask`)
//!       + 0.4 when it names a thing of the player's story (one the opening or
//!             an action named), so the narrator stays among them
//!             instead of inventing a room of its own
//!       + 2.0 × (dictionary share − 1)
//!       − 1.0 × repetition (share of its word 4-grams already in the recent
//!             passages or earlier in itself: [`confidence::repetition`])
//!       − 0.3 × archaic words (thee, thou, unto…), at most 1.0 in all
//!       − 1.0 × |sentiment − target| when a mood is set
//!       − 1.0 when it does not end at a sentence end (no sentence end at all)
//!       − 1.5 when it moves the player and the action did not ask to move
//!             ([`keep_to_scene`]), − 0.4 when it brings in a person the
//!             scene does not have, − 0.5 when it names a place the scene
//!             does not (after an action that does not move)
//! ```
//! An empty candidate scores −∞.

use super::confidence::{self, Seen};
use super::scene::{self, Scene};
use super::words;

const UNASKED_MOVE_COST: f64 = 1.5;
const NEW_PERSON_COST: f64 = 0.4;
const NEW_PLACE_COST: f64 = 0.5;

const WORLD_WEIGHT: f64 = 0.4;
const VERB_WEIGHT: f64 = 0.6;
const SWAP_COST: f64 = 0.5;

/// Whether the first sentence acts on something else than the action's
/// objects, and not on a thing of the story either ("You take the panel."
/// after `take the mask`): the model's commonest way of not following.
fn swaps_the_object(text: &str, objects: &[String], world: &[String]) -> bool {
    let end = text.find(['.', '!', '?']).unwrap_or(text.len());
    let first = &text[..end];
    let things = words::named_things(first);
    let known = |t: &String| {
        objects
            .iter()
            .chain(world)
            .any(|o| words::stem(o) == words::stem(t))
    };
    !things.is_empty() && !things.iter().any(known)
}

/// What a candidate is measured against.
pub struct RerankContext<'a> {
    pub action_words: &'a [String],
    pub world: &'a [String],
    /// The word 4-grams of the recent passages.
    pub recent: Seen,
    pub mood: Option<f32>,
}

/// A candidate's score and its parts, for reports and tests.
#[derive(Clone, Debug, PartialEq)]
pub struct Score {
    pub total: f64,
    pub log_prob: f64,
    pub uptake: f32,
    pub in_world: bool,
    pub dictionary: f32,
    pub repetition: f32,
    pub archaic: usize,
    pub sentiment: f32,
}

pub fn score(text: &str, mean_log_prob: f64, cx: &RerankContext) -> Score {
    let objects = words::action_objects(cx.action_words);
    let uptake = words::uptake(text, cx.action_words);
    // Naming the verb ("You take the panel" after "take the mask") is not
    // following the action; naming its object is.
    let follows = if objects.is_empty() {
        0.6 * f64::from(uptake)
    } else {
        // The verb in the first sentence: with the object written by the
        // slot, what tells "You drop the pipe" from "You smell the pipe".
        let first = &text[..text.find(['.', '!', '?']).unwrap_or(text.len())];
        let verb = cx
            .action_words
            .last()
            .is_some_and(|v| words::mentions(first, v));
        let named =
            0.6 * f64::from(words::uptake(text, objects)) + if verb { VERB_WEIGHT } else { 0.0 };
        named
            - if swaps_the_object(text, objects, cx.world) {
                SWAP_COST
            } else {
                0.0
            }
    };
    let in_world = words::mentions_any(text, cx.world);
    let dictionary = words::dictionary_share(text);
    let repetition = confidence::repetition(text, &cx.recent);
    let archaic = words::archaic_count(text);
    let sentiment = crate::sentiment::Scorer::builtin().score(text).score;
    let mut total = mean_log_prob
        + follows
        + if in_world { WORLD_WEIGHT } else { 0.0 }
        + 2.0 * f64::from(dictionary - 1.0)
        - f64::from(repetition)
        - (0.3 * archaic as f64).min(1.0);
    if let Some(target) = cx.mood {
        total -= f64::from((sentiment - target).abs());
    }
    if words::ends_mid_sentence(text) {
        total -= 1.0;
    }
    if text.trim().is_empty() || !mean_log_prob.is_finite() {
        total = f64::NEG_INFINITY;
    }
    Score {
        total,
        log_prob: mean_log_prob,
        uptake,
        in_world,
        dictionary,
        repetition,
        archaic,
        sentiment,
    }
}

/// Lowers the score of a candidate that leaves the scene: one that moves
/// the player after an action that does not move them ("You arrive at the
/// rooftop" after `drop the letter`), or that brings in a person the scene
/// and the action never named.
pub fn keep_to_scene(score: &mut Score, before: &Scene, action: Option<&str>, text: &str) {
    let after = before.after_turn(action, text);
    let asked = action.is_some_and(scene::moves_player);
    let moved = after.moved_from(before);
    let known = |p: &String| {
        before.people.iter().any(|q| q.eq_ignore_ascii_case(p))
            || action.is_some_and(|a| words::mentions_any(a, std::slice::from_ref(p)))
    };
    let stranger = !moved && after.people.iter().any(|p| !known(p));
    if moved && !asked {
        score.total -= UNASKED_MOVE_COST;
    }
    if stranger {
        score.total -= NEW_PERSON_COST;
    }
    // A place the scene never named ("You see the rooftop" in a hospital).
    let named = before.names();
    let new_place = scene::places_named(text).iter().any(|p| {
        let head = scene::head_of(p);
        !named.iter().any(|n| words::mentions(n, head))
            && !action.is_some_and(|a| words::mentions(a, head))
    });
    if new_place && !asked {
        score.total -= NEW_PLACE_COST;
    }
}

/// Index of the best-scoring candidate (the earliest on ties); `None` when empty.
pub fn best(scores: &[Score]) -> Option<usize> {
    scores
        .iter()
        .enumerate()
        .fold(None, |best: Option<(usize, f64)>, (i, s)| match best {
            Some((_, b)) if b >= s.total => best,
            _ => Some((i, s.total)),
        })
        .map(|(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cx(words: &[&str]) -> (Vec<String>, Option<f32>) {
        (words.iter().map(|s| s.to_string()).collect(), None)
    }

    #[test]
    fn a_passage_that_takes_up_the_action_wins_at_equal_likelihood() {
        let (w, mood) = cx(&["key", "take"]);
        let c = RerankContext {
            action_words: &w,
            world: &[],
            recent: Seen::default(),
            mood,
        };
        let a = score("You take the key. It is cold in your hand.", -1.2, &c);
        let b = score("The wind blows across the empty field.", -1.2, &c);
        assert!(a.total > b.total);
        assert_eq!(best(&[b.clone(), a.clone()]), Some(1));
        // The verb alone, on another thing, is not following the action.
        let other = score("You take the panel. It is cold in your hand.", -1.2, &c);
        assert!(a.total > other.total + 0.5);
        assert!(swaps_the_object("You take the panel.", &w[..1], &[]));
        assert!(!swaps_the_object("You take the key.", &w[..1], &[]));
        assert!(!swaps_the_object("Nothing happens.", &w[..1], &[]));
    }

    #[test]
    fn a_passage_among_the_story_s_things_beats_an_invented_room() {
        let world = ["castle".to_string(), "guard".to_string()];
        let c = RerankContext {
            action_words: &[],
            world: &world,
            recent: Seen::default(),
            mood: None,
        };
        let stays = score("The guard lets you pass into the castle.", -1.3, &c);
        let strays = score("You are in a kitchen. There is a fridge.", -1.3, &c);
        assert!(stays.in_world && !strays.in_world);
        assert!(stays.total > strays.total);
    }

    #[test]
    fn likelihood_outweighs_words_forced_in() {
        let (w, mood) = cx(&["key"]);
        let c = RerankContext {
            action_words: &w,
            world: &[],
            recent: Seen::default(),
            mood,
        };
        let forced = score("Key you key the key in a key.", -2.4, &c);
        let fluent = score("The door is locked and the hall is dark.", -1.1, &c);
        assert!(fluent.total > forced.total);
    }

    #[test]
    fn repeats_archaic_words_and_nonsense_cost() {
        let (w, mood) = cx(&[]);
        let c = RerankContext {
            action_words: &w,
            world: &[],
            recent: Seen::of(&["You are in a small room with a door."]),
            mood,
        };
        let plain = score("A lamp burns on the table by the window.", -1.2, &c);
        let repeat = score("You are in a small room with a door.", -1.2, &c);
        let archaic = score("And thou shalt go unto the window.", -1.2, &c);
        let nonsense = score("Zorbl qunt the flimbrax skree.", -1.2, &c);
        let unfinished = score("A lamp burns on the table by the", -1.2, &c);
        for worse in [&repeat, &archaic, &nonsense, &unfinished] {
            assert!(plain.total > worse.total, "{worse:?}");
        }
        assert_eq!(score("  ", -1.0, &c).total, f64::NEG_INFINITY);
    }

    #[test]
    fn a_mood_pulls_toward_its_sentiment() {
        let w: Vec<String> = Vec::new();
        let c = RerankContext {
            action_words: &w,
            world: &[],
            recent: Seen::default(),
            mood: Some(0.6),
        };
        let happy = score("You laugh with joy; the sun is warm and lovely.", -1.2, &c);
        let grim = score(
            "You weep; the dead lie cold and the night is cruel.",
            -1.2,
            &c,
        );
        assert!(happy.total > grim.total);
    }
}
