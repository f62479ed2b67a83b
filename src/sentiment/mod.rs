//! Sentiment of story turns: a rule-based (VADER) lexicon for English in
//! pure Rust, and trained Embedding → LSTM → Dense classifiers
//! ([`classifier`]) for English and Chinese; [`score_turn`] picks per turn.
//!
//! A turn (a line or paragraph) gets a compound score in `[-1, 1]` and a
//! [`Label`] using the usual VADER thresholds (`>= 0.05` positive,
//! `<= -0.05` negative). The lexicons are compiled into the binary.
//!
//! ```ignore
//! use fabula::sentiment::{Label, Scorer};
//! let s = Scorer::builtin().score("The feast was wonderful!");
//! assert_eq!(s.label, Label::Positive);
//! ```
//!
//! VADER: Hutto, C.J. & Gilbert, E.E. (2014). VADER: A Parsimonious Rule-based
//! Model for Sentiment Analysis of Social Media Text. ICWSM-14. Lexicons are
//! MIT-licensed, taken from the `vader_sentiment` crate.

pub mod baseline;
pub mod classifier;
mod eval;
pub mod lang;
mod lexicon;
mod rules;
pub mod tokens;
pub mod train;
pub mod turn;

use std::fmt;
use std::str::FromStr;
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

pub use eval::{evaluate, parse_labelled, tally, EvalError, Evaluation};
pub use lang::Lang;
pub use lexicon::LexiconError;
pub use turn::{score_turn, turn_scorer, ScorerName, UnusedClassifier};

/// Compound scores at or above this are positive.
pub const POSITIVE_THRESHOLD: f32 = 0.05;
/// Compound scores at or below this are negative.
pub const NEGATIVE_THRESHOLD: f32 = -0.05;

/// Polarity class of a text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Label {
    Negative,
    Neutral,
    Positive,
}

impl Label {
    /// All labels, in the order used by [`Evaluation::confusion`].
    pub const ALL: [Label; 3] = [Label::Negative, Label::Neutral, Label::Positive];

    /// Position in [`Label::ALL`].
    pub fn index(self) -> usize {
        match self {
            Label::Negative => 0,
            Label::Neutral => 1,
            Label::Positive => 2,
        }
    }

    /// Label for a compound score, with the VADER thresholds.
    pub fn from_score(score: f32) -> Label {
        if score >= POSITIVE_THRESHOLD {
            Label::Positive
        } else if score <= NEGATIVE_THRESHOLD {
            Label::Negative
        } else {
            Label::Neutral
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Label::Negative => "negative",
            Label::Neutral => "neutral",
            Label::Positive => "positive",
        }
    }
}

impl fmt::Display for Label {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A string that names no [`Label`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown sentiment label `{0}` (expected negative, neutral or positive)")]
pub struct ParseLabelError(pub String);

impl FromStr for Label {
    type Err = ParseLabelError;

    /// Accepts the full names and the short forms `neg`, `neu`, `pos`, in any case.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "negative" | "neg" => Ok(Label::Negative),
            "neutral" | "neu" => Ok(Label::Neutral),
            "positive" | "pos" => Ok(Label::Positive),
            _ => Err(ParseLabelError(s.to_owned())),
        }
    }
}

/// Sentiment of one text.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Sentiment {
    /// VADER compound score in `[-1, 1]`.
    pub score: f32,
    pub label: Label,
    /// Which scorer gave it, when recorded (stored turns; see [`score_turn`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scorer: Option<ScorerName>,
}

impl Sentiment {
    pub const NEUTRAL: Sentiment = Sentiment {
        score: 0.0,
        label: Label::Neutral,
        scorer: None,
    };

    fn from_score(score: f32) -> Sentiment {
        Sentiment {
            score,
            label: Label::from_score(score),
            scorer: None,
        }
    }
}

/// VADER scorer: a word lexicon plus an emoji lexicon.
pub struct Scorer {
    lexicon: lexicon::Lexicon,
}

static BUILTIN: LazyLock<Scorer> = LazyLock::new(|| {
    // The embedded files are fixed at compile time and a unit test parses
    // them, so failure here is a build defect, not a runtime condition.
    Scorer::from_lexicons(lexicon::VADER_LEXICON, lexicon::EMOJI_LEXICON)
        .expect("embedded VADER lexicon is well-formed")
});

impl Scorer {
    /// The scorer over the embedded VADER lexicons, parsed on first use.
    pub fn builtin() -> &'static Scorer {
        &BUILTIN
    }

    /// A scorer over custom lexicons in the VADER file formats:
    /// `token<TAB>valence[<TAB>...]` and `emoji<TAB>description`.
    pub fn from_lexicons(words: &str, emoji: &str) -> Result<Scorer, LexiconError> {
        Ok(Scorer {
            lexicon: lexicon::Lexicon::parse(words, emoji)?,
        })
    }

    /// The lexicon's words with their valence (about −4 to 4), for a
    /// classifier's embedding to start from.
    pub fn word_valences(&self) -> impl Iterator<Item = (&str, f64)> {
        self.lexicon.words()
    }

    /// Scores `text`; any input is accepted, text without sentiment words
    /// (including empty or non-English text) is neutral with score 0.
    pub fn score(&self, text: &str) -> Sentiment {
        let compound = rules::compound(&self.lexicon, text) as f32;
        Sentiment::from_score(compound.clamp(-1.0, 1.0))
    }
}

impl fmt::Debug for Scorer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Scorer")
            .field("words", &self.lexicon.word_count())
            .field("emoji", &self.lexicon.emoji_count())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    fn s(text: &str) -> f32 {
        Scorer::builtin().score(text).score
    }

    #[test]
    fn lexicon_words_case_insensitive() {
        assert!(s("good") > 0.0);
        assert!(s("bad") < 0.0);
        assert_eq!(s("Good"), s("good"));
        assert_eq!(Scorer::builtin().score("good").label, Label::Positive);
    }

    #[test]
    fn negation() {
        assert!(s("not good") < 0.0);
        assert!(s("This is not good.") < 0.0);
        assert!(s("it was never good") < 0.0);
        assert!(s("it wasn't good") < 0.0);
        assert!(s("not bad") > 0.0);
    }

    #[test]
    fn boosters() {
        assert!(s("very good") > s("good"));
        assert!(s("extremely good") > s("good"));
        assert!(s("slightly good") < s("good"));
        assert!(s("slightly good") > 0.0);
    }

    #[test]
    fn contrast_but() {
        assert!(s("good but bad") < 0.0);
        assert!(s("The food was good but the service was terrible") < 0.0);
    }

    #[test]
    fn caps_emphasis_only_in_mixed_case() {
        assert!(s("The food was GOOD") > s("The food was good"));
        assert_eq!(
            s("GOOD"),
            s("good"),
            "all-caps text carries no extra emphasis"
        );
    }

    #[test]
    fn exclamations() {
        assert!(s("good!!!") > s("good"));
    }

    #[test]
    fn emoji() {
        assert!(s("😀") > 0.0);
        assert!(s("😢") < 0.0);
        assert!(s("the end😢") < 0.0, "emoji glued to a word");
        assert!(s("we won 👍🏽") > 0.0, "skin-tone sequence");
    }

    #[test]
    fn emoticons() {
        assert!(s("see you :)") > 0.0);
        assert!(s("see you :(") < 0.0);
    }

    #[test]
    fn empty_and_non_english_are_neutral() {
        assert_eq!(Scorer::builtin().score(""), Sentiment::NEUTRAL);
        assert_eq!(Scorer::builtin().score("   \n\t "), Sentiment::NEUTRAL);
        assert_eq!(
            Scorer::builtin().score("我今天很高兴。你好吗？"),
            Sentiment::NEUTRAL
        );
        assert_eq!(
            Scorer::builtin().score("שלום עולם مرحبا"),
            Sentiment::NEUTRAL
        );
    }

    #[test]
    fn odd_unicode_does_not_panic() {
        for text in [
            "e\u{301}\u{301}\u{301}",
            "\u{0}\u{1}\u{7f}\u{200b}\u{feff}",
            "\u{202e}good\u{202c}",
            "👨‍👩‍👧‍👦🏳️‍🌈",
            "\u{fe0f}\u{20e3}#",
            "'",
            "n't",
            "but",
            "not",
            "very",
            "kind of",
            "at least",
        ] {
            let r = s(text);
            assert!((-1.0..=1.0).contains(&r), "{text:?} -> {r}");
        }
    }

    #[test]
    fn megabyte_input_is_fast_and_bounded() {
        let unit = "The knight was brave but the dragon was NOT kind!!! 😢 我很好 ";
        let text = unit.repeat(1_000_000 / unit.len() + 1);
        assert!(text.len() >= 1_000_000);
        let t = Instant::now();
        let r = Scorer::builtin().score(&text);
        assert!((-1.0..=1.0).contains(&r.score));
        // Generous so unoptimised test builds pass; release is ~100x faster.
        assert!(t.elapsed() < Duration::from_secs(20), "{:?}", t.elapsed());
    }

    #[test]
    fn labels_round_trip() {
        for label in Label::ALL {
            assert_eq!(label.to_string().parse::<Label>(), Ok(label));
            let json = serde_json::to_string(&label).unwrap();
            assert_eq!(json, format!("\"{label}\""));
            assert_eq!(serde_json::from_str::<Label>(&json).unwrap(), label);
        }
        assert_eq!("POS".parse::<Label>(), Ok(Label::Positive));
        assert_eq!("neg".parse::<Label>(), Ok(Label::Negative));
        assert!("meh".parse::<Label>().is_err());
    }

    #[test]
    fn thresholds() {
        assert_eq!(Label::from_score(0.05), Label::Positive);
        assert_eq!(Label::from_score(0.049), Label::Neutral);
        assert_eq!(Label::from_score(-0.05), Label::Negative);
        assert_eq!(Label::from_score(-0.049), Label::Neutral);
    }

    #[test]
    fn sentiment_serializes() {
        let json = serde_json::to_string(&Scorer::builtin().score("")).unwrap();
        assert_eq!(json, r#"{"score":0.0,"label":"neutral"}"#);
    }

    #[test]
    fn custom_lexicon() {
        let scorer = Scorer::from_lexicons("grand\t2.0\n", "").unwrap();
        assert!(scorer.score("grand").score > 0.0);
        assert_eq!(scorer.score("good").score, 0.0);
        assert!(Scorer::from_lexicons("grand\n", "").is_err());
    }

    mod prop {
        use super::super::Scorer;
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(512))]

            #[test]
            fn any_unicode_is_bounded(text in any::<String>()) {
                let r = Scorer::builtin().score(&text);
                prop_assert!((-1.0..=1.0).contains(&r.score));
            }

            #[test]
            fn words_and_symbols_are_bounded(
                text in r"((?i)not|very|but|good|bad|never|kind|of|least|no|[!?.,:;()'😀😢]|\PC{1,3}| ){0,40}"
            ) {
                let r = Scorer::builtin().score(&text);
                prop_assert!((-1.0..=1.0).contains(&r.score));
            }
        }
    }
}
