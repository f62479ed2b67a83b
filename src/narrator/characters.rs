//! The characters a story has introduced: persons named by a role ("the
//! guard", "an old keeper", "the captain's voice") and proper names
//! ("Mara", "Captain Reyes"). Plain text rules over the opening, the
//! passages and the player's actions; the player picks whom to talk to
//! among them, and a line of speech with no addressee goes to the last one
//! named.

use super::words;

/// Nouns that name a person (or a being one can talk to) by role.
const PERSON_NOUNS: &[&str] = &[
    "bartender",
    "beggar",
    "boatman",
    "boy",
    "brother",
    "butler",
    "captain",
    "child",
    "clerk",
    "conductor",
    "cook",
    "creature",
    "detective",
    "doctor",
    "driver",
    "dwarf",
    "engineer",
    "farmer",
    "father",
    "ferryman",
    "figure",
    "fisherman",
    "friend",
    "ghost",
    "giant",
    "girl",
    "guard",
    "guide",
    "hunter",
    "innkeeper",
    "janitor",
    "keeper",
    "king",
    "knight",
    "lady",
    "librarian",
    "maid",
    "man",
    "merchant",
    "monk",
    "mother",
    "nurse",
    "officer",
    "old-timer",
    "passenger",
    "pilot",
    "porter",
    "priest",
    "prince",
    "princess",
    "prisoner",
    "professor",
    "queen",
    "robot",
    "sailor",
    "scientist",
    "servant",
    "sheriff",
    "shopkeeper",
    "sister",
    "soldier",
    "stranger",
    "student",
    "teacher",
    "thief",
    "traveller",
    "waiter",
    "waitress",
    "watchman",
    "witch",
    "wizard",
    "woman",
];

/// Titles that join the name after them ("Captain Reyes", "Mrs. Hale").
const TITLES: &[&str] = &[
    "captain",
    "doctor",
    "dr",
    "father",
    "lady",
    "lord",
    "miss",
    "mr",
    "mrs",
    "ms",
    "professor",
    "sir",
    "sister",
];

/// Capitalised words that are not names.
const NOT_NAMES: &[&str] = &[
    "god",
    "goodbye",
    "hello",
    "hey",
    "hi",
    "however",
    "i",
    "meanwhile",
    "no",
    "oh",
    "ok",
    "okay",
    "please",
    "sorry",
    "still",
    "thanks",
    "well",
    "yes",
];

/// Verbs that show a sentence-initial capitalised word acts as a person
/// ("Mara says", "Tom smiles"): a name even at a sentence start.
const PERSON_VERBS: &[&str] = &[
    "answers", "asks", "comes", "cries", "frowns", "grins", "holds", "laughs", "leans", "looks",
    "nods", "points", "replies", "runs", "said", "says", "shakes", "shouts", "shrugs", "sighs",
    "sits", "smiles", "stands", "stares", "turns", "waits", "walks", "watches", "waves",
    "whispers",
];

/// One character of a story.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Character {
    /// As the story names them mid-sentence: "the old keeper", "Mara".
    pub name: String,
    /// The word that identifies them, lower case: "keeper", "mara".
    pub key: String,
}

impl Character {
    /// A character named by a role noun, with at most one describing word
    /// before it ("the old keeper").
    fn role(describing: Option<&str>, noun: &str) -> Character {
        let name = match describing {
            Some(d) => format!("the {d} {noun}"),
            None => format!("the {noun}"),
        };
        Character {
            name,
            key: noun.to_string(),
        }
    }

    fn proper(name: &str) -> Character {
        let key = name
            .split_whitespace()
            .last()
            .unwrap_or(name)
            .trim_matches('.')
            .to_lowercase();
        Character {
            name: name.to_string(),
            key,
        }
    }

    /// How a sentence about them starts: "The old keeper", "Mara".
    pub fn subject(&self) -> String {
        let mut c = self.name.chars();
        match c.next() {
            Some(f) => f.to_uppercase().chain(c).collect(),
            None => String::new(),
        }
    }

    /// Whether `word` (any case, any form) names this character.
    pub fn is_named_by(&self, word: &str) -> bool {
        let w = word.to_lowercase();
        words::stem(&w) == words::stem(&self.key)
    }
}

/// Whether a capitalised `word` (lower case) is a word, not a name ("Yes").
pub fn is_not_name(word: &str) -> bool {
    NOT_NAMES.contains(&word)
}

pub fn is_person_noun(word: &str) -> bool {
    let w = word.to_lowercase();
    PERSON_NOUNS.contains(&w.as_str()) || PERSON_NOUNS.contains(&words::stem(&w))
}

/// A word as written, with whether a sentence (or a quotation) starts at it.
struct Token<'a> {
    text: &'a str,
    sentence_start: bool,
    /// The character right after the word (`,` in "Mara, where").
    next: Option<char>,
}

fn tokens(text: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let mut start_next = true;
    let mut i = 0;
    let bytes: Vec<(usize, char)> = text.char_indices().collect();
    while i < bytes.len() {
        let (at, c) = bytes[i];
        if c.is_alphabetic() {
            let mut j = i;
            while j < bytes.len() && (bytes[j].1.is_alphabetic() || bytes[j].1 == '\'') {
                j += 1;
            }
            let end = bytes.get(j).map_or(text.len(), |b| b.0);
            let word = text[at..end].trim_end_matches('\'');
            out.push(Token {
                text: word,
                sentence_start: start_next,
                next: bytes.get(j).map(|b| b.1),
            });
            start_next = false;
            i = j;
            continue;
        }
        if matches!(c, '.' | '!' | '?' | '"' | '“' | '”' | '\n' | ':' | '>') {
            start_next = true;
        }
        i += 1;
    }
    // "Mr." ends no sentence.
    for k in 1..out.len() {
        if TITLES.contains(&out[k - 1].text.to_lowercase().as_str()) {
            out[k].sentence_start = false;
        }
    }
    out
}

fn capitalised(w: &str) -> bool {
    w.chars().next().is_some_and(char::is_uppercase)
}

/// The characters `text` names, in the order it names them (each once).
pub fn named_in(text: &str) -> Vec<Character> {
    const DETERMINERS: &[&str] = &["a", "an", "the", "this", "that", "your", "his", "her"];
    let toks = tokens(text);
    let mut out: Vec<Character> = Vec::new();
    let mut push = |c: Character| {
        if !out.iter().any(|o| o.key == c.key) {
            out.push(c);
        }
    };
    let capitalised_mid: Vec<String> = toks
        .iter()
        .filter(|t| !t.sentence_start && capitalised(t.text))
        .map(|t| t.text.to_string())
        .collect();
    let mut i = 0;
    while i < toks.len() {
        let t = &toks[i];
        let lower = t.text.to_lowercase();
        // A role: "the guard", "an old keeper", "the captain's voice".
        if DETERMINERS.contains(&lower.as_str()) {
            let next = toks.get(i + 1).map(|t| t.text.to_lowercase());
            let after = toks.get(i + 2).map(|t| t.text.to_lowercase());
            // "a woman named Mara" is Mara.
            let named = toks
                .get(i + 2)
                .zip(toks.get(i + 3))
                .filter(|(v, n)| matches!(v.text, "named" | "called") && capitalised(n.text));
            if let Some((_, n)) = named.filter(|_| {
                next.as_deref()
                    .is_some_and(|w| is_person_noun(w.trim_end_matches("'s")))
            }) {
                push(Character::proper(n.text.trim_end_matches("'s")));
                i += 4;
                continue;
            }
            match (next, after) {
                (Some(n), _) if is_person_noun(n.trim_end_matches("'s")) => {
                    push(Character::role(None, n.trim_end_matches("'s")));
                    i += 2;
                    continue;
                }
                (Some(d), Some(n))
                    if is_person_noun(n.trim_end_matches("'s"))
                        && !words::is_function_word(&d)
                        && !is_person_noun(&d) =>
                {
                    push(Character::role(Some(&d), n.trim_end_matches("'s")));
                    i += 3;
                    continue;
                }
                _ => {}
            }
        }
        // A proper name: capitalised mid-sentence, or at a sentence start
        // when it acts ("Mara says") or is addressed ("Mara, ...") or is
        // capitalised mid-sentence elsewhere too.
        if capitalised(t.text) && !NOT_NAMES.contains(&lower.as_str()) {
            let title = TITLES.contains(&lower.as_str());
            let acts = toks
                .get(i + 1)
                .is_some_and(|n| PERSON_VERBS.contains(&n.text.to_lowercase().as_str()));
            let addressed = t.sentence_start && t.next == Some(',');
            let is_name = !words::is_function_word(&lower)
                && !is_person_noun(&lower)
                && (!t.sentence_start
                    || acts
                    || capitalised_mid.iter().any(|c| c == t.text)
                    || (addressed && !lower.ends_with("ly")));
            if title {
                if let Some(n) = toks.get(i + 1).filter(|n| capitalised(n.text)) {
                    let name = n.text.trim_end_matches("'s");
                    push(Character::proper(&format!("{} {name}", t.text)));
                    i += 2;
                    continue;
                }
            } else if is_name {
                push(Character::proper(t.text.trim_end_matches("'s")));
            }
        }
        i += 1;
    }
    out
}

const FEMALE_NOUNS: &[&str] = &[
    "girl", "lady", "maid", "mother", "nurse", "princess", "queen", "sister", "waitress", "witch",
    "woman",
];
const MALE_NOUNS: &[&str] = &[
    "boatman",
    "boy",
    "brother",
    "butler",
    "father",
    "ferryman",
    "fisherman",
    "king",
    "knight",
    "man",
    "monk",
    "prince",
    "watchman",
];

/// The pronoun the story uses for `c` ("he" or "she"), from their role
/// ("the old woman") or the first he/his/him or she/her after a mention of
/// them in the same sentence ("The guard looks at you, one hand on the hilt
/// of his sword"). `None` when the story has not said.
pub fn pronoun<'a>(
    texts: impl IntoIterator<Item = &'a str>,
    c: &Character,
) -> Option<&'static str> {
    if FEMALE_NOUNS.contains(&c.key.as_str()) {
        return Some("she");
    }
    if MALE_NOUNS.contains(&c.key.as_str()) {
        return Some("he");
    }
    for text in texts {
        let sentences: Vec<&str> = text.split(['.', '!', '?']).collect();
        for (k, sentence) in sentences.iter().enumerate() {
            let ws: Vec<String> = words::words(sentence).collect();
            let Some(at) = ws.iter().position(|w| c.is_named_by(w)) else {
                continue;
            };
            // The rest of the sentence and the next one: a reply's
            // `The keeper looks up. "…," he says.` says it after the quote.
            let next: Vec<String> = sentences
                .get(k + 1)
                .map(|s| words::words(s).collect())
                .unwrap_or_default();
            for w in ws[at + 1..].iter().chain(&next) {
                match w.as_str() {
                    "he" | "his" | "him" | "himself" => return Some("he"),
                    "she" | "her" | "hers" | "herself" => return Some("she"),
                    "woman" | "girl" | "lady" => return Some("she"),
                    "man" | "boy" => return Some("he"),
                    _ => {}
                }
            }
        }
    }
    None
}

/// The characters of a story from its texts (opening, passages, actions,
/// in story order), the most recently named first.
pub fn of_story<'a>(texts: impl IntoIterator<Item = &'a str>) -> Vec<Character> {
    let mut all: Vec<Character> = Vec::new();
    for text in texts {
        for c in named_in(text) {
            // Named again: moves to the end (the most recent), keeping the
            // fuller name ("the old keeper" over "the keeper").
            let kept = match all.iter().position(|o| o.key == c.key) {
                Some(at) => {
                    let old = all.remove(at);
                    if old.name.len() > c.name.len() {
                        old
                    } else {
                        c
                    }
                }
                None => c,
            };
            all.push(kept);
        }
    }
    all.reverse();
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(text: &str) -> Vec<String> {
        named_in(text).into_iter().map(|c| c.name).collect()
    }

    #[test]
    fn roles_and_proper_names_are_found() {
        assert_eq!(
            names("You stand at the gate of the old castle. The guard looks at you."),
            ["the guard"]
        );
        assert_eq!(
            names("An old keeper sits by the stove. Mara waves from the stairs."),
            ["the old keeper", "Mara"]
        );
        assert_eq!(
            names("The captain's voice on the radio says something to Captain Reyes."),
            ["the captain", "Captain Reyes"]
        );
        assert_eq!(names("Mara, where is the key?"), ["Mara"]);
        assert_eq!(
            names("Across the table, a woman named Mara turns a key. The conductor walks past."),
            ["Mara", "the conductor"]
        );
        // Sentence starts and interjections are not names.
        assert!(names("Rain falls. Yes, the door is open. Nothing happens.").is_empty());
        assert!(names("You open the gate. I am tired.").is_empty());
    }

    #[test]
    fn the_story_lists_the_most_recent_first() {
        let cast = of_story([
            "An old keeper sits by the stove.",
            "ask the keeper about the lamp",
            "A girl called Lin runs in. The keeper laughs.",
        ]);
        let names: Vec<&str> = cast.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["the old keeper", "Lin"]);
        assert_eq!(cast[0].subject(), "The old keeper");
        assert!(cast[0].is_named_by("Keepers"));
        assert!(!cast[0].is_named_by("girl"));
    }

    #[test]
    fn pronouns_come_from_the_role_or_the_story() {
        let texts = [
            "The guard looks at you, one hand on the hilt of his sword.",
            "Mara, a woman in grey, turns the key in her fingers.",
            "The robot beeps.",
        ];
        let cast = of_story(texts);
        let by = |k: &str| cast.iter().find(|c| c.key == k).unwrap().clone();
        assert_eq!(pronoun(texts, &by("guard")), Some("he"));
        assert_eq!(pronoun(texts, &by("mara")), Some("she"));
        assert_eq!(pronoun(texts, &by("robot")), None);
        let reply = ["The robot looks up. \"Hello,\" she says."];
        assert_eq!(pronoun(reply, &by("robot")), Some("she"));
        assert_eq!(
            pronoun([], &Character::role(Some("old"), "woman")),
            Some("she")
        );
    }
}
