//! VADER heuristics that turn text into a compound score in [-1, 1].
//!
//! Tokenising, then modifiers: negation, boosters, caps, "but", idioms,
//! punctuation; then normalisation.
//!
//! Follows Hutto & Gilbert (2014), "VADER: A Parsimonious Rule-based Model for
//! Sentiment Analysis of Social Media Text", with deliberate changes for
//! paragraph-sized fiction: modifier windows and "but" stay inside a sentence
//! (a sentence opening with "But" damps the one before), "kind of"-style
//! dampeners shrink negative words too instead of only pushing them down,
//! each idiom counts once, and idioms that misfire in stories ("the bomb",
//! "the shit") are left out while simple sentiment-laden ones are added.

use super::lexicon::Lexicon;

// Empirically derived constants from the VADER paper.
const B_INCR: f64 = 0.293;
const B_DECR: f64 = -0.293;
const C_INCR: f64 = 0.733;
const N_SCALAR: f64 = -0.74;
const EMARK_INCR: f64 = 0.292;
const MAX_EMARK: usize = 4;
const QMARK_INCR: f64 = 0.18;
const MAX_QMARK: usize = 3;
const MAX_QMARK_INCR: f64 = 0.96;
/// Approximate maximum expected raw score; shapes the normalisation curve.
const ALPHA: f64 = 15.0;

/// Two-word dampeners; scored at their second word, which is where they sit
/// relative to the word they modify.
const BIGRAM_BOOSTERS: &[(&str, &str, f64)] = &[
    ("kind", "of", B_DECR),
    ("sort", "of", B_DECR),
    ("just", "enough", B_DECR),
];

/// Phrases whose meaning is not the sum of their words. The valence replaces
/// the phrase's words and sits on its last token, so preceding negations and
/// boosters still apply ("not under the weather").
const IDIOMS: &[(&[&str], f64)] = &[
    (&["bad", "ass"], 1.5),
    (&["yeah", "right"], -2.0),
    (&["kiss", "of", "death"], -1.5),
    (&["to", "die", "for"], 3.0),
    (&["bus", "stop"], 0.0),
    (&["broken", "heart"], -2.9),
    (&["cut", "the", "mustard"], 2.0),
    (&["hand", "to", "mouth"], -2.0),
    (&["back", "handed"], -2.0),
    (&["blow", "smoke"], -2.0),
    (&["blowing", "smoke"], -2.0),
    (&["upper", "hand"], 1.0),
    (&["break", "a", "leg"], 2.0),
    (&["cooking", "with", "gas"], 2.0),
    (&["under", "the", "weather"], -2.0),
];

fn booster(word: &str) -> Option<f64> {
    let v = match word {
        "absolutely" | "amazingly" | "awfully" | "completely" | "considerable" | "considerably"
        | "decidedly" | "deeply" | "effing" | "enormous" | "enormously" | "entirely"
        | "especially" | "exceptional" | "exceptionally" | "extreme" | "extremely"
        | "fabulously" | "flipping" | "flippin" | "frackin" | "fracking" | "fricking"
        | "frickin" | "frigging" | "friggin" | "fully" | "fuckin" | "fucking" | "fuggin"
        | "fugging" | "greatly" | "hella" | "highly" | "hugely" | "incredible" | "incredibly"
        | "intensely" | "major" | "majorly" | "more" | "most" | "particularly" | "purely"
        | "quite" | "really" | "remarkably" | "so" | "substantially" | "thoroughly" | "total"
        | "totally" | "tremendous" | "tremendously" | "uber" | "unbelievably" | "unusually"
        | "utter" | "utterly" | "very" => B_INCR,
        "almost" | "barely" | "hardly" | "kinda" | "kindof" | "kind-of" | "less" | "little"
        | "marginal" | "marginally" | "occasional" | "occasionally" | "partly" | "scarce"
        | "scarcely" | "slight" | "slightly" | "somewhat" | "sorta" | "sortof" | "sort-of" => {
            B_DECR
        }
        _ => return None,
    };
    Some(v)
}

/// Explicit negators, or any "n't" contraction.
fn is_negation(word: &str) -> bool {
    match word {
        "aint" | "arent" | "cannot" | "cant" | "couldnt" | "darent" | "didnt" | "doesnt"
        | "ain't" | "aren't" | "can't" | "couldn't" | "daren't" | "didn't" | "doesn't" | "dont"
        | "hadnt" | "hasnt" | "havent" | "isnt" | "mightnt" | "mustnt" | "neither" | "don't"
        | "hadn't" | "hasn't" | "haven't" | "isn't" | "mightn't" | "mustn't" | "neednt"
        | "needn't" | "never" | "none" | "nope" | "nor" | "not" | "nothing" | "nowhere"
        | "oughtnt" | "shant" | "shouldnt" | "uhuh" | "wasnt" | "werent" | "oughtn't"
        | "shan't" | "shouldn't" | "uh-uh" | "wasn't" | "weren't" | "without" | "wont"
        | "wouldnt" | "won't" | "wouldn't" | "rarely" | "seldom" | "despite" => true,
        _ => word.contains("n't"),
    }
}

struct Token {
    /// Lexicon-ready form: lower-cased, apostrophes normalised, edge
    /// punctuation stripped (unless the raw form is itself a lexicon entry).
    key: String,
    /// ALL CAPS (has an upper-case letter and no lower-case one).
    shouting: bool,
    /// Index of the sentence the token belongs to.
    sentence: usize,
}

/// How an idiom claims a token.
#[derive(Clone, Copy)]
enum Role {
    Free,
    /// Inside an idiom but not its last word: contributes nothing.
    Inside,
    /// Last word of an idiom starting at `start`, carrying the idiom's valence.
    End {
        start: usize,
        valence: f64,
    },
}

/// Compound VADER score of `text`, in [-1, 1].
pub(crate) fn compound(lex: &Lexicon, text: &str) -> f64 {
    let expanded = lex.expand_emoji(text);
    let tokens = tokenize(lex, &expanded);
    if tokens.is_empty() {
        return 0.0;
    }
    let caps = tokens.iter().filter(|t| t.shouting).count();
    // Caps only signal emphasis when they stand out from the rest.
    let mixed_caps = caps > 0 && caps < tokens.len();
    let roles = idiom_roles(&tokens);

    let mut sentiments: Vec<f64> = (0..tokens.len())
        .map(|i| valence(lex, &tokens, &roles, i, mixed_caps))
        .collect();
    but_check(&tokens, &mut sentiments);

    let sum: f64 = sentiments.iter().sum();
    let amp = punctuation_emphasis(text);
    let sum = if sum > 0.0 {
        sum + amp
    } else if sum < 0.0 {
        sum - amp
    } else {
        0.0
    };
    normalize(sum)
}

fn tokenize(lex: &Lexicon, text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut sentence = 0;
    for raw in text.split_whitespace() {
        tokens.push(Token {
            key: lexicon_key(lex, raw),
            shouting: is_shouting(raw),
            sentence,
        });
        if ends_sentence(raw) {
            sentence += 1;
        }
    }
    tokens
}

fn lexicon_key(lex: &Lexicon, raw: &str) -> String {
    // Emoticons such as ":D" are case-sensitive entries; try them verbatim first.
    if lex.contains(raw) {
        return raw.to_owned();
    }
    let folded: String = raw
        .chars()
        .map(|c| match c {
            '\u{2018}' | '\u{2019}' | '\u{02BC}' => '\'',
            _ => c,
        })
        .collect::<String>()
        .to_lowercase();
    if lex.contains(&folded) {
        return folded;
    }
    let stripped = folded.trim_matches(|c: char| !c.is_alphanumeric());
    if stripped.is_empty() {
        folded
    } else {
        stripped.to_owned()
    }
}

fn is_shouting(raw: &str) -> bool {
    let mut upper = false;
    for c in raw.chars() {
        if c.is_lowercase() {
            return false;
        }
        upper |= c.is_uppercase();
    }
    upper
}

fn ends_sentence(raw: &str) -> bool {
    let core = raw.trim_end_matches(['"', '\'', ')', ']', '\u{201D}', '\u{2019}', '\u{BB}']);
    core.ends_with([
        '.', '!', '?', '\u{2026}', '\u{3002}', '\u{FF01}', '\u{FF1F}',
    ])
}

fn idiom_roles(tokens: &[Token]) -> Vec<Role> {
    let mut roles = vec![Role::Free; tokens.len()];
    let mut i = 0;
    while i < tokens.len() {
        let hit = IDIOMS.iter().find(|(words, _)| {
            let Some(span) = tokens.get(i..i + words.len()) else {
                return false;
            };
            span.iter().zip(words.iter()).all(|(t, w)| t.key == *w)
                && span.iter().all(|t| t.sentence == tokens[i].sentence)
        });
        match hit {
            Some((words, v)) => {
                let end = i + words.len() - 1;
                roles[i..end].fill(Role::Inside);
                roles[end] = Role::End {
                    start: i,
                    valence: *v,
                };
                i = end + 1;
            }
            None => i += 1,
        }
    }
    roles
}

/// Whether token `i` only modifies others (a booster, or part of "kind of").
fn is_modifier(tokens: &[Token], i: usize) -> bool {
    let key = tokens[i].key.as_str();
    if booster(key).is_some() {
        return true;
    }
    let next = tokens.get(i + 1).map(|t| t.key.as_str());
    let prev = i.checked_sub(1).map(|p| tokens[p].key.as_str());
    BIGRAM_BOOSTERS
        .iter()
        .any(|(a, b, _)| (key == *a && next == Some(b)) || (key == *b && prev == Some(a)))
}

fn valence(lex: &Lexicon, tokens: &[Token], roles: &[Role], i: usize, mixed_caps: bool) -> f64 {
    let token = &tokens[i];
    let (mut v, start) = match roles[i] {
        Role::Inside => return 0.0,
        Role::End { start, valence } => (valence, start),
        Role::Free => {
            if is_modifier(tokens, i) {
                return 0.0;
            }
            match lex.valence(&token.key) {
                Some(v) => (v, i),
                None => return 0.0,
            }
        }
    };
    let same_sentence = |j: usize| tokens[j].sentence == token.sentence;
    let key_at = |j: Option<usize>| {
        j.filter(|&j| same_sentence(j))
            .map_or("", |j| tokens[j].key.as_str())
    };

    if matches!(roles[i], Role::Free) {
        // "no" next to a sentiment word negates it rather than scoring itself.
        let next = tokens.get(i + 1).filter(|_| same_sentence(i + 1));
        if token.key == "no" && next.is_some_and(|t| lex.contains(&t.key)) {
            v = 0.0;
        }
        let back = |n: usize| key_at(i.checked_sub(n));
        if back(1) == "no"
            || back(2) == "no"
            || (back(3) == "no" && matches!(back(1), "or" | "nor"))
        {
            v *= N_SCALAR;
        }
    }

    if token.shouting && mixed_caps && v != 0.0 {
        v += C_INCR.copysign(v);
    }

    for k in 0..3 {
        let Some(j) = start.checked_sub(k + 1) else {
            break;
        };
        if !same_sentence(j) {
            break;
        }
        // Sentiment words are scored on their own, not as modifiers.
        if lex.contains(&tokens[j].key) {
            continue;
        }
        let damp = [1.0, 0.95, 0.9][k];
        v += damp * booster_scalar(tokens, j, v, mixed_caps);
        v = negation_check(v, |n| tokens[start - n].key.as_str(), k);
    }
    least_check(
        v,
        key_at(start.checked_sub(1)),
        key_at(start.checked_sub(2)),
    )
}

/// Shift that the booster at `j` applies to a word of valence `v`.
fn booster_scalar(tokens: &[Token], j: usize, v: f64, mixed_caps: bool) -> f64 {
    let key = tokens[j].key.as_str();
    let prev = j.checked_sub(1).map(|p| tokens[p].key.as_str());
    let scalar = booster(key).or_else(|| {
        BIGRAM_BOOSTERS
            .iter()
            .find(|(a, b, _)| key == *b && prev == Some(a))
            .map(|(_, _, s)| *s)
    });
    let Some(mut scalar) = scalar else {
        return 0.0;
    };
    // Boosters push away from zero whichever the polarity.
    if v < 0.0 {
        scalar = -scalar;
    }
    if tokens[j].shouting && mixed_caps {
        scalar += if v > 0.0 { C_INCR } else { -C_INCR };
    }
    scalar
}

/// `back(n)` is the key `n` tokens before the scored word; `k` is the window
/// step (0..3), so `back(1..=k + 1)` are valid.
fn negation_check<'a>(v: f64, back: impl Fn(usize) -> &'a str, k: usize) -> f64 {
    let so_this = |w: &str| matches!(w, "so" | "this");
    match k {
        0 if is_negation(back(1)) => v * N_SCALAR,
        // "never so good" is emphasis, not negation.
        1 if back(2) == "never" && so_this(back(1)) => v * 1.25,
        1 if back(2) == "without" && back(1) == "doubt" => v,
        1 if is_negation(back(2)) => v * N_SCALAR,
        2 if back(3) == "never" && (so_this(back(2)) || so_this(back(1))) => v * 1.25,
        2 if back(3) == "without" && (back(2) == "doubt" || back(1) == "doubt") => v,
        2 if is_negation(back(3)) => v * N_SCALAR,
        _ => v,
    }
}

/// "least good" negates, but "at least good" / "very least" do not.
fn least_check(v: f64, prev: &str, prev2: &str) -> f64 {
    if prev == "least" && !matches!(prev2, "at" | "very") {
        v * N_SCALAR
    } else {
        v
    }
}

/// Words before "but" weigh half, words after it one and a half. Scoped to the
/// sentence; a sentence opening with "But" damps the sentence before it.
fn but_check(tokens: &[Token], sentiments: &mut [f64]) {
    let mut start = 0;
    let mut prev_start = 0;
    while start < tokens.len() {
        let sentence = tokens[start].sentence;
        let end = tokens[start..]
            .iter()
            .position(|t| t.sentence != sentence)
            .map_or(tokens.len(), |p| start + p);
        if let Some(b) = (start..end).find(|&j| tokens[j].key == "but") {
            let before = if b == start { prev_start } else { start };
            sentiments[before..b].iter_mut().for_each(|s| *s *= 0.5);
            sentiments[b + 1..end].iter_mut().for_each(|s| *s *= 1.5);
        }
        prev_start = start;
        start = end;
    }
}

fn punctuation_emphasis(text: &str) -> f64 {
    let emarks = text.matches('!').count().min(MAX_EMARK);
    let qmarks = text.matches('?').count();
    let q = match qmarks {
        0 | 1 => 0.0,
        n if n <= MAX_QMARK => n as f64 * QMARK_INCR,
        _ => MAX_QMARK_INCR,
    };
    emarks as f64 * EMARK_INCR + q
}

fn normalize(sum: f64) -> f64 {
    if !sum.is_finite() {
        return if sum.is_nan() { 0.0 } else { sum.signum() };
    }
    (sum / (sum * sum + ALPHA).sqrt()).clamp(-1.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::super::Scorer;
    use super::*;

    fn s(text: &str) -> f32 {
        Scorer::builtin().score(text).score
    }

    #[test]
    fn matches_reference_vader_values() {
        // Reference compound values from the Python vaderSentiment 3.3.
        assert!((s("good") - 0.4404).abs() < 1e-3);
        assert!((s("VADER is smart, handsome, and funny.") - 0.8316).abs() < 1e-3);
        assert!((s("VADER is not smart, handsome, nor funny.") - -0.7424).abs() < 1e-3);
    }

    #[test]
    fn negation_window_is_three_tokens() {
        assert!(s("not good") < 0.0);
        assert!(s("isn't good") < 0.0);
        assert!(s("isn\u{2019}t good") < 0.0, "curly apostrophe");
        assert!(s("never really that good") < 0.0);
        assert!(
            s("not a very, very good") > 0.0,
            "4 tokens back is out of range"
        );
    }

    #[test]
    fn negation_does_not_cross_sentences() {
        assert!(s("I did not. Good.") > 0.0);
    }

    #[test]
    fn no_negates_neighbour() {
        assert!(s("no good") < 0.0);
        assert!(s("there is no love here") < 0.0);
    }

    #[test]
    fn never_so_is_emphasis() {
        assert!(s("never so good") > s("good"));
    }

    #[test]
    fn kind_of_and_least_dampen() {
        assert!(s("kind of good") > 0.0);
        assert!(s("kind of good") < s("good"));
        assert!(s("the least good") < 0.0);
        assert!(s("at least good") > 0.0);
    }

    #[test]
    fn dampeners_and_boosters_order() {
        assert!(s("slightly good") < s("good"));
        assert!(s("good") < s("very good"));
        assert!(s("very good") < s("extremely very good"));
        assert!(s("very bad") < s("bad"));
    }

    #[test]
    fn idioms_override_words() {
        assert!(s("he was under the weather") < 0.0);
        assert!(s("the cake was to die for") > 0.0);
        assert!(s("yeah right") < 0.0);
        assert_eq!(s("the bus stop"), 0.0);
    }

    #[test]
    fn but_scoped_to_sentence_and_carries_over_when_leading() {
        assert!(s("good but bad") < 0.0);
        assert!(s("bad but good") > 0.0);
        assert!(s("The inn was lovely. But the food was awful.") < 0.0);
    }

    #[test]
    fn punctuation_amplifies() {
        assert!(s("good!") > s("good"));
        assert!(s("good!!!!") > s("good!"));
        assert_eq!(s("good!!!!"), s("good!!!!!!!!"), "capped at four");
        assert!(s("good??") > s("good"));
        assert!(s("bad!!") < s("bad"));
        assert_eq!(s("!!!"), 0.0, "no sentiment words, nothing to amplify");
    }

    #[test]
    fn normalize_is_bounded() {
        assert_eq!(normalize(f64::INFINITY), 1.0);
        assert_eq!(normalize(f64::NEG_INFINITY), -1.0);
        assert_eq!(normalize(f64::NAN), 0.0);
        assert!(normalize(1e300) <= 1.0);
    }
}
