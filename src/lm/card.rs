//! The model card: the JSON file stored beside the weights, describing the
//! shape, vocabulary and provenance of a model.

use serde::{Deserialize, Serialize};

/// Card format written by this version of fabula.
pub const CARD_FORMAT: &str = "fabula-char-lstm";
pub const CARD_VERSION: u32 = 1;

/// Shape of the network. Saved in the card so a file always loads with the
/// shape it was trained with.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HyperParams {
    pub vocab_size: usize,
    pub embed_dim: usize,
    pub hidden_size: usize,
    pub layers: usize,
    pub dropout: f64,
}

/// A setting outside its allowed range: which one and what it must be.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{setting} must be {rule}")]
pub struct InvalidSetting {
    pub setting: &'static str,
    pub rule: &'static str,
}

impl InvalidSetting {
    /// The first failing check of `(passes, setting, rule)`, in order.
    pub fn first_failed(checks: &[(bool, &'static str, &'static str)]) -> Result<(), Self> {
        match checks.iter().find(|(ok, _, _)| !ok) {
            Some(&(_, setting, rule)) => Err(InvalidSetting { setting, rule }),
            None => Ok(()),
        }
    }
}

impl HyperParams {
    pub fn validate(&self) -> Result<(), InvalidSetting> {
        InvalidSetting::first_failed(&[
            (self.vocab_size >= 2, "vocab_size", "at least 2"),
            (self.embed_dim >= 1, "embed_dim", "at least 1"),
            (self.hidden_size >= 1, "hidden_size", "at least 1"),
            (self.layers >= 1, "layers", "at least 1"),
            (self.embed_dim <= 65_536, "embed_dim", "at most 65536"),
            (self.hidden_size <= 65_536, "hidden_size", "at most 65536"),
            (self.layers <= 64, "layers", "at most 64"),
            (self.vocab_size <= 1 << 20, "vocab_size", "at most 1048576"),
            ((0.0..1.0).contains(&self.dropout), "dropout", "in [0, 1)"),
        ])
    }

    /// Number of trainable parameters.
    pub fn parameter_count(&self) -> usize {
        let (v, e, h) = (self.vocab_size, self.embed_dim, self.hidden_size);
        let mut n = v * e + h * v + v;
        for layer in 0..self.layers {
            let input = if layer == 0 { e } else { h };
            n += 4 * h * (input + h) + 8 * h;
        }
        n
    }
}

/// One training text, as recorded in the card.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CorpusRecord {
    pub name: String,
    pub bytes: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub licence: Option<String>,
}

/// How the weights came to be.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TrainingRecord {
    pub corpora: Vec<CorpusRecord>,
    pub steps: u64,
    pub tokens_seen: u64,
    pub training_seconds: f64,
    pub batch_size: usize,
    pub bptt: usize,
    pub learning_rate: f64,
    pub seed: u64,
    pub device: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub train_loss_bits_per_char: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validation_bits_per_char: Option<f64>,
    #[serde(default)]
    pub validation_tokens: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Versions {
    pub fabula: String,
    pub tch: String,
    pub libtorch: String,
}

impl Versions {
    pub fn current() -> Versions {
        Versions {
            fabula: env!("CARGO_PKG_VERSION").to_string(),
            tch: "0.26".to_string(),
            libtorch: "2.13.0".to_string(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModelCard {
    pub format: String,
    pub format_version: u32,
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub hyper: HyperParams,
    /// One entry per token id from 1 on; id 0 is the unknown token.
    pub vocab: Vec<String>,
    pub training: TrainingRecord,
    pub versions: Versions,
}
