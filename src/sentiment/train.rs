//! Training the classifier on a labelled TSV, with fixed splits: a text's
//! split follows from a hash of its characters, so it never moves when rows
//! are added or reordered and a repeated text is never in two splits.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use tch::{nn, nn::OptimizerConfig, Device, Kind, Tensor};

use super::baseline::{NaiveBayes, BASELINE_NAME};
use super::classifier::{
    self, Classifier, ClassifierCard, ClassifierHyper, ClassifierTraining, HeldOut, Net,
    CLASSIFIER_FORMAT, CLASSIFIER_VERSION, PAD, UNK,
};
use super::eval::{parse_labelled, tally, EvalError};
use super::lang::Lang;
use super::tokens::tokens;
use super::{Label, Scorer};
use crate::lm::card::{CorpusRecord, InvalidSetting, Versions};
use crate::lm::checkpoint::ModelFiles;

/// Which part of a data set a text belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Split {
    Train,
    /// Chooses the epoch kept.
    Dev,
    /// Reported, never trained on or chosen by.
    Test,
}

/// How the splits are drawn, as written in cards and reports.
pub const SPLIT_RULE: &str = "FNV-1a 64 of the text: 0 mod 10 test, 1 mod 10 dev, else train";

fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ b as u64).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// The split of a text (after trimming): about 80 % train, 10 % dev, 10 % test.
pub fn split_of(text: &str) -> Split {
    match fnv1a(text.trim()) % 10 {
        0 => Split::Test,
        1 => Split::Dev,
        _ => Split::Train,
    }
}

/// One labelled text.
#[derive(Clone, Debug, PartialEq)]
pub struct Example {
    pub label: Label,
    pub text: String,
}

/// The rows of a labelled TSV file, in file order.
pub fn read_examples(path: &Path) -> anyhow::Result<Vec<Example>> {
    let text = crate::fsutil::read_text_file(path, 256 << 20)
        .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    let rows =
        parse_labelled(&text).map_err(|e: EvalError| anyhow::anyhow!("{}: {e}", path.display()))?;
    Ok(rows
        .into_iter()
        .map(|(label, text)| Example {
            label,
            text: text.trim_end_matches('\r').to_string(),
        })
        .collect())
}

/// The examples of one split.
pub fn split(examples: &[Example], which: Split) -> Vec<&Example> {
    examples
        .iter()
        .filter(|e| split_of(&e.text) == which)
        .collect()
}

#[derive(Clone, Debug)]
pub struct TrainSettings {
    pub name: String,
    pub language: Lang,
    pub embed_dim: usize,
    pub hidden_size: usize,
    pub max_tokens: usize,
    pub dropout: f64,
    /// Most vocabulary entries kept (the most frequent tokens of the train split).
    pub max_vocab: usize,
    /// A token seen fewer times than this in the train split is unknown.
    pub min_count: usize,
    pub epochs: usize,
    pub batch_size: usize,
    pub learning_rate: f64,
    pub seed: u64,
    pub device: Device,
    pub licence: Option<String>,
    /// Start from the lexicon: its words join the vocabulary and the first
    /// embedding dimension of every word starts at its valence, so a word
    /// the data never showed still reads as good or bad (English only).
    pub lexicon_init: bool,
}

impl TrainSettings {
    pub fn new(language: Lang) -> TrainSettings {
        TrainSettings {
            name: format!("sentiment-{}", language.code()),
            language,
            // English adds the lexicon's words to its vocabulary; a narrower
            // embedding keeps the file near 2 MB.
            embed_dim: if language == Lang::English { 32 } else { 64 },
            hidden_size: 96,
            max_tokens: 200,
            dropout: 0.3,
            max_vocab: 8000,
            min_count: 2,
            // Chinese was still gaining on the dev split after 6 epochs.
            epochs: if language == Lang::English { 6 } else { 8 },
            batch_size: 32,
            learning_rate: 2e-3,
            seed: 7,
            device: Device::Cpu,
            licence: None,
            lexicon_init: language == Lang::English,
        }
    }

    pub fn validate(&self) -> Result<(), InvalidSetting> {
        InvalidSetting::first_failed(&[
            (self.epochs >= 1, "--epochs", "at least 1"),
            (
                (1..=4096).contains(&self.batch_size),
                "--batch-size",
                "in 1..=4096",
            ),
            (
                self.learning_rate > 0.0 && self.learning_rate.is_finite(),
                "--lr",
                "a positive number",
            ),
            (self.max_vocab >= 1, "--max-vocab", "at least 1"),
            (self.min_count >= 1, "--min-count", "at least 1"),
        ])?;
        self.hyper(3).validate()
    }

    fn hyper(&self, vocab_size: usize) -> ClassifierHyper {
        ClassifierHyper {
            vocab_size,
            embed_dim: self.embed_dim,
            hidden_size: self.hidden_size,
            max_tokens: self.max_tokens,
            dropout: self.dropout,
        }
    }
}

/// After each epoch.
#[derive(Clone, Debug)]
pub struct EpochReport {
    pub epoch: usize,
    pub epochs: usize,
    pub train_loss: f64,
    pub dev_accuracy: f64,
    pub seconds: f64,
}

/// Vocabulary of the train split: tokens seen at least `min_count` times,
/// the `max_vocab` most frequent (ties by the token, so it is reproducible).
fn build_vocab(train: &[&Example], s: &TrainSettings) -> Vec<String> {
    let mut counts: HashMap<String, usize> = HashMap::new();
    for e in train {
        for t in tokens(&e.text, s.max_tokens) {
            *counts.entry(t).or_default() += 1;
        }
    }
    let mut ranked: Vec<(String, usize)> = counts
        .into_iter()
        .filter(|(_, n)| *n >= s.min_count)
        .collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    ranked.truncate(s.max_vocab);
    let mut vocab: Vec<String> = ranked.into_iter().map(|(t, _)| t).collect();
    if s.lexicon_init {
        let known: std::collections::HashSet<String> = vocab.iter().cloned().collect();
        let mut extra: Vec<String> = Scorer::builtin()
            .word_valences()
            .filter(|(w, _)| {
                // Only words the tokenizer reads as one token can be looked up.
                tokens(w, 2).len() == 1 && tokens(w, 2)[0] == *w && !known.contains(*w)
            })
            .map(|(w, _)| w.to_string())
            .collect();
        extra.sort();
        vocab.extend(extra);
    }
    vocab
}

/// Writes each lexicon word's valence (scaled to about ±2, the spread of
/// the other dimensions) into embedding dimension 0, and 0 there for the
/// other tokens, so that dimension starts as the lexicon's opinion.
fn init_from_lexicon(vs: &nn::VarStore, vocab: &[String]) {
    let valence: HashMap<&str, f64> = Scorer::builtin().word_valences().collect();
    let column: Vec<f32> = std::iter::repeat_n(0.0, 2)
        .chain(
            vocab
                .iter()
                .map(|w| valence.get(w.as_str()).map_or(0.0, |v| (v / 2.0) as f32)),
        )
        .collect();
    if let Some(embed) = vs.variables().get("embed.weight") {
        tch::no_grad(|| {
            let n = column.len() as i64;
            let src = Tensor::from_slice(&column)
                .view([n])
                .to_device(embed.device());
            embed.shallow_clone().select(1, 0).copy_(&src);
        });
    }
}

/// A deterministic shuffle (xorshift), so a seed gives the same batches.
fn shuffle<T>(items: &mut [T], seed: &mut u64) {
    for i in (1..items.len()).rev() {
        *seed ^= *seed << 13;
        *seed ^= *seed >> 7;
        *seed ^= *seed << 17;
        let j = (*seed % (i as u64 + 1)) as usize;
        items.swap(i, j);
    }
}

struct Encoded {
    ids: Vec<u32>,
    class: i64,
}

fn batch_tensors(batch: &[&Encoded], device: Device) -> (Tensor, Tensor, Tensor) {
    let t = batch.iter().map(|e| e.ids.len()).max().unwrap_or(1);
    let mut flat = vec![PAD as i64; batch.len() * t];
    for (b, e) in batch.iter().enumerate() {
        for (k, &id) in e.ids.iter().enumerate() {
            flat[b * t + k] = id as i64;
        }
    }
    let n = batch.len() as i64;
    let tokens = Tensor::from_slice(&flat)
        .view([n, t as i64])
        .to_device(device);
    let lengths: Vec<i64> = batch.iter().map(|e| e.ids.len() as i64).collect();
    let classes: Vec<i64> = batch.iter().map(|e| e.class).collect();
    (
        tokens,
        Tensor::from_slice(&lengths).to_device(device),
        Tensor::from_slice(&classes).to_device(device),
    )
}

fn accuracy_of(net: &Net, data: &[Encoded], device: Device) -> f64 {
    if data.is_empty() {
        return 0.0;
    }
    let mut order: Vec<&Encoded> = data.iter().collect();
    order.sort_by_key(|e| e.ids.len());
    let mut correct = 0i64;
    tch::no_grad(|| {
        for chunk in order.chunks(128) {
            let (x, len, y) = batch_tensors(chunk, device);
            let pred = net.forward(&x, &len, false).argmax(1, false);
            correct += pred.eq_tensor(&y).sum(Kind::Int64).int64_value(&[]);
        }
    });
    correct as f64 / data.len() as f64
}

/// Trains a classifier on the train split of `examples`, keeps the epoch
/// with the best dev accuracy, measures it (in Rust, as fabula runs it)
/// on the test split beside the lexicon and naive Bayes, and saves it.
pub fn train(
    examples: &[Example],
    data_path: &Path,
    s: &TrainSettings,
    output: &Path,
    stop: &AtomicBool,
    mut on_epoch: impl FnMut(&EpochReport),
) -> anyhow::Result<(ClassifierCard, ModelFiles)> {
    s.validate()?;
    let started = Instant::now();
    let train = split(examples, Split::Train);
    let dev = split(examples, Split::Dev);
    let test = split(examples, Split::Test);
    anyhow::ensure!(
        !train.is_empty() && !dev.is_empty() && !test.is_empty(),
        "{}: {} rows are too few for train, dev and test splits ({} / {} / {})",
        data_path.display(),
        examples.len(),
        train.len(),
        dev.len(),
        test.len()
    );
    let labels: Vec<Label> = Label::ALL
        .into_iter()
        .filter(|l| train.iter().any(|e| e.label == *l))
        .collect();
    anyhow::ensure!(
        labels.contains(&Label::Negative) && labels.contains(&Label::Positive),
        "{}: the train split needs both positive and negative rows",
        data_path.display()
    );
    let vocab = build_vocab(&train, s);
    let index: HashMap<&str, u32> = vocab
        .iter()
        .enumerate()
        .map(|(i, t)| (t.as_str(), i as u32 + 2))
        .collect();
    let encode = |rows: &[&Example]| -> Vec<Encoded> {
        rows.iter()
            .filter_map(|e| {
                let class = labels.iter().position(|&l| l == e.label)? as i64;
                let ids: Vec<u32> = tokens(&e.text, s.max_tokens)
                    .iter()
                    .map(|t| index.get(t.as_str()).copied().unwrap_or(UNK))
                    .collect();
                (!ids.is_empty()).then_some(Encoded { ids, class })
            })
            .collect()
    };
    let (train_enc, dev_enc) = (encode(&train), encode(&dev));
    let hyper = s.hyper(vocab.len() + 2);
    hyper.validate()?;

    tch::manual_seed(s.seed as i64);
    let vs = nn::VarStore::new(s.device);
    let net = Net::new(&vs.root(), &hyper, labels.len());
    if s.lexicon_init {
        init_from_lexicon(&vs, &vocab);
    }
    let mut opt = nn::Adam::default().build(&vs, s.learning_rate)?;
    let mut rng = s.seed.max(1);
    let (mut best_dev, mut best_epoch) = (-1.0, 0);
    let mut best: Vec<(String, Tensor)> = Vec::new();
    let mut epochs_run = 0;
    for epoch in 1..=s.epochs {
        if stop.load(Ordering::Relaxed) {
            break;
        }
        let t0 = Instant::now();
        // Batches of similar lengths pad little; their order is shuffled.
        let mut order: Vec<&Encoded> = train_enc.iter().collect();
        shuffle(&mut order, &mut rng);
        let mut batches: Vec<Vec<&Encoded>> = Vec::new();
        for pool in order.chunks(s.batch_size * 50) {
            let mut pool = pool.to_vec();
            pool.sort_by_key(|e| e.ids.len());
            batches.extend(pool.chunks(s.batch_size).map(|c| c.to_vec()));
        }
        shuffle(&mut batches, &mut rng);
        // Learning rate halves each epoch after the second: later epochs refine.
        let lr = s.learning_rate * 0.5f64.powi(epoch.saturating_sub(2) as i32);
        opt.set_lr(lr);
        let (mut loss_sum, mut seen) = (0.0, 0usize);
        for batch in &batches {
            if stop.load(Ordering::Relaxed) {
                break;
            }
            let (x, len, y) = batch_tensors(batch, s.device);
            let logits = net.forward(&x, &len, true);
            let loss = logits.cross_entropy_for_logits(&y);
            opt.zero_grad();
            loss.backward();
            opt.clip_grad_norm(5.0);
            opt.step();
            loss_sum += loss.double_value(&[]) * batch.len() as f64;
            seen += batch.len();
        }
        epochs_run = epoch;
        let dev_accuracy = accuracy_of(&net, &dev_enc, s.device);
        if dev_accuracy > best_dev {
            best_dev = dev_accuracy;
            best_epoch = epoch;
            best = vs
                .variables()
                .into_iter()
                .map(|(n, t)| (n, t.detach().copy()))
                .collect();
        }
        on_epoch(&EpochReport {
            epoch,
            epochs: s.epochs,
            train_loss: loss_sum / seen.max(1) as f64,
            dev_accuracy,
            seconds: t0.elapsed().as_secs_f64(),
        });
    }
    anyhow::ensure!(!best.is_empty(), "stopped before the first epoch ended");
    let vars = vs.variables();
    tch::no_grad(|| {
        for (name, value) in &best {
            if let Some(var) = vars.get(name) {
                var.shallow_clone().copy_(value);
            }
        }
    });

    let bytes = std::fs::metadata(data_path).map(|m| m.len()).unwrap_or(0);
    let mut card = ClassifierCard {
        format: CLASSIFIER_FORMAT.into(),
        format_version: CLASSIFIER_VERSION,
        name: s.name.clone(),
        description: format!(
            "{} sentiment: Embedding -> LSTM -> Dense over words and Han characters{}",
            s.language.name(),
            if s.lexicon_init {
                "; embedding started from the VADER lexicon's valences"
            } else {
                ""
            }
        ),
        language: s.language,
        labels,
        hyper,
        vocab,
        training: ClassifierTraining {
            data: vec![CorpusRecord {
                name: data_path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                bytes,
                licence: s.licence.clone(),
            }],
            train_n: train_enc.len(),
            dev_n: dev_enc.len(),
            epochs: epochs_run,
            best_epoch,
            dev_accuracy: best_dev,
            batch_size: s.batch_size,
            learning_rate: s.learning_rate,
            seed: s.seed,
            training_seconds: 0.0,
            device: format!("{:?}", s.device),
        },
        heldout: HeldOut {
            split: SPLIT_RULE.into(),
            n: 0,
            accuracy: 0.0,
            lexicon_accuracy: 0.0,
            baseline: BASELINE_NAME.into(),
            baseline_accuracy: 0.0,
        },
        versions: Versions::current(),
    };
    // Saved once to measure the file as fabula loads it, then with the figures.
    let files = classifier::save(&vs, &card, output)?;
    let loaded = Classifier::load(output)?;
    let figures = measure(examples, &loaded);
    card.heldout = HeldOut {
        split: SPLIT_RULE.into(),
        n: figures.n,
        accuracy: figures.classifier,
        lexicon_accuracy: figures.lexicon,
        baseline: BASELINE_NAME.into(),
        baseline_accuracy: figures.baseline,
    };
    card.training.training_seconds = started.elapsed().as_secs_f64();
    classifier::save(&vs, &card, output)?;
    Ok((card, files))
}

/// Test-split accuracies of a classifier, the lexicon and naive Bayes
/// (trained on the train split) on the same texts.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Figures {
    pub n: usize,
    pub classifier: f64,
    pub lexicon: f64,
    pub baseline: f64,
}

pub fn measure(examples: &[Example], model: &Classifier) -> Figures {
    let test = split(examples, Split::Test);
    let nb = NaiveBayes::train(
        split(examples, Split::Train)
            .iter()
            .map(|e| (e.label, e.text.as_str())),
    );
    let lexicon = Scorer::builtin();
    let acc = |f: &dyn Fn(&str) -> super::Sentiment| {
        tally(test.iter().map(|e| (e.label, f(&e.text)))).accuracy
    };
    Figures {
        n: test.len(),
        classifier: acc(&|t| model.score(t)),
        lexicon: acc(&|t| lexicon.score(t)),
        baseline: acc(&|t| nb.score(t)),
    }
}

/// Where a labelled data set is found: as given, else beside the binary's
/// repository (as the shipped models are found).
pub fn find_asset(relative: &str) -> Option<PathBuf> {
    let given = PathBuf::from(relative);
    if given.is_file() {
        return Some(given);
    }
    let exe = std::env::current_exe().ok()?;
    exe.ancestors()
        .skip(1)
        .take(4)
        .map(|up| up.join(relative))
        .find(|p| p.is_file())
}

/// The shipped data set of a language.
pub fn default_data(lang: Lang) -> &'static str {
    match lang {
        Lang::English => "assets/sentiment/labelled.tsv",
        Lang::Chinese => "assets/sentiment/zh-reviews.tsv",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_are_fixed_and_near_80_10_10() {
        let texts: Vec<String> = (0..5000).map(|i| format!("text number {i}")).collect();
        let count = |w: Split| texts.iter().filter(|t| split_of(t) == w).count();
        let (tr, dv, te) = (count(Split::Train), count(Split::Dev), count(Split::Test));
        assert_eq!(tr + dv + te, 5000);
        assert!(
            (350..650).contains(&te) && (350..650).contains(&dv),
            "{te} {dv}"
        );
        assert_eq!(split_of("  same text "), split_of("same text"));
        // FNV-1a of "a" is af63dc4c8601ec8c: 12638187200555641996 mod 10 = 6.
        assert_eq!(fnv1a("a"), 0xaf63dc4c8601ec8c);
        assert_eq!(split_of("a"), Split::Train);
    }

    #[test]
    fn shuffle_is_a_seeded_permutation() {
        let mut a: Vec<u32> = (0..100).collect();
        let mut b = a.clone();
        let (mut s1, mut s2) = (9, 9);
        shuffle(&mut a, &mut s1);
        shuffle(&mut b, &mut s2);
        assert_eq!(a, b);
        assert_ne!(a, (0..100).collect::<Vec<_>>());
        a.sort_unstable();
        assert_eq!(a, (0..100).collect::<Vec<_>>());
    }
}
