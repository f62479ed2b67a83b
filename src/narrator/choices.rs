//! Suggested choices: what the model predicts a player types next (the
//! text it writes after a `> ` line start), cleaned into short commands a
//! player would pick.

use super::lexicon;
use super::scene::{self, Scene};
use super::words;

/// Parser shorthand players type, written out.
const SHORTHAND: &[(&str, &str)] = &[
    ("n", "go north"),
    ("s", "go south"),
    ("e", "go east"),
    ("w", "go west"),
    ("ne", "go northeast"),
    ("nw", "go northwest"),
    ("se", "go southeast"),
    ("sw", "go southwest"),
    ("u", "go up"),
    ("d", "go down"),
    ("north", "go north"),
    ("south", "go south"),
    ("east", "go east"),
    ("west", "go west"),
    ("northeast", "go northeast"),
    ("northwest", "go northwest"),
    ("southeast", "go southeast"),
    ("southwest", "go southwest"),
    ("up", "go up"),
    ("down", "go down"),
    ("in", "go in"),
    ("out", "go out"),
    ("l", "look around"),
    ("look", "look around"),
];

/// Commands about the game rather than the story: never offered.
const META: &[&str] = &[
    "i",
    "inv",
    "inventory",
    "score",
    "save",
    "restore",
    "restart",
    "quit",
    "q",
    "help",
    "hint",
    "hints",
    "info",
    "verbose",
    "brief",
    "superbrief",
    "undo",
    "again",
    "g",
    "z",
    "wait",
    "yes",
    "no",
    "y",
    "version",
    "credits",
    "about",
];

/// Words a finished command does not end on.
const DANGLING: &[&str] = &[
    "a", "an", "the", "of", "to", "with", "from", "into", "onto", "at", "and", "or", "but", "for",
    "by", "your", "my", "his", "their", "its", "is", "are", "was", "were", "be", "some", "this",
    "that",
];

/// Verbs that make a line a statement rather than a command.
const AUXILIARIES: &[&str] = &[
    "is", "are", "was", "were", "am", "been", "has", "had", "does", "did",
];

/// The most words a suggested choice may have.
pub const MAX_CHOICE_WORDS: usize = 6;

/// One raw prediction as a command, or `None` when it is not one a player
/// would pick: too long, not dictionary words, a game command.
pub fn clean_command(raw: &str) -> Option<String> {
    let line = raw.lines().next().unwrap_or("");
    let mut c: String = line
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    c = c.trim_matches(|ch: char| !ch.is_alphanumeric()).to_string();
    if let Some(rest) = c.strip_prefix("x ") {
        c = format!("examine {rest}");
    }
    if let Some((_, long)) = SHORTHAND.iter().find(|(s, _)| *s == c) {
        c = (*long).to_string();
    }
    if c.is_empty() || META.contains(&c.as_str()) {
        return None;
    }
    if !c
        .chars()
        .all(|ch| ch.is_alphabetic() || ch == ' ' || ch == '\'')
    {
        return None;
    }
    let n = c.split(' ').count();
    if n > MAX_CHOICE_WORDS || (n == 1 && c.chars().count() < 3) {
        return None;
    }
    if !words::words(&c).all(|w| words::is_dictionary_word(&w)) {
        return None;
    }
    // A command is an imperative: "the door is open" is narration.
    if c.split(' ').any(|w| AUXILIARIES.contains(&w)) {
        return None;
    }
    // "take the" or "open a": the command stops before its object.
    let last = c.rsplit(' ').next().unwrap_or("");
    if n > 1 && DANGLING.contains(&last) {
        return None;
    }
    Some(c)
}

/// Up to `n` distinct choices from raw predictions, skipping any in
/// `avoid` (the action just taken). Commands about something `passage`
/// mentions come first (the model also predicts commands about things that
/// are not there), and each verb is offered once while others are left,
/// so the choices differ in kind ("examine", "open", "go").
pub fn clean_choices(raw: &[String], n: usize, avoid: &[String], passage: &str) -> Vec<String> {
    let mut cleaned: Vec<String> = Vec::new();
    for r in raw {
        let Some(c) = clean_command(r) else {
            continue;
        };
        if cleaned.contains(&c) || avoid.iter().any(|a| a.trim().eq_ignore_ascii_case(&c)) {
            continue;
        }
        cleaned.push(c);
    }
    // Grounded: an object of the command (not its verb) is in the passage;
    // a bare movement ("go north") always is.
    let grounded = |c: &String| {
        let content = words::content_words(c);
        content.len() <= 1
            || content
                .iter()
                .filter(|w| !c.starts_with(w.as_str()))
                .any(|w| words::mentions(passage, w))
    };
    // Stable: grounded commands first, each group in the model's order.
    let (mut ordered, rest): (Vec<String>, Vec<String>) = cleaned.into_iter().partition(grounded);
    ordered.extend(rest);
    let verb = |c: &str| c.split(' ').next().unwrap_or("").to_string();
    let mut out: Vec<String> = Vec::new();
    for c in &ordered {
        if out.len() < n && !out.iter().any(|o| verb(o) == verb(c)) {
            out.push(c.clone());
        }
    }
    for c in &ordered {
        if out.len() < n && !out.contains(c) {
            out.push(c.clone());
        }
    }
    out
}

/// Whether a choice makes sense in `scene`: it names a thing, person or
/// exit there (or is a plain action), with a verb that goes with it.
pub fn fits_scene(choice: &str, scene: &Scene) -> bool {
    if !scene::grounded(choice, scene) {
        return false;
    }
    let verb = scene::action_verb(choice).unwrap_or_default();
    if choice.contains(" and ") {
        return false;
    }
    let Some(object) = scene::action_object(choice) else {
        // "talk to the south", "take the south": a verb that needs
        // something, and nothing it could act on.
        let after_verb = words::words(choice)
            .skip(1)
            .any(|w| !words::is_function_word(&w));
        let needs = TALK_VERBS.contains(&verb.as_str()) || GIVE_VERBS.contains(&verb.as_str());
        return !needs && (!after_verb || scene::moves_player(choice));
    };
    let head = scene::head_of(&object);
    // Every word of the object is the scene's ("the coloured coils" when
    // the scene has a coil of rope is the model's invention).
    let named: Vec<String> = scene
        .names()
        .iter()
        .chain(&scene.exits)
        .flat_map(|n| words::words(n).collect::<Vec<_>>())
        .collect();
    let of_scene = |w: &str| {
        let base = lexicon::singular(w).unwrap_or_else(|| w.to_string());
        named.iter().any(|n| n == w || *n == base)
    };
    if !words::words(&object).all(|w| of_scene(&w)) {
        return false;
    }
    let here = |w: &str| {
        scene
            .people
            .iter()
            .any(|p| scene::head_of(p).eq_ignore_ascii_case(w))
    };
    let is_someone =
        |w: &str| lexicon::is_person(w) || super::characters::is_person_noun(w) || here(w);
    if TALK_VERBS.contains(&verb.as_str()) && !is_someone(head) {
        return false;
    }
    if is_someone(head) && !PERSON_VERBS.contains(&verb.as_str()) {
        return false;
    }
    // "give the lamp to the woman": the one given to is someone here;
    // "about" follows only a question or a story.
    let rest: Vec<String> = words::words(choice).collect();
    if let Some(at) = rest.iter().position(|w| w == "about") {
        if !TALK_VERBS.contains(&verb.as_str()) {
            return false;
        }
        let topic = rest[at + 1..].iter().rfind(|w| !words::is_function_word(w));
        if topic.is_some_and(|t| !of_scene(t)) {
            return false;
        }
    }
    if GIVE_VERBS.contains(&verb.as_str()) {
        let to = rest.iter().position(|w| w == "to");
        let recipient =
            to.and_then(|at| rest[at + 1..].iter().rfind(|w| !words::is_function_word(w)));
        if !recipient.is_some_and(|r| here(r)) {
            return false;
        }
    }
    lexicon::verb_fits(&verb, head)
}

/// Verbs whose object is someone to speak to.
const TALK_VERBS: &[&str] = &[
    "ask", "talk", "tell", "greet", "thank", "say", "speak", "hug",
];
const GIVE_VERBS: &[&str] = &["give", "hand", "offer", "show"];
/// What one does to a person in a scene.
const PERSON_VERBS: &[&str] = &[
    "ask", "talk", "tell", "greet", "thank", "say", "speak", "hug", "look", "examine", "watch",
    "follow", "help", "call", "wave", "wake", "listen", "shake", "answer",
];

/// A choice about `name` (a thing, or a person when `person`) with the verb
/// the transcripts use most with it, or one its kind suggests.
fn choice_about(name: &str, person: bool, topic: Option<&str>) -> String {
    let head = scene::head_of(name);
    let the = if name.chars().next().is_some_and(char::is_uppercase) {
        ""
    } else {
        "the "
    };
    if person {
        return match topic {
            Some(t) => format!("ask {the}{name} about the {t}"),
            None => format!("talk to {the}{name}"),
        };
    }
    const PREFERRED: &[(&str, &str)] = &[
        ("open", "open"),
        ("read", "read"),
        ("eat", "eat"),
        ("drink", "drink"),
        ("sit", "sit on"),
        ("wear", "wear"),
        ("unlock", "unlock"),
        ("climb", "climb"),
        ("switch", "switch on"),
        ("light", "light"),
        ("push", "push"),
        ("pull", "pull"),
        ("take", "take"),
    ];
    for (verb, phrase) in PREFERRED {
        if lexicon::transcripts_use(verb, head) || lexicon::verb_fits(verb, head) {
            return format!("{phrase} {the}{name}");
        }
    }
    format!("examine {the}{name}")
}

/// Choices made from the scene itself, for when the model's predictions
/// leave too few that fit: its newest things, its people, its exits.
pub fn scene_choices(scene: &Scene, n: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let things: Vec<&String> = scene.things.iter().rev().collect();
    let topic = things.first().map(|t| scene::head_of(t));
    let mut people = scene.people.iter().rev();
    let mut exits = scene.exits.iter();
    let mut things = things.into_iter();
    // Alternate kinds so the offer differs in kind: thing, person, thing, exit...
    for round in 0.. {
        if out.len() >= n || round > 3 * n + 3 {
            break;
        }
        let next = match round % 4 {
            1 => people.next().map(|p| choice_about(p, true, topic)),
            3 => exits.next().map(|e| format!("go {e}")),
            _ => things.next().map(|t| choice_about(t, false, None)),
        };
        if let Some(c) = next.filter(|c| !out.contains(c)) {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scene_choices_fit_the_scene() {
        let s = Scene::from_opening(
            "You are in a hospital corridor. A vending machine stands by a window. \
             A tired nurse writes on a clipboard. A door to the north leads to the ward.",
        );
        let made = scene_choices(&s, 4);
        assert_eq!(made.len(), 4, "{made:?}");
        for c in &made {
            assert!(fits_scene(c, &s), "{c} in {s:?}");
        }
        assert!(made.iter().any(|c| c.contains("nurse")), "{made:?}");
        assert!(made.contains(&"go north".to_string()), "{made:?}");
        assert!(!fits_scene("drink the gate", &s) && !fits_scene("pick up the window", &s));
        assert!(!fits_scene("ask the window about the door", &s));
        assert!(!fits_scene("look at the coloured window", &s));
        assert!(!fits_scene("put the clipboard about the window", &s));
        assert!(fits_scene("ask the nurse about the window", &s));
        assert!(!fits_scene("ask the nurse about the dragon", &s));
        assert!(!fits_scene("take the south", &s) && !fits_scene("put on the nurse", &s));
        assert!(!fits_scene("push the cart and the window", &s));
        assert!(!fits_scene("give the clipboard to the boy", &s));
        assert!(fits_scene("open the door", &s) && fits_scene("look", &s));
    }

    #[test]
    fn commands_are_cleaned_and_written_out() {
        assert_eq!(
            clean_command("Open the Trapdoor."),
            Some("open the trapdoor".into())
        );
        assert_eq!(clean_command("n"), Some("go north".into()));
        assert_eq!(clean_command("x lamp"), Some("examine lamp".into()));
        assert_eq!(
            clean_command("  ask the guard   about the ship\nmore"),
            Some("ask the guard about the ship".into())
        );
        assert_eq!(clean_command("pick up"), Some("pick up".into()));
    }

    #[test]
    fn non_commands_are_dropped() {
        for bad in [
            "insert fancy down monitor is balanced",
            "inventory",
            "score",
            "",
            "zzkq the blorf",
            "take the",
            "put the lamp on the table beside the old",
            "go to #3",
        ] {
            assert_eq!(clean_command(bad), None, "{bad}");
        }
    }

    #[test]
    fn choices_are_distinct_and_skip_the_last_action() {
        let raw: Vec<String> = [
            "open the door",
            "Open the door",
            "take lamp",
            "n",
            "go north",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let passage = "A door and a lamp.";
        assert_eq!(
            clean_choices(&raw, 5, &["take lamp".into()], passage),
            vec!["open the door", "go north"]
        );
        assert_eq!(clean_choices(&raw, 1, &[], passage), vec!["open the door"]);
    }

    #[test]
    fn choices_about_what_is_there_and_of_different_kinds_come_first() {
        let raw: Vec<String> = [
            "examine purple passkey",
            "examine table",
            "examine chair",
            "open the chest",
            "take the key",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let passage = "A key lies on the table beside a chest.";
        assert_eq!(
            clean_choices(&raw, 3, &[], passage),
            vec!["examine table", "open the chest", "take the key"]
        );
        // Fewer kinds than places: the same verb again fills them.
        assert_eq!(
            clean_choices(&raw[..3], 3, &[], passage),
            vec!["examine table", "examine purple passkey", "examine chair"]
        );
    }
}
