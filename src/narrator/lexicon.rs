//! Word classes from WordNet (`assets/lexicon/`, see assets/SOURCES.md):
//! which words are nouns or adjectives, and which nouns name things one
//! can see or carry, people and places. The scene reads noun phrases with
//! them; a plain-text rule cannot tell "the lights hum" from "the old
//! lamp" without knowing the words.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

struct Lexicon {
    nouns: HashSet<&'static str>,
    adjectives: HashSet<&'static str>,
    adverbs: HashSet<&'static str>,
    things: HashSet<&'static str>,
    people: HashSet<&'static str>,
    places: HashSet<&'static str>,
    /// noun -> its kinds ("food", "openable", "portable"...).
    kinds: HashMap<&'static str, Vec<&'static str>>,
    /// (verb, noun) pairs the story transcripts act on.
    pairs: HashSet<(&'static str, &'static str)>,
}

fn set(text: &'static str) -> HashSet<&'static str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
}

fn lexicon() -> &'static Lexicon {
    static LEXICON: OnceLock<Lexicon> = OnceLock::new();
    LEXICON.get_or_init(|| Lexicon {
        nouns: set(include_str!("../../assets/lexicon/nouns.txt")),
        adjectives: set(include_str!("../../assets/lexicon/adjectives.txt")),
        adverbs: set(include_str!("../../assets/lexicon/adverbs.txt")),
        things: set(include_str!("../../assets/lexicon/things.txt")),
        people: set(include_str!("../../assets/lexicon/people.txt")),
        places: set(include_str!("../../assets/lexicon/places.txt")),
        kinds: include_str!("../../assets/lexicon/thing_kinds.txt")
            .lines()
            .filter_map(|l| l.split_once('\t'))
            .map(|(w, k)| (w, k.split(',').collect()))
            .collect(),
        pairs: include_str!("../../assets/lexicon/verb_objects.tsv")
            .lines()
            .filter_map(|l| {
                let mut f = l.split('\t');
                Some((f.next()?, f.next()?))
            })
            .collect(),
    })
}

/// The singular of a regular plural ("keys" -> key, "boxes" -> box,
/// "berries" -> berry), when that singular is a noun.
pub fn singular(word: &str) -> Option<String> {
    let lex = lexicon();
    let tries = [
        word.strip_suffix("ies").map(|s| format!("{s}y")),
        word.strip_suffix("es").map(str::to_string),
        word.strip_suffix('s')
            .filter(|s| !s.ends_with('s'))
            .map(str::to_string),
    ];
    tries
        .into_iter()
        .flatten()
        .find(|s| s.len() >= 2 && lex.nouns.contains(s.as_str()))
}

/// Whether `word` (lower case) is an adverb ("tonight", "inside").
pub fn is_adverb(word: &str) -> bool {
    lexicon().adverbs.contains(word)
}

/// Whether `word` (lower case) is a noun in its base form.
pub fn is_noun(word: &str) -> bool {
    lexicon().nouns.contains(word)
}

pub fn is_adjective(word: &str) -> bool {
    lexicon().adjectives.contains(word)
}

/// The base form of a noun: itself, or its singular.
fn base(word: &str) -> String {
    if is_noun(word) {
        word.to_string()
    } else {
        singular(word).unwrap_or_else(|| word.to_string())
    }
}

/// A thing one can see, take or use (an artifact, food, a plant...).
pub fn is_thing(word: &str) -> bool {
    lexicon().things.contains(base(word).as_str())
}

/// A noun naming a person by role ("nurse", "porter").
pub fn is_person(word: &str) -> bool {
    lexicon().people.contains(base(word).as_str())
}

/// Places WordNet files elsewhere (a "ward" is first a person in care, a
/// "platform" a political one) that stories name as places all the time.
const MORE_PLACES: &[&str] = &[
    "airlock",
    "attic",
    "balcony",
    "basement",
    "camp",
    "cellar",
    "crypt",
    "dock",
    "dungeon",
    "hall",
    "home",
    "house",
    "lane",
    "road",
    "room",
    "path",
    "cottage",
    "farmhouse",
    "shed",
    "field",
    "forest",
    "forge",
    "gallery",
    "hangar",
    "harbor",
    "harbour",
    "jetty",
    "lab",
    "laboratory",
    "lounge",
    "market",
    "mine",
    "museum",
    "oasis",
    "office",
    "parlour",
    "platform",
    "porch",
    "quay",
    "rooftop",
    "square",
    "stable",
    "station",
    "street",
    "studio",
    "subway",
    "tower",
    "vineyard",
    "ward",
    "workshop",
    "yard",
];

/// A room, building or outdoor place ("kitchen", "platform", "orchard").
pub fn is_place(word: &str) -> bool {
    let b = base(word);
    lexicon().places.contains(b.as_str()) || MORE_PLACES.contains(&b.as_str())
}

fn kinds(noun: &str) -> &'static [&'static str] {
    lexicon()
        .kinds
        .get(base(noun).as_str())
        .map_or(&[], |k| k.as_slice())
}

/// Whether a noun is of a kind ("food", "portable", "openable"...).
pub fn is_kind(noun: &str, kind: &str) -> bool {
    kinds(noun).contains(&kind)
}

/// Whether the written transcripts act on `noun` with `verb`.
pub fn transcripts_use(verb: &str, noun: &str) -> bool {
    lexicon().pairs.contains(&(verb, base(noun).as_str()))
}

/// Verbs that only fit a thing of a certain kind.
const KIND_VERBS: &[&str] = &[
    "take", "get", "grab", "pick", "pocket", "collect", "drop", "carry", "eat", "taste", "drink",
    "sip", "read", "open", "close", "unlock", "lock", "shut", "sit", "wear", "light",
];

/// Whether `verb` goes with `noun` (its head): the transcripts use the
/// pair, or the verb fits what the noun is: a person is spoken to, a place
/// is gone to, a thing of a known kind is eaten, opened, read or carried
/// only if it is of that kind. "drink the gate" and "pick up the window"
/// do not fit; a noun the lexicon does not know is given the benefit of
/// the doubt.
pub fn verb_fits(verb: &str, noun: &str) -> bool {
    // A kind the lexicon knows decides for the verbs that need one: the
    // transcripts "take the chair" to sit on it, not to carry it.
    let decided_by_kind = !kinds(noun).is_empty() && KIND_VERBS.contains(&verb);
    if !decided_by_kind && transcripts_use(verb, noun) {
        return true;
    }
    const LOOKING: &[&str] = &[
        "look", "examine", "x", "watch", "study", "inspect", "check", "observe", "find",
    ];
    if LOOKING.contains(&verb) {
        return true;
    }
    if is_person(noun) {
        const TO_PEOPLE: &[&str] = &[
            "ask", "talk", "tell", "greet", "thank", "follow", "help", "call", "hug", "wave",
            "answer", "show", "give", "say", "speak", "shake", "wake", "listen",
        ];
        return TO_PEOPLE.contains(&verb);
    }
    if is_place(noun) && kinds(noun).is_empty() {
        const TO_PLACES: &[&str] = &[
            "go", "walk", "run", "enter", "leave", "visit", "search", "explore", "cross", "climb",
            "head", "return", "listen",
        ];
        return TO_PLACES.contains(&verb);
    }
    if kinds(noun).is_empty() {
        // Unknown to the lexicon: carried, eaten, opened... only if the
        // written transcripts do it; handled in other ways, yes.
        return !KIND_VERBS.contains(&verb);
    }
    let door = is_kind(noun, "door");
    match verb {
        "take" | "get" | "grab" | "pick" | "pocket" | "collect" | "drop" | "carry" | "give"
        | "show" | "throw" => is_kind(noun, "portable"),
        "eat" | "taste" => is_kind(noun, "food"),
        "drink" | "sip" => is_kind(noun, "drink"),
        "read" => is_kind(noun, "readable"),
        "open" | "close" | "unlock" | "lock" | "shut" => is_kind(noun, "openable") || door,
        "sit" => is_kind(noun, "seat") || is_kind(noun, "furniture"),
        "wear" => is_kind(noun, "clothing"),
        "light" => is_kind(noun, "light"),
        "push" | "pull" | "touch" | "smell" | "search" | "move" | "turn" | "shake" | "knock"
        | "lift" | "listen" | "feel" | "clean" | "wipe" | "tap" | "hold" | "use" => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_common_words() {
        for n in ["key", "door", "kettle", "corridor", "nurse"] {
            assert!(is_noun(n), "{n}");
        }
        assert!(is_adjective("rusty"));
        assert!(is_thing("lantern") && is_thing("keys"));
        assert!(is_person("nurse") && is_person("porters"));
        assert!(is_place("kitchen") && is_place("corridor"));
        assert!(!is_noun("quickly"));
        assert_eq!(singular("boxes").as_deref(), Some("box"));
        assert_eq!(singular("berries").as_deref(), Some("berry"));
        assert_eq!(singular("glass"), None);
        assert!(
            verb_fits("open", "door") && verb_fits("eat", "apple") && verb_fits("ask", "nurse")
        );
        assert!(!verb_fits("drink", "gate") && !verb_fits("pick", "window"));
        assert!(!verb_fits("eat", "chair") && verb_fits("look", "chair"));
    }
}
