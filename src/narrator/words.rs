//! Words as the narrator weighs them: the content words of an action, their
//! forms, whether a passage takes them up, dictionary words and archaic
//! register. Plain text rules, shared by the reranker and `fabula eval --play`.

use std::collections::HashSet;

/// Words an action shares with almost any passage, or that carry no object:
/// articles, pronouns, prepositions, conjunctions, auxiliaries, the most
/// generic verbs and the parser's own words.
const FUNCTION_WORDS: &[&str] = &[
    "a", "about", "above", "across", "after", "again", "against", "all", "along", "am", "an",
    "and", "any", "are", "around", "as", "at", "away", "back", "be", "been", "before", "behind",
    "below", "beneath", "beside", "between", "but", "by", "can", "could", "did", "do", "does",
    "down", "each", "every", "for", "from", "get", "go", "got", "had", "has", "have", "he", "her",
    "here", "him", "his", "how", "i", "if", "in", "inside", "into", "is", "it", "its", "just",
    "let", "me", "more", "my", "myself", "near", "no", "not", "now", "of", "off", "on", "once",
    "onto", "or", "out", "outside", "over", "please", "she", "should", "so", "some", "than",
    "that", "the", "their", "them", "then", "there", "these", "they", "this", "those", "through",
    "to", "toward", "towards", "try", "under", "until", "up", "upon", "us", "very", "was", "we",
    "were", "what", "when", "where", "which", "while", "who", "why", "will", "with", "within",
    "without", "would", "you", "your", "yourself",
];

/// Words of the King James register that modern narration does not use.
pub const ARCHAIC_WORDS: &[&str] = &[
    "thee",
    "thou",
    "thy",
    "thine",
    "ye",
    "hath",
    "doth",
    "dost",
    "hast",
    "art",
    "unto",
    "saith",
    "shalt",
    "wilt",
    "wherefore",
    "lo",
    "behold",
    "begat",
    "verily",
    "thereof",
    "whence",
    "hither",
    "thither",
    "lord",
    "israel",
    "jesus",
];

pub fn is_function_word(w: &str) -> bool {
    FUNCTION_WORDS.binary_search(&w).is_ok()
}

/// The alphabetic words of `text`, lower case, apostrophes kept inside.
pub fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !(c.is_alphabetic() || c == '\''))
        .map(|w| w.trim_matches('\'').to_lowercase())
        .filter(|w| !w.is_empty())
}

/// A crude stem: enough to match "keys"/"key", "opened"/"open",
/// "climbing"/"climb", "boxes"/"box" without a dictionary of forms.
pub fn stem(word: &str) -> &str {
    for suffix in ["ing", "ies", "ed", "es", "s", "'s"] {
        if let Some(s) = word.strip_suffix(suffix) {
            if s.chars().count() >= 3 {
                return s;
            }
        }
    }
    word.strip_suffix('e')
        .filter(|s| s.chars().count() >= 3)
        .unwrap_or(word)
}

/// The content words of a player's action, in order, without repeats:
/// what a response should be about ("open the rusty door" -> rusty, door,
/// open; the object first, since it is what a reply most needs to name).
pub fn content_words(action: &str) -> Vec<String> {
    let mut seen = HashSet::new();
    let all: Vec<String> = words(action)
        .filter(|w| w.chars().count() >= 3 && !is_function_word(w))
        .filter(|w| seen.insert(stem(w).to_string()))
        .collect();
    // Objects (after the verb) come first, then the verb.
    let mut out: Vec<String> = all.iter().skip(1).cloned().collect();
    out.extend(all.first().cloned());
    out
}

/// The things a text names: the head of each phrase that a determiner
/// opens ("the old castle" -> castle, "his sword" -> sword), without
/// repeats. A stand-in for nouns, good enough to tell whether a passage
/// stays among the things of the story. "The guard waits" could be a noun
/// and a verb or an adjective and a plural ("the iron gates"): both words
/// are kept, less the verbs that descriptions use most.
pub fn named_things(text: &str) -> Vec<String> {
    const DETERMINERS: &[&str] = &[
        "a", "an", "the", "his", "her", "its", "my", "your", "their", "our", "this", "that",
    ];
    const DESCRIBING_VERBS: &[&str] = &[
        "comes", "goes", "hangs", "holds", "lies", "looks", "says", "seems", "sits", "stands",
        "turns", "waits", "watches",
    ];
    let ws: Vec<String> = words(text).collect();
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    let mut push = |w: &str| {
        if w.chars().count() >= 3
            && !DESCRIBING_VERBS.contains(&w)
            && seen.insert(stem(w).to_string())
        {
            out.push(w.to_string());
        }
    };
    let mut i = 0;
    while i < ws.len() {
        if DETERMINERS.contains(&ws[i].as_str()) {
            let run: Vec<&String> = ws[i + 1..]
                .iter()
                .take(2)
                .take_while(|w| !is_function_word(w) && !DETERMINERS.contains(&w.as_str()))
                .collect();
            match run.as_slice() {
                [one] => push(one),
                [first, second] if second.ends_with('s') && !second.ends_with("ss") => {
                    push(first);
                    push(second);
                }
                [_, second] => push(second),
                _ => {}
            }
            i += run.len();
        }
        i += 1;
    }
    out
}

/// Adds what `text` names to `world`: for an opening, the things it names;
/// for a player's action, its content words other than the verb.
pub fn extend_world(world: &mut Vec<String>, text: &str, is_action: bool) {
    let named = if is_action {
        let mut content = content_words(text);
        if content.len() > 1 {
            content.pop(); // the verb comes last
        }
        content
    } else {
        named_things(text)
    };
    for w in named {
        if !world.iter().any(|x| stem(x) == stem(&w)) {
            world.push(w);
        }
    }
}

/// The objects among an action's content words ([`content_words`] puts
/// the verb last): what a response most needs to name. "look" alone has
/// none.
pub fn action_objects(content: &[String]) -> &[String] {
    match content.len() {
        0 | 1 => &[],
        n => &content[..n - 1],
    }
}

/// Whether `text` mentions `word` in some form (same stem).
pub fn mentions(text: &str, word: &str) -> bool {
    let target = stem(word);
    words(text).any(|w| stem(&w) == target)
}

/// Whether `text` mentions any of `candidates` (its words are stemmed once,
/// not once per candidate: the world of a long story has many).
pub fn mentions_any(text: &str, candidates: &[String]) -> bool {
    if candidates.is_empty() {
        return false;
    }
    let stems: HashSet<String> = words(text).map(|w| stem(&w).to_string()).collect();
    candidates.iter().any(|w| stems.contains(stem(w)))
}

/// Share of `content` words that `text` mentions (1 when there are none).
pub fn uptake(text: &str, content: &[String]) -> f32 {
    if content.is_empty() {
        return 1.0;
    }
    let stems: HashSet<String> = words(text).map(|w| stem(&w).to_string()).collect();
    let hit = content.iter().filter(|w| stems.contains(stem(w))).count();
    hit as f32 / content.len() as f32
}

/// Whether `word` (lower case) is an English word: in the pronouncing
/// dictionary, or a compound of two words that are ("trapdoor").
pub fn is_dictionary_word(word: &str) -> bool {
    let dict = crate::lyrics::pronounce::Pronouncer::builtin();
    if dict.contains(word) {
        return true;
    }
    word.char_indices().skip(3).any(|(i, _)| {
        let (a, b) = word.split_at(i);
        b.chars().count() >= 3 && dict.contains(a) && dict.contains(b)
    })
}

/// Share of `text`'s words found in the pronouncing dictionary (1 for no words).
pub fn dictionary_share(text: &str) -> f32 {
    let (mut known, mut total) = (0usize, 0usize);
    for w in words(text) {
        total += 1;
        if is_dictionary_word(&w) {
            known += 1;
        }
    }
    if total == 0 {
        1.0
    } else {
        known as f32 / total as f32
    }
}

/// Archaic words in `text` (the King James register).
pub fn archaic_count(text: &str) -> usize {
    words(text)
        .filter(|w| ARCHAIC_WORDS.contains(&w.as_str()))
        .count()
}

/// Whether a passage ends mid-word or mid-sentence: its last visible
/// character is not sentence punctuation (closing quotes and brackets after
/// it are fine).
pub fn ends_mid_sentence(text: &str) -> bool {
    let t = text.trim_end().trim_end_matches(['"', '\'', ')', '”', '’']);
    !t.ends_with(['.', '!', '?', '…'])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_things_are_the_heads_of_determiner_phrases() {
        assert_eq!(
            named_things("You stand at the gate of the old castle. The guard looks at you, one hand on the hilt of his sword."),
            ["gate", "castle", "guard", "hilt", "sword"]
        );
        assert!(named_things("Run! Nothing here.").is_empty());
        assert_eq!(
            named_things("A guard waits by the iron gates."),
            ["guard", "iron", "gates"]
        );
    }

    #[test]
    fn function_words_are_sorted_for_binary_search() {
        let mut sorted = FUNCTION_WORDS.to_vec();
        sorted.sort_unstable();
        assert_eq!(sorted, FUNCTION_WORDS);
    }

    #[test]
    fn content_words_put_the_object_first() {
        assert_eq!(
            content_words("open the rusty door"),
            ["rusty", "door", "open"]
        );
        assert_eq!(content_words("go north"), ["north"]);
        assert_eq!(
            content_words("ask the guard about the ship"),
            ["guard", "ship", "ask"]
        );
        assert!(content_words("look at it").contains(&"look".to_string()));
        assert!(content_words("go up").is_empty());
    }

    #[test]
    fn forms_of_a_word_are_taken_up() {
        assert!(mentions("The keys are cold.", "key"));
        assert!(mentions("You opened it.", "open"));
        assert!(mentions("Climbing is hard.", "climb"));
        assert!(!mentions("A monkey sits here.", "key"));
        let world = ["castle".to_string(), "key".to_string()];
        assert!(mentions_any("The keys are cold.", &world));
        assert!(!mentions_any("A monkey sits here.", &world));
        assert!(!mentions_any("The keys are cold.", &[]));
        let c = content_words("take the brass key");
        assert!((uptake("You take the key.", &c) - 2.0 / 3.0).abs() < 1e-6);
        assert_eq!(uptake("Nothing happens.", &c), 0.0);
        assert_eq!(action_objects(&c), &c[..c.len() - 1]);
        assert!(action_objects(&content_words("look")).is_empty());
    }

    #[test]
    fn archaic_register_is_counted() {
        assert_eq!(archaic_count("And thou shalt say unto them"), 3);
        assert_eq!(archaic_count("You open the door."), 0);
    }

    #[test]
    fn dictionary_share_sees_nonsense() {
        assert_eq!(dictionary_share("You open the door."), 1.0);
        assert!(dictionary_share("Blorf zzqx the door.") < 0.6);
        assert!(is_dictionary_word("trapdoor"));
        assert!(!is_dictionary_word("doorzzqx"));
    }

    #[test]
    fn mid_sentence_ends_are_seen() {
        assert!(!ends_mid_sentence("He left."));
        assert!(!ends_mid_sentence("\"Go!\" "));
        assert!(ends_mid_sentence("Now t"));
        assert!(ends_mid_sentence("book of th"));
    }
}
