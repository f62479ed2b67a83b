//! What a player would notice about a played story, counted: whether
//! passages answer the action, their register, how they end, player lines
//! written by the narrator, dictionary words, and the choices offered.

use super::scene::{self, Scene};
use super::{choices, words};

/// Tallies over the passages and choices of played stories.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Quality {
    pub passages: usize,
    /// Passages that follow a player action with content words.
    pub answering: usize,
    /// Of those, the passages that take up at least one of its content words.
    pub taken_up: usize,
    /// Passages after an action with an object ("open the gate"), and those
    /// that name an object of it (the gate, not only the verb).
    pub with_objects: usize,
    pub objects_taken_up: usize,
    /// Passages that name a thing of the player's story: one the opening or
    /// a player's action named (rather than things the narrator made up).
    pub in_world: usize,
    pub archaic: usize,
    pub mid_sentence: usize,
    /// Lines in passages that start with `>` (a player line the narrator wrote).
    pub player_lines: usize,
    pub words: usize,
    pub dictionary_words: usize,
    /// Turns, and turns that offered at least two choices.
    pub turns: usize,
    pub turns_with_choices: usize,
    pub choices: usize,
    /// Choices that are short dictionary-word commands.
    pub clean_choices: usize,
    pub chars: usize,
    /// Passages after an action that does not move the player, and those
    /// of them that move the player to a place named nowhere before.
    pub still: usize,
    pub unasked_moves: usize,
    /// Passages (after an action) that bring in a person, or a place,
    /// named nowhere before.
    pub new_people: usize,
    pub new_places: usize,
    /// Choices that name a thing, person or exit of the scene (or are a
    /// plain action like `look`).
    pub grounded_choices: usize,
}

impl Quality {
    /// Counts one passage (after `action`, if any) and the choices after it;
    /// `world` is what the opening and the player's actions so far named.
    /// An empty passage (the opening's turn, where the player moves first)
    /// counts only its choices.
    pub fn add(
        &mut self,
        action: Option<&str>,
        world: &[String],
        passage: &str,
        offered: &[String],
    ) {
        if passage.trim().is_empty() {
            self.add_choices(offered);
            return;
        }
        self.passages += 1;
        if words::mentions_any(passage, world) {
            self.in_world += 1;
        }
        self.chars += passage.chars().count();
        if let Some(a) = action {
            let content = words::content_words(a);
            if !content.is_empty() {
                self.answering += 1;
                if words::uptake(passage, &content) > 0.0 {
                    self.taken_up += 1;
                }
                let objects = words::action_objects(&content);
                if !objects.is_empty() {
                    self.with_objects += 1;
                    if words::uptake(passage, objects) > 0.0 {
                        self.objects_taken_up += 1;
                    }
                }
            }
        }
        if words::archaic_count(passage) > 0 {
            self.archaic += 1;
        }
        if words::ends_mid_sentence(passage) {
            self.mid_sentence += 1;
        }
        self.player_lines += passage
            .lines()
            .filter(|l| l.trim_start().starts_with('>'))
            .count();
        for w in words::words(passage) {
            self.words += 1;
            if words::is_dictionary_word(&w) {
                self.dictionary_words += 1;
            }
        }
        self.add_choices(offered);
    }

    fn add_choices(&mut self, offered: &[String]) {
        self.turns += 1;
        if offered.len() >= 2 {
            self.turns_with_choices += 1;
        }
        self.choices += offered.len();
        self.clean_choices += offered
            .iter()
            .filter(|c| {
                c.split_whitespace().count() <= choices::MAX_CHOICE_WORDS
                    && words::words(c).all(|w| words::is_dictionary_word(&w))
            })
            .count();
    }

    /// Counts whether a passage kept to the scene: `before` is the scene
    /// the action was taken in, `seen` every text of the story before the
    /// passage (opening, passages, actions). The choices offered after it
    /// are checked against the scene after it.
    pub fn add_scene(
        &mut self,
        before: &Scene,
        seen: &str,
        action: &str,
        passage: &str,
        offered: &[String],
    ) {
        let after = before.after_turn(Some(action), passage);
        let named_before = |name: &str| words::mentions(seen, scene::head_of(name));
        if !passage.trim().is_empty() {
            if !scene::moves_player(action) {
                self.still += 1;
                if after.moved_from(before) && !after.place.as_deref().is_some_and(named_before) {
                    self.unasked_moves += 1;
                }
            }
            if after.people.iter().any(|p| !named_before(p)) {
                self.new_people += 1;
            }
            if scene::places_named(passage)
                .iter()
                .any(|p| !named_before(p))
            {
                self.new_places += 1;
            }
        }
        self.grounded_choices += offered
            .iter()
            .filter(|c| scene::grounded(c, &after))
            .count();
    }

    /// The scene figures, `key=value`, one line.
    pub fn scene_line(&self) -> String {
        let after_action = self.answering.max(1);
        format!(
            "unasked_moves={:.3} new_people={:.3} new_places={:.3} grounded_choices={:.3}",
            share(self.unasked_moves, self.still),
            share(self.new_people, after_action),
            share(self.new_places, after_action),
            share(self.grounded_choices, self.choices),
        )
    }

    /// `key=value` pairs, one line.
    pub fn line(&self) -> String {
        format!(
            "passages={} uptake={:.3} object_uptake={:.3} in_world={:.3} archaic={:.3} mid_sentence={:.3} player_lines={} dictionary={:.3} choice_turns={:.3} clean_choices={:.3} mean_chars={:.0}",
            self.passages,
            share(self.taken_up, self.answering),
            share(self.objects_taken_up, self.with_objects),
            share(self.in_world, self.passages),
            share(self.archaic, self.passages),
            share(self.mid_sentence, self.passages),
            self.player_lines,
            share(self.dictionary_words, self.words),
            share(self.turns_with_choices, self.turns),
            share(self.clean_choices, self.choices),
            share(self.chars, self.passages),
        )
    }
}

/// `a / b`, 0 when there is nothing to share out.
pub fn share(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}
#[cfg(test)]
mod tests {
    use super::*;
    use crate::narrator::words::extend_world;

    #[test]
    fn the_world_holds_what_the_opening_and_the_actions_named() {
        let mut world = Vec::new();
        extend_world(&mut world, "You stand at the gate. A guard waits.", false);
        extend_world(&mut world, "ask the guard about the castle", true);
        extend_world(&mut world, "shout for help", true);
        assert_eq!(world, ["gate", "guard", "castle", "help"]);
    }

    #[test]
    fn a_good_turn_and_a_bad_one_are_told_apart() {
        let mut q = Quality::default();
        let world = vec!["key".to_string()];
        q.add(
            Some("take the brass key"),
            &world,
            "You take the brass key. It is cold.",
            &["open the door".into(), "go north".into()],
        );
        q.add(
            Some("open the gate"),
            &world,
            "And thou shalt go unto the land of th\n> n",
            &["zzkq blorf".into()],
        );
        assert_eq!((q.answering, q.taken_up), (2, 1));
        assert_eq!(q.in_world, 1);
        assert_eq!(q.archaic, 1);
        assert_eq!(q.mid_sentence, 1);
        assert_eq!(q.player_lines, 1);
        assert_eq!((q.turns, q.turns_with_choices), (2, 1));
        assert_eq!((q.choices, q.clean_choices), (3, 2));
        assert!(q.line().starts_with(
            "passages=2 uptake=0.500 object_uptake=0.500 in_world=0.500 archaic=0.500"
        ));
    }
}
