//! Command-line interface: argument definitions and one module per command.

pub mod bench;
pub mod crash;
pub mod eval;
pub mod eval_talk;
pub mod generate;
pub mod headless;
pub mod history;
pub mod lyrics;
pub mod lyrics_zh;
pub mod pick_bench;
pub mod plain;
pub mod play;
pub mod replay;
pub mod review;
pub mod sentiment;
pub mod sentiment_eval;
pub mod train;
pub mod train_sentiment;
pub mod transcripts;

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
    /// Play without the TUI: actions on stdin (a number picks a choice),
    /// the story as a transcript on stdout.
    #[arg(long)]
    pub plain: bool,
    /// With --plain: the same seed gives the same story.
    #[arg(long, requires = "plain")]
    pub seed: Option<u64>,
    /// With --plain: start from built-in opening N (1-5).
    #[arg(long, requires = "plain", conflicts_with = "opening_text")]
    pub opening: Option<usize>,
    /// With --plain: steer the story toward this mood (hopeful, tense, dark).
    #[arg(long, requires = "plain")]
    pub mood: Option<crate::story::Mood>,
    /// With --plain: start from this opening paragraph.
    #[arg(long, requires = "plain")]
    pub opening_text: Option<String>,
    /// Play without the play history: it is neither read (openings and
    /// choices keep their usual order) nor added to.
    #[arg(long)]
    pub no_history: bool,
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
    /// Write every passage of a saved story again from its stored inputs
    /// and report which are byte-identical.
    Replay(replay::ReplayArgs),
    /// Score each line of stdin: `score<TAB>label` (or --eval a labelled file).
    Sentiment(sentiment::SentimentArgs),
    /// Turn play transcripts into the story model's training text (scene
    /// lines before actions, the action's object as a slot).
    Transcripts(transcripts::TranscriptsArgs),
    /// Train the Embedding -> LSTM -> Dense sentiment classifier of a language.
    TrainSentiment(train_sentiment::TrainSentimentArgs),
    /// Measure sampling and training speed (and compare with PyTorch).
    Bench(bench::BenchArgs),
    /// What your play history holds and recommends (--forget deletes it,
    /// --eval measures the recommender).
    History(history::HistoryArgs),
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

/// Writes `text` to stdout. A reader that went away (`| head -1`) ends
/// the output quietly, as with other Unix tools, instead of an error.
pub fn print_stdout(text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(anyhow::Error::new(e).context("writing to stdout")),
        Ok(()) => Ok(()),
    }
}

/// An error as the one line (or few lines) fabula prints: each cause once
/// (an error that already quotes its source, like `PATH: OS ERROR`, is not
/// followed by the same OS error again), with no control characters from
/// file content.
pub fn error_message(e: &anyhow::Error) -> String {
    let mut message = String::new();
    for cause in e.chain() {
        let text = cause.to_string();
        if message.contains(&text) {
            continue;
        }
        if !message.is_empty() {
            message.push_str(": ");
        }
        message.push_str(&text);
    }
    crate::text_safety::printable(&message).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("{path}: {source}")]
    struct WithPath {
        path: String,
        source: std::io::Error,
    }

    #[test]
    fn the_os_error_is_said_once_and_the_path_named() {
        let io = std::io::Error::from(std::io::ErrorKind::NotFound);
        let said = io.to_string();
        let e = anyhow::Error::new(WithPath {
            path: "/data/s.json".into(),
            source: io,
        })
        .context("loading the story");
        let msg = error_message(&e);
        assert_eq!(msg, format!("loading the story: /data/s.json: {said}"));
        assert_eq!(msg.matches(&said).count(), 1);
    }

    #[test]
    fn error_messages_carry_no_control_sequences() {
        let e = anyhow::anyhow!("bad \u{1b}]0;owned\u{7}title\u{202e}\nsecond line");
        assert_eq!(error_message(&e), "bad ]0;ownedtitle\nsecond line");
    }
}
