//! Training: contiguous token streams, truncated back-propagation through
//! time, Adam with gradient clipping and cosine learning-rate decay, a
//! held-out split measured in bits per character, periodic checkpoints.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use tch::{nn, nn::OptimizerConfig, Device, Tensor};

use super::card::{
    CorpusRecord, HyperParams, InvalidSetting, ModelCard, TrainingRecord, Versions, CARD_FORMAT,
    CARD_VERSION,
};
use super::checkpoint::{self, ModelError};
use super::corpus::CorpusFile;
use super::model::LstmLm;
use super::vocab::Vocab;

#[derive(Clone, Debug)]
pub struct TrainConfig {
    pub name: String,
    pub description: String,
    pub embed_dim: usize,
    pub hidden_size: usize,
    pub layers: usize,
    pub dropout: f64,
    pub batch_size: usize,
    pub bptt: usize,
    pub learning_rate: f64,
    /// Final learning rate as a fraction of the initial one (cosine decay).
    pub final_lr_fraction: f64,
    pub clip_norm: f64,
    /// Steps to run in this invocation.
    pub steps: u64,
    pub checkpoint_every: u64,
    pub validation_fraction: f64,
    /// Upper bound on held-out tokens scored per validation, to keep it quick.
    pub max_validation_tokens: usize,
    pub seed: u64,
    pub max_vocab: usize,
    pub min_char_count: usize,
    pub licences: Vec<String>,
}

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig {
            name: "model".into(),
            description: String::new(),
            embed_dim: 64,
            hidden_size: 256,
            layers: 2,
            dropout: 0.1,
            batch_size: 32,
            bptt: 128,
            learning_rate: 2e-3,
            final_lr_fraction: 0.1,
            clip_norm: 5.0,
            steps: 1000,
            checkpoint_every: 200,
            validation_fraction: 0.05,
            max_validation_tokens: 200_000,
            seed: 42,
            max_vocab: 256,
            min_char_count: 1,
            licences: Vec::new(),
        }
    }
}

impl TrainConfig {
    pub fn validate(&self) -> Result<(), InvalidSetting> {
        InvalidSetting::first_failed(&[
            (self.batch_size >= 1, "--batch-size", "at least 1"),
            (self.bptt >= 1, "--bptt", "at least 1"),
            (self.steps >= 1, "--steps", "at least 1"),
            (
                self.learning_rate > 0.0 && self.learning_rate.is_finite(),
                "--lr",
                "a positive number",
            ),
            (
                (0.0..=1.0).contains(&self.final_lr_fraction),
                "--final-lr-fraction",
                "in [0, 1]",
            ),
            (self.clip_norm > 0.0, "--clip", "positive"),
            (
                self.validation_fraction > 0.0 && self.validation_fraction < 0.5,
                "--val-fraction",
                "in (0, 0.5)",
            ),
            (self.max_vocab >= 2, "--max-vocab", "at least 2"),
        ])
    }
}

/// What a progress display needs after each step.
#[derive(Clone, Debug)]
pub struct Progress {
    pub step: u64,
    pub total_steps: u64,
    pub loss_bits_per_char: f64,
    pub tokens_per_second: f64,
    pub learning_rate: f64,
    pub validation_bits_per_char: Option<f64>,
    pub checkpoint_saved: bool,
}

#[derive(Debug)]
pub struct TrainOutcome {
    pub card: ModelCard,
    pub files: checkpoint::ModelFiles,
    pub interrupted: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum TrainError {
    #[error(transparent)]
    Corpus(#[from] super::corpus::CorpusError),
    #[error(transparent)]
    Model(#[from] ModelError),
    #[error("invalid training settings: {0}")]
    Config(#[from] InvalidSetting),
    #[error(
        "the training text has {tokens} tokens, too few for batch size {batch} and bptt {bptt}"
    )]
    TooSmall {
        tokens: usize,
        batch: usize,
        bptt: usize,
    },
    #[error("libtorch failed: {0}")]
    Torch(#[from] tch::TchError),
}

/// Token streams laid out as `[batch, length]` so that row `b` continues
/// where it left off at the next window: the recurrent state is carried
/// across windows (truncated BPTT), which is what the model will see when
/// generating long text.
struct Streams {
    data: Tensor,
    len: i64,
    pos: i64,
    bptt: i64,
}

impl Streams {
    fn new(tokens: &[u32], batch: usize, bptt: usize, device: Device) -> Option<Streams> {
        let len = tokens.len() / batch;
        if len < 2 {
            return None;
        }
        let ids: Vec<i64> = tokens[..len * batch].iter().map(|&t| t as i64).collect();
        let data = Tensor::from_slice(&ids)
            .view([batch as i64, len as i64])
            .to_device(device);
        Some(Streams {
            data,
            len: len as i64,
            pos: 0,
            bptt: bptt as i64,
        })
    }

    /// Next (input, target) window; `true` when the streams wrapped around
    /// and the carried state must be reset.
    fn next_window(&mut self) -> (Tensor, Tensor, bool) {
        let mut wrapped = false;
        if self.pos + 1 >= self.len {
            self.pos = 0;
            wrapped = true;
        }
        let t = self.bptt.min(self.len - 1 - self.pos);
        let x = self.data.narrow(1, self.pos, t);
        let y = self.data.narrow(1, self.pos + 1, t);
        self.pos += t;
        (x, y, wrapped)
    }
}

/// Mean loss in bits per character of `model` over `tokens`, scored as
/// `streams` parallel streams with state carried across windows.
pub fn bits_per_char(model: &LstmLm, tokens: &[u32], streams: usize, window: usize) -> Option<f64> {
    let streams = streams.min(tokens.len() / 2).max(1);
    let mut s = Streams::new(tokens, streams, window, model.device())?;
    tch::no_grad(|| {
        let mut state = model.zero_state(streams as i64);
        let mut total_nats = 0.0;
        let mut count = 0i64;
        loop {
            let (x, y, wrapped) = s.next_window();
            if wrapped {
                break;
            }
            let (logits, next) = model.forward(&x, &state, false);
            let v = logits.size()[2];
            let loss = logits.view([-1, v]).cross_entropy_loss::<Tensor>(
                &y.reshape([-1]),
                None,
                tch::Reduction::Sum,
                -100,
                0.0,
            );
            total_nats += loss.double_value(&[]);
            count += y.numel() as i64;
            state = next;
        }
        (count > 0).then(|| total_nats / count as f64 / std::f64::consts::LN_2)
    })
}

pub struct Trainer {
    pub cfg: TrainConfig,
    pub output: PathBuf,
    pub device: Device,
    /// Continue from the model at `output` instead of starting afresh.
    pub resume: bool,
}

impl Trainer {
    pub fn run(
        &self,
        files: &[PathBuf],
        stop: &AtomicBool,
        mut on_progress: impl FnMut(&Progress),
    ) -> Result<TrainOutcome, TrainError> {
        let cfg = &self.cfg;
        cfg.validate()?;
        let corpora = files
            .iter()
            .map(|p| CorpusFile::read(p))
            .collect::<Result<Vec<_>, _>>()?;
        tch::manual_seed(cfg.seed as i64);

        let (vs, model, vocab, mut record, hyper, name, description) = if self.resume {
            let loaded = checkpoint::load(&self.output, self.device)?;
            let card = loaded.card;
            (
                loaded.vs,
                loaded.model,
                loaded.vocab,
                card.training,
                card.hyper,
                card.name,
                card.description,
            )
        } else {
            let vocab = Vocab::from_texts(
                corpora.iter().map(|c| c.text.as_str()),
                cfg.min_char_count,
                cfg.max_vocab,
            );
            let hyper = HyperParams {
                vocab_size: vocab.len(),
                embed_dim: cfg.embed_dim,
                hidden_size: cfg.hidden_size,
                layers: cfg.layers,
                dropout: cfg.dropout,
            };
            hyper.validate()?;
            let vs = nn::VarStore::new(self.device);
            let model = LstmLm::new(&vs.root(), &hyper);
            (
                vs,
                model,
                vocab,
                TrainingRecord::default(),
                hyper,
                cfg.name.clone(),
                cfg.description.clone(),
            )
        };

        let mut train_tokens = Vec::new();
        let mut val_tokens = Vec::new();
        for c in &corpora {
            let (train, val) = c.split(cfg.validation_fraction);
            train_tokens.extend(vocab.encode(train));
            val_tokens.extend(vocab.encode(val));
        }
        val_tokens.truncate(cfg.max_validation_tokens);
        let too_small = TrainError::TooSmall {
            tokens: train_tokens.len(),
            batch: cfg.batch_size,
            bptt: cfg.bptt,
        };
        let mut streams =
            Streams::new(&train_tokens, cfg.batch_size, cfg.bptt, self.device).ok_or(too_small)?;
        // Validation streams: enough of them to be quick, few enough to carry context.
        let val_streams = (val_tokens.len() / 2048).clamp(1, 64);

        record.corpora = corpora
            .iter()
            .map(|c| CorpusRecord {
                name: c.path.file_name().map_or_else(
                    || c.path.display().to_string(),
                    |n| n.to_string_lossy().into_owned(),
                ),
                bytes: c.text.len() as u64,
                licence: None,
            })
            .collect();
        if !cfg.licences.is_empty() {
            for (rec, lic) in record.corpora.iter_mut().zip(cfg.licences.iter().cycle()) {
                rec.licence = Some(lic.clone());
            }
        }
        record.batch_size = cfg.batch_size;
        record.bptt = cfg.bptt;
        record.learning_rate = cfg.learning_rate;
        record.seed = cfg.seed;
        record.device = format!("{:?}", self.device);

        let mut opt = nn::Adam::default().build(&vs, cfg.learning_rate)?;
        let _reuse = super::heap::HeapReuse::begin();
        let start_step = record.steps;
        let total = start_step + cfg.steps;
        let started = Instant::now();
        let prior_seconds = record.training_seconds;
        let mut state = model.zero_state(cfg.batch_size as i64);
        let mut smoothed: Option<f64> = None;
        let mut window_tokens = 0u64;
        let mut window_start = Instant::now();
        let mut tokens_per_second = 0.0;
        let mut interrupted = false;
        let card_for = |record: &TrainingRecord| ModelCard {
            format: CARD_FORMAT.into(),
            format_version: CARD_VERSION,
            name: name.clone(),
            description: description.clone(),
            hyper: hyper.clone(),
            vocab: vocab.entries(),
            training: record.clone(),
            versions: Versions::current(),
        };
        let mut files = checkpoint::ModelFiles::new(&self.output);
        // Measures the held-out split, records it and writes weights + card.
        let save_checkpoint = |record: &mut TrainingRecord, smoothed: Option<f64>| {
            record.validation_bits_per_char = bits_per_char(&model, &val_tokens, val_streams, 256);
            record.validation_tokens = val_tokens.len() as u64;
            record.train_loss_bits_per_char = smoothed;
            record.training_seconds = prior_seconds + started.elapsed().as_secs_f64();
            checkpoint::save(&vs, &card_for(record), &self.output)
        };

        for step in start_step + 1..=total {
            if stop.load(Ordering::SeqCst) {
                interrupted = true;
                break;
            }
            let progress_through = (step - 1) as f64 / total.max(1) as f64;
            let lr = cfg.learning_rate
                * (cfg.final_lr_fraction
                    + (1.0 - cfg.final_lr_fraction)
                        * 0.5
                        * (1.0 + (std::f64::consts::PI * progress_through).cos()));
            opt.set_lr(lr);
            let (x, y, wrapped) = streams.next_window();
            if wrapped {
                state = model.zero_state(cfg.batch_size as i64);
            }
            let (logits, next) = model.forward(&x, &state, true);
            state = next.detach();
            let loss = logits
                .view([-1, hyper.vocab_size as i64])
                .cross_entropy_for_logits(&y.reshape([-1]));
            opt.backward_step_clip_norm(&loss, cfg.clip_norm);
            let bits = loss.double_value(&[]) / std::f64::consts::LN_2;
            smoothed = Some(smoothed.map_or(bits, |s| 0.98 * s + 0.02 * bits));
            let n = y.numel() as u64;
            record.tokens_seen += n;
            record.steps = step;
            window_tokens += n;
            let elapsed = window_start.elapsed().as_secs_f64();
            if elapsed >= 1.0 {
                tokens_per_second = window_tokens as f64 / elapsed;
                window_tokens = 0;
                window_start = Instant::now();
            }
            let checkpoint_due = step % cfg.checkpoint_every.max(1) == 0 || step == total;
            let mut validation = None;
            if checkpoint_due {
                files = save_checkpoint(&mut record, smoothed)?;
                validation = record.validation_bits_per_char;
            }
            on_progress(&Progress {
                step,
                total_steps: total,
                loss_bits_per_char: smoothed.unwrap_or(bits),
                tokens_per_second,
                learning_rate: lr,
                validation_bits_per_char: validation,
                checkpoint_saved: checkpoint_due,
            });
        }
        if interrupted {
            files = save_checkpoint(&mut record, smoothed)?;
        }
        Ok(TrainOutcome {
            card: card_for(&record),
            files,
            interrupted,
        })
    }
}
