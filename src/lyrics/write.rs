//! Writing lines with the lyrics model.
//!
//! Candidates are sampled in batches from the song's state, remembering the
//! model's state at every word boundary. A line that must rhyme is then
//! finished by construction: at each boundary where the syllables allow it,
//! the common words that rhyme with the partner (see
//! [`super::lexicon::Lexicon`]) are scored as continuations of the model's
//! state (the log-probability of each character plus that of ending the
//! line after the word), by a best-first search over a letter trie of the
//! rhyme set, batched through `step_batch`. The search starts each prefix
//! from the model's log-probability of it, so the line chosen is the one
//! (prefix and rhyme word together) the model finds most probable, less a
//! penalty for being one syllable off the target. Every character of the
//! line is one the model gives probability to: the prefix is sampled, the
//! rhyme word is chosen by the model's own probabilities among the rhyming
//! words. Lines that need no rhyme (the first of a group, free schemes) are
//! cut at the word boundary that best meets the rules (not on a function
//! word, within one syllable, on a word with common rhymes) and, among
//! those, where the model finds the line and its end most probable.
use crate::lm::generate::{fan_out, feed, seeded_samplers, step_streams};
use crate::lm::kernels::on_compute_pool;
use crate::lm::sample::{log_softmax, log_softmax_into};
use crate::lm::{InferenceModel, LstmState, SamplingConfig, Scratch};

use super::choose::{
    choose_fluent, choose_line, clean_candidate, unknown_words, Choice, LineContext,
};
use super::lexicon::{is_archaic, Lexicon};
use super::pronounce::Pronouncer;
use super::scheme::RhymeScheme;
use super::song::Song;

#[cfg(test)]
mod tests {
    use super::allowed_syllables;

    #[test]
    fn syllables_a_rhyme_word_may_have() {
        // 6 syllables written, target 8: a word of 1, 2 or 3 syllables.
        assert_eq!(allowed_syllables(6, Some(8)), 0b1110);
        // Already at 8: only a one-syllable word (9 in all).
        assert_eq!(allowed_syllables(8, Some(8)), 0b10);
        assert_eq!(allowed_syllables(10, Some(8)), 0);
        assert_eq!(allowed_syllables(0, None) & 1, 0);
    }
}

/// How candidates are drawn for one line.
#[derive(Clone, Debug)]
pub struct WriteSettings {
    /// Candidates per batch.
    pub batch: usize,
    /// Batches tried at most while no candidate meets the rules.
    pub max_batches: usize,
    pub temperature: f32,
}

impl Default for WriteSettings {
    fn default() -> Self {
        WriteSettings {
            batch: 16,
            max_batches: 8,
            temperature: 0.8,
        }
    }
}

#[derive(Clone, Debug)]
pub struct WrittenLine {
    pub text: String,
    pub syllables: usize,
    pub rhyme_satisfied: bool,
    /// Candidates sampled to find it.
    pub candidates: usize,
    /// The end word was chosen from the partner's rhyme set by the model's
    /// probabilities (rather than found in a sampled line).
    pub rhyme_searched: bool,
    /// The end word is missing from the dictionary: its rhyme is a guess.
    pub guessed: bool,
}

/// Penalty, in nats, for a rhyme word that leaves the line one syllable off
/// the target (two or more off is never chosen).
const OFF_BY_ONE_PENALTY: f64 = 2.0;
/// Penalty per other rhyme group the word also rhymes with.
const OTHER_GROUP_PENALTY: f64 = 3.0;
/// Penalty when the sampled start of the line holds an archaic word.
const ARCHAIC_PREFIX_PENALTY: f64 = 3.0;
/// Penalty per word of the sampled start missing from the dictionary.
const UNKNOWN_WORD_PENALTY: f64 = 1.5;
/// Model steps the rhyme search may take for one batch of candidates.
const SEARCH_STEPS: usize = 4000;
/// Streams stepped together in the rhyme search.
const SEARCH_BATCH: usize = 48;

/// Writes line `index` of a section whose earlier lines are `lines`,
/// continuing from `state` (the song so far). On return `state` has read
/// the chosen line and its newline.
// Each argument is a distinct knob callers set; a struct would only rename them.
#[allow(clippy::too_many_arguments)]
pub fn write_line(
    model: &InferenceModel,
    state: &mut LstmState,
    lines: &[&str],
    scheme: &RhymeScheme,
    index: usize,
    syllable_target: Option<u8>,
    settings: &WriteSettings,
    seed: u64,
) -> WrittenLine {
    let ctx = LineContext::for_line(lines, scheme, index, syllable_target);
    let sampling = SamplingConfig {
        temperature: settings.temperature,
        top_p: 0.95,
        max_tokens: 90,
        ..SamplingConfig::default()
    };
    let rhyme_set = RhymeSet::new(model, &ctx);
    let mut best: Option<Choice> = None;
    let mut searched = false;
    let mut tried = 0;
    for round in 0..settings.max_batches.max(1) {
        let cands = sample_lines(
            model,
            state,
            settings.batch.max(1),
            &sampling,
            syllable_target.map(|t| usize::from(t).saturating_sub(1)),
            seed.wrapping_mul(1000)
                .wrapping_add(round as u64 * settings.batch as u64),
        );
        tried += cands.len();
        if let Some(set) = &rhyme_set {
            if let Some(text) = search_rhyme(model, &cands, set, &ctx) {
                let choice = choose_line(std::slice::from_ref(&text), &ctx);
                if let Some(c) = choice.filter(|c| c.rhyme_satisfied) {
                    best = Some(c);
                    searched = true;
                    break;
                }
            }
        }
        // Every word boundary of a sampled line is a possible line end.
        let texts: Vec<(String, f64)> = cands.iter().flat_map(line_ends).collect();
        if let Some(choice) = choose_fluent(&texts, &ctx) {
            if best
                .as_ref()
                .is_none_or(|b| choice.score.rank() < b.score.rank())
            {
                best = Some(choice);
            }
        }
        if best.as_ref().is_some_and(|b| b.score.is_good()) {
            break;
        }
    }
    let (text, syllables, rhyme_satisfied) = match &best {
        Some(b) => (b.text.clone(), b.syllables, b.rhyme_satisfied),
        None => (String::new(), 0, false),
    };
    let guessed = best.as_ref().is_some_and(|b| b.score.soft.guessed_end);
    let mut scratch = Scratch::default();
    feed(
        &model.net,
        &model.vocab,
        &format!("{text}\n"),
        state,
        &mut scratch,
    );
    WrittenLine {
        text,
        syllables,
        rhyme_satisfied,
        candidates: tried,
        rhyme_searched: searched,
        guessed,
    }
}

/// A sampled line, the model's log-probability of it (at temperature 1,
/// whatever the sampling temperature) and its word boundaries.
struct SampledLine {
    text: String,
    boundaries: Vec<Boundary>,
    /// Log-probability of the whole line and its newline, when the model
    /// ended it.
    ended: Option<f64>,
}

/// A space after a word: a place to end the line or to add a rhyme word.
struct Boundary {
    /// Byte length of the text read, the space included.
    at: usize,
    /// The state after the space (from which the next word is written).
    state: LstmState,
    /// Log-probability of the text up to and including the space.
    logprob: f64,
    /// Log-probability of the text up to the word and of ending the line
    /// there (a newline or a closing mark instead of the space).
    end_logprob: f64,
}

/// Tokens after which a line may end: newline and punctuation.
fn end_tokens(vocab: &crate::lm::vocab::Vocab) -> Vec<u32> {
    ['\n', ',', '.', ';', ':', '!', '?']
        .into_iter()
        .filter(|&c| vocab.contains(c))
        .map(|c| vocab.token(c))
        .collect()
}

/// Log of the total probability of `tokens` under log-probabilities `lp`.
fn log_total(lp: &[f32], tokens: &[u32]) -> f64 {
    let p: f64 = tokens
        .iter()
        .map(|&t| f64::from(lp[t as usize]).exp())
        .sum();
    p.max(1e-12).ln()
}

/// The places a sampled line may end, with the model's log-probability of
/// the line ending there: each word boundary after the third word, and the
/// line's own end.
fn line_ends(line: &SampledLine) -> Vec<(String, f64)> {
    let mut out: Vec<(String, f64)> = line
        .boundaries
        .iter()
        .filter(|b| line.text[..b.at].split_whitespace().count() >= 3)
        .map(|b| (line.text[..b.at].trim_end().to_string(), b.end_logprob))
        .collect();
    if let Some(lp) = line.ended {
        out.push((line.text.clone(), lp));
    }
    out
}

/// Samples `n` lines from `state` together (stream `i` uses seed
/// `seed + i`), each up to its newline or `config.max_tokens` characters.
/// While a line has fewer than `min_syllables` syllables the newline is
/// left out of the draw (the other characters keep the model's relative
/// probabilities), so every line reaches the lengths a line end needs.
fn sample_lines(
    model: &InferenceModel,
    state: &LstmState,
    n: usize,
    config: &SamplingConfig,
    min_syllables: Option<usize>,
    seed: u64,
) -> Vec<SampledLine> {
    let p = Pronouncer::builtin();
    let newline = model
        .vocab
        .contains('\n')
        .then(|| model.vocab.token('\n') as usize);
    let net = &model.net;
    let vocab = &model.vocab;
    let ends = end_tokens(vocab);
    on_compute_pool(move || {
        let mut samplers = seeded_samplers(config, seed, n);
        let (mut states, mut logits) = fan_out(net, state, n);
        let mut histories: Vec<Vec<u32>> = vec![Vec::new(); n];
        let mut out: Vec<SampledLine> = (0..n)
            .map(|_| SampledLine {
                text: String::new(),
                boundaries: Vec::new(),
                ended: None,
            })
            .collect();
        // Log-probability of each line so far, and, at a space just drawn,
        // that of ending the line instead.
        let mut logprob = vec![0.0f64; n];
        let mut end_here = vec![0.0f64; n];
        let mut lp = Vec::with_capacity(vocab.len());
        let mut done = vec![false; n];
        // Syllables of each line's finished words.
        let mut counted = vec![0usize; n];
        let mut scratch = Scratch::default();
        for _ in 0..config.max_tokens {
            let active: Vec<usize> = (0..n).filter(|&i| !done[i]).collect();
            if active.is_empty() {
                break;
            }
            let mut tokens = Vec::with_capacity(active.len());
            let mut stepping = Vec::with_capacity(active.len());
            for &i in &active {
                // The model's own probabilities, before the newline is held
                // back and before temperature.
                log_softmax_into(&logits[i], &mut lp);
                if let (Some(nl), Some(min)) = (newline, min_syllables) {
                    if counted[i] < min {
                        if let Some(l) = logits[i].get_mut(nl) {
                            *l = f32::NEG_INFINITY;
                        }
                    }
                }
                let tok = samplers[i].sample(&logits[i], &histories[i]);
                histories[i].push(tok);
                let ch = vocab.char_of(tok);
                if ch == ' ' {
                    end_here[i] = logprob[i] + log_total(&lp, &ends);
                }
                logprob[i] += f64::from(lp[tok as usize]);
                if ch == '\n' {
                    done[i] = true;
                    out[i].ended = Some(logprob[i]);
                    continue;
                }
                out[i].text.push(ch);
                tokens.push(tok);
                stepping.push(i);
            }
            if stepping.is_empty() {
                break;
            }
            step_streams(
                net,
                &stepping,
                &tokens,
                &mut states,
                &mut logits,
                &mut scratch,
            );
            for &i in &stepping {
                let t = &out[i].text;
                let at_boundary = t.ends_with(' ')
                    && t[..t.len() - 1]
                        .chars()
                        .next_back()
                        .is_some_and(|c| !c.is_whitespace());
                let len = t.len();
                if at_boundary {
                    counted[i] = p.line_syllables(t);
                    let b = Boundary {
                        at: len,
                        state: states[i].clone(),
                        logprob: logprob[i],
                        end_logprob: end_here[i],
                    };
                    out[i].boundaries.push(b);
                }
            }
        }
        out
    })
}

/// The words that may end a line that must rhyme, as a letter trie in the
/// model's tokens.
struct RhymeSet {
    words: Vec<&'static str>,
    syllables: Vec<usize>,
    /// Search penalty of each word (rhyming with another group too).
    penalty: Vec<f64>,
    nodes: Vec<TrieNode>,
    /// Tokens that end a line after a word: newline and punctuation.
    end_tokens: Vec<u32>,
}

struct TrieNode {
    token: u32,
    children: Vec<u32>,
    word: Option<u32>,
    /// Bit `s` set when a word of `s` syllables (31 for more) lies below.
    syllable_mask: u32,
}

impl RhymeSet {
    /// `None` when the line needs no rhyme or no common word rhymes.
    fn new(model: &InferenceModel, ctx: &LineContext) -> Option<RhymeSet> {
        let key = ctx.rhyme_with.as_ref()?;
        let p = Pronouncer::builtin();
        let vocab = &model.vocab;
        let mut set = RhymeSet {
            words: Vec::new(),
            syllables: Vec::new(),
            penalty: Vec::new(),
            nodes: vec![TrieNode {
                token: 0,
                children: Vec::new(),
                word: None,
                syllable_mask: 0,
            }],
            end_tokens: end_tokens(vocab),
        };
        for w in Lexicon::builtin().rhymes_for(key, &ctx.avoid_end_words) {
            if !w.chars().all(|c| vocab.contains(c)) {
                continue;
            }
            let syl = p.syllables(w);
            let bit = 1u32 << syl.min(31);
            let other_groups = p.rhyme_key(w).map_or(0, |k| {
                ctx.avoid_rhymes.iter().filter(|a| k.matches(a)).count()
            });
            let id = set.words.len() as u32;
            set.words.push(w);
            set.syllables.push(syl);
            set.penalty.push(other_groups as f64 * OTHER_GROUP_PENALTY);
            let mut node = 0usize;
            set.nodes[0].syllable_mask |= bit;
            for c in w.chars() {
                let tok = vocab.token(c);
                let next = set.nodes[node]
                    .children
                    .iter()
                    .copied()
                    .find(|&ch| set.nodes[ch as usize].token == tok);
                node = match next {
                    Some(ch) => ch as usize,
                    None => {
                        set.nodes.push(TrieNode {
                            token: tok,
                            children: Vec::new(),
                            word: None,
                            syllable_mask: 0,
                        });
                        let new = set.nodes.len() - 1;
                        set.nodes[node].children.push(new as u32);
                        new
                    }
                };
                set.nodes[node].syllable_mask |= bit;
            }
            set.nodes[node].word = Some(id);
        }
        (!set.words.is_empty()).then_some(set)
    }
}

/// A place where a rhyme word may go: a sampled line's start up to a word
/// boundary.
struct Root {
    prefix: String,
    /// Syllable counts a word may have here (bit mask as in [`TrieNode`]).
    allowed: u32,
    syllables: usize,
    penalty: f64,
    /// The model's log-probability of the prefix.
    logprob: f64,
}

/// A node of the best-first search, ordered by its score (higher first).
struct Item {
    score: f64,
    kind: ItemKind,
}

enum ItemKind {
    /// Feed trie node `node`'s letter to expanded state `parent`.
    Step { parent: usize, node: u32, root: u32 },
    /// A finished word.
    Word { root: u32, word: u32 },
}

impl PartialEq for Item {
    fn eq(&self, other: &Self) -> bool {
        self.score.total_cmp(&other.score).is_eq()
    }
}
impl Eq for Item {}
impl PartialOrd for Item {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Item {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.score.total_cmp(&other.score)
    }
}

/// Syllable counts (as a bit mask) a word may have after a prefix of
/// `prefix` syllables so the line stays within one of `target`.
fn allowed_syllables(prefix: usize, target: Option<u8>) -> u32 {
    match target {
        None => !1,
        Some(t) => {
            let t = usize::from(t);
            let lo = (t.saturating_sub(1)).saturating_sub(prefix).max(1);
            let hi = (t + 1).saturating_sub(prefix);
            (lo..=hi.min(31)).fold(0, |m, s| m | (1 << s))
        }
    }
}

/// The best line end among the rhyme set's words at every usable word
/// boundary of `cands`: the highest model log-probability of the word and
/// of the line ending after it, less the penalties. Exact best-first
/// search (scores only fall as letters are added), capped at
/// [`SEARCH_STEPS`] model steps, after which the best word found so far is
/// used.
fn search_rhyme(
    model: &InferenceModel,
    cands: &[SampledLine],
    set: &RhymeSet,
    ctx: &LineContext,
) -> Option<String> {
    let p = Pronouncer::builtin();
    let net = &model.net;
    let mut roots: Vec<Root> = Vec::new();
    let mut expanded: Vec<(LstmState, Vec<f32>)> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for c in cands {
        for b in &c.boundaries {
            let Some(prefix) = clean_candidate(&c.text[..b.at]) else {
                continue;
            };
            if !seen.insert(prefix.clone()) {
                continue;
            }
            let syllables = p.line_syllables(&prefix);
            let allowed = allowed_syllables(syllables, ctx.syllable_target);
            if allowed & set.nodes[0].syllable_mask == 0 {
                continue;
            }
            let archaic = prefix.split_whitespace().any(is_archaic);
            let unknown = unknown_words(p, &prefix) as f64 * UNKNOWN_WORD_PENALTY;
            let mut logits = vec![0.0; net.vocab_size()];
            net.logits(&b.state, &mut logits);
            expanded.push((b.state.clone(), log_softmax(&logits)));
            roots.push(Root {
                prefix,
                allowed,
                syllables,
                penalty: unknown + if archaic { ARCHAIC_PREFIX_PENALTY } else { 0.0 },
                logprob: b.logprob,
            });
        }
    }
    if roots.is_empty() {
        return None;
    }
    let penalty = |root: &Root, word: usize| -> f64 {
        let total = root.syllables + set.syllables[word];
        let off = ctx
            .syllable_target
            .map_or(0, |t| total.abs_diff(usize::from(t)));
        root.penalty + set.penalty[word] + if off == 0 { 0.0 } else { OFF_BY_ONE_PENALTY }
    };
    let mut heap = std::collections::BinaryHeap::new();
    for (r, root) in roots.iter().enumerate() {
        for &child in &set.nodes[0].children {
            let node = &set.nodes[child as usize];
            if node.syllable_mask & root.allowed != 0 {
                heap.push(Item {
                    score: root.logprob + f64::from(expanded[r].1[node.token as usize])
                        - root.penalty,
                    kind: ItemKind::Step {
                        parent: r,
                        node: child,
                        root: r as u32,
                    },
                });
            }
        }
    }
    let mut best: Option<(f64, u32, u32)> = None;
    let mut steps = 0;
    let mut scratch = Scratch::default();
    let found = on_compute_pool(|| loop {
        match heap.peek() {
            None => return None,
            Some(Item {
                kind: ItemKind::Word { root, word },
                ..
            }) => return Some((*root, *word)),
            Some(_) => {}
        }
        if steps >= SEARCH_STEPS {
            return None;
        }
        let mut batch = Vec::with_capacity(SEARCH_BATCH);
        while batch.len() < SEARCH_BATCH
            && heap
                .peek()
                .is_some_and(|i| matches!(i.kind, ItemKind::Step { .. }))
        {
            batch.extend(heap.pop());
        }
        steps += batch.len();
        let tokens: Vec<u32> = batch
            .iter()
            .map(|i| match i.kind {
                ItemKind::Step { node, .. } => set.nodes[node as usize].token,
                ItemKind::Word { .. } => 0,
            })
            .collect();
        let mut states: Vec<LstmState> = batch
            .iter()
            .map(|i| match i.kind {
                ItemKind::Step { parent, .. } => expanded[parent].0.clone(),
                ItemKind::Word { .. } => net.zero_state(),
            })
            .collect();
        let mut logits = vec![vec![0.0f32; net.vocab_size()]; batch.len()];
        {
            let mut outs: Vec<&mut [f32]> = logits.iter_mut().map(|l| l.as_mut_slice()).collect();
            net.step_batch(&tokens, &mut states, &mut outs, &mut scratch);
        }
        for ((item, state), logits) in batch.into_iter().zip(states).zip(logits) {
            let ItemKind::Step { node, root, .. } = item.kind else {
                continue;
            };
            let lp = log_softmax(&logits);
            let n = &set.nodes[node as usize];
            let r = &roots[root as usize];
            if let Some(w) = n.word {
                let syl = set.syllables[w as usize];
                if r.allowed & (1 << syl.min(31)) != 0 {
                    let end = log_total(&lp, &set.end_tokens);
                    // The root's penalty is already in the item's score.
                    let score = item.score + end - (penalty(r, w as usize) - r.penalty);
                    if best.is_none_or(|b| score > b.0) {
                        best = Some((score, root, w));
                    }
                    heap.push(Item {
                        score,
                        kind: ItemKind::Word { root, word: w },
                    });
                }
            }
            let parent = expanded.len();
            for &child in &n.children {
                let c = &set.nodes[child as usize];
                if c.syllable_mask & r.allowed != 0 {
                    heap.push(Item {
                        score: item.score + f64::from(lp[c.token as usize]),
                        kind: ItemKind::Step {
                            parent,
                            node: child,
                            root,
                        },
                    });
                }
            }
            expanded.push((state, lp));
        }
    });
    let (root, word) = found.or(best.map(|b| (b.1, b.2)))?;
    Some(format!(
        "{} {}",
        roots[root as usize].prefix, set.words[word as usize]
    ))
}

/// The state after reading the song from its start up to (not including)
/// line `line` of section `section`: sections are stanzas separated by a
/// blank line, as in the lyrics corpus.
pub fn state_before(model: &InferenceModel, song: &Song, section: usize, line: usize) -> LstmState {
    let mut state = model.net.zero_state();
    let mut scratch = Scratch::default();
    let mut text = String::from("\n");
    for s in 0..=section {
        let Ok(sec) = song.content(s) else { continue };
        let take = if s == section {
            line.min(sec.lines.len())
        } else {
            sec.lines.len()
        };
        for l in &sec.lines[..take] {
            text.push_str(l.text.trim());
            text.push('\n');
        }
        if s != section {
            text.push('\n');
        }
    }
    feed(&model.net, &model.vocab, &text, &mut state, &mut scratch);
    state
}

/// Regenerates every unlocked line of a section (a repeat writes its
/// original), keeping locked lines, each line conditioned on those before it.
pub fn write_section(
    model: &InferenceModel,
    song: &mut Song,
    section: usize,
    lines: usize,
    settings: &WriteSettings,
    seed: u64,
) -> Result<Vec<WrittenLine>, super::song::SongError> {
    write_section_until(model, song, section, lines, settings, seed, &|| false)
}

/// [`write_section`] that asks `stop` before each line and writes no more
/// once it says yes (the lines written so far stay).
pub fn write_section_until(
    model: &InferenceModel,
    song: &mut Song,
    section: usize,
    lines: usize,
    settings: &WriteSettings,
    seed: u64,
    stop: &dyn Fn() -> bool,
) -> Result<Vec<WrittenLine>, super::song::SongError> {
    let target = song.resolve(section)?;
    let (scheme, syllables) = {
        let s = song.section(target)?;
        (s.scheme.clone(), s.syllable_target)
    };
    while song.section(target)?.lines.len() < lines {
        song.push_line(target, "")?;
    }
    let mut state = state_before(model, song, target, 0);
    let mut written = Vec::new();
    let count = song.section(target)?.lines.len();
    for i in 0..count {
        if stop() {
            break;
        }
        let line = &song.section(target)?.lines[i];
        if line.locked {
            let text = line.text.clone();
            feed(
                &model.net,
                &model.vocab,
                &format!("{}\n", text.trim()),
                &mut state,
                &mut Scratch::default(),
            );
            continue;
        }
        let before: Vec<String> = song.section(target)?.lines[..i]
            .iter()
            .map(|l| l.text.clone())
            .collect();
        let refs: Vec<&str> = before.iter().map(String::as_str).collect();
        let w = write_line(
            model,
            &mut state,
            &refs,
            &scheme,
            i,
            syllables,
            settings,
            seed.wrapping_add(i as u64),
        );
        song.set_text(target, i, w.text.clone())?;
        written.push(w);
    }
    Ok(written)
}
