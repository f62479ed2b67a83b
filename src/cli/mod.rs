//! Command-line interface: argument definitions and one module per command.

pub mod bench;
pub mod crash;
pub mod eval;
pub mod generate;
pub mod lyrics;
pub mod play;
pub mod review;
pub mod sentiment;
pub mod train;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "fabula",
    version,
    about = "Branching stories, lyrics and transcript review on a character LSTM"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Configuration file (default: config.toml in the user's config folder).
    #[arg(long, global = true)]
    pub config: Option<std::path::PathBuf>,
    /// Continue a saved story: its id or path; the most recent when no value is given.
    #[arg(long, num_args = 0..=1, default_missing_value = "")]
    pub resume: Option<String>,
    /// List saved stories and exit.
    #[arg(long)]
    pub sessions: bool,
    /// Story model to play with (name or path).
    #[arg(long)]
    pub model: Option<String>,
    /// Print where the configuration file is looked for and exit.
    #[arg(long)]
    pub print_config_path: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Train a model on UTF-8 text files.
    Train(train::TrainArgs),
    /// Stream generated text to stdout.
    Generate(generate::GenerateArgs),
    /// Print a model's bits per character on a text file.
    Eval(eval::EvalArgs),
    /// Draft song lyrics (the editor, or --print a song to stdout).
    Lyrics(lyrics::LyricsArgs),
    /// Review a saved story or an interactive-fiction transcript.
    Review(review::ReviewArgs),
    /// Score each line of stdin: `score<TAB>label` (or --eval a labelled file).
    Sentiment(sentiment::SentimentArgs),
    /// Measure sampling and training speed (and compare with PyTorch).
    Bench(bench::BenchArgs),
}

/// Sets libtorch's intra-op thread count when asked.
pub fn set_threads(threads: Option<usize>) -> anyhow::Result<()> {
    if let Some(n) = threads {
        anyhow::ensure!(
            (1..=1024).contains(&n),
            "--threads must be between 1 and 1024, got {n}"
        );
        tch::set_num_threads(n as i32);
    }
    Ok(())
}
