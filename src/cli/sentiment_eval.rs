//! `fabula sentiment --eval`: every scorer's accuracy on the held-out test
//! split of each language's shipped data, side by side, and which scorer
//! story turns of that language get.

use std::fmt::Write as _;

use crate::sentiment::baseline::{NaiveBayes, BASELINE_NAME};
use crate::sentiment::classifier::Classifier;
use crate::sentiment::lang::Lang;
use crate::sentiment::train::{self, Split, SPLIT_RULE};
use crate::sentiment::turn::{model_name, turn_scorer, ScorerName};
use crate::sentiment::{tally, Evaluation, Scorer, Sentiment};

fn row(out: &mut String, lang: Lang, scorer: &str, e: &Evaluation, in_use: bool) {
    let _ = writeln!(
        out,
        "{:<8}  {:<12}  {:>5}  {:>8.3}  {:>14.3}  {}",
        lang.code(),
        scorer,
        e.n,
        e.accuracy,
        e.polar_accuracy,
        if in_use { "yes" } else { "" }
    );
}

pub fn run() -> anyhow::Result<()> {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "held-out test splits ({SPLIT_RULE}): never trained on, never used to pick an epoch"
    );
    let _ = writeln!(
        out,
        "{:<8}  {:<12}  {:>5}  {:>8}  {:>14}  in use",
        "language", "scorer", "n", "accuracy", "polar accuracy"
    );
    let mut notes = Vec::new();
    for lang in Lang::ALL {
        let rel = train::default_data(lang);
        let Some(path) = train::find_asset(rel) else {
            notes.push(format!("{}: {rel} not found", lang.code()));
            continue;
        };
        let examples = train::read_examples(&path)?;
        let test = train::split(&examples, Split::Test);
        let eval =
            |f: &dyn Fn(&str) -> Sentiment| tally(test.iter().map(|e| (e.label, f(&e.text))));
        let chosen = turn_scorer().chosen(lang);
        let lexicon = Scorer::builtin();
        row(
            &mut out,
            lang,
            "lexicon",
            &eval(&|t| lexicon.score(t)),
            chosen == ScorerName::Lexicon,
        );
        let nb = NaiveBayes::train(
            train::split(&examples, Split::Train)
                .iter()
                .map(|e| (e.label, e.text.as_str())),
        );
        row(
            &mut out,
            lang,
            BASELINE_NAME,
            &eval(&|t| nb.score(t)),
            false,
        );
        let name = model_name(lang);
        match crate::paths::resolve_model(&name) {
            Ok(p) => match Classifier::load(&p) {
                Ok(c) => row(
                    &mut out,
                    lang,
                    &format!("lstm-{}", lang.code()),
                    &eval(&|t| c.score(t)),
                    chosen != ScorerName::Lexicon,
                ),
                Err(e) => notes.push(format!("{}: {e}", lang.code())),
            },
            Err(e) => notes.push(format!("{}: {e}", lang.code())),
        }
        notes.push(format!(
            "{}: {} rows in {}; classes {}",
            lang.code(),
            examples.len(),
            rel,
            classes(&examples)
        ));
    }
    for n in notes {
        let _ = writeln!(out, "{n}");
    }
    super::print_stdout(&out)
}

fn classes(examples: &[train::Example]) -> String {
    crate::sentiment::Label::ALL
        .iter()
        .map(|l| (l, examples.iter().filter(|e| e.label == *l).count()))
        .filter(|(_, n)| *n > 0)
        .map(|(l, n)| format!("{l} {n}"))
        .collect::<Vec<_>>()
        .join(", ")
}
