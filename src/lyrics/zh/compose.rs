//! Drafting a poem to a form with the Chinese model.
//!
//! The model is primed with the form's header line, as every poem in its
//! corpus begins, and then sampled one character at a time:
//!
//! * each line gets exactly its form's number of characters: only Chinese
//!   characters are sampled (punctuation, line breaks and the unknown token
//!   are masked), and the form's ， or 。 is fed after the last one;
//! * at a rhyming line's last character only characters whose usual reading
//!   is in its rhyme's group may be drawn, each with the model's own
//!   probability; the first line of each rhyme picks its group (any
//!   character with a known final; a tune that changes rhyme has several);
//!   a rhyme character is not used twice;
//! * in regulated verse (绝句, 律诗) the 2nd, 4th, 6th and last character of
//!   every line must take the prescribed level/oblique tone (see
//!   [`super::check`]) by their usual reading; the first line's 2nd
//!   character sets the start. `enforce_tones: false` leaves the tones to the
//!   model (they are still checked and shown);
//! * a character already in the poem has its logit lowered by
//!   `repeat_penalty` per use (the model otherwise loops on 春风 and 东风);
//! * each line is drawn `candidates` times from the same state and the one
//!   the model finds likeliest (mean log-probability of its characters and
//!   its closing punctuation, less the same repeat penalty) is kept.

use std::collections::HashMap;

use crate::lm::sample::{log_softmax_into, Rng};
use crate::lm::{InferenceModel, LstmState, Scratch};

use super::check::{check, has_tone_rules, prescribed};
use super::forms::Form;
use super::pinyin::{PinyinTable, RhymeGroup, Tone};

#[derive(Clone, Debug)]
pub struct ComposeSettings {
    pub temperature: f32,
    /// Nucleus: sample from the smallest set of allowed characters holding this much probability.
    pub top_p: f32,
    /// Drafts per line; the likeliest is kept.
    pub candidates: usize,
    pub enforce_tones: bool,
    /// Subtracted from a character's logit per earlier use in the poem.
    pub repeat_penalty: f32,
}

impl Default for ComposeSettings {
    fn default() -> Self {
        ComposeSettings {
            temperature: 0.8,
            top_p: 0.9,
            candidates: 8,
            enforce_tones: true,
            repeat_penalty: 1.0,
        }
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ComposeError {
    #[error("the model knows no character that fits line {line}, character {pos} of {form}")]
    NoCandidate {
        form: String,
        line: usize,
        pos: usize,
    },
    #[error("the model's vocabulary has no Chinese characters with known readings")]
    NoChinese,
}

/// A drafted poem: its form's name and its lines, characters only.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Poem {
    pub form: String,
    pub lines: Vec<String>,
}

impl Poem {
    /// The lines with the form's punctuation, a line break after each 。.
    pub fn body(&self, form: &Form) -> String {
        form.punctuate(self.lines.iter().map(String::as_str))
    }
}

/// What the usual reading of each token says (index = token id).
struct TokenInfo {
    han: Vec<bool>,
    group: Vec<Option<RhymeGroup>>,
    tone: Vec<Option<Tone>>,
}

impl TokenInfo {
    fn new(model: &InferenceModel, table: &PinyinTable) -> TokenInfo {
        let n = model.net.vocab_size();
        let mut info = TokenInfo {
            han: vec![false; n],
            group: vec![None; n],
            tone: vec![None; n],
        };
        for id in 1..n.min(model.vocab.len()) {
            let c = model.vocab.char_of(id as u32);
            if let Some(r) = table.primary(c) {
                info.han[id] = ('\u{4e00}'..='\u{9fff}').contains(&c);
                info.group[id] = r.group();
                info.tone[id] = r.tone_class();
            }
        }
        info
    }
}

/// What the character at one position must be.
#[derive(Clone, Copy, Debug, Default)]
struct Need {
    group: Option<RhymeGroup>,
    /// A rhyme position whose group is not chosen yet: any known group.
    some_group: bool,
    tone: Option<Tone>,
    /// The first line's 2nd character of regulated verse: a known tone.
    some_tone: bool,
}

struct Draw<'a> {
    info: &'a TokenInfo,
    settings: &'a ComposeSettings,
    probs: Vec<(u32, f64)>,
}

impl Draw<'_> {
    fn allowed(&self, id: usize, need: &Need, banned: &[u32], strict: u8) -> bool {
        let i = self.info;
        if !i.han[id] {
            return false;
        }
        if need.some_group && i.group[id].is_none() {
            return false;
        }
        if need.group.is_some() && i.group[id] != need.group {
            return false;
        }
        if strict >= 1 && need.some_tone && i.tone[id].is_none() {
            return false;
        }
        if strict >= 1 && need.tone.is_some() && i.tone[id] != need.tone {
            return false;
        }
        if strict >= 2 && banned.contains(&(id as u32)) {
            return false;
        }
        true
    }

    /// Samples an allowed token; relaxes the tone, then the no-reuse rule, if
    /// nothing fits them (a rhyme group is never relaxed).
    fn draw(
        &mut self,
        logits: &[f32],
        need: &Need,
        banned: &[u32],
        uses: &HashMap<u32, u32>,
        rng: &mut Rng,
    ) -> Option<u32> {
        for strict in [2u8, 1, 0] {
            self.probs.clear();
            let t = self.settings.temperature.max(1e-3) as f64;
            for (id, &l) in logits.iter().enumerate() {
                if self.allowed(id, need, banned, strict) {
                    let used = uses.get(&(id as u32)).copied().unwrap_or(0) as f64;
                    let l = l as f64 - self.settings.repeat_penalty as f64 * used;
                    self.probs.push((id as u32, l / t));
                }
            }
            if self.probs.is_empty() {
                continue;
            }
            self.probs
                .sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            let max = self.probs[0].1;
            let mut total = 0.0;
            for p in self.probs.iter_mut() {
                p.1 = (p.1 - max).exp();
                total += p.1;
            }
            let mut kept = 0.0;
            let mut keep = self.probs.len();
            for (k, p) in self.probs.iter().enumerate() {
                kept += p.1 / total;
                if kept >= self.settings.top_p as f64 {
                    keep = k + 1;
                    break;
                }
            }
            self.probs.truncate(keep);
            let mass: f64 = self.probs.iter().map(|p| p.1).sum();
            let mut r = rng.next_f64() * mass;
            for &(id, p) in &self.probs {
                if r < p {
                    return Some(id);
                }
                r -= p;
            }
            return self.probs.last().map(|p| p.0);
        }
        None
    }
}

/// Drafts a poem to `form`; the same model, form, settings and seed give the same poem.
pub fn compose(
    model: &InferenceModel,
    form: &Form,
    table: &PinyinTable,
    settings: &ComposeSettings,
    seed: u64,
) -> Result<Poem, ComposeError> {
    compose_around(model, form, table, settings, seed, &[])
}

/// Drafts the lines of `form` that `keep` leaves open (`None`, empty, or
/// past its end) and keeps the others as they are: a kept line is fed to
/// the model in its place, and binds the drafted lines as a line of the
/// poem does: their rhyme group is the kept rhyming lines' (see
/// [`check`]), their 平仄 follow the start the kept lines fit best, and
/// the kept characters count as used. With nothing kept this is [`compose`].
pub fn compose_around(
    model: &InferenceModel,
    form: &Form,
    table: &PinyinTable,
    settings: &ComposeSettings,
    seed: u64,
    keep: &[Option<String>],
) -> Result<Poem, ComposeError> {
    let kept: Vec<Option<&str>> = (0..form.lines.len())
        .map(|i| {
            keep.get(i)
                .and_then(|k| k.as_deref())
                .map(str::trim)
                .filter(|t| !t.is_empty())
        })
        .collect();
    let info = TokenInfo::new(model, table);
    if !info.han.iter().any(|&h| h) {
        return Err(ComposeError::NoChinese);
    }
    let net = &model.net;
    let mut scratch = Scratch::default();
    let mut state = net.zero_state();
    let prime = model.vocab.encode(&format!("。\n\n{}\n", form.name));
    let mut logits = net.prime(&prime, &mut state, &mut scratch);
    let mut rng = Rng::new(seed);
    let mut draw = Draw {
        info: &info,
        settings,
        probs: Vec::new(),
    };
    let tones = settings.enforce_tones && has_tone_rules(form);
    // One group per rhyme of the form (more than one when it changes rhyme).
    let mut rhyme: Vec<Option<RhymeGroup>> = vec![None; form.set_count()];
    let mut start: Option<Tone> = None;
    let mut used_rhymes: Vec<u32> = Vec::new();
    let mut lines = Vec::new();
    let k = settings.candidates.clamp(1, 64);
    let mut lsm = Vec::new();
    let mut poem_uses: HashMap<u32, u32> = HashMap::new();
    if kept.iter().any(Option::is_some) {
        let texts: Vec<String> = kept.iter().map(|t| t.unwrap_or("").to_string()).collect();
        let report = check(form, &texts, table);
        rhyme = report.set_rhymes;
        start = report.start.filter(|_| tones);
        for (spec, text) in form.lines.iter().zip(&texts) {
            for tok in model.vocab.encode(text) {
                *poem_uses.entry(tok).or_insert(0) += 1;
            }
            if spec.rhymes {
                used_rhymes.extend(text.chars().last().map(|c| model.vocab.token(c)));
            }
        }
    }
    for (li, spec) in form.lines.iter().enumerate() {
        if let Some(text) = kept[li] {
            let mut toks = model.vocab.encode(text);
            toks.push(model.vocab.token(spec.punct));
            if spec.punct == '。' {
                toks.push(model.vocab.token('\n'));
            }
            logits = net.prime(&toks, &mut state, &mut scratch);
            lines.push(text.to_string());
            continue;
        }
        let mut states: Vec<LstmState> = vec![state.clone(); k];
        let mut outs: Vec<Vec<f32>> = vec![logits.clone(); k];
        let mut texts: Vec<Vec<u32>> = vec![Vec::new(); k];
        let mut scores = vec![0.0f64; k];
        let mut starts = vec![start; k];
        let mut rhymes = vec![rhyme.clone(); k];
        let set = spec.rhyme_set;
        let mut uses = vec![poem_uses.clone(); k];
        for pos in 0..spec.chars {
            let mut toks = Vec::with_capacity(k);
            for c in 0..k {
                let mut need = Need::default();
                let at_rhyme = spec.rhymes && pos + 1 == spec.chars;
                if at_rhyme {
                    need.group = rhymes[c][set];
                    need.some_group = rhymes[c][set].is_none();
                }
                if tones {
                    match starts[c] {
                        Some(s) => need.tone = prescribed(form, s, li, pos),
                        None if pos == 1 => need.some_tone = true,
                        None => {
                            need.tone = prescribed(form, Tone::Level, li, pos)
                                .filter(|_| pos + 1 == spec.chars)
                        }
                    }
                }
                let banned: &[u32] = if at_rhyme { &used_rhymes } else { &[] };
                let tok = draw
                    .draw(&outs[c], &need, banned, &uses[c], &mut rng)
                    .ok_or_else(|| ComposeError::NoCandidate {
                        form: form.name.clone(),
                        line: li + 1,
                        pos: pos + 1,
                    })?;
                log_softmax_into(&outs[c], &mut lsm);
                let used = uses[c].entry(tok).or_insert(0);
                scores[c] +=
                    lsm[tok as usize] as f64 - settings.repeat_penalty as f64 * *used as f64;
                *used += 1;
                if tones && starts[c].is_none() && li == 0 && pos == 1 {
                    starts[c] = info.tone[tok as usize];
                }
                if at_rhyme && rhymes[c][set].is_none() {
                    rhymes[c][set] = info.group[tok as usize];
                }
                texts[c].push(tok);
                toks.push(tok);
            }
            let mut outs_ref: Vec<&mut [f32]> = outs.iter_mut().map(|v| v.as_mut_slice()).collect();
            net.step_batch(&toks, &mut states, &mut outs_ref, &mut scratch);
        }
        let punct = model.vocab.token(spec.punct);
        let mut best = 0;
        let mut best_score = f64::NEG_INFINITY;
        for c in 0..k {
            log_softmax_into(&outs[c], &mut lsm);
            let s = (scores[c] + lsm.get(punct as usize).copied().unwrap_or(-20.0) as f64)
                / (spec.chars + 1) as f64;
            if s > best_score {
                best_score = s;
                best = c;
            }
        }
        state = states.swap_remove(best);
        net.step(punct, &mut state, &mut logits, &mut scratch);
        if spec.punct == '。' {
            net.step(
                model.vocab.token('\n'),
                &mut state,
                &mut logits,
                &mut scratch,
            );
        }
        start = starts[best];
        rhyme = rhymes.swap_remove(best);
        poem_uses = uses.swap_remove(best);
        if spec.rhymes {
            used_rhymes.extend(texts[best].last().copied());
        }
        lines.push(model.vocab.decode(&texts[best]));
    }
    Ok(Poem {
        form: form.name.clone(),
        lines,
    })
}
