//! `fabula review FILE`: a saved session or a transcript, read-only in the
//! TUI, or summarised on stdout with `--summary` / `--json`.

use std::path::PathBuf;

use clap::Args;

use crate::config::Config;
use crate::review::summary::{summarize, to_text};
use crate::review::transcript::open_for_review;
use crate::text_safety::{escape_json_controls, printable};

#[derive(Debug, Args)]
pub struct ReviewArgs {
    /// A fabula session (.json) or a plain-text transcript (`>` lines are the player's).
    pub file: PathBuf,
    /// Print statistics and a per-turn table instead of opening the TUI.
    #[arg(long)]
    pub summary: bool,
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: ReviewArgs, config_path: Option<&std::path::Path>) -> anyhow::Result<()> {
    let session = open_for_review(&args.file)?;
    if args.json {
        let json = serde_json::to_string_pretty(&summarize(&session))? + "\n";
        return super::print_stdout(&escape_json_controls(&json));
    }
    if args.summary {
        return super::print_stdout(&printable(&to_text(&summarize(&session))));
    }
    let (config, _) = Config::load(config_path)?;
    crate::tui::require_terminal()?;
    crate::cli::crash::install_panic_log();
    // Reading a story needs no model: none is loaded.
    crate::tui::run(config, None, crate::tui::Start::Review(session), false)
}
