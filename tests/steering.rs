//! Mood steering: candidates sampled in one batch, the one closest to the
//! target mood kept. Over a fixed set of seeds, steering toward positive
//! must give a higher mean sentiment than steering toward negative.

mod common;

use fabula::engine::{steered_passage, CancelToken, Steer};
use fabula::lm::generate::feed;
use fabula::lm::{InferenceModel, SamplingConfig, Scratch};
use fabula::sentiment::Scorer;

#[test]
fn steering_toward_positive_beats_steering_toward_negative() {
    // A corpus where happy and grim sentences follow each other at random,
    // so an unsteered continuation is a coin toss.
    let happy = [
        "The feast was wonderful and everyone laughed with joy.",
        "You feel happy and safe in the warm light.",
        "Your friends cheer, it is a great victory.",
    ];
    let grim = [
        "The night was terrible and the wounded cried in pain.",
        "You feel afraid and sick in the cold dark.",
        "Your friends are dead, it is a horrible defeat.",
    ];
    let mut rng = fabula::lm::sample::Rng::new(9);
    let mut text = String::new();
    for _ in 0..600 {
        let pool = if rng.next_u64().is_multiple_of(2) {
            &happy
        } else {
            &grim
        };
        text.push_str(pool[(rng.next_u64() % 3) as usize]);
        text.push(' ');
    }
    let dir = tempfile::tempdir().unwrap();
    let stem = common::train_tiny(dir.path(), &text, 400);
    let model = InferenceModel::load(&stem).unwrap();
    let mut start = model.net.zero_state();
    feed(
        &model.net,
        &model.vocab,
        "The war is over. ",
        &mut start,
        &mut Scratch::default(),
    );
    let sampling = SamplingConfig {
        temperature: 1.0,
        max_tokens: 80,
        ..SamplingConfig::default()
    };
    let scorer = Scorer::builtin();
    let mean_for = |target: f32| {
        let seeds = 0..12u64;
        let n = seeds.clone().count() as f32;
        seeds
            .map(|seed| {
                let g = steered_passage(
                    &model,
                    &start,
                    Steer {
                        target,
                        candidates: 6,
                    },
                    &sampling,
                    &[".".into()],
                    seed * 100,
                    &CancelToken::default(),
                );
                scorer.score(&g.text).score
            })
            .sum::<f32>()
            / n
    };
    let positive = mean_for(0.9);
    let negative = mean_for(-0.9);
    assert!(
        positive > negative + 0.3,
        "steered positive {positive:.3} vs negative {negative:.3}"
    );
}
