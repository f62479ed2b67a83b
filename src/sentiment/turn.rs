//! Scoring a stored turn: its language is detected, and it is scored by
//! the scorer that measured best on held-out text of that language.
//!
//! The shipped classifiers (`sentiment-en`, `sentiment-zh` in the models
//! folders) are loaded on first use. A classifier is used for its language
//! only when its card's held-out accuracy beats the lexicon's on the same
//! texts; a missing or broken file leaves the lexicon in place (and is
//! logged), so scoring never fails. The narrator's reranker keeps calling
//! the lexicon directly: it scores many candidates per turn and needs the
//! lexicon's microseconds, not a network's milliseconds.

use std::fmt;
use std::path::PathBuf;
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use super::classifier::Classifier;
use super::lang::{detect, Lang};
use super::{Scorer, Sentiment};
use crate::lm::ModelError;

/// Which scorer gave a turn its sentiment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ScorerName {
    /// The VADER lexicon (English words and emoji).
    #[serde(rename = "lexicon")]
    Lexicon,
    /// The trained classifier for English.
    #[serde(rename = "lstm-en")]
    LstmEnglish,
    /// The trained classifier for Chinese.
    #[serde(rename = "lstm-zh")]
    LstmChinese,
}

impl ScorerName {
    pub fn as_str(self) -> &'static str {
        match self {
            ScorerName::Lexicon => "lexicon",
            ScorerName::LstmEnglish => "lstm-en",
            ScorerName::LstmChinese => "lstm-zh",
        }
    }

    fn lstm(lang: Lang) -> ScorerName {
        match lang {
            Lang::English => ScorerName::LstmEnglish,
            Lang::Chinese => ScorerName::LstmChinese,
        }
    }
}

impl fmt::Display for ScorerName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The shipped model name of a language's classifier.
pub fn model_name(lang: Lang) -> String {
    format!("sentiment-{}", lang.code())
}

/// The scorers chosen per language.
pub struct TurnScorer {
    english: Option<Classifier>,
    chinese: Option<Classifier>,
    unused: Vec<UnusedClassifier>,
}

/// A shipped classifier that was found but is not used, and why.
#[derive(Debug, thiserror::Error)]
pub enum UnusedClassifier {
    #[error("{}: a {found} classifier, expected {expected}; not used", .path.display())]
    WrongLanguage {
        path: PathBuf,
        found: Lang,
        expected: Lang,
    },
    #[error("sentiment classifier not used: {0}")]
    Unreadable(#[from] ModelError),
}

impl TurnScorer {
    /// Lexicon only.
    pub fn lexicon_only() -> TurnScorer {
        TurnScorer {
            english: None,
            chinese: None,
            unused: Vec::new(),
        }
    }

    /// Uses each classifier given for its own language when it measured
    /// better than the lexicon; others are dropped.
    pub fn with(classifiers: impl IntoIterator<Item = Classifier>) -> TurnScorer {
        let mut s = TurnScorer::lexicon_only();
        for c in classifiers {
            let h = &c.card.heldout;
            if h.n == 0 || h.accuracy <= h.lexicon_accuracy {
                continue;
            }
            match c.language() {
                Lang::English => s.english = Some(c),
                Lang::Chinese => s.chinese = Some(c),
            }
        }
        s
    }

    /// Loads the shipped classifiers from the models folders; any found
    /// but unusable are listed in [`TurnScorer::unused`].
    pub fn shipped() -> TurnScorer {
        let mut found = Vec::new();
        let mut unused = Vec::new();
        for lang in Lang::ALL {
            let name = model_name(lang);
            let Ok(path) = crate::paths::resolve_model(&name) else {
                continue;
            };
            match Classifier::load(&path) {
                Ok(c) if c.language() == lang => found.push(c),
                Ok(c) => unused.push(UnusedClassifier::WrongLanguage {
                    path,
                    found: c.language(),
                    expected: lang,
                }),
                Err(e) => unused.push(e.into()),
            }
        }
        let mut scorer = TurnScorer::with(found);
        scorer.unused = unused;
        scorer
    }

    /// Shipped classifiers that were found but could not be used.
    pub fn unused(&self) -> &[UnusedClassifier] {
        &self.unused
    }

    /// The scorer used for text in `lang`.
    pub fn chosen(&self, lang: Lang) -> ScorerName {
        match self.classifier(lang) {
            Some(_) => ScorerName::lstm(lang),
            None => ScorerName::Lexicon,
        }
    }

    fn classifier(&self, lang: Lang) -> Option<&Classifier> {
        match lang {
            Lang::English => self.english.as_ref(),
            Lang::Chinese => self.chinese.as_ref(),
        }
    }

    /// Sentiment of a turn, with the scorer that gave it.
    pub fn score(&self, text: &str) -> Sentiment {
        let lang = detect(text);
        let (mut s, name) = match self.classifier(lang) {
            Some(c) => (c.score(text), ScorerName::lstm(lang)),
            None => (Scorer::builtin().score(text), ScorerName::Lexicon),
        };
        s.scorer = Some(name);
        s
    }
}

static SHIPPED: LazyLock<TurnScorer> = LazyLock::new(TurnScorer::shipped);

/// The shipped per-language scorers (loaded on first use).
pub fn turn_scorer() -> &'static TurnScorer {
    &SHIPPED
}

/// Sentiment of one stored turn: [`TurnScorer::score`] with the shipped
/// scorers.
pub fn score_turn(text: &str) -> Sentiment {
    SHIPPED.score(text)
}
