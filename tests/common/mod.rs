//! Helpers shared by the integration tests: tiny models trained in seconds.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use fabula::lm::train::{TrainConfig, Trainer};

pub const SENTENCE: &str = "The quick brown fox jumps over the lazy dog. ";

/// Trains a small one-layer model on `text` (written to `dir`) and returns its path stem.
pub fn train_tiny(dir: &Path, text: &str, steps: u64) -> PathBuf {
    let corpus = dir.join("corpus.txt");
    std::fs::write(&corpus, text).unwrap();
    let output = dir.join("tiny");
    let trainer = Trainer {
        cfg: TrainConfig {
            name: "tiny".into(),
            embed_dim: 16,
            hidden_size: 64,
            layers: 1,
            dropout: 0.0,
            batch_size: 8,
            bptt: 32,
            learning_rate: 1e-2,
            steps,
            checkpoint_every: steps,
            seed: 7,
            ..TrainConfig::default()
        },
        output: output.clone(),
        device: tch::Device::Cpu,
        resume: false,
    };
    trainer
        .run(&[corpus], &AtomicBool::new(false), |_| {})
        .expect("training the tiny model");
    output
}

pub fn fabula() -> std::process::Command {
    std::process::Command::new(env!("CARGO_BIN_EXE_fabula"))
}
