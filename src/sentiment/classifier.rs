//! The trained sentiment classifier: Embedding → LSTM → Dense.
//!
//! Tokens ([`super::tokens`]) are embedded, read by one LSTM layer, and a
//! dense layer maps the LSTM's last output beside its element-wise maximum
//! over time to one logit per class. The maximum keeps a strong word early
//! in a long text from being forgotten by the end.
//!
//! Training runs on libtorch ([`Net`]); the same weights run here in plain
//! Rust ([`Classifier`]) so scoring a turn needs no libtorch call and the
//! classifier can be shared between threads. Files are those of the
//! language models (`NAME.safetensors` + `NAME.json`, written and checked
//! by [`crate::lm::checkpoint`]), with a card of this kind.

use std::collections::HashMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use tch::{nn, Kind, Tensor};

use super::lang::Lang;
use super::tokens::tokens;
use super::{Label, Sentiment};
use crate::lm::card::{CorpusRecord, InvalidSetting, Versions};
use crate::lm::checkpoint::{self, CheckedWeights, ModelError, ModelFiles};

pub const CLASSIFIER_FORMAT: &str = "fabula-sentiment-lstm";
pub const CLASSIFIER_VERSION: u32 = 1;
/// Token id of padding (training batches only).
pub const PAD: u32 = 0;
/// Token id of a token not in the vocabulary.
pub const UNK: u32 = 1;

/// Shape of the network.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClassifierHyper {
    /// Vocabulary entries plus the padding and unknown tokens.
    pub vocab_size: usize,
    pub embed_dim: usize,
    pub hidden_size: usize,
    /// A text is read up to this many tokens.
    pub max_tokens: usize,
    pub dropout: f64,
}

impl ClassifierHyper {
    pub fn validate(&self) -> Result<(), InvalidSetting> {
        InvalidSetting::first_failed(&[
            (
                (3..=1 << 20).contains(&self.vocab_size),
                "vocab_size",
                "in 3..=1048576",
            ),
            (
                (1..=4096).contains(&self.embed_dim),
                "embed_dim",
                "in 1..=4096",
            ),
            (
                (1..=4096).contains(&self.hidden_size),
                "hidden_size",
                "in 1..=4096",
            ),
            (
                (1..=100_000).contains(&self.max_tokens),
                "max_tokens",
                "in 1..=100000",
            ),
            ((0.0..1.0).contains(&self.dropout), "dropout", "in [0, 1)"),
        ])
    }
}

/// Accuracy on the held-out test split, measured when the model was saved,
/// beside the lexicon's on the same texts: per turn, fabula uses the
/// classifier for its language only when it measured better.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HeldOut {
    pub split: String,
    pub n: usize,
    pub accuracy: f64,
    pub lexicon_accuracy: f64,
    pub baseline: String,
    pub baseline_accuracy: f64,
}

/// How the weights came to be.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClassifierTraining {
    pub data: Vec<CorpusRecord>,
    pub train_n: usize,
    pub dev_n: usize,
    pub epochs: usize,
    /// The epoch whose weights were kept (best accuracy on the dev split).
    pub best_epoch: usize,
    pub dev_accuracy: f64,
    pub batch_size: usize,
    pub learning_rate: f64,
    pub seed: u64,
    pub training_seconds: f64,
    pub device: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClassifierCard {
    pub format: String,
    pub format_version: u32,
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub language: Lang,
    /// The classes, in the order of the dense layer's outputs.
    pub labels: Vec<Label>,
    pub hyper: ClassifierHyper,
    /// One entry per token id from 2 on (0 pads, 1 is unknown).
    pub vocab: Vec<String>,
    pub training: ClassifierTraining,
    pub heldout: HeldOut,
    pub versions: Versions,
}

/// What is wrong with a classifier card.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum InvalidClassifierCard {
    #[error("format is {0:?}, expected {CLASSIFIER_FORMAT:?}")]
    Format(String),
    #[error("format_version is {0}, this fabula reads version {CLASSIFIER_VERSION}")]
    Version(u32),
    #[error("hyper: {0}")]
    Hyper(#[from] InvalidSetting),
    #[error("labels {0:?}: need negative and positive, each once")]
    Labels(Vec<Label>),
    #[error(
        "vocab has {entries} entries (plus padding and unknown) but hyper.vocab_size is {vocab_size}"
    )]
    VocabSize { entries: usize, vocab_size: usize },
    #[error("vocab entry {index} ({entry:?}) is empty or repeated")]
    VocabEntry { index: usize, entry: String },
}

impl ClassifierCard {
    fn validate(&self) -> Result<(), InvalidClassifierCard> {
        if self.format != CLASSIFIER_FORMAT {
            return Err(InvalidClassifierCard::Format(self.format.clone()));
        }
        if self.format_version != CLASSIFIER_VERSION {
            return Err(InvalidClassifierCard::Version(self.format_version));
        }
        self.hyper.validate()?;
        let mut seen = self.labels.clone();
        seen.sort_by_key(|l| l.index());
        seen.dedup();
        if seen.len() != self.labels.len()
            || !seen.contains(&Label::Negative)
            || !seen.contains(&Label::Positive)
        {
            return Err(InvalidClassifierCard::Labels(self.labels.clone()));
        }
        if self.vocab.len() + 2 != self.hyper.vocab_size {
            return Err(InvalidClassifierCard::VocabSize {
                entries: self.vocab.len(),
                vocab_size: self.hyper.vocab_size,
            });
        }
        let mut distinct = std::collections::HashSet::new();
        for (i, entry) in self.vocab.iter().enumerate() {
            if entry.is_empty() || !distinct.insert(entry.as_str()) {
                return Err(InvalidClassifierCard::VocabEntry {
                    index: i,
                    entry: entry.clone(),
                });
            }
        }
        Ok(())
    }
}

/// Names and shapes of every variable, as PyTorch names an `nn.Embedding`,
/// `nn.LSTM` and `nn.Linear` with these sizes.
pub fn expected_tensors(h: &ClassifierHyper, classes: usize) -> Vec<(String, Vec<i64>)> {
    let (v, e, hid, c) = (
        h.vocab_size as i64,
        h.embed_dim as i64,
        h.hidden_size as i64,
        classes as i64,
    );
    vec![
        ("embed.weight".into(), vec![v, e]),
        ("lstm.weight_ih_l0".into(), vec![4 * hid, e]),
        ("lstm.weight_hh_l0".into(), vec![4 * hid, hid]),
        ("lstm.bias_ih_l0".into(), vec![4 * hid]),
        ("lstm.bias_hh_l0".into(), vec![4 * hid]),
        ("dense.weight".into(), vec![c, 2 * hid]),
        ("dense.bias".into(), vec![c]),
    ]
}

/// The network on libtorch, for training.
pub struct Net {
    pub hyper: ClassifierHyper,
    embed: nn::Embedding,
    /// weight_ih, weight_hh, bias_ih, bias_hh (the order `Tensor::lstm` wants).
    lstm: Vec<Tensor>,
    dense: nn::Linear,
}

impl Net {
    pub fn new(root: &nn::Path, hyper: &ClassifierHyper, classes: usize) -> Net {
        let embed = nn::embedding(
            root / "embed",
            hyper.vocab_size as i64,
            hyper.embed_dim as i64,
            Default::default(),
        );
        let lstm = root / "lstm";
        let (e, hid) = (hyper.embed_dim as i64, hyper.hidden_size as i64);
        let bound = 1.0 / (hyper.hidden_size as f64).sqrt();
        let init = nn::Init::Uniform {
            lo: -bound,
            up: bound,
        };
        let weights = vec![
            lstm.var("weight_ih_l0", &[4 * hid, e], init),
            lstm.var("weight_hh_l0", &[4 * hid, hid], init),
            lstm.var("bias_ih_l0", &[4 * hid], init),
            lstm.var("bias_hh_l0", &[4 * hid], init),
        ];
        let dense = nn::linear(root / "dense", 2 * hid, classes as i64, Default::default());
        Net {
            hyper: hyper.clone(),
            embed,
            lstm: weights,
            dense,
        }
    }

    /// Logits `[batch, classes]` of `tokens` (`[batch, time]`, int64, padded
    /// on the right) whose true lengths (each at least 1) are `lengths`.
    pub fn forward(&self, tokens: &Tensor, lengths: &Tensor, train: bool) -> Tensor {
        let (b, t) = (tokens.size()[0], tokens.size()[1]);
        let hid = self.hyper.hidden_size as i64;
        let device = tokens.device();
        let mut x = tokens.apply(&self.embed);
        if train && self.hyper.dropout > 0.0 {
            x = x.dropout(self.hyper.dropout, true);
        }
        let h0 = Tensor::zeros([1, b, hid], (Kind::Float, device));
        let (y, _, _) = Tensor::lstm(
            &x,
            &[&h0, &h0],
            &self.lstm.iter().collect::<Vec<_>>(),
            true,
            1,
            0.0,
            train,
            false,
            true,
        );
        // A left-to-right LSTM's output at a real position never sees the
        // padding after it, so right padding changes nothing that is read.
        let last_at = (lengths - 1).view([b, 1, 1]).expand([b, 1, hid], false);
        let last = y.gather(1, &last_at, false).squeeze_dim(1);
        let valid = Tensor::arange(t, (Kind::Int64, device))
            .view([1, t])
            .lt_tensor(&lengths.view([b, 1]));
        let masked = y.masked_fill(&valid.logical_not().unsqueeze(-1), -1e4);
        let max = masked.amax([1].as_slice(), false);
        let mut features = Tensor::cat(&[last, max], 1);
        if train && self.hyper.dropout > 0.0 {
            features = features.dropout(self.hyper.dropout, true);
        }
        features.apply(&self.dense)
    }
}

/// The classifier in plain Rust: what fabula scores turns with.
pub struct Classifier {
    pub card: ClassifierCard,
    pub files: ModelFiles,
    index: HashMap<String, u32>,
    embed: Vec<f32>,
    w_ih: Vec<f32>,
    w_hh: Vec<f32>,
    /// bias_ih + bias_hh.
    bias: Vec<f32>,
    dense_w: Vec<f32>,
    dense_b: Vec<f32>,
}

fn dot(a: &[f32], b: &[f32]) -> f32 {
    // Eight partial sums let the compiler vectorise; a single running
    // sum must keep f32 addition order.
    let mut acc = [0.0f32; 8];
    let (ca, cb) = (a.chunks_exact(8), b.chunks_exact(8));
    let tail: f32 = ca
        .remainder()
        .iter()
        .zip(cb.remainder())
        .map(|(x, y)| x * y)
        .sum();
    for (x, y) in ca.zip(cb) {
        for k in 0..8 {
            acc[k] += x[k] * y[k];
        }
    }
    acc.iter().sum::<f32>() + tail
}

fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

/// Reads and checks a classifier card.
pub fn read_card(path: &Path) -> Result<ClassifierCard, ModelError> {
    let card: ClassifierCard = checkpoint::read_json_card(path)?;
    card.validate().map_err(|e| ModelError::Card {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    Ok(card)
}

impl Classifier {
    /// Loads `NAME.json` and `NAME.safetensors` (the stem or either file).
    pub fn load(path: &Path) -> Result<Classifier, ModelError> {
        let files = ModelFiles::new(path);
        let card = read_card(&files.card)?;
        let expected = expected_tensors(&card.hyper, card.labels.len());
        let weights = CheckedWeights::read_expected(&files.weights, &expected)?;
        Self::from_weights(card, files, &weights)
    }

    fn from_weights(
        card: ClassifierCard,
        files: ModelFiles,
        weights: &CheckedWeights,
    ) -> Result<Classifier, ModelError> {
        let b_ih = weights.values("lstm.bias_ih_l0")?;
        let b_hh = weights.values("lstm.bias_hh_l0")?;
        let index = card
            .vocab
            .iter()
            .enumerate()
            .map(|(i, t)| (t.clone(), i as u32 + 2))
            .collect();
        Ok(Classifier {
            index,
            embed: weights.values("embed.weight")?,
            w_ih: weights.values("lstm.weight_ih_l0")?,
            w_hh: weights.values("lstm.weight_hh_l0")?,
            bias: b_ih.iter().zip(&b_hh).map(|(a, b)| a + b).collect(),
            dense_w: weights.values("dense.weight")?,
            dense_b: weights.values("dense.bias")?,
            card,
            files,
        })
    }

    pub fn language(&self) -> Lang {
        self.card.language
    }

    /// Token ids of the first `max_tokens` tokens of `text`.
    pub fn encode(&self, text: &str) -> Vec<u32> {
        tokens(text, self.card.hyper.max_tokens)
            .iter()
            .map(|t| self.index.get(t).copied().unwrap_or(UNK))
            .collect()
    }

    /// Class probabilities (in the card's label order) of token ids; `None`
    /// for no tokens. Ids out of range read as the unknown token.
    pub fn probabilities_of(&self, ids: &[u32]) -> Option<Vec<f32>> {
        if ids.is_empty() {
            return None;
        }
        let (e, h) = (self.card.hyper.embed_dim, self.card.hyper.hidden_size);
        let v = self.card.hyper.vocab_size;
        let (mut hs, mut cs) = (vec![0.0f32; h], vec![0.0f32; h]);
        let mut max = vec![f32::NEG_INFINITY; h];
        let mut gates = vec![0.0f32; 4 * h];
        for &id in ids {
            let id = if (id as usize) < v {
                id as usize
            } else {
                UNK as usize
            };
            let x = &self.embed[id * e..(id + 1) * e];
            for (r, g) in gates.iter_mut().enumerate() {
                *g = self.bias[r]
                    + dot(&self.w_ih[r * e..(r + 1) * e], x)
                    + dot(&self.w_hh[r * h..(r + 1) * h], &hs);
            }
            // PyTorch's gate order: input, forget, cell, output.
            for j in 0..h {
                let i = sigmoid(gates[j]);
                let f = sigmoid(gates[h + j]);
                let g = gates[2 * h + j].tanh();
                let o = sigmoid(gates[3 * h + j]);
                cs[j] = f * cs[j] + i * g;
                hs[j] = o * cs[j].tanh();
                max[j] = max[j].max(hs[j]);
            }
        }
        let features: Vec<f32> = hs.iter().chain(&max).copied().collect();
        let logits: Vec<f32> = self
            .dense_b
            .iter()
            .enumerate()
            .map(|(c, b)| b + dot(&self.dense_w[c * 2 * h..(c + 1) * 2 * h], &features))
            .collect();
        let top = logits.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        let exps: Vec<f32> = logits.iter().map(|l| (l - top).exp()).collect();
        let total: f32 = exps.iter().sum();
        Some(exps.iter().map(|x| x / total).collect())
    }

    /// Class probabilities of `text`; `None` when it has no tokens.
    pub fn probabilities(&self, text: &str) -> Option<Vec<f32>> {
        self.probabilities_of(&self.encode(text))
    }

    /// The most probable class, and as the score P(positive) − P(negative),
    /// in `[-1, 1]` like the lexicon's. Text with no tokens is neutral.
    pub fn score(&self, text: &str) -> Sentiment {
        let Some(p) = self.probabilities(text) else {
            return Sentiment::NEUTRAL;
        };
        let prob = |want: Label| {
            self.card
                .labels
                .iter()
                .position(|&l| l == want)
                .map_or(0.0, |i| p[i])
        };
        let best = (0..p.len())
            .max_by(|&a, &b| p[a].total_cmp(&p[b]))
            .unwrap_or(0);
        Sentiment {
            score: (prob(Label::Positive) - prob(Label::Negative)).clamp(-1.0, 1.0),
            label: self.card.labels[best],
            scorer: None,
        }
    }
}

impl std::fmt::Debug for Classifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Classifier")
            .field("name", &self.card.name)
            .field("language", &self.card.language)
            .field("vocab", &self.card.hyper.vocab_size)
            .finish()
    }
}

/// Writes `net`'s variables and `card` as `path`.safetensors/.json.
pub fn save(
    vs: &nn::VarStore,
    card: &ClassifierCard,
    path: &Path,
) -> Result<ModelFiles, ModelError> {
    let expected = expected_tensors(&card.hyper, card.labels.len());
    checkpoint::save_with(vs, &expected, CLASSIFIER_FORMAT, card, path)
}
