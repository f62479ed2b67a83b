//! Choosing the next token from logits: temperature, top-k, top-p (nucleus),
//! repetition penalty, a seeded generator; and stop strings that end
//! generation without ever printing part of themselves.

use std::ops::ControlFlow;

use serde::{Deserialize, Serialize};

/// Sampling settings. Defaults suit the shipped character models.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SamplingConfig {
    /// 0 means greedy (always the most likely token).
    pub temperature: f32,
    /// Keep only the k most likely tokens; 0 turns it off.
    pub top_k: usize,
    /// Keep the smallest set of tokens whose probability reaches p; 1 turns it off.
    pub top_p: f32,
    /// Divides positive (multiplies negative) logits of recently generated
    /// tokens; 1 turns it off.
    pub repetition_penalty: f32,
    /// How many recent tokens the repetition penalty looks at.
    pub repetition_window: usize,
    pub max_tokens: usize,
}

impl Default for SamplingConfig {
    fn default() -> Self {
        SamplingConfig {
            temperature: 0.8,
            top_k: 0,
            top_p: 0.95,
            repetition_penalty: 1.0,
            repetition_window: 64,
            max_tokens: 500,
        }
    }
}

/// A sampling setting out of its range; the message names the setting and
/// the range.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum SamplingError {
    #[error("temperature must be between 0 and 10 (0 is greedy), got {0}")]
    Temperature(f32),
    #[error("top-p must be in (0, 1], got {0}")]
    TopP(f32),
    #[error("repetition penalty must be between 1 and 10 (1 is off), got {0}")]
    RepetitionPenalty(f32),
    #[error("max tokens must be between 1 and 10000000, got {0}")]
    MaxTokens(usize),
    #[error("repetition window must be at most 100000, got {0}")]
    RepetitionWindow(usize),
}

impl SamplingConfig {
    /// Checks every setting.
    pub fn validate(&self) -> Result<(), SamplingError> {
        if !(0.0..=10.0).contains(&self.temperature) {
            return Err(SamplingError::Temperature(self.temperature));
        }
        if !(self.top_p > 0.0 && self.top_p <= 1.0) {
            return Err(SamplingError::TopP(self.top_p));
        }
        if !(1.0..=10.0).contains(&self.repetition_penalty) {
            return Err(SamplingError::RepetitionPenalty(self.repetition_penalty));
        }
        if self.max_tokens == 0 || self.max_tokens > 10_000_000 {
            return Err(SamplingError::MaxTokens(self.max_tokens));
        }
        if self.repetition_window > 100_000 {
            return Err(SamplingError::RepetitionWindow(self.repetition_window));
        }
        Ok(())
    }
}

/// Small, fast, seedable generator (xoshiro256**, seeded by SplitMix64) so
/// the same seed gives the same text on every platform and version.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Rng {
    s: [u64; 4],
}

impl Rng {
    pub fn new(seed: u64) -> Rng {
        let mut x = seed;
        let mut next = || {
            x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = x;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        };
        Rng {
            s: [next(), next(), next(), next()],
        }
    }

    pub fn next_u64(&mut self) -> u64 {
        let result = self.s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = self.s[1] << 17;
        self.s[2] ^= self.s[0];
        self.s[3] ^= self.s[1];
        self.s[1] ^= self.s[2];
        self.s[0] ^= self.s[3];
        self.s[2] ^= t;
        self.s[3] = self.s[3].rotate_left(45);
        result
    }

    /// Uniform in [0, 1).
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }
}

/// Picks tokens from logits. Owns its scratch buffers so sampling a token
/// allocates nothing.
#[derive(Clone, Debug)]
pub struct Sampler {
    pub config: SamplingConfig,
    rng: Rng,
    scratch: Vec<f32>,
    order: Vec<u32>,
    probs: Vec<f64>,
}

impl Sampler {
    pub fn new(config: SamplingConfig, seed: u64) -> Sampler {
        Sampler {
            config,
            rng: Rng::new(seed),
            scratch: Vec::new(),
            order: Vec::new(),
            probs: Vec::new(),
        }
    }

    /// Draws a token id. `recent` is the text so far (the last
    /// `repetition_window` ids are penalised). Empty logits give 0.
    pub fn sample(&mut self, logits: &[f32], recent: &[u32]) -> u32 {
        if logits.is_empty() {
            return 0;
        }
        self.scratch.clear();
        // Non-finite logits (a corrupt model) must not poison the draw.
        self.scratch.extend(
            logits
                .iter()
                .map(|&l| if l.is_finite() { l } else { f32::NEG_INFINITY }),
        );
        let penalty = self.config.repetition_penalty;
        if penalty > 1.0 {
            let start = recent.len().saturating_sub(self.config.repetition_window);
            for &id in &recent[start..] {
                if let Some(l) = self.scratch.get_mut(id as usize) {
                    // Applied once per distinct token: a sign flip would make a second pass wrong.
                    if *l > 0.0 && !l.is_nan() {
                        *l /= penalty;
                    } else if *l <= 0.0 {
                        *l *= penalty;
                    }
                }
            }
        }
        let argmax = self
            .scratch
            .iter()
            .enumerate()
            .fold((0usize, f32::NEG_INFINITY), |best, (i, &l)| {
                if l > best.1 {
                    (i, l)
                } else {
                    best
                }
            })
            .0 as u32;
        if self.config.temperature == 0.0 || self.scratch[argmax as usize] == f32::NEG_INFINITY {
            return argmax;
        }
        if self.config.top_k == 0 && self.config.top_p >= 1.0 {
            // Nothing is cut, so no order is needed: draw over the ids as
            // they are (the sort is most of a step's sampling cost).
            let max = f64::from(self.scratch[argmax as usize]);
            let t = f64::from(self.config.temperature);
            self.probs.clear();
            self.probs.extend(
                self.scratch
                    .iter()
                    .map(|&l| ((f64::from(l) - max) / t).exp()),
            );
            let total: f64 = self.probs.iter().sum();
            let mut target = self.rng.next_f64() * total;
            for (i, p) in self.probs.iter().enumerate() {
                target -= p;
                if target < 0.0 {
                    return i as u32;
                }
            }
            return argmax;
        }
        self.order.clear();
        self.order.extend(0..self.scratch.len() as u32);
        let scratch = &self.scratch;
        self.order.sort_unstable_by(|&a, &b| {
            scratch[b as usize]
                .total_cmp(&scratch[a as usize])
                .then(a.cmp(&b))
        });
        if self.config.top_k > 0 {
            self.order.truncate(self.config.top_k);
        }
        let max = f64::from(self.scratch[self.order[0] as usize]);
        let t = f64::from(self.config.temperature);
        self.probs.clear();
        let mut total = 0.0;
        for &id in &self.order {
            let p = ((f64::from(self.scratch[id as usize]) - max) / t).exp();
            total += p;
            self.probs.push(p);
        }
        let mut keep = self.order.len();
        if self.config.top_p < 1.0 {
            let mut mass = 0.0;
            for (i, p) in self.probs.iter().enumerate() {
                mass += p / total;
                if mass >= f64::from(self.config.top_p) {
                    keep = i + 1;
                    break;
                }
            }
            total = self.probs[..keep].iter().sum();
        }
        let mut target = self.rng.next_f64() * total;
        for i in 0..keep {
            target -= self.probs[i];
            if target < 0.0 {
                return self.order[i];
            }
        }
        self.order[keep - 1]
    }
}

/// Holds back generated text that could be the start of a stop string, so
/// a stop string is never shown, not even in part.
#[derive(Clone, Debug, Default)]
pub struct StopFilter {
    stops: Vec<String>,
    pending: String,
}

impl StopFilter {
    pub fn new(stops: Vec<String>) -> StopFilter {
        StopFilter {
            stops: stops.into_iter().filter(|s| !s.is_empty()).collect(),
            pending: String::new(),
        }
    }

    /// Takes a newly generated piece and appends to `shown` the text that
    /// can be shown now (possibly none). `Break` when a stop string matched:
    /// what came before it was appended and generation ends. Appending to
    /// the caller's buffer keeps the sampling loop free of allocations.
    pub fn push(&mut self, piece: &str, shown: &mut String) -> ControlFlow<()> {
        if self.stops.is_empty() {
            shown.push_str(piece);
            return ControlFlow::Continue(());
        }
        self.pending.push_str(piece);
        let first_match = self
            .stops
            .iter()
            .filter_map(|s| self.pending.find(s.as_str()))
            .min();
        if let Some(at) = first_match {
            shown.push_str(&self.pending[..at]);
            self.pending.clear();
            return ControlFlow::Break(());
        }
        // Keep the longest tail of `pending` that is a prefix of some stop string.
        let mut keep_from = self.pending.len();
        for (i, _) in self.pending.char_indices() {
            let tail = &self.pending[i..];
            if self.stops.iter().any(|s| s.starts_with(tail)) {
                keep_from = i;
                break;
            }
        }
        shown.push_str(&self.pending[..keep_from]);
        self.pending.drain(..keep_from);
        ControlFlow::Continue(())
    }

    /// Text held back when generation ends for another reason.
    pub fn flush(&mut self) -> String {
        std::mem::take(&mut self.pending)
    }
}

/// Log-probabilities of `logits`, written into `out` (reused, so a loop
/// allocates once). Non-finite logits (masked tokens) get `-inf`, and so
/// does every token when none is finite.
pub fn log_softmax_into(logits: &[f32], out: &mut Vec<f32>) {
    out.clear();
    let max = logits
        .iter()
        .copied()
        .filter(|l| l.is_finite())
        .fold(f32::NEG_INFINITY, f32::max);
    if !max.is_finite() {
        out.resize(logits.len(), f32::NEG_INFINITY);
        return;
    }
    let sum: f32 = logits
        .iter()
        .filter(|l| l.is_finite())
        .map(|&l| (l - max).exp())
        .sum();
    let log_sum = sum.ln() + max;
    out.extend(logits.iter().map(|&l| {
        if l.is_finite() {
            l - log_sum
        } else {
            f32::NEG_INFINITY
        }
    }));
}

/// [`log_softmax_into`] into a new vector.
pub fn log_softmax(logits: &[f32]) -> Vec<f32> {
    let mut out = Vec::with_capacity(logits.len());
    log_softmax_into(logits, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_softmax_sums_to_one_and_keeps_masked_tokens_impossible() {
        let lp = log_softmax(&[1.0, 2.0, f32::NEG_INFINITY, 0.5]);
        let total: f32 = lp.iter().map(|l| l.exp()).sum();
        assert!((total - 1.0).abs() < 1e-5);
        assert_eq!(lp[2], f32::NEG_INFINITY);
        let mut out = vec![9.0; 7];
        log_softmax_into(&[f32::NEG_INFINITY; 3], &mut out);
        assert_eq!(out, vec![f32::NEG_INFINITY; 3]);
    }

    fn config(temperature: f32, top_k: usize, top_p: f32) -> SamplingConfig {
        SamplingConfig {
            temperature,
            top_k,
            top_p,
            ..Default::default()
        }
    }

    #[test]
    fn greedy_picks_the_argmax() {
        let mut s = Sampler::new(config(0.0, 0, 1.0), 1);
        assert_eq!(s.sample(&[0.1, 3.0, 2.0], &[]), 1);
    }

    #[test]
    fn top_k_one_is_greedy_at_any_temperature() {
        let mut s = Sampler::new(config(5.0, 1, 1.0), 7);
        for _ in 0..50 {
            assert_eq!(s.sample(&[0.0, 1.0, 0.9, 0.95], &[]), 1);
        }
    }

    #[test]
    fn top_p_excludes_the_tail() {
        // Probabilities ~ [0.7, 0.2, 0.1]: p = 0.75 keeps the first two only.
        let logits = [0.7f32.ln(), 0.2f32.ln(), 0.1f32.ln()];
        let mut s = Sampler::new(config(1.0, 0, 0.75), 3);
        for _ in 0..500 {
            assert_ne!(s.sample(&logits, &[]), 2);
        }
    }

    #[test]
    fn sampling_follows_the_distribution() {
        let logits = [0.75f32.ln(), 0.25f32.ln()];
        let mut s = Sampler::new(config(1.0, 0, 1.0), 11);
        let ones = (0..20_000).filter(|_| s.sample(&logits, &[]) == 1).count();
        let share = ones as f64 / 20_000.0;
        assert!((share - 0.25).abs() < 0.02, "{share}");
    }

    #[test]
    fn uncut_and_sorted_draws_follow_the_same_distribution() {
        // top_p 1 draws without sorting; top_k 3 of 3 goes through the sort.
        let logits = [1.0f32.ln(), 4.0f32.ln(), 2.0f32.ln()];
        for cfg in [config(1.0, 0, 1.0), config(1.0, 3, 1.0)] {
            let mut s = Sampler::new(cfg, 5);
            let mut counts = [0usize; 3];
            for _ in 0..28_000 {
                counts[s.sample(&logits, &[]) as usize] += 1;
            }
            for (c, p) in counts.iter().zip([1.0 / 7.0, 4.0 / 7.0, 2.0 / 7.0]) {
                assert!((*c as f64 / 28_000.0 - p).abs() < 0.015, "{counts:?}");
            }
        }
    }

    #[test]
    fn repetition_penalty_discourages_recent_tokens() {
        let mut cfg = config(0.0, 0, 1.0);
        cfg.repetition_penalty = 2.0;
        let mut s = Sampler::new(cfg, 1);
        assert_eq!(s.sample(&[2.0, 1.5], &[]), 0);
        assert_eq!(s.sample(&[2.0, 1.5], &[0]), 1);
    }

    #[test]
    fn same_seed_same_draws() {
        let logits: Vec<f32> = (0..50).map(|i| (i as f32 * 0.37).sin()).collect();
        let draw = |seed| {
            let mut s = Sampler::new(config(1.0, 0, 1.0), seed);
            (0..100).map(|_| s.sample(&logits, &[])).collect::<Vec<_>>()
        };
        assert_eq!(draw(5), draw(5));
        assert_ne!(draw(5), draw(6));
    }

    #[test]
    fn nan_logits_do_not_panic() {
        let mut s = Sampler::new(config(1.0, 0, 0.9), 1);
        let id = s.sample(&[f32::NAN, 1.0, f32::INFINITY], &[]);
        assert_eq!(id, 1);
        assert_eq!(s.sample(&[f32::NAN, f32::NAN], &[]), 0);
        assert_eq!(s.sample(&[], &[]), 0);
    }

    #[test]
    fn validation_names_the_setting() {
        let mut c = SamplingConfig {
            top_p: 1.5,
            ..Default::default()
        };
        assert_eq!(c.validate(), Err(SamplingError::TopP(1.5)));
        assert!(c.validate().unwrap_err().to_string().contains("top-p"));
        c = SamplingConfig {
            temperature: -1.0,
            ..Default::default()
        };
        assert_eq!(c.validate(), Err(SamplingError::Temperature(-1.0)));
        assert!(c
            .validate()
            .unwrap_err()
            .to_string()
            .contains("temperature"));
        c = SamplingConfig {
            repetition_penalty: 0.5,
            ..Default::default()
        };
        assert!(c.validate().unwrap_err().to_string().contains("repetition"));
        c = SamplingConfig {
            max_tokens: 0,
            ..Default::default()
        };
        assert_eq!(c.validate(), Err(SamplingError::MaxTokens(0)));
        c = SamplingConfig {
            repetition_window: 100_001,
            ..Default::default()
        };
        assert_eq!(c.validate(), Err(SamplingError::RepetitionWindow(100_001)));
        assert!(SamplingConfig::default().validate().is_ok());
    }

    #[test]
    fn stop_filter_never_shows_a_stop_string() {
        let mut f = StopFilter::new(vec!["\n\n".into(), "THE END".into()]);
        let mut shown = String::new();
        let mut stopped = false;
        for piece in ["Once", " upon", "\n", "a time", " THE", " E", "ND", " more"] {
            if f.push(piece, &mut shown).is_break() {
                stopped = true;
                break;
            }
            assert!(!shown.ends_with(" THE"), "{shown:?}");
        }
        assert!(stopped);
        assert_eq!(shown, "Once upon\na time ");
    }

    #[test]
    fn stop_filter_flushes_held_text() {
        let mut f = StopFilter::new(vec!["END".into()]);
        let mut shown = String::new();
        assert_eq!(f.push("the E", &mut shown), ControlFlow::Continue(()));
        assert_eq!(shown, "the ");
        assert_eq!(f.flush(), "E");
        let mut plain = StopFilter::new(Vec::new());
        assert_eq!(plain.push("any END", &mut shown), ControlFlow::Continue(()));
        assert_eq!(shown, "the any END");
    }
}
