//! Text generation with the inference model: one stream streamed piece by
//! piece, or several candidates sampled together from one state.

use std::ops::ControlFlow;

use serde::{Deserialize, Serialize};

use super::infer::{FastLstm, Scratch};
use super::kernels::on_compute_pool;
use super::sample::{Sampler, SamplingConfig, StopFilter};
use super::state::LstmState;
use super::vocab::Vocab;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StopReason {
    MaxTokens,
    StopString,
    Cancelled,
}

#[derive(Clone, Debug)]
pub struct Generated {
    /// The text shown (stop strings excluded).
    pub text: String,
    pub tokens: usize,
    pub reason: StopReason,
    /// State after everything sampled, ready to continue from.
    pub state: LstmState,
}

/// Feeds `text` into `state` (the player's action, a prompt).
pub fn feed(
    net: &FastLstm,
    vocab: &Vocab,
    text: &str,
    state: &mut LstmState,
    scratch: &mut Scratch,
) {
    on_compute_pool(|| {
        let mut logits = vec![0.0; net.vocab_size()];
        for ch in text.chars() {
            net.step(vocab.token(ch), state, &mut logits, scratch);
        }
    });
}

/// Samples from `state` until `max_tokens`, a stop string, or `on_text`
/// answering `Break`. `on_text` sees each piece of text as it is ready.
pub fn generate(
    net: &FastLstm,
    vocab: &Vocab,
    mut state: LstmState,
    config: &SamplingConfig,
    stops: &[String],
    seed: u64,
    mut on_text: impl FnMut(&str) -> ControlFlow<()> + Send,
) -> Generated {
    // Sampling runs on the compute pool, so the layer splits hand off hot.
    on_compute_pool(move || {
        let mut sampler = Sampler::new(config.clone(), seed);
        let mut filter = StopFilter::new(stops.to_vec());
        let mut scratch = Scratch::default();
        let mut logits = vec![0.0; net.vocab_size()];
        net.logits(&state, &mut logits);
        let mut history: Vec<u32> = Vec::new();
        let mut text = String::new();
        let mut reason = StopReason::MaxTokens;
        let mut piece = [0u8; 4];
        // What the stop filter releases each step, reused.
        let mut shown = String::new();
        while history.len() < config.max_tokens {
            let tok = sampler.sample(&logits, &history);
            history.push(tok);
            net.step(tok, &mut state, &mut logits, &mut scratch);
            let ch = vocab.char_of(tok).encode_utf8(&mut piece);
            shown.clear();
            let stopped = filter.push(ch, &mut shown).is_break();
            text.push_str(&shown);
            if stopped {
                if !shown.is_empty() {
                    let _ = on_text(&shown);
                }
                reason = StopReason::StopString;
                break;
            }
            if !shown.is_empty() && on_text(&shown).is_break() {
                reason = StopReason::Cancelled;
                break;
            }
        }
        if reason != StopReason::StopString {
            let rest = filter.flush();
            if !rest.is_empty() {
                text.push_str(&rest);
                if reason == StopReason::MaxTokens {
                    let _ = on_text(&rest);
                }
            }
        }
        Generated {
            text,
            tokens: history.len(),
            reason,
            state,
        }
    })
}

/// One sampler per stream; stream `i` uses seed `seed + i`, so a batch is
/// reproducible stream by stream.
pub fn seeded_samplers(config: &SamplingConfig, seed: u64, n: usize) -> Vec<Sampler> {
    (0..n)
        .map(|i| Sampler::new(config.clone(), seed.wrapping_add(i as u64)))
        .collect()
}

/// `n` streams starting from one state: its copies and its next-token
/// logits (computed once).
pub fn fan_out(net: &FastLstm, state: &LstmState, n: usize) -> (Vec<LstmState>, Vec<Vec<f32>>) {
    let mut first = vec![0.0; net.vocab_size()];
    net.logits(state, &mut first);
    (vec![state.clone(); n], vec![first; n])
}

/// Steps streams `which` of `states`/`logits` together with `tokens` (one
/// per listed stream): one weight read for all of them. Their states and
/// logits move into the batch and back, through buffers kept in `scratch`,
/// so a step allocates nothing.
pub fn step_streams(
    net: &FastLstm,
    which: &[usize],
    tokens: &[u32],
    states: &mut [LstmState],
    logits: &mut [Vec<f32>],
    scratch: &mut Scratch,
) {
    if which.len() == states.len() && which.iter().enumerate().all(|(k, &i)| k == i) {
        // Every stream, in order: stepped where they are.
        net.step_batch(tokens, states, logits, scratch);
        return;
    }
    let mut batch_states = std::mem::take(&mut scratch.batch_states);
    let mut batch_logits = std::mem::take(&mut scratch.batch_logits);
    batch_states.clear();
    batch_logits.clear();
    // An empty state or Vec holds no heap memory, so the swaps allocate nothing.
    batch_states.extend(
        which
            .iter()
            .map(|&i| std::mem::replace(&mut states[i], LstmState::zeros(0, 0))),
    );
    batch_logits.extend(which.iter().map(|&i| std::mem::take(&mut logits[i])));
    net.step_batch(tokens, &mut batch_states, &mut batch_logits, scratch);
    for ((&i, s), l) in which
        .iter()
        .zip(batch_states.drain(..))
        .zip(batch_logits.drain(..))
    {
        states[i] = s;
        logits[i] = l;
    }
    scratch.batch_states = batch_states;
    scratch.batch_logits = batch_logits;
}

/// Samples `n` continuations of `state` together (one weight read per step
/// for all of them). Candidate `i` uses seed `seed + i`, so the set is
/// reproducible. `keep_going` is asked between steps and can cancel. A step
/// allocates nothing but the growth of each candidate's text and history.
// Each argument is a distinct knob callers set; a struct would only rename them.
#[allow(clippy::too_many_arguments)]
pub fn generate_candidates(
    net: &FastLstm,
    vocab: &Vocab,
    state: &LstmState,
    n: usize,
    config: &SamplingConfig,
    stops: &[String],
    seed: u64,
    mut keep_going: impl FnMut() -> bool + Send,
) -> Vec<Generated> {
    on_compute_pool(move || {
        let mut samplers = seeded_samplers(config, seed, n);
        let mut filters: Vec<StopFilter> =
            (0..n).map(|_| StopFilter::new(stops.to_vec())).collect();
        let (mut states, mut logits) = fan_out(net, state, n);
        let mut histories: Vec<Vec<u32>> = vec![Vec::new(); n];
        let mut texts: Vec<String> = vec![String::new(); n];
        let mut reasons: Vec<Option<StopReason>> = vec![None; n];
        let mut scratch = Scratch::default();
        let mut piece = [0u8; 4];
        // Reused from step to step; only the texts and histories grow.
        let mut active: Vec<usize> = Vec::with_capacity(n);
        let mut tokens: Vec<u32> = Vec::with_capacity(n);
        for _ in 0..config.max_tokens {
            active.clear();
            active.extend((0..n).filter(|&i| reasons[i].is_none()));
            if active.is_empty() {
                break;
            }
            if !keep_going() {
                for &i in &active {
                    reasons[i] = Some(StopReason::Cancelled);
                }
                break;
            }
            tokens.clear();
            for &i in &active {
                let tok = samplers[i].sample(&logits[i], &histories[i]);
                histories[i].push(tok);
                tokens.push(tok);
                let ch = vocab.char_of(tok).encode_utf8(&mut piece);
                if filters[i].push(ch, &mut texts[i]).is_break() {
                    reasons[i] = Some(StopReason::StopString);
                }
            }
            step_streams(
                net,
                &active,
                &tokens,
                &mut states,
                &mut logits,
                &mut scratch,
            );
        }
        (0..n)
            .map(|i| {
                let reason = reasons[i].unwrap_or(StopReason::MaxTokens);
                let mut text = std::mem::take(&mut texts[i]);
                if reason != StopReason::StopString {
                    text.push_str(&filters[i].flush());
                }
                Generated {
                    text,
                    tokens: histories[i].len(),
                    reason,
                    state: states[i].clone(),
                }
            })
            .collect()
    })
}

/// Steers [`generate_guided`]: adjusts each stream's logits before a draw and
/// says where a stream ends. It sees only the text, so it can encode any
/// rule about words without the model knowing of it.
pub trait Guide {
    /// Changes stream `stream`'s logits (already made finite) before the
    /// draw; `text` is what the stream has written so far.
    fn adjust(&mut self, stream: usize, text: &str, logits: &mut [f32]);
    /// After each character: `None` goes on; `Some(len)` ends the stream and
    /// keeps `text[..len]` (a byte index at a char boundary, at most
    /// `text.len()`).
    fn end(&mut self, stream: usize, text: &str) -> Option<usize>;
    /// Whether the state after `text` should be kept, so that a later cut
    /// at `text.len()` returns the state that matches the kept text.
    fn is_boundary(&self, text: &str) -> bool;
}

/// One stream of [`generate_guided`].
#[derive(Clone, Debug)]
pub struct Guided {
    /// The kept text (after the guide's cut).
    pub text: String,
    /// Characters drawn, including any cut away.
    pub tokens: usize,
    pub reason: StopReason,
    /// State after `text` when the cut fell on a boundary (or nothing was
    /// cut); `None` when the caller must re-read `text` to get it.
    pub state: Option<LstmState>,
    /// Natural-log probability of every kept character under the model
    /// itself (temperature 1, before the guide's changes), summed.
    pub log_prob: f64,
    /// Kept characters counted in `log_prob`.
    pub scored: usize,
}

/// Samples `n` streams from `state` together, each steered by `guide`.
/// Stream `i` uses seed `seed + i`. `max_tokens` (from `config`) is a hard
/// ceiling; the guide decides ordinary ends.
// Each argument is a distinct knob callers set; a struct would only rename them.
#[allow(clippy::too_many_arguments)]
pub fn generate_guided(
    net: &FastLstm,
    vocab: &Vocab,
    state: &LstmState,
    n: usize,
    config: &SamplingConfig,
    seed: u64,
    guide: &mut (impl Guide + Send),
    mut keep_going: impl FnMut() -> bool + Send,
) -> Vec<Guided> {
    on_compute_pool(move || {
        let v = net.vocab_size();
        let mut samplers = seeded_samplers(config, seed, n);
        let (mut states, mut logits) = fan_out(net, state, n);
        let mut histories: Vec<Vec<u32>> = vec![Vec::new(); n];
        let mut texts: Vec<String> = vec![String::new(); n];
        // Per stream: log-probability after each character (cumulative), by byte end.
        let mut cum_lp: Vec<Vec<(usize, f64)>> = vec![Vec::new(); n];
        let mut boundaries: Vec<Vec<(usize, LstmState)>> = vec![Vec::new(); n];
        let mut ends: Vec<Option<(StopReason, usize)>> = vec![None; n];
        let mut scratch = Scratch::default();
        let mut adjusted = vec![0.0f32; v];
        let mut active: Vec<usize> = Vec::with_capacity(n);
        let mut tokens: Vec<u32> = Vec::with_capacity(n);
        for _ in 0..config.max_tokens {
            active.clear();
            active.extend((0..n).filter(|&i| ends[i].is_none()));
            if active.is_empty() {
                break;
            }
            if !keep_going() {
                for &i in &active {
                    ends[i] = Some((StopReason::Cancelled, texts[i].len()));
                }
                break;
            }
            tokens.clear();
            for &i in &active {
                let raw = &logits[i];
                adjusted.clear();
                adjusted.extend(
                    raw.iter()
                        .map(|&l| if l.is_finite() { l } else { f32::NEG_INFINITY }),
                );
                guide.adjust(i, &texts[i], &mut adjusted);
                let tok = samplers[i].sample(&adjusted, &histories[i]);
                let lp = log_softmax_at(raw, tok as usize);
                histories[i].push(tok);
                tokens.push(tok);
                texts[i].push(vocab.char_of(tok));
                let total = cum_lp[i].last().map_or(0.0, |x| x.1) + lp;
                cum_lp[i].push((texts[i].len(), total));
                if let Some(cut) = guide.end(i, &texts[i]) {
                    ends[i] = Some((StopReason::StopString, cut.min(texts[i].len())));
                }
            }
            step_streams(
                net,
                &active,
                &tokens,
                &mut states,
                &mut logits,
                &mut scratch,
            );
            for &i in &active {
                if ends[i].is_none() && guide.is_boundary(&texts[i]) {
                    boundaries[i].push((texts[i].len(), states[i].clone()));
                }
            }
        }
        (0..n)
            .map(|i| {
                let (reason, cut) = ends[i].unwrap_or((StopReason::MaxTokens, texts[i].len()));
                let mut text = std::mem::take(&mut texts[i]);
                let full = text.len();
                text.truncate(cut);
                let state = if cut == full {
                    Some(std::mem::replace(&mut states[i], LstmState::zeros(0, 0)))
                } else {
                    boundaries[i]
                        .iter()
                        .rev()
                        .find(|(at, _)| *at == cut)
                        .map(|(_, s)| s.clone())
                };
                let (scored, log_prob) = cum_lp[i]
                    .iter()
                    .enumerate()
                    .take_while(|(_, (at, _))| *at <= cut)
                    .last()
                    .map_or((0, 0.0), |(k, (_, lp))| (k + 1, *lp));
                Guided {
                    text,
                    tokens: histories[i].len(),
                    reason,
                    state,
                    log_prob,
                    scored,
                }
            })
            .collect()
    })
}

/// `log softmax(logits)[at]`, with non-finite logits treated as impossible.
fn log_softmax_at(logits: &[f32], at: usize) -> f64 {
    let max = logits
        .iter()
        .filter(|l| l.is_finite())
        .fold(f32::NEG_INFINITY, |m, &l| m.max(l));
    if !max.is_finite() {
        return 0.0;
    }
    let sum: f64 = logits
        .iter()
        .filter(|l| l.is_finite())
        .map(|&l| f64::from(l - max).exp())
        .sum();
    match logits.get(at) {
        Some(&l) if l.is_finite() => f64::from(l - max) - sum.ln(),
        _ => f64::NEG_INFINITY,
    }
}
