//! Text from files and from the model reaches a terminal only through
//! here: escape sequences, control characters and bidirectional
//! overrides could otherwise retitle or clear the terminal, move the
//! cursor, or make a line read differently from what it says.
//!
//! [`printable`] is for multi-line text (summaries, passages, `--plain`
//! output), [`printable_line`] for one field of a one-line record (a
//! title in a list), and [`escape_json_controls`] for JSON already
//! serialised, where the characters must survive as escapes.

use std::borrow::Cow;

/// Whether `c` must never reach a terminal as it is: every C0 control
/// (newline and tab included; see [`printable`] for when they are kept),
/// DEL, every C1 control (U+0080..=U+009F), and the bidirectional
/// formatting characters (embeddings and overrides U+202A..=U+202E,
/// isolates U+2066..=U+2069, and the marks U+200E, U+200F, U+061C).
pub fn is_terminal_control(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}'
        )
}

/// `s` without the characters of [`is_terminal_control`], keeping `\n`
/// and `\t` (layout). Borrowed when nothing had to go.
pub fn printable(s: &str) -> Cow<'_, str> {
    filter(s, |c| {
        if c == '\n' || c == '\t' {
            Some(c)
        } else if is_terminal_control(c) {
            None
        } else {
            Some(c)
        }
    })
}

/// Like [`printable`] for a field that must stay on one line: newlines and
/// tabs become spaces, so a title cannot forge further lines or columns.
pub fn printable_line(s: &str) -> Cow<'_, str> {
    filter(s, |c| {
        if c == '\n' || c == '\t' {
            Some(' ')
        } else if is_terminal_control(c) {
            None
        } else {
            Some(c)
        }
    })
}

fn filter(s: &str, keep: impl Fn(char) -> Option<char>) -> Cow<'_, str> {
    if s.chars().all(|c| keep(c) == Some(c)) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(s.chars().filter_map(keep).collect())
}

/// Serialised JSON with every [`is_terminal_control`] character written as
/// a `\uXXXX` escape. Such characters can only occur inside JSON strings,
/// where the escape means the same character, so the document is unchanged
/// for a JSON reader and harmless on a terminal. (serde_json already
/// escapes C0 controls, but writes DEL, C1 and bidi characters as they are.)
pub fn escape_json_controls(json: &str) -> Cow<'_, str> {
    if !json.chars().any(is_terminal_control) {
        return Cow::Borrowed(json);
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        // Whitespace between JSON tokens is layout, not string content.
        if is_terminal_control(c) && !matches!(c, '\n' | '\t' | '\r') {
            // All of these are in the Basic Multilingual Plane: one escape each.
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const HOSTILE: &str =
        "a\x1b]0;owned\x07b\x1b[2Jc\rd\u{8}e\u{7f}f\u{9b}31mg\u{85}h\u{202e}i\u{2066}j\u{2069}k";

    #[test]
    fn escape_sequences_controls_and_bidi_are_removed() {
        assert_eq!(printable(HOSTILE), "a]0;ownedb[2Jcdef31mghijk");
        assert_eq!(printable("one\n\ttwo"), "one\n\ttwo");
        assert_eq!(printable_line("one\n\ttwo\x1b"), "one  two");
    }

    #[test]
    fn clean_text_is_borrowed_and_unchanged() {
        let s = "Plain, “quoted” text — with é, 物語 and 👩‍🚀.\n";
        assert!(matches!(printable(s), Cow::Borrowed(t) if t == s));
        assert!(matches!(printable_line("a title"), Cow::Borrowed(_)));
        assert!(matches!(
            escape_json_controls("{\"a\": 1}"),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn json_keeps_its_meaning_with_controls_escaped() {
        let value = serde_json::json!({ "title": HOSTILE });
        let json = serde_json::to_string_pretty(&value).unwrap();
        let safe = escape_json_controls(&json);
        assert!(!safe.chars().any(|c| is_terminal_control(c) && c != '\n'));
        let back: serde_json::Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(back, value);
    }

    proptest! {
        #[test]
        fn output_never_holds_a_terminal_control(s in any::<String>(), t in "[\\x00-\\x{a0}\\x{2000}-\\x{206f} a-z]{0,40}") {
            for input in [&s, &t] {
                let p = printable(input);
                prop_assert!(p.chars().all(|c| c == '\n' || c == '\t' || !is_terminal_control(c)));
                let l = printable_line(input);
                prop_assert!(!l.chars().any(is_terminal_control));
                // Nothing else is touched.
                let kept: String = input.chars().filter(|&c| !is_terminal_control(c) || c == '\n' || c == '\t').collect();
                prop_assert_eq!(p.as_ref(), kept.as_str());
                let json = serde_json::to_string(input).unwrap();
                let safe = escape_json_controls(&json);
                prop_assert!(!safe.chars().any(is_terminal_control));
                prop_assert_eq!(&serde_json::from_str::<String>(&safe).unwrap(), input);
            }
        }
    }
}
