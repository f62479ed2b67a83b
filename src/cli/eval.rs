//! `fabula eval`: bits per character of a model on a text file.

use std::path::PathBuf;

use clap::Args;

use crate::lm::{checkpoint, eval};

#[derive(Debug, Args)]
pub struct EvalArgs {
    /// The text to score (UTF-8).
    #[arg(long)]
    pub text: PathBuf,
    /// Model name (story, lyrics) or path.
    #[arg(short, long, default_value = "story")]
    pub model: String,
    /// Parallel streams the file is cut into.
    #[arg(long, default_value_t = 16)]
    pub streams: usize,
    /// Characters per scored window.
    #[arg(long, default_value_t = 256)]
    pub window: usize,
    #[arg(long, default_value = "auto")]
    pub device: String,
    #[arg(long)]
    pub threads: Option<usize>,
}

pub fn run(args: EvalArgs) -> anyhow::Result<()> {
    super::set_threads(args.threads)?;
    let device = crate::lm::parse_device(&args.device).map_err(anyhow::Error::msg)?;
    let path = crate::paths::resolve_model(&args.model).map_err(anyhow::Error::msg)?;
    let loaded = checkpoint::load(&path, device)?;
    let report = eval::evaluate_file(
        &loaded.model,
        &loaded.vocab,
        &args.text,
        args.streams,
        args.window,
    )?;
    println!("model={}", loaded.files.weights.display());
    println!("text={}", args.text.display());
    println!("characters_scored={}", report.predicted);
    println!("unknown_characters={}", report.unknown);
    println!("bits_per_char={:.3}", report.bits_per_char);
    Ok(())
}
