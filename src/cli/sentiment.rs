//! `fabula sentiment`: scores each line of stdin (`score<TAB>label`), or
//! measures accuracy on a labelled file with `--eval`.

use std::io::{BufRead, Write};
use std::path::PathBuf;

use anyhow::Context;
use clap::Args;

use crate::sentiment::{evaluate, Scorer};

#[derive(Debug, Args)]
pub struct SentimentArgs {
    /// Measure accuracy on a `label<TAB>text` file instead of reading stdin.
    #[arg(long)]
    pub eval: Option<PathBuf>,
}

pub fn run(args: SentimentArgs) -> anyhow::Result<()> {
    let scorer = Scorer::builtin();
    if let Some(path) = args.eval {
        let bytes = std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
        let text = String::from_utf8(bytes).map_err(|e| {
            anyhow::anyhow!(
                "{}: not UTF-8 at byte {}",
                path.display(),
                e.utf8_error().valid_up_to()
            )
        })?;
        let report = evaluate(scorer, &text).with_context(|| format!("{}", path.display()))?;
        println!("{report}");
        println!(
            "accuracy={:.3} polar_accuracy={:.3} n={}",
            report.accuracy, report.polar_accuracy, report.n
        );
        return Ok(());
    }
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    // Lines are read as bytes so one bad line is reported, not fatal to the rest.
    for (i, line) in stdin.lock().split(b'\n').enumerate() {
        let line = line.context("reading stdin")?;
        let text = String::from_utf8_lossy(&line);
        let s = scorer.score(text.trim_end_matches('\r'));
        if writeln!(out, "{:.4}\t{}", s.score, s.label).is_err() {
            // Reader went away (`| head`): stop quietly.
            return Ok(());
        }
        if i % 256 == 0 {
            let _ = out.flush();
        }
    }
    let _ = out.flush();
    Ok(())
}
