//! `fabula transcripts`: plain play transcripts turned into the story
//! model's training form (scene lines, the object slot); see
//! [`crate::narrator::annotate`].

use std::path::PathBuf;

use anyhow::Context;
use clap::Args;

use crate::narrator::annotate::annotate;

#[derive(Debug, Args)]
pub struct TranscriptsArgs {
    /// Transcripts: an opening, then `> action` lines each followed by a
    /// blank line and the response; `### ...` starts a new game.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Where the training text goes.
    #[arg(short, long)]
    pub output: PathBuf,
}

pub fn run(args: TranscriptsArgs) -> anyhow::Result<()> {
    let mut text = String::new();
    for f in &args.files {
        let t = std::fs::read_to_string(f)
            .with_context(|| format!("reading the transcript {}", f.display()))?;
        text.push_str(&t);
        text.push_str("\n\n");
    }
    let a = annotate(&text);
    anyhow::ensure!(
        a.turns > 0,
        "no turns found: a transcript needs `> action` lines"
    );
    std::fs::write(&args.output, &a.text)
        .with_context(|| format!("writing {}", args.output.display()))?;
    eprintln!(
        "{} games, {} turns, {} bytes; the action's object became the slot in {} of {} responses to an action with an object",
        a.games,
        a.turns,
        a.text.len(),
        a.slotted,
        a.with_object
    );
    Ok(())
}
