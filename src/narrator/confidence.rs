//! How sure the model was of a passage and whether it is going in circles:
//! the mean surprisal (bits per character of the passage under the model
//! at temperature 1, without the narrator's bias) and a repetition share
//! (word 4-grams already seen in the passage itself or the passages just
//! before it). Both are stored with each passage; the review flags a
//! passage by [`flag`].

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

/// Words in the repeated n-grams.
pub const GRAM: usize = 4;
/// A passage whose repetition reaches this share is looping.
pub const LOOPING_SHARE: f32 = 0.5;
/// A passage whose surprisal exceeds the story's median by this factor is
/// unusually unsure (the kept passages of the shipped model sit near 0.3
/// bits per character; twice that is a passage the model hardly expected)
/// ...
pub const UNSURE_FACTOR: f32 = 2.0;
/// ... once the story has this many measured passages (a median of one or
/// two says nothing).
pub const UNSURE_MIN_PASSAGES: usize = 4;

/// What a passage's confidence figures were, as stored with it.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Confidence {
    /// Mean bits per character of the passage under the model (temperature
    /// 1, before any bias); `None` when nothing was scored.
    #[serde(default)]
    pub surprisal_bits_per_char: Option<f32>,
    /// Share of the passage's word 4-grams seen before it, in [0, 1].
    pub repetition: f32,
}

/// Why a passage is flagged in the review.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Flag {
    /// Half or more of its word 4-grams were seen before.
    Looping,
    /// Its surprisal is more than twice the story's median.
    Unsure,
}

impl Flag {
    pub fn label(self) -> &'static str {
        match self {
            Flag::Looping => "looping",
            Flag::Unsure => "unsure",
        }
    }

    /// One character for the review list.
    pub fn mark(self) -> char {
        match self {
            Flag::Looping => '↻',
            Flag::Unsure => '?',
        }
    }
}

/// Mean natural-log probability per character to bits of surprisal.
pub fn bits_per_char(mean_log_prob: f64) -> Option<f32> {
    mean_log_prob
        .is_finite()
        .then(|| (-mean_log_prob / std::f64::consts::LN_2) as f32)
}

/// Hashes of `text`'s words as [`super::words::words`] splits them (letters and
/// apostrophes, trimmed of apostrophes, lower case), without building them:
/// the review counts this for every row it draws.
fn word_hashes(text: &str) -> Vec<u64> {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    text.split(|c: char| !(c.is_alphabetic() || c == '\''))
        .map(|w| w.trim_matches('\''))
        .filter(|w| !w.is_empty())
        .map(|w| {
            w.chars()
                .flat_map(char::to_lowercase)
                .fold(OFFSET, |h, c| (h ^ u64::from(c)).wrapping_mul(PRIME))
        })
        .collect()
}

/// One hash per word 4-gram of `text`.
fn grams(text: &str) -> Vec<u64> {
    word_hashes(text)
        .windows(GRAM)
        .map(|g| {
            g.iter().fold(0x9e37_79b9_7f4a_7c15u64, |h, &w| {
                (h.rotate_left(23) ^ w).wrapping_mul(0xff51_afd7_ed55_8ccd)
            })
        })
        .collect()
}

/// The word 4-grams of the passages before a passage.
#[derive(Clone, Debug, Default)]
pub struct Seen(HashSet<u64>);

impl Seen {
    pub fn of<S: AsRef<str>>(recent: &[S]) -> Seen {
        Seen(recent.iter().flat_map(|p| grams(p.as_ref())).collect())
    }
}

/// Share of `text`'s word 4-grams (each occurrence) that occur in `seen`
/// or earlier in `text` itself: 0 for a fresh passage, 1 for one that
/// repeats the last word for word, and high for one that says the same
/// sentence over ("You go north. You go north. You go north.").
pub fn repetition(text: &str, seen: &Seen) -> f32 {
    let mine = grams(text);
    if mine.is_empty() {
        return 0.0;
    }
    let mut earlier: HashSet<u64> = HashSet::with_capacity(mine.len());
    let mut repeated = 0;
    for &g in &mine {
        if seen.0.contains(&g) || !earlier.insert(g) {
            repeated += 1;
        }
    }
    repeated as f32 / mine.len() as f32
}

/// The median of the figures given (`None` for none).
pub fn median(mut values: Vec<f32>) -> Option<f32> {
    values.retain(|v| v.is_finite());
    if values.is_empty() {
        return None;
    }
    // Linear time: the review asks for it every frame.
    let mid = values.len() / 2;
    let odd = values.len() % 2 == 1;
    let (below, &mut upper, _) = values.select_nth_unstable_by(mid, f32::total_cmp);
    Some(if odd {
        upper
    } else {
        (below.iter().copied().fold(f32::NEG_INFINITY, f32::max) + upper) / 2.0
    })
}

/// The story's median surprisal for the unsure rule: the median over its
/// measured passages, when there are at least [`UNSURE_MIN_PASSAGES`].
pub fn story_median(surprisals: impl IntoIterator<Item = f32>) -> Option<f32> {
    let v: Vec<f32> = surprisals.into_iter().collect();
    if v.len() < UNSURE_MIN_PASSAGES {
        return None;
    }
    median(v)
}

/// The flag a passage gets: looping first (it is the likelier failure and
/// the one a player sees), then unsure against the story's median.
pub fn flag(c: &Confidence, story_median: Option<f32>) -> Option<Flag> {
    if c.repetition >= LOOPING_SHARE {
        return Some(Flag::Looping);
    }
    match (c.surprisal_bits_per_char, story_median) {
        (Some(s), Some(m)) if m > 0.0 && s > UNSURE_FACTOR * m => Some(Flag::Unsure),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conf(surprisal: f32, repetition: f32) -> Confidence {
        Confidence {
            surprisal_bits_per_char: Some(surprisal),
            repetition,
        }
    }

    #[test]
    fn a_looping_passage_is_flagged_and_a_normal_one_is_not() {
        let recent = ["You stand in the hall. A door leads north."];
        let seen = Seen::of(&recent);
        let looping = "You go north. You go north. You go north. You go north.";
        let normal = "The door opens onto a cold stair that winds down into the dark.";
        let r_loop = repetition(looping, &seen);
        let r_normal = repetition(normal, &seen);
        assert!(r_loop >= LOOPING_SHARE, "{r_loop}");
        assert_eq!(r_normal, 0.0);
        assert_eq!(flag(&conf(1.8, r_loop), Some(1.8)), Some(Flag::Looping));
        assert_eq!(flag(&conf(1.8, r_normal), Some(1.8)), None);
    }

    #[test]
    fn repeating_the_last_passage_counts_as_repetition() {
        let last = "You search the bed. You find nothing at all.";
        let seen = Seen::of(&[last]);
        assert_eq!(repetition(last, &seen), 1.0);
        assert_eq!(repetition(last, &Seen::default()), 0.0);
        assert_eq!(repetition("Too short.", &seen), 0.0);
    }

    #[test]
    fn unsure_is_well_above_the_story_median() {
        let m = story_median([1.6, 1.8, 2.0, 1.7]);
        assert_eq!(m, Some(1.75));
        assert_eq!(flag(&conf(2.0, 0.0), m), None);
        assert_eq!(flag(&conf(3.4, 0.0), m), None);
        assert_eq!(flag(&conf(3.6, 0.0), m), Some(Flag::Unsure));
        assert_eq!(median(vec![3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(vec![4.0, 1.0, 3.0, 2.0]), Some(2.5));
        assert_eq!(median(vec![]), None);
        // Too few passages for a median: no unsure flag.
        assert_eq!(story_median([1.6, 5.0]), None);
        assert_eq!(flag(&conf(9.0, 0.0), None), None);
    }

    #[test]
    fn words_are_compared_as_the_narrator_splits_them() {
        let seen = Seen::of(&["You open the 'old' door."]);
        assert_eq!(repetition("YOU OPEN THE OLD DOOR!", &seen), 1.0);
        assert_eq!(repetition("you open the cold door", &seen), 0.0);
    }

    #[test]
    fn surprisal_is_in_bits() {
        let b = bits_per_char(-std::f64::consts::LN_2).unwrap();
        assert!((b - 1.0).abs() < 1e-6);
        assert_eq!(bits_per_char(f64::NEG_INFINITY), None);
    }
}
