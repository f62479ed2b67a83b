//! `fabula train`: trains a model with a progress bar; Ctrl-C saves first.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use anyhow::Context;
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};

use crate::lm::train::{TrainConfig, Trainer};

#[derive(Debug, Args)]
pub struct TrainArgs {
    /// UTF-8 text files to train on (the tail of each is held out for validation).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Where to write the model: PATH.safetensors and PATH.json.
    #[arg(short, long)]
    pub output: PathBuf,
    /// Continue training the model at --output.
    #[arg(long)]
    pub resume: bool,
    /// Model name recorded in the card (default: the output file name).
    #[arg(long)]
    pub name: Option<String>,
    #[arg(long, default_value = "")]
    pub description: String,
    #[arg(long, default_value_t = 64)]
    pub embed: usize,
    #[arg(long, default_value_t = 256)]
    pub hidden: usize,
    #[arg(long, default_value_t = 2)]
    pub layers: usize,
    #[arg(long, default_value_t = 0.1)]
    pub dropout: f64,
    #[arg(long, default_value_t = 32)]
    pub batch_size: usize,
    #[arg(long, default_value_t = 128)]
    pub bptt: usize,
    #[arg(long, default_value_t = 2e-3)]
    pub lr: f64,
    /// Final learning rate as a fraction of --lr (cosine decay over --steps).
    #[arg(long, default_value_t = 0.1)]
    pub final_lr_fraction: f64,
    /// Gradient norm clipping threshold.
    #[arg(long, default_value_t = 5.0)]
    pub clip: f64,
    #[arg(long, default_value_t = 1000)]
    pub steps: u64,
    /// Save a checkpoint (and measure validation) every K steps.
    #[arg(long, default_value_t = 200)]
    pub checkpoint_every: u64,
    #[arg(long, default_value_t = 0.05)]
    pub val_fraction: f64,
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// auto, cpu or cuda.
    #[arg(long, default_value = "auto")]
    pub device: String,
    #[arg(long)]
    pub threads: Option<usize>,
    /// Largest vocabulary (rarer characters become the unknown token).
    #[arg(long, default_value_t = 256)]
    pub max_vocab: usize,
    /// Characters seen fewer times than this become the unknown token.
    #[arg(long, default_value_t = 1)]
    pub min_char_count: usize,
    /// Licence of the training texts, recorded in the card (repeat per file, in order).
    #[arg(long)]
    pub licence: Vec<String>,
}

pub fn run(args: TrainArgs) -> anyhow::Result<()> {
    super::set_threads(args.threads)?;
    let device = crate::lm::parse_device(&args.device)?;
    // Fail now, not after the training, when the model cannot be saved.
    crate::lm::checkpoint::check_writable(&args.output).context("the output cannot be written")?;
    let name = args.name.clone().unwrap_or_else(|| {
        args.output
            .file_stem()
            .map_or_else(|| "model".into(), |s| s.to_string_lossy().into_owned())
    });
    let cfg = TrainConfig {
        name,
        description: args.description.clone(),
        embed_dim: args.embed,
        hidden_size: args.hidden,
        layers: args.layers,
        dropout: args.dropout,
        batch_size: args.batch_size,
        bptt: args.bptt,
        learning_rate: args.lr,
        final_lr_fraction: args.final_lr_fraction,
        clip_norm: args.clip,
        steps: args.steps,
        checkpoint_every: args.checkpoint_every,
        validation_fraction: args.val_fraction,
        seed: args.seed,
        max_vocab: args.max_vocab,
        min_char_count: args.min_char_count,
        licences: args.licence.clone(),
        ..TrainConfig::default()
    };
    let stop = Arc::new(AtomicBool::new(false));
    {
        let stop = stop.clone();
        // First Ctrl-C: finish the step and save; a second one quits at once.
        ctrlc::set_handler(move || {
            if stop.swap(true, Ordering::SeqCst) {
                std::process::exit(130);
            }
        })
        .context("installing the Ctrl-C handler")?;
    }
    let trainer = Trainer {
        cfg,
        output: args.output.clone(),
        device,
        resume: args.resume,
    };
    let bar = ProgressBar::new(args.steps);
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} steps  {msg}  ETA {eta}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let mut first_step = None;
    // Without a terminal the bar is hidden: log a line every half minute instead.
    let quiet_bar = bar.is_hidden();
    let mut last_line = std::time::Instant::now();
    let outcome = trainer.run(&args.files, &stop, |p| {
        if quiet_bar && !p.checkpoint_saved && last_line.elapsed().as_secs() >= 30 {
            last_line = std::time::Instant::now();
            eprintln!(
                "step {}/{}: loss {:.3} bpc, {:.0} tok/s, lr {:.2e}",
                p.step, p.total_steps, p.loss_bits_per_char, p.tokens_per_second, p.learning_rate
            );
        }
        let first = *first_step.get_or_insert(p.step);
        bar.set_position(p.step + 1 - first);
        bar.set_message(format!(
            "loss {:.3} bpc  {:.0} tok/s  lr {:.2e}",
            p.loss_bits_per_char, p.tokens_per_second, p.learning_rate
        ));
        if p.checkpoint_saved {
            let val = p
                .validation_bits_per_char
                .map_or_else(|| "n/a".into(), |v| format!("{v:.3}"));
            let line = format!(
                "step {}/{}: train {:.3} bpc, validation {} bpc, {:.0} tok/s, checkpoint saved",
                p.step, p.total_steps, p.loss_bits_per_char, val, p.tokens_per_second
            );
            if quiet_bar {
                eprintln!("{line}");
            } else {
                bar.println(line);
            }
        }
    })?;
    bar.finish_and_clear();
    let t = &outcome.card.training;
    println!(
        "{} model {} ({} parameters): {} steps, {} tokens, {:.0} s, validation {} bpc",
        if outcome.interrupted {
            "interrupted; saved"
        } else {
            "saved"
        },
        outcome.files.weights.display(),
        outcome.card.hyper.parameter_count(),
        t.steps,
        t.tokens_seen,
        t.training_seconds,
        t.validation_bits_per_char
            .map_or_else(|| "n/a".into(), |v| format!("{v:.3}")),
    );
    if outcome.interrupted {
        std::process::exit(130);
    }
    Ok(())
}
