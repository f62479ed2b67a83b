//! The scene a story is in: where the player is, the things and people
//! named there, what the player carries and the exits named. Built from the
//! opening and updated from each action and passage, stored with each turn,
//! and shown to the model as one line before every action:
//!
//! ```text
//! (here: hospital corridor; things: vending machine, metal cart; people: nurse; carrying: gloves; exits: north)
//! > open the window
//! ```
//!
//! An LSTM forgets the opening within a few turns; the scene line repeats
//! what it cannot remember. The same code annotates the training
//! transcripts (`fabula transcripts`), so the model reads at play exactly
//! the form it was trained on.
//!
//! The action's object reaches the passage by construction: the model
//! writes [`OBJECT_SLOT`] where the training text named it, and the engine
//! fills in the player's own words ([`fill_object`]). A small character
//! model does not learn to copy a word it has not seen (measured; see
//! the design notes).

use serde::{Deserialize, Serialize};

use super::characters;
use super::lexicon;
use super::words::{is_function_word, words};

/// Written by the model where the action's object goes.
pub const OBJECT_SLOT: char = '&';

/// Kept for grounding choices; the scene line shows the newest few.
const MAX_THINGS: usize = 12;
const MAX_PEOPLE: usize = 6;
const LINE_THINGS: usize = 6;
const LINE_PEOPLE: usize = 3;
const MAX_CARRIED: usize = 6;

const DETERMINERS: &[&str] = &[
    "a", "an", "the", "some", "two", "three", "four", "several", "another", "this", "that",
];
const DIRECTIONS: &[&str] = &[
    "north",
    "south",
    "east",
    "west",
    "northeast",
    "northwest",
    "southeast",
    "southwest",
    "up",
    "down",
];
/// Nouns a scene line would only clutter: parts of any room, the weather
/// of any place, stretches of time.
const NOT_THINGS: &[&str] = &[
    "air", "back", "bit", "bottom", "ceiling", "corner", "dark", "darkness", "distance", "edge",
    "end", "floor", "front", "ground", "inch", "inches", "light", "lot", "middle", "minute",
    "moment", "noise", "pair", "part", "piece", "rest", "second", "shadow", "side", "silence",
    "smell", "sound", "thing", "time", "top", "wall", "way", "while", "few", "little", "couple",
    "number", "hint", "trace", "sense", "glimpse", "breath", "step", "word", "thud", "lot",
];
/// Verbs after which "you ... in/into/to the X" says where the player now is.
const MOVE_VERBS: &[&str] = &[
    "are", "arrive", "ascend", "climb", "come", "crawl", "cross", "descend", "drive", "duck",
    "emerge", "enter", "find", "follow", "go", "head", "hurry", "jump", "make", "move", "pass",
    "reach", "return", "ride", "run", "slip", "squeeze", "stand", "step", "stumble", "swim",
    "wade", "wake", "walk", "wander",
];
/// Of those, the ones that say where the player is whatever the place's
/// noun ("You wake up in the hold"); after the others ("You walk to the
/// window") the noun must name a place.
const BEING_VERBS: &[&str] = &["are", "arrive", "enter", "find", "stand", "wake"];
const PLACE_PREPOSITIONS: &[&str] = &[
    "in", "into", "inside", "onto", "to", "at", "on", "through", "toward", "towards",
];
/// Words that follow a verb before its object ("pick up", "look at").
const PARTICLES: &[&str] = &[
    "about",
    "across",
    "after",
    "around",
    "at",
    "away",
    "back",
    "behind",
    "beneath",
    "down",
    "downstairs",
    "for",
    "forward",
    "in",
    "outside",
    "upstairs",
    "inside",
    "into",
    "off",
    "on",
    "onto",
    "out",
    "over",
    "through",
    "to",
    "toward",
    "towards",
    "under",
    "up",
    "with",
];
const TAKE_VERBS: &[&str] = &["take", "get", "grab", "pick", "collect", "pocket", "steal"];
const DROP_VERBS: &[&str] = &["drop", "put", "place", "leave", "set", "throw", "toss"];
const GIVE_VERBS: &[&str] = &["give", "hand", "offer"];
/// A first sentence with one of these refuses the action.
const REFUSALS: &[&str] = &[
    "can't", "cannot", "won't", "not", "no", "nothing", "locked", "unable", "nowhere", "too",
    "doesn't", "isn't", "refuses",
];

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scene {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub things: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub people: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub carrying: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exits: Vec<String>,
}

/// A noun phrase as a text names it: "vending machine" (head "machine").
#[derive(Clone, Debug, PartialEq, Eq)]
struct Phrase {
    text: String,
    head: String,
    /// Opened by "a"/"an": something one can count, so a concrete thing.
    counted: bool,
}

/// The head noun of a phrase: its last word ("vending machine" -> machine).
pub fn head_of(phrase: &str) -> &str {
    phrase.rsplit(' ').next().unwrap_or(phrase)
}

/// The sentences of `text` with quoted speech left out (what a character
/// says is not what the player sees).
fn narrated_sentences(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '"' | '“' | '”' => quoted = !quoted,
            _ if quoted => {}
            '.' | '!' | '?' | '\n' => {
                if !cur.trim().is_empty() {
                    out.push(cur.trim().to_string());
                }
                cur.clear();
            }
            _ => cur.push(c),
        }
    }
    if !cur.trim().is_empty() {
        out.push(cur.trim().to_string());
    }
    out
}

/// The noun phrase starting at `ws[i]` (after its determiner), and how
/// many words it took. A plural, or a word that reads as a verb after a
/// noun ("the bell rings"), ends it.
fn phrase_at(ws: &[String], i: usize) -> Option<(Phrase, usize)> {
    let mut run: Vec<(&str, bool)> = Vec::new(); // (word, is a noun form)
    let mut j = i;
    let mut ended_plural = false;
    while j < ws.len() && run.len() < 4 && !ended_plural {
        let w = ws[j].as_str();
        if is_function_word(w) || DETERMINERS.contains(&w) || DIRECTIONS.contains(&w) {
            break;
        }
        let noun = lexicon::is_noun(w);
        let plural = !noun && lexicon::singular(w).is_some();
        // "a rocking chair": a participle before a noun describes it.
        let participle = w.ends_with("ing")
            && ws
                .get(j + 1)
                .is_some_and(|n| lexicon::is_noun(n) || lexicon::singular(n).is_some());
        let adjective = lexicon::is_adjective(w) || participle;
        if !(noun || plural || adjective) {
            break;
        }
        let after_noun = run.last().is_some_and(|&(_, n)| n);
        // After a noun, a word in -s reads as its verb ("a brass key
        // falls", although "falls" is also a noun).
        let verb_like = w.ends_with('s') && lexicon::singular(w).is_some();
        if (plural || verb_like) && after_noun {
            break;
        }
        run.push((w, noun || plural));
        ended_plural = plural;
        j += 1;
    }
    while run.last().is_some_and(|&(_, n)| !n) {
        run.pop();
    }
    if run.is_empty() {
        return None;
    }
    let text = run.iter().map(|(w, _)| *w).collect::<Vec<_>>().join(" ");
    let head = head_of(&text).to_string();
    let counted = i > 0 && matches!(ws[i - 1].as_str(), "a" | "an");
    Some((
        Phrase {
            text,
            head,
            counted,
        },
        j - i,
    ))
}

/// The noun phrases a sentence opens with a determiner, in order.
fn phrases(sentence: &str) -> Vec<Phrase> {
    sentence
        .split([',', ':', ';', '(', ')'])
        .flat_map(clause_phrases)
        .collect()
}

fn clause_phrases(clause: &str) -> Vec<Phrase> {
    let ws: Vec<String> = words(clause).collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < ws.len() {
        if DETERMINERS.contains(&ws[i].as_str()) {
            if let Some((p, used)) = phrase_at(&ws, i + 1) {
                out.push(p);
                i += 1 + used;
                continue;
            }
        }
        i += 1;
    }
    out
}

/// Where a sentence says the player now is ("You walk into the ward"),
/// given the things already here (walking to one of them is no move).
fn place_in(sentence: &str, here: &[String]) -> Option<String> {
    let ws: Vec<String> = words(sentence).collect();
    if ws.first().map(String::as_str) != Some("you") {
        return None;
    }
    let verb = ws.get(1)?;
    let verb = verb
        .strip_suffix('s')
        .filter(|_| !MOVE_VERBS.contains(&verb.as_str()))
        .unwrap_or(verb);
    if !MOVE_VERBS.contains(&verb) {
        return None;
    }
    let being = BEING_VERBS.contains(&verb);
    let mut i = 2;
    while i < ws.len() {
        let w = ws[i].as_str();
        // An object between the verb and the place ("you put the coins
        // into the slot") makes it no move.
        if DETERMINERS.contains(&w) && i > 2 && !(verb == "make" && w == "your") {
            return None;
        }
        let direct = (verb == "enter" || verb == "reach" || verb == "cross") && i == 2;
        if PLACE_PREPOSITIONS.contains(&w) || direct {
            let mut k = if direct { i } else { i + 1 };
            if ws.get(k).is_some_and(|d| DETERMINERS.contains(&d.as_str())) {
                k += 1;
            }
            // A word the lexicon does not know ("the smithy") still names
            // where the player went.
            let p = phrase_at(&ws, k).map(|(p, _)| p).or_else(|| {
                let w = ws.get(k).filter(|w| !is_function_word(w) && w.len() > 2)?;
                Some(Phrase {
                    text: w.clone(),
                    head: w.clone(),
                    counted: false,
                })
            })?;
            let here_already = here.iter().any(|t| head_of(t) == p.head);
            let into = matches!(w, "into" | "inside");
            let placeish = lexicon::is_place(&p.head);
            if lexicon::is_person(&p.head) || characters::is_person_noun(&p.head) {
                return None;
            }
            if placeish || ((being || into) && !here_already) {
                return Some(p.text);
            }
            return None;
        }
        i += 1;
    }
    None
}

fn push_unique(list: &mut Vec<String>, item: String, max: usize) {
    if let Some(at) = list.iter().position(|t| head_of(t) == head_of(&item)) {
        // Named again: keep the fuller name, move it to the most recent end.
        let old = list.remove(at);
        let keep = if item.split(' ').count() > old.split(' ').count() {
            item
        } else {
            old
        };
        list.push(keep);
    } else {
        list.push(item);
    }
    if list.len() > max {
        list.remove(0);
    }
}

fn remove_head(list: &mut Vec<String>, head: &str) -> Option<String> {
    let at = list.iter().position(|t| head_of(t) == head)?;
    Some(list.remove(at))
}

/// Whether a passage refuses its action (its first sentence says no).
fn refuses(passage: &str) -> bool {
    let first = narrated_sentences(passage).into_iter().next();
    first.is_some_and(|s| words(&s).any(|w| REFUSALS.contains(&w.as_str())))
}

/// Verbs with which a player asks to go somewhere.
const GO_VERBS: &[&str] = &[
    "go", "walk", "run", "enter", "leave", "exit", "climb", "head", "follow", "return", "cross",
    "move", "step", "descend", "ascend", "jump", "swim", "crawl", "board", "escape", "flee",
    "continue", "wander", "hurry", "sneak",
];
const DIRECTION_ABBREVIATIONS: &[&str] = &["n", "s", "e", "w", "ne", "nw", "se", "sw", "u", "d"];

/// Whether an action asks to move the player ("go north", "enter the
/// kitchen", "n"); a passage answering any other stays where it is.
pub fn moves_player(action: &str) -> bool {
    let ws: Vec<String> = words(action).collect();
    match ws.as_slice() {
        [one] if DIRECTION_ABBREVIATIONS.contains(&one.as_str()) => true,
        [one] => DIRECTIONS.contains(&one.as_str()),
        _ => ws.first().is_some_and(|v| GO_VERBS.contains(&v.as_str())),
    }
}

/// An action's verb, lower case ("pick up the key" -> pick).
pub fn action_verb(action: &str) -> Option<String> {
    let before_quote = action.split(['"', '“']).next().unwrap_or("");
    words(before_quote).find(|w| w != "i")
}

/// The thing, person or place an action is about: the noun phrase after
/// its verb ("take the brass key" -> "brass key", "ask the nurse about
/// the ward" -> "nurse"); none for "look", "go north" or quoted speech.
pub fn action_object(action: &str) -> Option<String> {
    let before_quote = action.split(['"', '“']).next().unwrap_or("");
    let ws: Vec<String> = words(before_quote).filter(|w| w != "i").collect();
    let mut i = 1;
    while i < ws.len()
        && (PARTICLES.contains(&ws[i].as_str()) || DETERMINERS.contains(&ws[i].as_str()))
    {
        i += 1;
    }
    let mut object = Vec::new();
    while i < ws.len() && object.len() < 4 {
        let w = ws[i].as_str();
        if is_function_word(w) || DETERMINERS.contains(&w) || PARTICLES.contains(&w) {
            break;
        }
        object.push(w);
        i += 1;
    }
    if object.is_empty() || DIRECTIONS.contains(&object[0]) || object[0].chars().count() < 2 {
        return None;
    }
    Some(object.join(" "))
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '\''
}

/// Byte ranges of whole-word, case-insensitive matches of `needle`.
fn word_matches(text: &str, needle: &str) -> Vec<(usize, usize)> {
    let lower = text.to_lowercase();
    let needle = needle.to_lowercase();
    if needle.is_empty() || lower.len() != text.len() {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(at) = lower[from..].find(&needle) {
        let start = from + at;
        let end = start + needle.len();
        let before = lower[..start].chars().next_back();
        let after = lower[end..].chars().next();
        if !before.is_some_and(is_word_char) && !after.is_some_and(is_word_char) {
            out.push((start, end));
        }
        from = end;
    }
    out
}

fn replace_ranges(text: &str, ranges: &[(usize, usize)], with: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for &(s, e) in ranges {
        out.push_str(&text[last..s]);
        out.push_str(with);
        last = e;
    }
    out.push_str(&text[last..]);
    out
}

/// A response as the model reads it: the action's object written as the
/// slot ("You take the brass key." -> "You take the &."). The whole
/// phrase first, then its head noun alone ("the key").
pub fn slot_object(text: &str, object: &str) -> String {
    let text = text.replace(OBJECT_SLOT, "and");
    let whole = word_matches(&text, object);
    let text = replace_ranges(&text, &whole, &OBJECT_SLOT.to_string());
    let head = head_of(object);
    if head == object || head.chars().count() < 3 {
        return text;
    }
    let heads = word_matches(&text, head);
    replace_ranges(&text, &heads, &OBJECT_SLOT.to_string())
}

/// A passage as the player reads it: each slot filled with `object`,
/// capitalised where a sentence starts with it. Without an object a slot
/// reads "it" (the guide keeps the model from writing one then).
pub fn fill_object(text: &str, object: Option<&str>) -> String {
    if !text.contains(OBJECT_SLOT) {
        return text.to_string();
    }
    let object = object.unwrap_or("it");
    let mut out = String::with_capacity(text.len() + object.len());
    for c in text.chars() {
        if c != OBJECT_SLOT {
            out.push(c);
            continue;
        }
        let trimmed = out.trim_end_matches([' ', '"', '“']);
        let starts = trimmed.is_empty() || trimmed.ends_with(['.', '!', '?', '\n']);
        if starts {
            let mut cs = object.chars();
            if let Some(f) = cs.next() {
                out.extend(f.to_uppercase());
                out.push_str(cs.as_str());
            }
        } else {
            out.push_str(object);
        }
    }
    out
}

/// The places a text names ("the rooftop", "a subway platform").
pub fn places_named(text: &str) -> Vec<String> {
    narrated_sentences(text)
        .iter()
        .flat_map(|s| phrases(s))
        .filter(|p| lexicon::is_place(&p.head))
        .map(|p| p.text)
        .collect()
}

/// Plain actions that need nothing in the scene.
const PLAIN_ACTIONS: &[&str] = &[
    "look",
    "look around",
    "wait",
    "listen",
    "inventory",
    "i",
    "search",
    "think",
    "sleep",
    "smell",
    "sit down",
    "stand up",
    "shout",
    "call for help",
    "shout for help",
];

/// Whether a choice names a thing, person, place or exit of the scene (or
/// is a plain action like `look` or `wait`).
pub fn grounded(choice: &str, scene: &Scene) -> bool {
    let line = choice.trim().to_lowercase();
    if PLAIN_ACTIONS.contains(&line.as_str()) {
        return true;
    }
    if moves_player(&line) && !line.contains(" the ") {
        // "go north" needs a north the scene named; "walk away", "leave"
        // go nowhere in particular.
        let named: Vec<String> = words(&line)
            .filter(|w| DIRECTIONS.contains(&w.as_str()))
            .collect();
        return named.is_empty() || named.iter().any(|w| scene.exits.contains(w));
    }
    let Some(object) = action_object(&line) else {
        // "wait here", "look around": about nothing in particular.
        return true;
    };
    let head = head_of(&object).to_string();
    let base = lexicon::singular(&head).unwrap_or_else(|| head.clone());
    scene.names().iter().any(|n| {
        let h = head_of(n).to_lowercase();
        h == head || h == base || n.eq_ignore_ascii_case(&object)
    })
}

impl Scene {
    /// The scene an opening sets.
    pub fn from_opening(text: &str) -> Scene {
        let mut scene = Scene::default();
        for sentence in narrated_sentences(text) {
            if scene.place.is_none() {
                if let Some(p) = place_in(&sentence, &[]) {
                    scene.place = Some(p);
                }
            }
            scene.note(&sentence);
        }
        scene.note_people(text);
        scene
    }

    /// Adds what a sentence names: things (not the place itself), exits.
    fn note(&mut self, sentence: &str) {
        for p in phrases(sentence) {
            let place_head = self.place.as_deref().map(head_of);
            let base = lexicon::singular(&p.head).unwrap_or_else(|| p.head.clone());
            if Some(p.head.as_str()) == place_head || NOT_THINGS.contains(&base.as_str()) {
                continue;
            }
            if lexicon::is_person(&p.head) || characters::is_person_noun(&p.head) {
                continue;
            }
            if self.carrying.iter().any(|c| head_of(c) == p.head) {
                continue;
            }
            let concrete = p.counted && lexicon::is_noun(&p.head);
            if concrete || lexicon::is_thing(&p.head) || lexicon::is_place(&p.head) {
                push_unique(&mut self.things, p.text, MAX_THINGS);
            }
        }
        let ws: Vec<String> = words(sentence).collect();
        for (k, w) in ws.iter().enumerate() {
            if !DIRECTIONS.contains(&w.as_str()) {
                continue;
            }
            let prev = k.checked_sub(1).map(|p| ws[p].as_str());
            let horizontal = !matches!(w.as_str(), "up" | "down");
            // "to the north", "leads north", "go north"; "up"/"down" only
            // as a way ("stairs lead down"), not "you look up".
            let way = matches!(
                prev,
                Some("the" | "leads" | "lead" | "go" | "goes" | "runs" | "heads" | "way")
            );
            if (horizontal && prev != Some("you")) || way {
                push_unique(&mut self.exits, w.clone(), DIRECTIONS.len());
            }
        }
    }

    fn note_people(&mut self, text: &str) {
        for c in characters::named_in(text) {
            // "Tonight," opens a sentence like a name does; an adverb is
            // not one (nouns may be: Rose, Mara).
            if lexicon::is_adverb(&c.key.to_lowercase()) {
                continue;
            }
            let name = c.name.trim();
            let name = ["the ", "The ", "a ", "A ", "an ", "An "]
                .iter()
                .find_map(|d| name.strip_prefix(d))
                .unwrap_or(name);
            push_unique(&mut self.people, name.to_string(), MAX_PEOPLE);
        }
    }

    /// The scene after the player's `action` and the passage answering it.
    pub fn after_turn(&self, action: Option<&str>, passage: &str) -> Scene {
        let mut next = self.clone();
        if let Some(action) = action {
            next.apply_action(action, passage);
        }
        let sentences = narrated_sentences(passage);
        let moved = sentences
            .iter()
            .enumerate()
            .find_map(|(k, s)| place_in(s, &self.things).map(|p| (k, p)))
            .filter(|(_, p)| self.place.as_deref().map(head_of) != Some(head_of(p)));
        let from = match moved {
            Some((k, place)) => {
                next = Scene {
                    place: Some(place),
                    carrying: next.carrying,
                    ..Scene::default()
                };
                k
            }
            None => 0,
        };
        for s in &sentences[from..] {
            next.note(s);
        }
        next.note_people(passage);
        next
    }

    fn apply_action(&mut self, action: &str, passage: &str) {
        let (Some(verb), Some(object)) = (action_verb(action), action_object(action)) else {
            return;
        };
        if refuses(passage) {
            return;
        }
        let head = head_of(&object).to_string();
        if TAKE_VERBS.contains(&verb.as_str()) {
            let named = remove_head(&mut self.things, &head).unwrap_or(object);
            if !lexicon::is_person(&head) && !lexicon::is_place(&head) {
                push_unique(&mut self.carrying, named, MAX_CARRIED);
            }
        } else if DROP_VERBS.contains(&verb.as_str()) {
            if let Some(t) = remove_head(&mut self.carrying, &head) {
                push_unique(&mut self.things, t, MAX_THINGS);
            }
        } else if GIVE_VERBS.contains(&verb.as_str()) {
            remove_head(&mut self.carrying, &head);
        }
    }

    /// The line the model reads before an action; empty when nothing is
    /// known.
    pub fn line(&self) -> String {
        let mut parts = Vec::new();
        if let Some(p) = &self.place {
            parts.push(format!("here: {p}"));
        }
        let newest = |list: &[String], n: usize| list[list.len().saturating_sub(n)..].join(", ");
        for (name, list) in [
            ("things", newest(&self.things, LINE_THINGS)),
            ("people", newest(&self.people, LINE_PEOPLE)),
            ("carrying", self.carrying.join(", ")),
            ("exits", self.exits.join(", ")),
        ] {
            if !list.is_empty() {
                parts.push(format!("{name}: {list}"));
            }
        }
        if parts.is_empty() {
            String::new()
        } else {
            format!("({})", parts.join("; "))
        }
    }

    /// Whether this scene (after a passage) has the player somewhere else
    /// than `before`.
    pub fn moved_from(&self, before: &Scene) -> bool {
        self.place.is_some() && self.place != before.place
    }

    /// How a passage names `object` (an action's object): in the scene's
    /// words when the scene names it ("key" in a room with a brass key:
    /// "brass key"; "marta": "Marta"), else as the player wrote it.
    pub fn name_for(&self, object: &str) -> String {
        let head = head_of(object);
        self.names()
            .into_iter()
            .find(|n| n.eq_ignore_ascii_case(object) || head_of(n).eq_ignore_ascii_case(head))
            .unwrap_or_else(|| object.to_string())
    }

    /// Everything the scene names, for grounding choices and the reranker.
    pub fn names(&self) -> Vec<String> {
        let mut out: Vec<String> = self.place.iter().cloned().collect();
        out.extend(self.things.iter().cloned());
        out.extend(self.people.iter().cloned());
        out.extend(self.carrying.iter().cloned());
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOSPITAL: &str = "You are in a hospital corridor. It is late and the lights hum. \
        A vending machine stands by the stairs, and a metal cart is parked beside a window. \
        A tired nurse writes on a clipboard. A door to the north leads to the ward.";

    #[test]
    fn an_opening_sets_the_scene() {
        let s = Scene::from_opening(HOSPITAL);
        assert_eq!(s.place.as_deref(), Some("hospital corridor"));
        for t in [
            "vending machine",
            "metal cart",
            "window",
            "clipboard",
            "door",
        ] {
            assert!(s.things.iter().any(|x| x == t), "{t} in {:?}", s.things);
        }
        assert!(
            !s.things.iter().any(|x| x.contains("hum")),
            "{:?}",
            s.things
        );
        assert!(
            s.people.iter().any(|p| p.contains("nurse")),
            "{:?}",
            s.people
        );
        assert_eq!(s.exits, ["north"]);
        let line = s.line();
        assert!(
            line.starts_with("(here: hospital corridor; things: "),
            "{line}"
        );
    }

    #[test]
    fn walking_to_a_thing_here_is_no_move() {
        let s = Scene::from_opening(HOSPITAL);
        let after = s.after_turn(
            Some("walk to the window"),
            "You walk to the window. Rain streaks the glass.",
        );
        assert_eq!(after.place, s.place);
    }

    #[test]
    fn a_passage_that_moves_the_player_changes_the_place() {
        let s = Scene::from_opening(HOSPITAL);
        let after = s.after_turn(
            Some("go north"),
            "You go north into the ward. Six beds stand in two rows. A radio plays on a shelf.",
        );
        assert_eq!(after.place.as_deref(), Some("ward"));
        let unknown = s.after_turn(Some("drop the chart"), "You come into the smithy.");
        assert_eq!(unknown.place.as_deref(), Some("smithy"));
        assert!(
            after.things.iter().any(|t| t == "radio"),
            "{:?}",
            after.things
        );
        assert!(!after.things.iter().any(|t| t == "vending machine"));
    }

    #[test]
    fn a_taken_thing_is_carried_and_a_refusal_changes_nothing() {
        let s = Scene::from_opening(HOSPITAL);
        let after = s.after_turn(Some("take the clipboard"), "You take the clipboard.");
        assert_eq!(after.carrying, ["clipboard"]);
        assert!(!after.things.iter().any(|t| t == "clipboard"));
        let refused = s.after_turn(
            Some("take the cart"),
            "The cart is too heavy. You cannot lift it.",
        );
        assert!(refused.carrying.is_empty());
        let dropped = after.after_turn(Some("drop the clipboard"), "You set the clipboard down.");
        assert!(dropped.carrying.is_empty());
        assert!(dropped.things.iter().any(|t| t == "clipboard"));
    }

    #[test]
    fn actions_name_their_objects() {
        assert_eq!(
            action_object("take the brass key").as_deref(),
            Some("brass key")
        );
        assert_eq!(action_object("pick up the lamp").as_deref(), Some("lamp"));
        assert_eq!(
            action_object("ask the nurse about the ward").as_deref(),
            Some("nurse")
        );
        assert_eq!(
            action_object("put the key in the box").as_deref(),
            Some("key")
        );
        assert_eq!(action_object("go north"), None);
        assert_eq!(action_object("look around"), None);
        assert_eq!(action_object("wait"), None);
        assert_eq!(action_object("say \"hello there\""), None);
        assert_eq!(action_verb("pick up the lamp").as_deref(), Some("pick"));
        assert!(moves_player("go north") && moves_player("n") && moves_player("enter the ward"));
        assert!(!moves_player("drop the letter") && !moves_player("look at the window"));
        assert!(moves_player("north") && !moves_player("take the south"));
        let s = Scene::from_opening(HOSPITAL);
        assert!(grounded("open the window", &s) && grounded("ask the nurse about the ward", &s));
        assert!(grounded("go north", &s) && grounded("wait", &s));
        assert!(!grounded("go west", &s) && !grounded("drink the bottle", &s));
        assert!(!grounded("go west", &Scene::default()));
        assert_eq!(places_named("You arrive at the rooftop."), ["rooftop"]);
    }

    #[test]
    fn objects_become_slots_and_slots_are_filled() {
        let slotted = slot_object("You take the brass key. The key is cold.", "brass key");
        assert_eq!(slotted, "You take the &. The & is cold.");
        assert_eq!(
            fill_object(&slotted, Some("brass key")),
            "You take the brass key. The brass key is cold."
        );
        assert_eq!(slot_object("Marta smiles.", "marta"), "& smiles.");
        assert_eq!(
            fill_object("& smiles. \"&?\"", Some("marta")),
            "Marta smiles. \"Marta?\""
        );
        // Whole words only; a literal ampersand is not a slot.
        assert_eq!(
            slot_object("The doorway & the door.", "door"),
            "The doorway and the &."
        );
        assert_eq!(fill_object("No slot here.", None), "No slot here.");
    }
}
