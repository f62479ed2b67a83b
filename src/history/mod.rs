//! What this player picks, learned locally: every story started, choice
//! offered and picked (or typed instead), mood chosen and story closed is
//! appended to `history.jsonl` in the data folder (`store`); a small model
//! fitted to it orders the openings and the choices and suggests a mood
//! (`rank`, over the `features` of a choice); `eval` measures how well it
//! predicts the next pick on simulated players.

pub mod eval;
pub mod features;
pub mod rank;
pub mod store;

use serde::{Deserialize, Serialize};

use crate::story::Mood;

pub use rank::Recommender;
pub use store::Store;

/// A story closed after at least this many actions counts as played
/// through.
pub const FINISHED_TURNS: usize = 6;
/// A story closed after fewer actions than this counts as abandoned.
pub const ABANDONED_TURNS: usize = 3;

/// One thing the player did, as stored (one JSON object per line).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// A story began: `opening` is a built-in opening's name, or `custom`
    /// for a first paragraph the player wrote.
    Started {
        at: u64,
        story: String,
        opening: String,
    },
    /// The player acted on the choices `offered`: picked one (`picked`, an
    /// index into `offered`) or typed their own action (`typed`).
    Turn {
        at: u64,
        story: String,
        offered: Vec<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        picked: Option<usize>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        typed: Option<String>,
    },
    /// The player set the story's target mood (`null`: steering off).
    Mood {
        at: u64,
        story: String,
        mood: Option<Mood>,
    },
    /// The story was closed after `turns` actions of the player.
    Ended {
        at: u64,
        story: String,
        turns: usize,
    },
}

impl Event {
    pub fn story(&self) -> &str {
        match self {
            Event::Started { story, .. }
            | Event::Turn { story, .. }
            | Event::Mood { story, .. }
            | Event::Ended { story, .. } => story,
        }
    }

    /// The action a turn took: the picked choice's text or the typed one.
    pub fn action(&self) -> Option<&str> {
        match self {
            Event::Turn {
                offered,
                picked: Some(i),
                ..
            } => offered.get(*i).map(String::as_str),
            Event::Turn { typed: Some(t), .. } => Some(t),
            _ => None,
        }
    }
}

/// Seconds since 1970, the time stamp of an event.
pub fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// The turn event for `action` taken when `offered` were shown: a pick
/// when it is one of them, else typed.
pub fn turn_event(story: &str, offered: &[String], action: &str) -> Event {
    let picked = offered.iter().position(|c| c == action);
    Event::Turn {
        at: now(),
        story: story.to_string(),
        offered: offered.to_vec(),
        picked,
        typed: picked.is_none().then(|| action.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_read_back_as_written_and_name_their_action() {
        let offered = vec!["open the door".to_string(), "look".to_string()];
        let picked = turn_event("s1", &offered, "look");
        assert_eq!(picked.action(), Some("look"));
        let typed = turn_event("s1", &offered, "ask the guard");
        assert_eq!(typed.action(), Some("ask the guard"));
        for e in [
            picked,
            typed,
            Event::Mood {
                at: 1,
                story: "s1".into(),
                mood: Some(Mood::Dark),
            },
        ] {
            let line = serde_json::to_string(&e).unwrap();
            assert_eq!(serde_json::from_str::<Event>(&line).unwrap(), e, "{line}");
        }
        let line = r#"{"event":"mood","at":1,"story":"s","mood":"dark"}"#;
        assert!(matches!(
            serde_json::from_str::<Event>(line).unwrap(),
            Event::Mood {
                mood: Some(Mood::Dark),
                ..
            }
        ));
    }
}
