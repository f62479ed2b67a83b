//! `fabula sentiment`: scores each line of stdin (`score<TAB>label`, or
//! `score<TAB>label<TAB>scorer` with `--turn`), measures the lexicon on a
//! labelled file with `--eval FILE`, or with a bare `--eval` reports every
//! scorer's held-out accuracy per language.

use std::io::{BufRead, Write};
use std::path::PathBuf;

use anyhow::Context;
use clap::Args;

use crate::sentiment::{evaluate, Scorer};

#[derive(Debug, Args)]
pub struct SentimentArgs {
    /// Measure the lexicon on a `label<TAB>text` file instead of reading
    /// stdin; with no FILE, every scorer on the held-out test splits.
    #[arg(long, num_args = 0..=1, value_name = "FILE")]
    pub eval: Option<Option<PathBuf>>,
    /// Score each line as a story turn is scored: its language detected and
    /// the best scorer for it used (named in a third column).
    #[arg(long, conflicts_with = "eval")]
    pub turn: bool,
}

pub fn run(args: SentimentArgs) -> anyhow::Result<()> {
    let scorer = Scorer::builtin();
    if let Some(None) = args.eval {
        return super::sentiment_eval::run();
    }
    if let Some(Some(path)) = args.eval {
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
    if args.turn {
        // Said once, before scoring, so a broken model file does not pass unnoticed.
        for unused in crate::sentiment::turn_scorer().unused() {
            eprintln!(
                "fabula: {}",
                crate::text_safety::printable_line(&unused.to_string())
            );
        }
    }
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    // Lines are read as bytes so one bad line is reported, not fatal to the rest.
    for (i, line) in stdin.lock().split(b'\n').enumerate() {
        let line = line.context("reading stdin")?;
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches('\r');
        let written = if args.turn {
            let s = crate::sentiment::score_turn(text);
            let name = s.scorer.map_or("lexicon", |n| n.as_str());
            writeln!(out, "{:.4}\t{}\t{name}", s.score, s.label)
        } else {
            let s = scorer.score(text);
            writeln!(out, "{:.4}\t{}", s.score, s.label)
        };
        if written.is_err() {
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
