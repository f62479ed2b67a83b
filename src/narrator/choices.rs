//! Suggested choices: what the model predicts a player types next (the
//! text it writes after a `> ` line start), cleaned into short commands a
//! player would pick.

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

#[cfg(test)]
mod tests {
    use super::*;

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
