//! Writing lines with the lyrics model: candidates are sampled in batches
//! from the song's state and the one that meets the rhyme scheme and comes
//! closest to the syllable target is kept.

use crate::lm::generate::{feed, generate_candidates};
use crate::lm::{InferenceModel, LstmState, SamplingConfig, Scratch};

use super::choose::{choose_line, LineContext};
use super::scheme::RhymeScheme;
use super::song::Song;

#[cfg(test)]
mod tests {
    use super::word_prefixes;

    #[test]
    fn prefixes_end_at_word_boundaries() {
        assert_eq!(word_prefixes("a b c d", 3), vec!["a b c", "a b c d"]);
        assert_eq!(word_prefixes("one", 3), vec!["one"]);
        assert!(word_prefixes("", 3).is_empty());
    }
}

/// How candidates are drawn for one line.
#[derive(Clone, Debug)]
pub struct WriteSettings {
    /// Candidates per batch.
    pub batch: usize,
    /// Batches tried at most while no candidate meets the rhyme.
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
}

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
    let mut best: Option<super::choose::Choice> = None;
    let mut tried = 0;
    for round in 0..settings.max_batches.max(1) {
        let cands = generate_candidates(
            &model.net,
            &model.vocab,
            state,
            settings.batch.max(1),
            &sampling,
            &["\n".to_string()],
            seed.wrapping_mul(1000)
                .wrapping_add(round as u64 * settings.batch as u64),
            || true,
        );
        tried += cands.len();
        // Candidates from every batch so far compete; the first batch that
        // holds a rhyme ends the search.
        // Every word boundary of a sampled line is a possible line end: a
        // line that runs past its rhyme can stop on it. This multiplies the
        // choices at no sampling cost.
        let mut texts: Vec<String> = cands
            .iter()
            .flat_map(|g| word_prefixes(&g.text, 3))
            .collect();
        if let Some(b) = &best {
            texts.push(b.text.clone());
        }
        if let Some(choice) = choose_line(&texts, &ctx) {
            let better = best
                .as_ref()
                .is_none_or(|b| choice.score.rank() < b.score.rank());
            if better {
                best = Some(choice);
            }
        }
        let close_enough = best.as_ref().is_some_and(|b| {
            b.rhyme_satisfied
                && syllable_target.is_none_or(|t| (b.syllables as i64 - i64::from(t)).abs() <= 1)
        });
        if close_enough {
            break;
        }
    }
    let (text, syllables, rhyme_satisfied) = match best {
        Some(b) => (b.text, b.syllables, b.rhyme_satisfied),
        None => (String::new(), 0, false),
    };
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
    }
}

/// The prefixes of `text` that end at a word boundary and hold at least
/// `min_words` words, the whole text last.
pub fn word_prefixes(text: &str, min_words: usize) -> Vec<String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    (min_words.min(words.len()).max(1)..=words.len())
        .map(|n| words[..n].join(" "))
        .collect()
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
