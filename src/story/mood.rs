//! The mood a player steers a story toward; saved with the story so a
//! resumed story keeps it.

use serde::{Deserialize, Serialize};

/// A target mood for steering; the value is the sentiment score aimed at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mood {
    Hopeful,
    Tense,
    Dark,
}

impl Mood {
    pub fn target(self) -> f32 {
        match self {
            Mood::Hopeful => 0.6,
            Mood::Tense => -0.3,
            Mood::Dark => -0.7,
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            Mood::Hopeful => "hopeful",
            Mood::Tense => "tense",
            Mood::Dark => "dark",
        }
    }
}

impl std::str::FromStr for Mood {
    type Err = String;
    fn from_str(s: &str) -> Result<Mood, String> {
        match s {
            "hopeful" => Ok(Mood::Hopeful),
            "tense" => Ok(Mood::Tense),
            "dark" => Ok(Mood::Dark),
            _ => Err(format!("{s:?} is not a mood (hopeful, tense or dark)")),
        }
    }
}

/// The mood after `mood` when the player cycles: off, hopeful, tense,
/// dark, off again.
pub fn next_mood(mood: Option<Mood>) -> Option<Mood> {
    match mood {
        None => Some(Mood::Hopeful),
        Some(Mood::Hopeful) => Some(Mood::Tense),
        Some(Mood::Tense) => Some(Mood::Dark),
        Some(Mood::Dark) => None,
    }
}
