//! Multinomial naive Bayes over the classifier's tokens (for Chinese text
//! these are its characters): the simple baseline a trained network has to
//! beat.

use std::collections::HashMap;

use super::tokens::tokens;
use super::{Label, Sentiment};

pub const BASELINE_NAME: &str = "naive-bayes";

/// Tokens read per text, as the classifier reads them.
const MAX_TOKENS: usize = 256;

pub struct NaiveBayes {
    labels: Vec<Label>,
    log_prior: Vec<f64>,
    /// Per token, its count in each class.
    counts: HashMap<String, Vec<u32>>,
    totals: Vec<f64>,
    vocab: f64,
}

impl NaiveBayes {
    /// Trains on `(label, text)` rows, with add-one smoothing.
    pub fn train<'a>(rows: impl IntoIterator<Item = (Label, &'a str)>) -> NaiveBayes {
        let mut labels: Vec<Label> = Vec::new();
        let mut docs: Vec<f64> = Vec::new();
        let mut counts: HashMap<String, Vec<u32>> = HashMap::new();
        let mut totals: Vec<f64> = Vec::new();
        let mut rows: Vec<(Label, &str)> = rows.into_iter().collect();
        rows.sort_by_key(|r| r.0.index());
        for (label, _) in &rows {
            if !labels.contains(label) {
                labels.push(*label);
                docs.push(0.0);
                totals.push(0.0);
            }
        }
        for (label, text) in rows {
            let k = labels.iter().position(|&l| l == label).unwrap_or(0);
            docs[k] += 1.0;
            for t in tokens(text, MAX_TOKENS) {
                counts.entry(t).or_insert_with(|| vec![0; labels.len()])[k] += 1;
                totals[k] += 1.0;
            }
        }
        let all: f64 = docs.iter().sum::<f64>().max(1.0);
        NaiveBayes {
            log_prior: docs.iter().map(|d| (d.max(0.5) / all).ln()).collect(),
            vocab: counts.len().max(1) as f64,
            labels,
            counts,
            totals,
        }
    }

    /// The most probable class; the score is P(positive) − P(negative).
    pub fn score(&self, text: &str) -> Sentiment {
        if self.labels.is_empty() {
            return Sentiment::NEUTRAL;
        }
        let mut logp = self.log_prior.clone();
        for t in tokens(text, MAX_TOKENS) {
            // Unseen tokens favour no class.
            let Some(c) = self.counts.get(&t) else {
                continue;
            };
            for (k, lp) in logp.iter_mut().enumerate() {
                *lp += ((c[k] as f64 + 1.0) / (self.totals[k] + self.vocab)).ln();
            }
        }
        let top = logp.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let exps: Vec<f64> = logp.iter().map(|l| (l - top).exp()).collect();
        let total: f64 = exps.iter().sum();
        let prob = |want: Label| {
            self.labels
                .iter()
                .position(|&l| l == want)
                .map_or(0.0, |i| exps[i] / total)
        };
        let best = (0..exps.len())
            .max_by(|&a, &b| exps[a].total_cmp(&exps[b]))
            .unwrap_or(0);
        Sentiment {
            score: (prob(Label::Positive) - prob(Label::Negative)) as f32,
            label: self.labels[best],
            scorer: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn learns_characters() {
        let nb = NaiveBayes::train([
            (Label::Positive, "很好很满意"),
            (Label::Positive, "好看，喜欢"),
            (Label::Negative, "太差了，失望"),
            (Label::Negative, "很差，不喜欢"),
        ]);
        assert_eq!(nb.score("满意").label, Label::Positive);
        assert_eq!(nb.score("失望").label, Label::Negative);
        assert!(nb.score("好").score > 0.0 && nb.score("差").score < 0.0);
        let untrained = NaiveBayes::train(std::iter::empty());
        assert_eq!(untrained.score("好"), Sentiment::NEUTRAL);
    }
}
