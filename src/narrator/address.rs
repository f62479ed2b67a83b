//! Whom a player's action speaks to, and what it says: `ask the guard
//! about the ship`, `talk to the keeper`, `Mara, where is the key?`, or a
//! line of speech (`"Who are you?"`, `say hello`) to the last character the
//! story named. Also the `/talk` command that picks a character by number
//! or name.

use super::characters::{is_not_name, is_person_noun, Character};
use super::words;

/// An action that speaks to a character.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Address {
    pub to: Character,
    /// What the player says or asks ("about the ship", "where is the key?").
    pub said: String,
    /// Its content words: what a reply should take up.
    pub question: Vec<String>,
}

/// Verbs of talking: never the content of a question.
const TALK_VERBS: &[&str] = &[
    "answer", "ask", "call", "greet", "hello", "question", "reply", "say", "shout", "speak",
    "talk", "tell", "thank", "whisper",
];

/// Words that end the addressee in `ask X ...` and start what is asked.
const ASK_SPLITS: &[&str] = &[
    "about", "are", "can", "could", "do", "does", "for", "how", "if", "is", "of", "to", "what",
    "when", "where", "whether", "which", "who", "why", "will", "would",
];

/// Verbs after which the addressee comes right away (`ask X about Y`).
const ASK_VERBS: &[&str] = &["ask", "question", "tell", "greet", "thank", "answer"];

/// Verbs that take the addressee after `to` or `with` (`talk to X`).
const TO_VERBS: &[&str] = &[
    "talk", "speak", "say", "call", "shout", "whisper", "reply", "wave", "chat",
];

/// Object pronouns that mean the last character named.
const PRONOUNS: &[&str] = &["him", "her", "them", "it"];

/// Determiners stripped from the front of a named addressee.
const DETERMINERS: &[&str] = &["the", "a", "an", "this", "that"];

/// The character `words` (as typed) name: one of `cast` first, else a new
/// one by role ("the sailor") or by a capitalised name ("Mara").
fn resolve(raw: &[&str], cast: &[Character]) -> Option<Character> {
    let raw: Vec<&str> = raw
        .iter()
        .copied()
        .skip_while(|w| DETERMINERS.contains(&w.to_lowercase().as_str()))
        .collect();
    let last = raw.last()?;
    if raw.len() == 1 && PRONOUNS.contains(&last.to_lowercase().as_str()) {
        return cast.first().cloned();
    }
    if let Some(c) = cast
        .iter()
        .find(|c| raw.iter().any(|w| c.is_named_by(w.trim_end_matches("'s"))))
    {
        return Some(c.clone());
    }
    if raw.len() > 3 {
        return None;
    }
    let noun = last.to_lowercase();
    if is_person_noun(&noun) {
        return Some(Character {
            name: format!("the {}", raw.join(" ").to_lowercase()),
            key: noun,
        });
    }
    let capitalised = raw
        .iter()
        .all(|w| w.chars().next().is_some_and(char::is_uppercase));
    let plain = raw.iter().all(|w| {
        w.chars()
            .all(|c| c.is_alphabetic() || c == '.' || c == '\'')
    });
    let lower = last.to_lowercase();
    if capitalised && plain && !words::is_function_word(&lower) && !is_not_name(&lower) {
        return Some(Character {
            name: raw.join(" "),
            key: last.to_lowercase(),
        });
    }
    None
}

/// The content words of what is said, less the addressee and the verbs of
/// talking.
fn question_words(said: &str, to: &Character) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for w in words::words(said) {
        let known = out.iter().any(|o| words::stem(o) == words::stem(&w));
        if w.chars().count() >= 3
            && !words::is_function_word(&w)
            && !TALK_VERBS.contains(&w.as_str())
            && !to.is_named_by(&w)
            && !known
        {
            out.push(w);
        }
    }
    out
}

fn make(to: Character, said: &str) -> Address {
    let said = said.trim().to_string();
    Address {
        question: question_words(&said, &to),
        to,
        said,
    }
}

/// Whom `action` speaks to, if it speaks to someone. `cast` is the story's
/// characters, the most recently named first: a line of speech with no
/// addressee goes to the first.
pub fn address(action: &str, cast: &[Character]) -> Option<Address> {
    let action = action.trim().trim_end_matches('.').trim();
    if action.starts_with(['"', '“']) {
        return cast.first().map(|c| make(c.clone(), action));
    }
    // "Mara, where is the key?" / "guard, open the gate".
    if let Some((who, said)) = action.split_once(',') {
        let raw: Vec<&str> = who.split_whitespace().collect();
        if (1..=3).contains(&raw.len()) && !said.trim().is_empty() {
            if let Some(c) = resolve(&raw, cast) {
                return Some(make(c, said));
            }
        }
    }
    let raw: Vec<&str> = action
        .split(|c: char| c.is_whitespace())
        .filter(|w| !w.is_empty())
        .collect();
    let lower: Vec<String> = raw
        .iter()
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase()
        })
        .collect();
    let verb = lower.first()?.as_str();
    if ASK_VERBS.contains(&verb) {
        // "ask about the ship": to the last character named.
        if lower.get(1).is_some_and(|w| w == "about") {
            return cast.first().map(|c| make(c.clone(), &raw[1..].join(" ")));
        }
        let split = lower
            .iter()
            .skip(1)
            .position(|w| ASK_SPLITS.contains(&w.as_str()))
            .map_or(raw.len(), |p| p + 1);
        let to = resolve(&raw[1..split], cast)?;
        return Some(make(to, &raw[split..].join(" ")));
    }
    if TO_VERBS.contains(&verb) {
        // "say hello to the guard", "talk to the keeper about the lamp".
        if let Some(at) = lower
            .iter()
            .skip(1)
            .position(|w| w == "to" || w == "with")
            .map(|p| p + 1)
        {
            let end = lower
                .iter()
                .skip(at + 1)
                .position(|w| w == "about")
                .map_or(raw.len(), |p| p + at + 1);
            if let Some(to) = resolve(&raw[at + 1..end], cast) {
                let said = [&raw[1..at], &raw[end..]].concat().join(" ");
                return Some(make(to, &said));
            }
        }
        // "say hello", "talk": to the last character named.
        if matches!(verb, "say" | "talk" | "speak" | "whisper" | "shout") {
            return cast.first().map(|c| make(c.clone(), &raw[1..].join(" ")));
        }
    }
    None
}

/// What a `/talk` (or `/characters`) line asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TalkCommand {
    /// List the story's characters.
    List,
    /// Play this action (an address to the character picked).
    Say(String),
}

/// The numbered list of characters, as `/talk` shows it.
pub fn cast_list(cast: &[Character]) -> String {
    if cast.is_empty() {
        return "no characters yet: the story has named no one to talk to".into();
    }
    let names: Vec<String> = cast
        .iter()
        .enumerate()
        .map(|(i, c)| format!("{}. {}", i + 1, c.name))
        .collect();
    format!("Characters: {}", names.join("  "))
}

/// The action that says `words` to `c` (`ask the guard about ` for nothing
/// typed yet; `Mara, where is it?` for a line typed).
pub fn talk_action(c: &Character, words: &str) -> String {
    let words = words.trim();
    if words.is_empty() {
        format!("ask {} about ", c.name)
    } else if let Some(rest) = words.strip_prefix("about ") {
        format!("ask {} about {}", c.name, rest.trim())
    } else {
        format!("{}, {words}", c.subject())
    }
}

/// Reads a `/talk` or `/characters` line; `None` for any other line.
/// `/talk` and `/characters` list the characters; `/talk WHO WORDS` (WHO a
/// number from the list or a name) says WORDS to them, `/talk WHO about X`
/// asks them about X. An unknown character is an error that names the
/// ones there are.
pub fn talk_command(line: &str, cast: &[Character]) -> Option<Result<TalkCommand, String>> {
    let line = line.trim();
    let rest = if let Some(r) = line.strip_prefix("/talk") {
        r
    } else {
        let r = line.strip_prefix("/characters")?;
        return Some(if r.trim().is_empty() {
            Ok(TalkCommand::List)
        } else {
            Err("/characters takes nothing after it; /talk WHO WORDS speaks to someone".into())
        });
    };
    if !rest.is_empty() && !rest.starts_with(char::is_whitespace) {
        return None; // "/talkative" is not the command.
    }
    let mut parts = rest.split_whitespace();
    let Some(who) = parts.next() else {
        return Some(Ok(TalkCommand::List));
    };
    let words: Vec<&str> = parts.collect();
    let picked = match who.parse::<usize>() {
        Ok(n) => cast
            .get(n.wrapping_sub(1))
            .ok_or_else(|| format!("no character {n}; {}", cast_list(cast))),
        Err(_) => cast.iter().find(|c| c.is_named_by(who)).ok_or_else(|| {
            format!(
                "no character called {who:?} in this story; {}",
                cast_list(cast)
            )
        }),
    };
    Some(picked.map(|c| {
        let action = talk_action(c, &words.join(" "));
        // Nothing to say: talk to them.
        if words.is_empty() {
            TalkCommand::Say(format!("talk to {}", c.name))
        } else {
            TalkCommand::Say(action)
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::narrator::characters::of_story;

    fn cast() -> Vec<Character> {
        of_story(["You stand at the gate. The guard looks at you. Mara waits by the well."])
    }

    fn to(action: &str) -> Option<(String, Vec<String>)> {
        address(action, &cast()).map(|a| (a.to.name, a.question))
    }

    #[test]
    fn the_forms_of_talking_find_their_addressee_and_question() {
        assert_eq!(
            to("ask the guard about the ship"),
            Some(("the guard".into(), vec!["ship".into()]))
        );
        assert_eq!(
            to("Mara, where is the key?"),
            Some(("Mara".into(), vec!["key".into()]))
        );
        assert_eq!(
            to("ask mara where the key is"),
            Some(("Mara".into(), vec!["key".into()]))
        );
        assert_eq!(
            to("talk to the guard about the castle"),
            Some(("the guard".into(), vec!["castle".into()]))
        );
        assert_eq!(
            to("say hello to the guard"),
            Some(("the guard".into(), vec![]))
        );
        // Speech with no addressee goes to the last character named.
        assert_eq!(to("\"Who are you?\""), Some(("Mara".into(), vec![])));
        assert_eq!(to("ask him about the gate").unwrap().0, "Mara");
        // A new person by role, or a capitalised name.
        assert_eq!(
            to("ask the old sailor about the storm"),
            Some(("the old sailor".into(), vec!["storm".into()]))
        );
        assert_eq!(to("Tom, run!").unwrap().0, "Tom");
    }

    #[test]
    fn actions_that_speak_to_no_one_are_not_addresses() {
        for a in [
            "open the gate",
            "ask for help",
            "take the key, then run",
            "go north",
            "tell a lie",
        ] {
            assert_eq!(to(a), None, "{a}");
        }
        assert_eq!(address("\"Hello?\"", &[]), None);
    }

    #[test]
    fn talk_lists_and_picks_characters() {
        let c = cast();
        assert_eq!(talk_command("/talk", &c), Some(Ok(TalkCommand::List)));
        assert_eq!(talk_command("/characters", &c), Some(Ok(TalkCommand::List)));
        assert_eq!(talk_command("open the door", &c), None);
        assert_eq!(
            talk_command("/talk 2 about the ship", &c),
            Some(Ok(TalkCommand::Say("ask the guard about the ship".into())))
        );
        assert_eq!(
            talk_command("/talk mara where is the key?", &c),
            Some(Ok(TalkCommand::Say("Mara, where is the key?".into())))
        );
        assert_eq!(
            talk_command("/talk guard", &c),
            Some(Ok(TalkCommand::Say("talk to the guard".into())))
        );
        let err = talk_command("/talk 7 hi", &c).unwrap().unwrap_err();
        assert!(
            err.contains("no character 7") && err.contains("2. the guard"),
            "{err}"
        );
        let err = talk_command("/talk bob hi", &c).unwrap().unwrap_err();
        assert!(err.contains("\"bob\"") && err.contains("1. Mara"), "{err}");
        assert_eq!(cast_list(&c), "Characters: 1. Mara  2. the guard");
    }
}
