//! How well the recommender predicts the player's next pick, measured on
//! play histories: simulated players with clear tastes (and a random one)
//! playing recorded choice sets of the shipped model, or histories
//! recorded by hand. Each prediction is made from the player's past only;
//! the recommender is compared with today's order, a random order (its
//! exact expectation) and popularity (what everyone else, and this player
//! so far, picked most).

use std::collections::HashMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::features::{family, sentiment, verb};
use super::rank::Recommender;
use super::Event;
use crate::story::openings::OPENINGS;
use crate::story::Mood;

/// One offered choice set as recorded from the shipped model.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RecordedSet {
    pub opening: String,
    pub story: usize,
    pub turn: usize,
    pub choices: Vec<String>,
}

/// Recorded choice sets: per built-in opening, its stories, each a list
/// of turns' choices.
#[derive(Clone, Debug, Default)]
pub struct ChoiceSets {
    pub stories: Vec<Vec<Vec<Vec<String>>>>,
}

impl ChoiceSets {
    pub fn parse(text: &str, origin: &str) -> anyhow::Result<ChoiceSets> {
        let mut sets = ChoiceSets {
            stories: vec![Vec::new(); OPENINGS.len()],
        };
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let set: RecordedSet = serde_json::from_str(line)
                .map_err(|e| anyhow::anyhow!("{origin}: line {}: {e}", i + 1))?;
            let Some(o) = OPENINGS.iter().position(|o| o.name == set.opening) else {
                anyhow::bail!(
                    "{origin}: line {}: {:?} is not a built-in opening",
                    i + 1,
                    set.opening
                );
            };
            let stories = &mut sets.stories[o];
            if stories.len() <= set.story {
                stories.resize(set.story + 1, Vec::new());
            }
            stories[set.story].push(set.choices);
        }
        for (o, stories) in sets.stories.iter_mut().enumerate() {
            stories.retain(|s| !s.is_empty());
            anyhow::ensure!(
                !stories.is_empty(),
                "{origin}: no choice sets for the {} opening",
                OPENINGS[o].name
            );
        }
        Ok(sets)
    }

    pub fn load(path: &Path) -> anyhow::Result<ChoiceSets> {
        let text = crate::fsutil::read_text_file(path, 64 << 20)
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        ChoiceSets::parse(&text, &path.display().to_string())
    }

    pub fn turns(&self) -> usize {
        self.stories.iter().flatten().map(Vec::len).sum()
    }
}

/// A small deterministic generator (splitmix64), so a seed gives the same
/// simulated players everywhere.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E3779B97F4A7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58476D1CE4E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D049BB133111EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f32 {
        (self.next_u64() >> 40) as f32 / (1u64 << 24) as f32
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }
    fn gumbel(&mut self) -> f32 {
        -(-(self.unit().max(1e-7)).ln()).ln()
    }
}

/// A simulated player's taste.
pub struct Profile {
    pub name: &'static str,
    /// How much the player likes a choice; the pick is a softmax draw.
    pub likes: fn(&str) -> f32,
    /// The built-in opening this player prefers (none: any).
    pub opening: Option<&'static str>,
    /// The mood this player steers toward (none: any, at random).
    pub mood: Option<Option<Mood>>,
    /// What this player types instead of picking, sometimes.
    pub typed: &'static [&'static str],
}

const MOODS: [Option<Mood>; 4] = [
    None,
    Some(Mood::Hopeful),
    Some(Mood::Tense),
    Some(Mood::Dark),
];

/// The share of turns a simulated player types its own action.
const TYPE_RATE: f32 = 0.15;

pub fn profiles() -> Vec<Profile> {
    vec![
        Profile {
            name: "dark",
            likes: |c| -5.0 * sentiment(c),
            opening: Some("horror"),
            mood: Some(Some(Mood::Dark)),
            typed: &["kill the guard", "break the window", "curse the dark"],
        },
        Profile {
            name: "short",
            likes: |c| -1.5 * c.split_whitespace().count() as f32,
            opening: Some("shipwreck"),
            mood: Some(None),
            typed: &["look", "wait", "go north"],
        },
        Profile {
            name: "take/open",
            likes: |c| {
                if matches!(verb(c).as_str(), "take" | "open") {
                    3.0
                } else {
                    0.0
                }
            },
            opening: Some("mystery"),
            mood: Some(Some(Mood::Tense)),
            typed: &["take the key", "open the box"],
        },
        Profile {
            name: "talker",
            likes: |c| {
                if family(&verb(c)) == Some("talk") {
                    3.0
                } else {
                    0.0
                }
            },
            opening: Some("fantasy"),
            mood: Some(Some(Mood::Hopeful)),
            typed: &["ask about the castle", "talk to the guard", "say hello"],
        },
        Profile {
            name: "random",
            likes: |_| 0.0,
            opening: None,
            mood: None,
            typed: &["look around", "wait", "go on"],
        },
    ]
}

/// One simulated player's whole history: `stories` stories on the
/// recorded sets.
pub fn simulate(profile: &Profile, sets: &ChoiceSets, stories: usize, seed: u64) -> Vec<Event> {
    let mut rng = Rng::new(seed);
    let mut events = Vec::new();
    for s in 0..stories {
        let story = format!("{}-{seed}-{s}", profile.name.replace('/', "-"));
        let favourite = profile
            .opening
            .and_then(|f| OPENINGS.iter().position(|o| o.name == f));
        let opening = match favourite {
            Some(f) if rng.unit() < 0.7 => f,
            Some(f) => (f + 1 + rng.below(OPENINGS.len() - 1)) % OPENINGS.len(),
            None => rng.below(OPENINGS.len()),
        };
        events.push(Event::Started {
            at: s as u64,
            story: story.clone(),
            opening: OPENINGS[opening].name.to_string(),
        });
        let mood = match profile.mood {
            Some(m) if rng.unit() < 0.8 => m,
            _ => MOODS[rng.below(MOODS.len())],
        };
        if mood.is_some() {
            events.push(Event::Mood {
                at: s as u64,
                story: story.clone(),
                mood,
            });
        }
        let recorded = &sets.stories[opening][rng.below(sets.stories[opening].len())];
        // A favourite is played through; another opening is often left early.
        let length = if favourite.is_none() {
            2 + rng.below(recorded.len().max(3) - 1)
        } else if Some(opening) == favourite || rng.unit() < 0.3 {
            recorded.len()
        } else {
            2 + rng.below(3)
        }
        .min(recorded.len());
        for offered in &recorded[..length] {
            let typed = rng.unit() < TYPE_RATE || offered.is_empty();
            let event = if typed {
                let t = profile.typed[rng.below(profile.typed.len())];
                Event::Turn {
                    at: s as u64,
                    story: story.clone(),
                    offered: offered.clone(),
                    picked: None,
                    typed: Some(t.to_string()),
                }
            } else {
                // A softmax draw: the best of taste plus Gumbel noise.
                let utility: Vec<f32> = offered
                    .iter()
                    .map(|c| (profile.likes)(c) + rng.gumbel())
                    .collect();
                let pick = (0..offered.len())
                    .max_by(|&a, &b| utility[a].total_cmp(&utility[b]))
                    .unwrap_or(0);
                Event::Turn {
                    at: s as u64,
                    story: story.clone(),
                    offered: offered.clone(),
                    picked: Some(pick),
                    typed: None,
                }
            };
            events.push(event);
        }
        events.push(Event::Ended {
            at: s as u64,
            story,
            turns: length,
        });
    }
    events
}

/// Hit rate at 1 and mean reciprocal rank, summed over predictions.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Score {
    pub n: usize,
    pub hits: f64,
    pub rr: f64,
}

impl Score {
    /// Adds a prediction that put the pick at 1-based `rank`.
    pub fn add_rank(&mut self, rank: usize) {
        self.n += 1;
        self.hits += f64::from(rank == 1);
        self.rr += 1.0 / rank as f64;
    }
    /// Adds a random order's expectation over `n` items.
    pub fn add_random(&mut self, n: usize) {
        self.n += 1;
        self.hits += 1.0 / n as f64;
        self.rr += (1..=n).map(|k| 1.0 / k as f64).sum::<f64>() / n as f64;
    }
    pub fn merge(&mut self, other: Score) {
        self.n += other.n;
        self.hits += other.hits;
        self.rr += other.rr;
    }
    pub fn hit_at_1(&self) -> f64 {
        self.hits / self.n.max(1) as f64
    }
    pub fn mrr(&self) -> f64 {
        self.rr / self.n.max(1) as f64
    }
}

/// The scores of each method on one kind of prediction.
#[derive(Clone, Copy, Debug, Default)]
pub struct Methods {
    pub ranker: Score,
    pub popularity: Score,
    pub today: Score,
    pub random: Score,
}

impl Methods {
    fn merge(&mut self, o: &Methods) {
        self.ranker.merge(o.ranker);
        self.popularity.merge(o.popularity);
        self.today.merge(o.today);
        self.random.merge(o.random);
    }
}

/// What was measured on a group of histories.
#[derive(Clone, Debug, Default)]
pub struct Report {
    pub choices: Methods,
    pub openings: Methods,
    pub moods: Methods,
}

impl Report {
    pub fn merge(&mut self, o: &Report) {
        self.choices.merge(&o.choices);
        self.openings.merge(&o.openings);
        self.moods.merge(&o.moods);
    }
}

/// What a population picked: exact choice texts, verbs, openings and the
/// moods stories ended with.
#[derive(Clone, Debug, Default)]
pub struct Popularity {
    texts: HashMap<String, i64>,
    verbs: HashMap<String, i64>,
    openings: HashMap<String, i64>,
    moods: HashMap<Option<Mood>, i64>,
}

impl Popularity {
    pub fn of(histories: &[&[Event]]) -> Popularity {
        let mut p = Popularity::default();
        for h in histories {
            for mood in final_moods(h).into_values() {
                *p.moods.entry(mood).or_default() += 1;
            }
            for e in h.iter() {
                p.add(e);
            }
        }
        p
    }

    /// Counts an event (moods are counted per story, by [`Popularity::of`]
    /// and [`Popularity::add_mood`]).
    pub fn add(&mut self, e: &Event) {
        match e {
            Event::Started { opening, .. } => {
                *self.openings.entry(opening.clone()).or_default() += 1
            }
            Event::Turn { .. } => {
                if let Some(a) = e.action() {
                    *self.texts.entry(a.to_string()).or_default() += 1;
                    *self.verbs.entry(verb(a)).or_default() += 1;
                }
            }
            _ => {}
        }
    }

    pub fn add_mood(&mut self, mood: Option<Mood>) {
        *self.moods.entry(mood).or_default() += 1;
    }

    /// The 1-based rank popularity gives item `pick` of `offered`:
    /// picked texts first, then picked verbs, ties in today's order.
    fn choice_rank(&self, offered: &[String], pick: usize) -> usize {
        let score = |c: &String| {
            self.texts.get(c).copied().unwrap_or(0) * 1_000_000
                + self.verbs.get(&verb(c)).copied().unwrap_or(0)
        };
        rank_by(offered.len(), pick, |i| score(&offered[i]) as f64)
    }

    fn opening_rank(&self, names: &[&str], pick: usize) -> usize {
        rank_by(names.len(), pick, |i| {
            self.openings.get(names[i]).copied().unwrap_or(0) as f64
        })
    }

    fn top_mood(&self) -> Option<Mood> {
        // Ties go to steering off, today's default.
        MOODS
            .iter()
            .copied()
            .max_by_key(|m| (self.moods.get(m).copied().unwrap_or(0), m.is_none()))
            .flatten()
    }
}

/// The 1-based rank of `pick` when items are sorted by `score`, highest
/// first, ties in their given order.
fn rank_by(n: usize, pick: usize, score: impl Fn(usize) -> f64) -> usize {
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| score(b).total_cmp(&score(a)));
    order.iter().position(|&i| i == pick).map_or(n, |p| p + 1)
}

/// The mood each story of a history ended with.
fn final_moods(events: &[Event]) -> HashMap<String, Option<Mood>> {
    let mut moods = HashMap::new();
    for e in events {
        match e {
            Event::Started { story, .. } => {
                moods.entry(story.clone()).or_insert(None);
            }
            Event::Mood { story, mood, .. } => {
                moods.insert(story.clone(), *mood);
            }
            _ => {}
        }
    }
    moods
}

/// Replays one player's history in order: before each pick, opening and
/// story, the methods predict it from what came before; then it is learned.
/// `others` is what the rest of the population picked.
pub fn evaluate(history: &[Event], others: Popularity) -> Report {
    let names: Vec<&str> = OPENINGS.iter().map(|o| o.name).collect();
    let moods = final_moods(history);
    let mut report = Report::default();
    let mut recommender = Recommender::default();
    let mut popularity = others;
    for e in history {
        match e {
            Event::Started { story, opening, .. } => {
                if let Some(pick) = names.iter().position(|n| n == opening) {
                    let ranked = recommender.rank_openings(&names);
                    let rank = ranked.order.iter().position(|&i| i == pick).unwrap_or(0) + 1;
                    report.openings.ranker.add_rank(rank);
                    report
                        .openings
                        .popularity
                        .add_rank(popularity.opening_rank(&names, pick));
                    report.openings.today.add_rank(pick + 1);
                    report.openings.random.add_random(names.len());
                }
                // The mood is suggested as the story starts.
                let actual = moods.get(story).copied().flatten();
                let said = recommender.suggest_mood().map(|(m, _)| m);
                let hit = |guess: Option<Mood>| if guess == actual { 1 } else { 2 };
                report.moods.ranker.add_rank(hit(said));
                report.moods.popularity.add_rank(hit(popularity.top_mood()));
                report.moods.today.add_rank(hit(None));
                report.moods.random.add_random(MOODS.len());
                popularity.add_mood(actual);
            }
            Event::Turn {
                offered,
                picked: Some(pick),
                ..
            } if offered.len() >= 2 && *pick < offered.len() => {
                let ranked = recommender.rank_choices(offered);
                let rank = ranked.order.iter().position(|i| i == pick).unwrap_or(0) + 1;
                report.choices.ranker.add_rank(rank);
                report
                    .choices
                    .popularity
                    .add_rank(popularity.choice_rank(offered, *pick));
                report.choices.today.add_rank(pick + 1);
                report.choices.random.add_random(offered.len());
            }
            _ => {}
        }
        recommender.learn(e);
        popularity.add(e);
    }
    report
}

/// Simulated players of every profile: `players` each, `stories` stories
/// each. Returns per profile its report, and the histories.
pub fn run_simulation(
    sets: &ChoiceSets,
    players: usize,
    stories: usize,
    seed: u64,
) -> Vec<(&'static str, Report)> {
    let profiles = profiles();
    let mut histories: Vec<(usize, Vec<Event>)> = Vec::new();
    for (p, profile) in profiles.iter().enumerate() {
        for k in 0..players {
            let player_seed = seed
                .wrapping_mul(1_000_003)
                .wrapping_add((p * 1000 + k) as u64);
            histories.push((p, simulate(profile, sets, stories, player_seed)));
        }
    }
    let mut reports: Vec<(&'static str, Report)> = profiles
        .iter()
        .map(|p| (p.name, Report::default()))
        .collect();
    for (me, (p, history)) in histories.iter().enumerate() {
        let others: Vec<&[Event]> = histories
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != me)
            .map(|(_, (_, h))| h.as_slice())
            .collect();
        let report = evaluate(history, Popularity::of(&others));
        reports[*p].1.merge(&report);
    }
    reports
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sets() -> ChoiceSets {
        let pool = [
            "open the door",
            "take the lamp",
            "ask the guard",
            "kill the wolf",
            "look",
            "go north",
            "talk to the old woman",
            "examine the strange wet floor",
            "smile at the happy child",
            "read the letter",
            "break the window",
            "say hello",
        ];
        let mut rng = Rng::new(9);
        let mut text = String::new();
        for o in OPENINGS.iter() {
            for story in 0..2 {
                for turn in 0..10 {
                    let choices: Vec<&str> = (0..4).map(|_| pool[rng.below(pool.len())]).collect();
                    let mut unique: Vec<&str> = Vec::new();
                    for c in choices {
                        if !unique.contains(&c) {
                            unique.push(c);
                        }
                    }
                    let set = RecordedSet {
                        opening: o.name.into(),
                        story,
                        turn,
                        choices: unique.iter().map(|s| s.to_string()).collect(),
                    };
                    text.push_str(&serde_json::to_string(&set).unwrap());
                    text.push('\n');
                }
            }
        }
        ChoiceSets::parse(&text, "test").unwrap()
    }

    #[test]
    fn random_order_is_scored_by_its_expectation() {
        let mut s = Score::default();
        s.add_random(4);
        assert!((s.hit_at_1() - 0.25).abs() < 1e-9);
        assert!((s.mrr() - (1.0 + 0.5 + 1.0 / 3.0 + 0.25) / 4.0).abs() < 1e-9);
    }

    #[test]
    fn the_ranker_beats_random_and_popularity_on_clear_tastes_and_no_harm_on_random() {
        let reports = run_simulation(&sets(), 3, 25, 1);
        for (name, r) in &reports {
            let c = &r.choices;
            assert!(c.ranker.n > 100, "{name}: {}", c.ranker.n);
            if *name == "random" {
                assert!(
                    c.ranker.hit_at_1() > c.random.hit_at_1() - 0.05,
                    "{name}: {c:?}"
                );
            } else {
                assert!(c.ranker.mrr() > c.random.mrr() + 0.05, "{name}: {c:?}");
                assert!(c.ranker.mrr() > c.popularity.mrr(), "{name}: {c:?}");
                let o = &r.openings;
                assert!(
                    o.ranker.hit_at_1() > o.popularity.hit_at_1(),
                    "{name}: {o:?}"
                );
            }
        }
    }

    #[test]
    fn a_bad_fixture_line_is_named() {
        let err = ChoiceSets::parse(
            "{\"opening\":\"moon\",\"story\":0,\"turn\":0,\"choices\":[]}\n",
            "f.jsonl",
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("f.jsonl: line 1") && err.contains("moon"),
            "{err}"
        );
        let err = ChoiceSets::parse("nonsense", "f.jsonl")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("f.jsonl: line 1"), "{err}");
    }
}
