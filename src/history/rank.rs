//! The recommender: fitted online to the player's history, it orders the
//! offered choices (a conditional logit over the choice features: the
//! probability of picking a choice among those offered is a softmax of a
//! learned weight sum, updated by one gradient step per turn), orders the
//! openings (how often and how far each was played, recent stories
//! counting more) and suggests the mood most of the player's stories ended
//! with. Cold (no history) it keeps today's order and suggests nothing.

use std::collections::HashMap;

use super::features::{self, Feature};
use super::{Event, ABANDONED_TURNS, FINISHED_TURNS};
use crate::story::Mood;

/// Step size of the choice model's gradient steps.
const LEARNING_RATE: f32 = 0.4;
/// Weight decay per turn, so old habits fade and noise stays small.
const DECAY: f32 = 0.01;
/// Turns learned before choices are reordered (until then, today's order).
pub const MIN_TURNS: usize = 3;
/// A top choice gets a reason when one feature lifts it this much above
/// the others' mean.
const REASON_MARGIN: f32 = 0.3;
/// Each older story counts this much less in the opening order.
const STORY_DECAY: f32 = 0.85;
/// Stories looked back over for reasons and the mood suggestion.
const RECENT_STORIES: usize = 10;

/// An order over offered items (indices into them, best first) and, when
/// the history explains the first, why.
#[derive(Clone, Debug, PartialEq)]
pub struct Ranked {
    pub order: Vec<usize>,
    pub reason: Option<String>,
}

impl Ranked {
    fn unchanged(n: usize) -> Ranked {
        Ranked {
            order: (0..n).collect(),
            reason: None,
        }
    }

    /// `items` in this order.
    pub fn apply<T: Clone>(&self, items: &[T]) -> Vec<T> {
        self.order
            .iter()
            .filter_map(|&i| items.get(i).cloned())
            .collect()
    }
}

#[derive(Clone, Debug, Default)]
struct StoryFacts {
    opening: Option<String>,
    turns: usize,
    ended: bool,
    mood: Option<Mood>,
}

impl StoryFacts {
    fn finished(&self) -> bool {
        self.turns >= FINISHED_TURNS
    }
    fn abandoned(&self) -> bool {
        self.ended && self.turns < ABANDONED_TURNS
    }
}

#[derive(Clone, Debug, Default)]
pub struct Recommender {
    weights: HashMap<String, f32>,
    /// Turns learned from: picked, and typed.
    picked: usize,
    typed: usize,
    /// Stories in the order they started.
    stories: Vec<StoryFacts>,
    by_id: HashMap<String, usize>,
}

impl Recommender {
    /// Fitted to `events` in order, as if it had watched them happen.
    pub fn from_events<'a>(events: impl IntoIterator<Item = &'a Event>) -> Recommender {
        let mut r = Recommender::default();
        for e in events {
            r.learn(e);
        }
        r
    }

    pub fn turns_learned(&self) -> usize {
        self.picked + self.typed
    }

    fn story(&mut self, id: &str) -> &mut StoryFacts {
        let at = match self.by_id.get(id) {
            Some(&at) => at,
            None => {
                self.stories.push(StoryFacts::default());
                self.by_id.insert(id.to_string(), self.stories.len() - 1);
                self.stories.len() - 1
            }
        };
        &mut self.stories[at]
    }

    /// Learns from one event.
    pub fn learn(&mut self, event: &Event) {
        match event {
            Event::Started { story, opening, .. } => {
                self.story(story).opening = Some(opening.clone());
            }
            Event::Mood { story, mood, .. } => self.story(story).mood = *mood,
            Event::Ended { story, turns, .. } => {
                let s = self.story(story);
                s.turns = *turns;
                s.ended = true;
            }
            Event::Turn {
                offered,
                picked,
                typed,
                ..
            } => {
                let mut set: Vec<&str> = offered.iter().map(String::as_str).collect();
                let chosen = match (picked, typed) {
                    (Some(i), _) if *i < set.len() => *i,
                    (_, Some(t)) => {
                        set.push(t);
                        set.len() - 1
                    }
                    _ => return,
                };
                if typed.is_some() {
                    self.typed += 1;
                } else {
                    self.picked += 1;
                }
                self.step(&set, chosen);
            }
        }
    }

    fn score(&self, features: &[Feature]) -> f32 {
        features
            .iter()
            .map(|(n, v)| self.weights.get(n).copied().unwrap_or(0.0) * v)
            .sum()
    }

    /// One gradient step of the softmax's log-likelihood of `chosen`.
    fn step(&mut self, set: &[&str], chosen: usize) {
        if set.len() < 2 {
            return;
        }
        let feats: Vec<Vec<Feature>> = set.iter().map(|c| features::features(c)).collect();
        let probs = softmax(&feats.iter().map(|f| self.score(f)).collect::<Vec<_>>());
        for w in self.weights.values_mut() {
            *w *= 1.0 - DECAY;
        }
        for (i, f) in feats.iter().enumerate() {
            let target = if i == chosen { 1.0 } else { 0.0 };
            for (name, value) in f {
                *self.weights.entry(name.clone()).or_insert(0.0) +=
                    LEARNING_RATE * (target - probs[i]) * value;
            }
        }
    }

    /// The offered choices best first, with the reason for the first.
    pub fn rank_choices(&self, offered: &[String]) -> Ranked {
        if self.turns_learned() < MIN_TURNS || offered.len() < 2 {
            return Ranked::unchanged(offered.len());
        }
        let feats: Vec<Vec<Feature>> = offered.iter().map(|c| features::features(c)).collect();
        let scores: Vec<f32> = feats.iter().map(|f| self.score(f)).collect();
        let mut order: Vec<usize> = (0..offered.len()).collect();
        // Stable: equal scores keep today's order.
        order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]));
        let reason = self.reason_for(&feats, order[0]);
        Ranked { order, reason }
    }

    /// The feature that lifts choice `top` most above the others' mean,
    /// said in words, when it lifts it enough.
    fn reason_for(&self, feats: &[Vec<Feature>], top: usize) -> Option<String> {
        let n = feats.len() as f32;
        let mut mean: HashMap<&str, f32> = HashMap::new();
        for f in feats {
            for (name, v) in f {
                *mean.entry(name).or_insert(0.0) += v / n;
            }
        }
        let mut best: Option<(f32, &str, f32)> = None;
        for (name, v) in &feats[top] {
            let w = self.weights.get(name).copied().unwrap_or(0.0);
            let lift = w * (v - mean.get(name.as_str()).copied().unwrap_or(0.0));
            if best.is_none_or(|(b, _, _)| lift > b) {
                best = Some((lift, name, w));
            }
        }
        let (lift, name, w) = best?;
        (lift >= REASON_MARGIN)
            .then(|| features::reason(name, w))
            .flatten()
    }

    /// The openings (by name) best first: each story counts for its
    /// opening, more when recent, more when played through, less than
    /// nothing when abandoned early.
    pub fn rank_openings(&self, names: &[&str]) -> Ranked {
        let mut scores = vec![0.0f32; names.len()];
        let mut weight = 1.0;
        for s in self.stories.iter().rev() {
            if let Some(i) = s
                .opening
                .as_deref()
                .and_then(|o| names.iter().position(|n| *n == o))
            {
                let worth = if s.finished() {
                    1.5
                } else if s.abandoned() {
                    -0.2
                } else {
                    1.0
                };
                scores[i] += weight * worth;
            }
            weight *= STORY_DECAY;
        }
        let mut order: Vec<usize> = (0..names.len()).collect();
        order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]));
        let reason = order
            .first()
            .filter(|&&top| scores[top] > 0.0)
            .map(|&top| self.opening_reason(names[top]));
        Ranked { order, reason }
    }

    fn recent(&self) -> impl Iterator<Item = &StoryFacts> {
        self.stories
            .iter()
            .rev()
            .filter(|s| s.opening.is_some())
            .take(RECENT_STORIES)
    }

    fn opening_reason(&self, name: &str) -> String {
        let recent: Vec<&StoryFacts> = self.recent().collect();
        let mine: Vec<&&StoryFacts> = recent
            .iter()
            .filter(|s| s.opening.as_deref() == Some(name))
            .collect();
        let through = mine.iter().filter(|s| s.finished()).count();
        let often = if mine.len() * 2 >= recent.len() && mine.len() >= 2 {
            "you often pick"
        } else {
            "you picked"
        };
        let mut said = format!(
            "{often} {name}: {} of your last {} stories",
            mine.len(),
            recent.len()
        );
        if through > 0 {
            said.push_str(&format!(", {through} played through"));
        }
        said
    }

    /// The mood most of the player's recent stories ended with, when that
    /// is a mood (not steering off) and held at least twice.
    pub fn suggest_mood(&self) -> Option<(Mood, String)> {
        let recent: Vec<&StoryFacts> = self.recent().collect();
        let mut counts: Vec<(Option<Mood>, usize)> = Vec::new();
        // Most recent first, so a tie goes to the newer habit.
        for s in &recent {
            match counts.iter_mut().find(|(m, _)| *m == s.mood) {
                Some((_, n)) => *n += 1,
                None => counts.push((s.mood, 1)),
            }
        }
        let (mood, n) = counts.iter().max_by_key(|(_, n)| *n).copied()?;
        let mood = mood.filter(|_| n >= 2)?;
        let said = format!(
            "you chose a {} mood in {n} of your last {} stories",
            mood.name(),
            recent.len()
        );
        Some((mood, said))
    }

    /// What it has learned, in sentences, for `fabula history`.
    pub fn summary(&self) -> Vec<String> {
        let mut lines = Vec::new();
        let started = self.stories.iter().filter(|s| s.opening.is_some()).count();
        let through = self.stories.iter().filter(|s| s.finished()).count();
        let abandoned = self.stories.iter().filter(|s| s.abandoned()).count();
        lines.push(format!(
            "{started} stories started: {through} played through (at least {FINISHED_TURNS} actions), {abandoned} left early (fewer than {ABANDONED_TURNS})"
        ));
        let turns = self.turns_learned();
        if turns > 0 {
            lines.push(format!(
                "{turns} turns: a suggested choice picked in {}, your own action typed in {} ({:.0} %)",
                self.picked,
                self.typed,
                100.0 * self.typed as f32 / turns as f32
            ));
        }
        let mut leaning: Vec<(&String, &f32)> = self
            .weights
            .iter()
            .filter(|(n, w)| **w > REASON_MARGIN && features::reason(n, **w).is_some())
            .collect();
        leaning.sort_by(|a, b| b.1.total_cmp(a.1).then(a.0.cmp(b.0)));
        let mut said: Vec<String> = Vec::new();
        for (name, w) in leaning {
            if let Some(r) = features::reason(name, *w) {
                if !said.contains(&r) {
                    said.push(r);
                }
            }
        }
        if turns < MIN_TURNS {
            lines.push(format!(
                "choices keep their usual order until {MIN_TURNS} turns are learned"
            ));
        } else if said.is_empty() {
            lines.push("no clear taste in choices yet: they keep their usual order".into());
        } else {
            said.truncate(4);
            lines.push(format!("choices first: {}", said.join("; ")));
        }
        if let Some((_, why)) = self.suggest_mood() {
            lines.push(format!("mood suggested: {why}"));
        }
        lines
    }
}

fn softmax(scores: &[f32]) -> Vec<f32> {
    let max = scores.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let exp: Vec<f32> = scores.iter().map(|s| (s - max).exp()).collect();
    let sum: f32 = exp.iter().sum();
    exp.iter().map(|e| e / sum).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn turn(offered: &[&str], picked: usize) -> Event {
        Event::Turn {
            at: 0,
            story: "s".into(),
            offered: offered.iter().map(|s| s.to_string()).collect(),
            picked: Some(picked),
            typed: None,
        }
    }

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn cold_it_keeps_todays_order_and_suggests_nothing() {
        let r = Recommender::default();
        let offered = strings(&["open the door", "ask the guard", "run"]);
        assert_eq!(r.rank_choices(&offered), Ranked::unchanged(3));
        assert_eq!(r.rank_openings(&["a", "b"]), Ranked::unchanged(2));
        assert!(r.suggest_mood().is_none());
    }

    #[test]
    fn a_player_who_always_talks_gets_talking_first_with_the_reason() {
        let mut r = Recommender::default();
        let sets = [
            ["open the door", "ask the guard about the gate", "go north"],
            ["look around", "take the lamp", "talk to the woman"],
            ["tell the captain", "climb the mast", "examine the rope"],
            ["search the desk", "say hello", "read the letter"],
        ];
        for set in sets {
            let talk = set
                .iter()
                .position(|c| features::family(&features::verb(c)) == Some("talk"));
            r.learn(&turn(&set, talk.unwrap()));
        }
        let ranked = r.rank_choices(&strings(&["go east", "open the box", "ask the sailor"]));
        assert_eq!(ranked.order[0], 2, "{ranked:?}");
        assert_eq!(ranked.reason.as_deref(), Some("you often talk to people"));
    }

    #[test]
    fn typed_actions_teach_too() {
        let mut r = Recommender::default();
        for _ in 0..5 {
            r.learn(&Event::Turn {
                at: 0,
                story: "s".into(),
                offered: strings(&["look at the sky", "walk to the old house"]),
                picked: None,
                typed: Some("kill the wolf".into()),
            });
        }
        let ranked = r.rank_choices(&strings(&["look at the sea", "attack the man"]));
        assert_eq!(ranked.order, vec![1, 0]);
        assert!(r.summary().iter().any(|l| l.contains("typed in 5 (100 %)")));
    }

    #[test]
    fn openings_played_through_come_first_and_abandoned_ones_last() {
        let mut events = Vec::new();
        for (i, (opening, turns)) in [("horror", 9), ("fantasy", 1), ("horror", 7)]
            .into_iter()
            .enumerate()
        {
            let story = format!("s{i}");
            events.push(Event::Started {
                at: 0,
                story: story.clone(),
                opening: opening.into(),
            });
            events.push(Event::Ended {
                at: 0,
                story,
                turns,
            });
        }
        let r = Recommender::from_events(&events);
        let names = ["fantasy", "mystery", "horror"];
        let ranked = r.rank_openings(&names);
        assert_eq!(ranked.order, vec![2, 1, 0]);
        assert_eq!(
            ranked.reason.as_deref(),
            Some("you often pick horror: 2 of your last 3 stories, 2 played through")
        );
    }

    #[test]
    fn the_mood_suggested_is_the_one_most_stories_ended_with() {
        let mut events = Vec::new();
        for (i, mood) in [
            Some(Mood::Dark),
            None,
            Some(Mood::Hopeful),
            Some(Mood::Dark),
        ]
        .into_iter()
        .enumerate()
        {
            let story = format!("s{i}");
            events.push(Event::Started {
                at: 0,
                story: story.clone(),
                opening: "horror".into(),
            });
            // Cycling passes through other moods; the last one counts.
            events.push(Event::Mood {
                at: 0,
                story: story.clone(),
                mood: Some(Mood::Tense),
            });
            events.push(Event::Mood { at: 0, story, mood });
        }
        let (mood, why) = Recommender::from_events(&events).suggest_mood().unwrap();
        assert_eq!(mood, Mood::Dark);
        assert_eq!(why, "you chose a dark mood in 2 of your last 4 stories");
        let once = Recommender::from_events(&events[..3]);
        assert!(once.suggest_mood().is_none());
    }
}
