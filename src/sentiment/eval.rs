//! Accuracy of a [`Scorer`] against a labelled TSV (`label<TAB>text` per line).

use std::fmt;

use serde::Serialize;

use super::{Label, Scorer, Sentiment};

/// A labelled file that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EvalError {
    #[error("line {line}: expected `label<TAB>text`, found no tab")]
    MissingTab { line: usize },
    #[error(
        "line {line}: unknown label `{label}` (expected negative, neutral, positive, neg or pos)"
    )]
    UnknownLabel { line: usize, label: String },
    #[error("no labelled examples found")]
    Empty,
}

/// Agreement between gold labels and the scorer's predictions.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Evaluation {
    /// Number of labelled examples.
    pub n: usize,
    /// Fraction of examples whose predicted label equals the gold label.
    pub accuracy: f64,
    /// Number of examples labelled positive or negative.
    pub polar_n: usize,
    /// On the polar examples, fraction whose score has the gold sign
    /// (a score of exactly 0 counts as wrong); 0 when `polar_n` is 0.
    pub polar_accuracy: f64,
    /// `confusion[gold][predicted]`, indexed as [`Label::ALL`].
    pub confusion: [[usize; 3]; 3],
}

/// The `label<TAB>text` rows of `labelled_tsv`, in order.
///
/// Blank lines and lines starting with `#` are skipped, as is a first line
/// whose label column reads `label` (a header). The text is everything after
/// the first tab.
pub fn parse_labelled(labelled_tsv: &str) -> Result<Vec<(Label, &str)>, EvalError> {
    let mut rows = Vec::new();
    let mut seen_content = false;
    for (idx, line) in labelled_tsv.lines().enumerate() {
        let line_no = idx + 1;
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let (label, text) = line
            .split_once('\t')
            .ok_or(EvalError::MissingTab { line: line_no })?;
        let is_header = !seen_content && label.trim().eq_ignore_ascii_case("label");
        seen_content = true;
        if is_header {
            continue;
        }
        let gold: Label = label.parse().map_err(|_| EvalError::UnknownLabel {
            line: line_no,
            label: label.to_owned(),
        })?;
        rows.push((gold, text));
    }
    if rows.is_empty() {
        return Err(EvalError::Empty);
    }
    Ok(rows)
}

/// Scores every `label<TAB>text` line of `labelled_tsv` (read as
/// [`parse_labelled`] reads it).
pub fn evaluate(scorer: &Scorer, labelled_tsv: &str) -> Result<Evaluation, EvalError> {
    let rows = parse_labelled(labelled_tsv)?;
    Ok(tally(
        rows.iter().map(|&(gold, text)| (gold, scorer.score(text))),
    ))
}

/// Agreement of `(gold, predicted)` pairs; all zero for none.
pub fn tally(pairs: impl IntoIterator<Item = (Label, Sentiment)>) -> Evaluation {
    let mut confusion = [[0usize; 3]; 3];
    let (mut n, mut correct, mut polar_n, mut polar_correct) = (0, 0, 0, 0);
    for (gold, predicted) in pairs {
        n += 1;
        confusion[gold.index()][predicted.label.index()] += 1;
        if predicted.label == gold {
            correct += 1;
        }
        match gold {
            Label::Positive | Label::Negative => {
                polar_n += 1;
                let sign_ok = match gold {
                    Label::Positive => predicted.score > 0.0,
                    _ => predicted.score < 0.0,
                };
                if sign_ok {
                    polar_correct += 1;
                }
            }
            Label::Neutral => {}
        }
    }
    Evaluation {
        n,
        accuracy: ratio(correct, n),
        polar_n,
        polar_accuracy: ratio(polar_correct, polar_n),
        confusion,
    }
}

fn ratio(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

impl fmt::Display for Evaluation {
    /// A short human-readable report with the confusion matrix.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "n = {}, accuracy = {:.1}%, polar accuracy = {:.1}% (n = {})",
            self.n,
            100.0 * self.accuracy,
            100.0 * self.polar_accuracy,
            self.polar_n
        )?;
        writeln!(f, "gold \\ predicted  negative   neutral  positive")?;
        for label in Label::ALL {
            let row = &self.confusion[label.index()];
            writeln!(
                f,
                "{:>17} {:>9} {:>9} {:>9}",
                label.as_str(),
                row[0],
                row[1],
                row[2]
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eval(tsv: &str) -> Result<Evaluation, EvalError> {
        evaluate(Scorer::builtin(), tsv)
    }

    #[test]
    fn counts_and_accuracies() {
        let tsv = "label\ttext\n\
                   positive\tWhat a wonderful day\n\
                   neg\tI hate this awful place\n\
                   \n\
                   # comment\n\
                   neutral\tThe door is made of wood\n\
                   pos\tnot good at all\n";
        let e = eval(tsv).unwrap();
        assert_eq!(e.n, 4);
        assert_eq!(e.polar_n, 3);
        assert!((e.accuracy - 0.75).abs() < 1e-9);
        assert!((e.polar_accuracy - 2.0 / 3.0).abs() < 1e-9);
        assert_eq!(e.confusion[2][2], 1);
        assert_eq!(e.confusion[2][0], 1);
        assert_eq!(e.confusion[0][0], 1);
        assert_eq!(e.confusion[1][1], 1);
        assert_eq!(e.confusion.iter().flatten().sum::<usize>(), 4);
        assert!(e.to_string().contains("accuracy = 75.0%"));
    }

    #[test]
    fn crlf_and_tabs_in_text() {
        let e = eval("positive\tgood\tand\tfine\r\nnegative\tbad\r\n").unwrap();
        assert_eq!(e.n, 2);
        assert_eq!(e.accuracy, 1.0);
    }

    #[test]
    fn malformed_lines_name_the_line() {
        assert_eq!(
            eval("positive\tgood\nno tab here\n"),
            Err(EvalError::MissingTab { line: 2 })
        );
        let err = eval("positive\tgood\n\nhappy\tgood\n").unwrap_err();
        assert_eq!(
            err,
            EvalError::UnknownLabel {
                line: 3,
                label: "happy".into()
            }
        );
        assert!(err.to_string().starts_with("line 3:"));
        assert_eq!(
            eval("positive\tgood\nlabel\ttext\n"),
            Err(EvalError::UnknownLabel {
                line: 2,
                label: "label".into()
            }),
            "a header is only allowed first"
        );
    }

    #[test]
    fn empty_input_is_an_error() {
        assert_eq!(eval(""), Err(EvalError::Empty));
        assert_eq!(eval("label\ttext\n# nothing\n"), Err(EvalError::Empty));
    }
}
