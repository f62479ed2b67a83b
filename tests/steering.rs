//! Mood steering: the narrator samples candidates in one batch and its
//! reranker weighs closeness to the target mood. Over a fixed set of seeds, steering toward positive
//! must give a higher mean sentiment than steering toward negative.

mod common;

use fabula::lm::generate::feed;
use fabula::lm::{InferenceModel, SamplingConfig, Scratch};
use fabula::narrator::{narrate, PassageRules, Plan};
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
                let plan = Plan {
                    candidates: 6,
                    rules: PassageRules {
                        min_chars: 20,
                        max_chars: 60,
                        ceiling_chars: 80,
                        bias: 0.0,
                    },
                    action: None,
                    recent: Vec::new(),
                    world: Vec::new(),
                    mood: Some(target),
                    speech: None,
                    object: None,
                    scene: Default::default(),
                };
                let g = narrate(&model, &start, &plan, &sampling, seed * 100, || true);
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
