//! Plain transcripts (an opening, then `> action` and its response, turn
//! after turn) turned into the form the story model trains on: each action
//! after its scene line, each response with the action's object as the
//! slot. Play builds the same text with the same [`Scene`] code, so the
//! model reads at play exactly what it was trained on.
//!
//! A line `### ...` starts a new game (writers name the setting there); it
//! is not part of the training text.

use super::scene::{action_object, slot_object, Scene};
use super::{action_line, model_text_with_scene};
use crate::story::Role;

/// What [`annotate`] made.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Annotated {
    pub text: String,
    pub games: usize,
    pub turns: usize,
    /// Responses in which the action's object became a slot.
    pub slotted: usize,
    /// Turns whose action has an object at all.
    pub with_object: usize,
}

#[derive(Default)]
struct Game {
    opening: Vec<String>,
    turns: Vec<(String, Vec<String>)>,
}

fn games(text: &str) -> Vec<Game> {
    let mut out = vec![Game::default()];
    let mut para: Vec<&str> = Vec::new();
    let flush = |para: &mut Vec<&str>, out: &mut Vec<Game>| {
        if para.is_empty() {
            return;
        }
        let text = para.join(" ");
        para.clear();
        let Some(game) = out.last_mut() else { return };
        match game.turns.last_mut() {
            Some((_, response)) => response.push(text),
            None => game.opening.push(text),
        }
    };
    for line in text.lines() {
        let line = line.trim_end();
        if line.starts_with("###") {
            flush(&mut para, &mut out);
            out.push(Game::default());
        } else if let Some(action) = line.strip_prefix('>') {
            flush(&mut para, &mut out);
            if let Some(game) = out.last_mut() {
                game.turns.push((action.trim().to_string(), Vec::new()));
            }
        } else if line.trim().is_empty() {
            flush(&mut para, &mut out);
        } else {
            para.push(line.trim());
        }
    }
    flush(&mut para, &mut out);
    out.retain(|g| !g.opening.is_empty() || !g.turns.is_empty());
    out
}

/// The training text of every game in `text`.
pub fn annotate(text: &str) -> Annotated {
    let mut out = Annotated::default();
    for game in games(text) {
        out.games += 1;
        let opening = game.opening.join("\n\n");
        let mut scene = Scene::from_opening(&opening);
        if !opening.is_empty() {
            out.text
                .push_str(&model_text_with_scene(Role::Opening, &opening, ""));
        }
        for (action, response) in &game.turns {
            if action.is_empty() {
                continue;
            }
            out.turns += 1;
            let passage = response.join("\n\n");
            let line = action_line(action);
            out.text
                .push_str(&model_text_with_scene(Role::Player, &line, &scene.line()));
            let object = action_object(&line);
            let written = match &object {
                Some(o) => {
                    out.with_object += 1;
                    let s = slot_object(&passage, o);
                    if s != passage {
                        out.slotted += 1;
                    }
                    s
                }
                None => passage.clone(),
            };
            if !written.trim().is_empty() {
                out.text
                    .push_str(&model_text_with_scene(Role::Narration, &written, ""));
            }
            scene = scene.after_turn(Some(&line), &passage);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn games_get_scene_lines_and_slots() {
        let text =
            "### setting: shed\nYou are in a garden shed. A rusty spade leans by the door.\n\n\
                    > take the spade\n\nYou take the spade. It is heavier than it looks.\n\n\
                    > wait\n\nNothing happens.\n\n\
                    ### setting: pier\nYou stand on a pier.\n\n> look\n\nGulls.\n";
        let a = annotate(text);
        assert_eq!((a.games, a.turns, a.with_object, a.slotted), (2, 3, 1, 1));
        assert!(
            a.text.starts_with(
                "You are in a garden shed. A rusty spade leans by the door.\n\n\
             (here: garden shed; things: rusty spade, door)\n> take the spade\n\n\
             You take the &. It is heavier than it looks.\n\n\
             (here: garden shed; things: door; carrying: rusty spade)\n> wait\n\n"
            ),
            "{}",
            a.text
        );
        assert!(!a.text.contains("###"));
        assert!(
            a.text.contains("(here: pier)\n> look\n\nGulls.\n\n"),
            "{}",
            a.text
        );
    }
}
