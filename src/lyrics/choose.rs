//! Picks the best generated candidate for a lyric line: rhyme first, then syllable fit, then soft penalties.

use std::collections::HashSet;

use super::lexicon::{is_archaic, is_function_word, Lexicon};
use super::pronounce::{last_word, Pronouncer, RhymeKey};
use super::scheme::RhymeScheme;

/// What a new line has to fit.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LineContext {
    /// Rhyme the line must match (from its rhyme partner), if any. Hard.
    pub rhyme_with: Option<RhymeKey>,
    /// Rhymes of other groups; matching one blurs the scheme. Soft.
    pub avoid_rhymes: Vec<RhymeKey>,
    pub syllable_target: Option<u8>,
    /// Normalised end words not to reuse, e.g. the partner's own end word
    /// ("night"/"night" is repetition, not rhyme).
    pub avoid_end_words: HashSet<String>,
    /// The line opens a rhyme group (a later line will have to rhyme with
    /// it), so its end word should have common rhymes. Soft.
    pub needs_rhymes: bool,
}

impl LineContext {
    /// Context for line `index` of a section, using the built-in dictionary.
    /// See [`LineContext::for_line_with`].
    pub fn for_line(
        lines: &[&str],
        scheme: &RhymeScheme,
        index: usize,
        syllable_target: Option<u8>,
    ) -> LineContext {
        LineContext::for_line_with(Pronouncer::builtin(), lines, scheme, index, syllable_target)
    }

    /// Context for line `index` (may be `lines.len()` for a new line).
    /// The partner is the nearest earlier line of the same group with words,
    /// else the nearest later one (so regenerating line 0 still rhymes with a
    /// locked line 1). Pass `""` for lines that are about to be regenerated.
    pub fn for_line_with(
        p: &Pronouncer,
        lines: &[&str],
        scheme: &RhymeScheme,
        index: usize,
        syllable_target: Option<u8>,
    ) -> LineContext {
        let mut ctx = LineContext {
            syllable_target,
            ..LineContext::default()
        };
        let Some(group) = scheme.group_id(index) else {
            return ctx;
        };
        let same_group = |j: usize| j != index && scheme.group_id(j) == Some(group);
        let has_words = |j: &usize| last_word(lines[*j]).is_some();
        let partner = (0..index.min(lines.len()))
            .rev()
            .filter(|&j| same_group(j))
            .find(has_words)
            .or_else(|| {
                (index + 1..lines.len())
                    .filter(|&j| same_group(j))
                    .find(has_words)
            });
        ctx.rhyme_with = partner.and_then(|j| p.line_rhyme_key(lines[j]));
        ctx.needs_rhymes = partner.is_none();
        for (j, line) in lines.iter().enumerate() {
            if j == index {
                continue;
            }
            if same_group(j) {
                ctx.avoid_end_words.extend(last_word(line));
            } else if let Some(key) = p.line_rhyme_key(line) {
                if !ctx.avoid_rhymes.iter().any(|k| k.matches(&key)) {
                    ctx.avoid_rhymes.push(key);
                }
            }
        }
        ctx
    }
}

/// Soft penalties, reported separately so the UI can explain a choice.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SoftPenalties {
    /// Ends on a word from `avoid_end_words`.
    pub avoided_end_word: bool,
    /// How many of `avoid_rhymes` the line's end matches.
    pub avoided_rhymes: usize,
    /// A rhyme was required and the end word is not in the dictionary, so
    /// the match (if any) is only a spelling guess.
    pub guessed_rhyme: bool,
    /// The end word is not in the dictionary (its rhyme is a guess).
    pub guessed_end: bool,
    /// The end word is archaic ("thee", "o'er").
    pub archaic_end: bool,
    /// Archaic words anywhere in the line ("thee", "hath").
    pub archaic_words: usize,
    /// Words anywhere in the line missing from the dictionary (misspellings,
    /// invented words; their syllables are guesses).
    pub unknown_words: usize,
    /// The line opens a rhyme group and its end word has fewer than
    /// [`MIN_RHYMES`] common rhymes, so its partner will be hard to write.
    pub few_rhymes: bool,
}

/// Common rhymes a group's first end word should have.
pub const MIN_RHYMES: usize = 5;

impl SoftPenalties {
    /// Weighted sum: reusing a word is worse than blurring the scheme.
    pub fn total(&self) -> usize {
        2 * usize::from(self.avoided_end_word)
            + self.avoided_rhymes
            + usize::from(self.guessed_rhyme)
            + 2 * self.archaic_words
            + self.unknown_words
    }

    /// The end word itself is a poor line end (unknown, archaic, or hard to
    /// rhyme when a rhyme will be needed).
    pub fn weak_end(&self) -> bool {
        self.guessed_end || self.archaic_end || self.few_rhymes
    }
}

/// Score of one candidate; lower is better, compared in field order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Score {
    /// A rhyme was required and not met. Dominates everything else.
    pub rhyme_missed: bool,
    /// The line ends on a function word ("the", "of", "and", "could").
    pub function_end: bool,
    /// |syllables - target|, 0 without a target.
    pub syllable_distance: usize,
    pub soft: SoftPenalties,
}

impl Score {
    /// Sort key: rhyme, then the function-word rule, then syllables more
    /// than one off the target, then a weak end word, then the exact
    /// syllable distance, then the soft total.
    pub fn rank(&self) -> (bool, bool, usize, bool, usize, usize) {
        (
            self.rhyme_missed,
            self.function_end,
            self.syllable_distance.saturating_sub(1),
            self.soft.weak_end(),
            self.syllable_distance,
            self.soft.total(),
        )
    }

    /// Meets every rule: rhyme, no function-word end, within one syllable,
    /// and a good end word.
    pub fn is_good(&self) -> bool {
        !self.rhyme_missed
            && !self.function_end
            && self.syllable_distance <= 1
            && !self.soft.weak_end()
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Choice {
    /// Index into the original `candidates` slice.
    pub index: usize,
    /// The cleaned candidate text.
    pub text: String,
    pub syllables: usize,
    /// True when the required rhyme is met, or none was required.
    pub rhyme_satisfied: bool,
    pub score: Score,
}

/// Makes a sampled line read like a song line: quotation marks,
/// brackets and underscores go (the corpus quotes speech across lines, so a
/// cut line leaves one unbalanced), dashes and semicolons become commas,
/// punctuation a line cannot start with is dropped, runs of punctuation
/// collapse to their strongest mark, whitespace collapses to one space and
/// the first letter is a capital. `None` if no word is left.
pub fn clean_candidate(raw: &str) -> Option<String> {
    let spaced: String = raw
        .replace("--", ", ")
        .chars()
        .map(|c| match c {
            '"' | '(' | ')' | '[' | ']' | '_' | '*' => ' ',
            ';' | ':' => ',',
            c => c,
        })
        .collect();
    let joined = spaced.split_whitespace().collect::<Vec<_>>().join(" ");
    let start = joined.trim_start_matches(|c: char| !c.is_alphanumeric());
    let mut cleaned = String::with_capacity(start.len());
    for c in start.chars() {
        let is_mark = matches!(c, ',' | '.' | '!' | '?');
        if is_mark {
            // "word ," -> "word,"
            if cleaned.ends_with(' ') {
                cleaned.pop();
            }
            // ",." -> "." and ".." -> ".": the later, stronger mark wins;
            // "!," keeps the "!".
            match cleaned.chars().next_back() {
                Some(',') => {
                    cleaned.pop();
                }
                Some('.' | '!' | '?') => continue,
                _ => {}
            }
        }
        cleaned.push(c);
    }
    let cleaned = cleaned.trim().trim_end_matches(',').trim_end().to_string();
    if !cleaned.chars().any(char::is_alphabetic) {
        return None;
    }
    let mut chars = cleaned.chars();
    let first = chars.next()?;
    Some(first.to_uppercase().chain(chars).collect())
}

/// Scores one (already cleaned) line against a context.
pub fn score_line(p: &Pronouncer, text: &str, ctx: &LineContext) -> (Score, usize) {
    let syllables = p.line_syllables(text);
    let end = last_word(text);
    let key = end.as_deref().and_then(|w| p.rhyme_key(w));
    let avoided_end_word = end
        .as_ref()
        .is_some_and(|w| ctx.avoid_end_words.contains(w));
    let function_end = end.as_deref().is_none_or(is_function_word);
    // Ending on an avoided word never satisfies the rhyme: it is the
    // partner's word (or another repeat), not a rhyme; nor does a function
    // word, which rhymes with nothing.
    let rhyme_missed = ctx.rhyme_with.as_ref().is_some_and(|want| {
        avoided_end_word || function_end || !key.as_ref().is_some_and(|k| k.matches(want))
    });
    let guessed_end = key.as_ref().is_some_and(RhymeKey::is_guessed);
    let soft = SoftPenalties {
        avoided_end_word,
        avoided_rhymes: key.as_ref().map_or(0, |k| {
            ctx.avoid_rhymes.iter().filter(|a| k.matches(a)).count()
        }),
        guessed_rhyme: ctx.rhyme_with.is_some() && guessed_end,
        guessed_end,
        archaic_end: end.as_deref().is_some_and(is_archaic),
        archaic_words: text.split_whitespace().filter(|w| is_archaic(w)).count(),
        unknown_words: unknown_words(p, text),
        few_rhymes: ctx.needs_rhymes
            && !guessed_end
            && !function_end
            && end.as_deref().is_some_and(|w| {
                let mut exclude = ctx.avoid_end_words.clone();
                exclude.insert(w.to_string());
                key.as_ref()
                    .is_none_or(|k| Lexicon::builtin().rhymes_for(k, &exclude).len() < MIN_RHYMES)
            }),
    };
    let syllable_distance = ctx
        .syllable_target
        .map_or(0, |t| syllables.abs_diff(usize::from(t)));
    (
        Score {
            rhyme_missed,
            function_end,
            syllable_distance,
            soft,
        },
        syllables,
    )
}

/// Words of `text` with letters that the dictionary does not know.
pub fn unknown_words(p: &Pronouncer, text: &str) -> usize {
    text.split_whitespace()
        .filter(|w| w.chars().any(char::is_alphabetic) && !p.contains(w))
        .count()
}

/// Best candidate for a line using the built-in dictionary; `None` when no
/// candidate has any text. Ties go to the lowest index.
pub fn choose_line(candidates: &[String], ctx: &LineContext) -> Option<Choice> {
    choose_line_with(Pronouncer::builtin(), candidates, ctx)
}

/// [`choose_line`] with a chosen dictionary.
pub fn choose_line_with(
    p: &Pronouncer,
    candidates: &[String],
    ctx: &LineContext,
) -> Option<Choice> {
    candidates
        .iter()
        .enumerate()
        .filter_map(|(index, raw)| Choice::scored(p, index, raw, ctx))
        // min_by_key keeps the first of equal keys; the index makes that explicit.
        .min_by_key(|c| (c.score.rank(), c.index))
}

impl Choice {
    /// Candidate `index`, cleaned and scored; `None` when nothing is left
    /// after cleaning.
    fn scored(p: &Pronouncer, index: usize, raw: &str, ctx: &LineContext) -> Option<Choice> {
        let text = clean_candidate(raw)?;
        let (score, syllables) = score_line(p, &text, ctx);
        Some(Choice {
            index,
            text,
            syllables,
            rhyme_satisfied: !score.rhyme_missed,
            score,
        })
    }
}

/// Nats of model log-probability one syllable off the target costs in
/// [`choose_fluent`].
const SYLLABLE_NATS: f64 = 2.0;
/// Nats one unit of [`SoftPenalties::total`] costs in [`choose_fluent`].
const SOFT_NATS: f64 = 2.0;

/// Best candidate by the rules first, then by how probable the model finds
/// it: each candidate comes with its log-probability (nats) under the model,
/// line end included. Among candidates that meet the rules equally (rhyme,
/// function-word end, within one syllable, a good end word), the highest
/// log-probability less [`SYLLABLE_NATS`] per syllable off the target and
/// [`SOFT_NATS`] per soft penalty wins. Sampling alone picks whatever came
/// first, and a sampled line is as often muddled as not; the model's own
/// probability prefers the lines it writes fluently.
pub fn choose_fluent(candidates: &[(String, f64)], ctx: &LineContext) -> Option<Choice> {
    let p = Pronouncer::builtin();
    let mut best: Option<(Choice, f64)> = None;
    for (index, (raw, logprob)) in candidates.iter().enumerate() {
        let Some(choice) = Choice::scored(p, index, raw, ctx) else {
            continue;
        };
        let score = &choice.score;
        let value = logprob
            - SYLLABLE_NATS * score.syllable_distance as f64
            - SOFT_NATS * score.soft.total() as f64;
        let hard = hard_rank(score);
        // Ties go to the earlier candidate, as in `choose_line`.
        let better = best.as_ref().is_none_or(|(b, v)| {
            let bh = hard_rank(&b.score);
            hard < bh || (hard == bh && value > *v)
        });
        if better {
            best = Some((choice, value));
        }
    }
    best.map(|(c, _)| c)
}

/// The rules of [`Score::rank`] that no amount of fluency makes up for.
fn hard_rank(s: &Score) -> (bool, bool, usize, bool) {
    (
        s.rhyme_missed,
        s.function_end,
        s.syllable_distance.saturating_sub(1),
        s.soft.weak_end(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    fn ctx_night(target: Option<u8>) -> LineContext {
        LineContext {
            rhyme_with: Pronouncer::builtin().line_rhyme_key("We drove into the night"),
            syllable_target: target,
            avoid_end_words: HashSet::from(["night".to_string()]),
            ..LineContext::default()
        }
    }

    #[test]
    fn picks_rhyming_candidate_closest_to_target() {
        let c = strings(&[
            "We sang until the morning came",        // 8, no rhyme
            "and all the stars were burning bright", // 8, rhymes
            "under the light",                       // 4, rhymes
            "  and   everything   felt   right  ",   // 6, rhymes (messy spacing)
        ]);
        let choice = choose_line(&c, &ctx_night(Some(6))).unwrap();
        assert_eq!(choice.index, 3);
        assert_eq!(choice.text, "And everything felt right");
        assert_eq!(choice.syllables, 6);
        assert!(choice.rhyme_satisfied);
        assert_eq!(choice.score.syllable_distance, 0);
        // With target 8 the rhyming 8-syllable line wins over the non-rhyming one.
        let choice = choose_line(&c, &ctx_night(Some(8))).unwrap();
        assert_eq!(choice.index, 1);
    }

    #[test]
    fn rhyme_beats_syllables_and_identical_word_is_not_a_rhyme() {
        let c = strings(&[
            "all through the night",
            "the cat sat on the mat",
            "so tight",
        ]);
        let choice = choose_line(&c, &ctx_night(Some(6))).unwrap();
        assert_eq!(
            choice.index, 2,
            "2-syllable rhyme beats exact-length non-rhymes"
        );
        assert!(choice.rhyme_satisfied);
        assert_eq!(choice.score.syllable_distance, 4);
        let only_bad = strings(&["all through the night"]);
        let choice = choose_line(&only_bad, &ctx_night(Some(5))).unwrap();
        assert!(!choice.rhyme_satisfied);
        assert!(choice.score.soft.avoided_end_word);
    }

    #[test]
    fn soft_penalties_and_ties() {
        let ctx = LineContext {
            avoid_rhymes: vec![Pronouncer::builtin().rhyme_key("cat").unwrap()],
            syllable_target: Some(3),
            ..LineContext::default()
        };
        let c = strings(&["I saw a hat", "I saw a dog", "you saw a frog"]);
        let choice = choose_line(&c, &ctx).unwrap();
        assert_eq!(
            choice.index, 1,
            "avoids the other group's rhyme; tie goes to lower index"
        );
        assert!(choice.rhyme_satisfied, "no rhyme required");
        assert_eq!(choice.score.syllable_distance, 1);
    }

    #[test]
    fn cleaning_and_empty() {
        assert_eq!(clean_candidate(" a \t b\n"), Some("A b".to_string()));
        assert_eq!(clean_candidate(" \n "), None);
        assert_eq!(
            clean_candidate(". an old soul"),
            Some("An old soul".to_string())
        );
        assert_eq!(
            clean_candidate("And blushed before.\"....."),
            Some("And blushed before.".to_string())
        );
        assert_eq!(clean_candidate(".. , ;"), None);
        assert_eq!(
            clean_candidate("But the flitting things he played, -- more"),
            Some("But the flitting things he played, more".to_string())
        );
        assert_eq!(
            clean_candidate("\"an old soul; and sharp (of clear) ,"),
            Some("An old soul, and sharp of clear".to_string())
        );
        assert_eq!(clean_candidate("away!,"), Some("Away!".to_string()));
        assert_eq!(clean_candidate("away,."), Some("Away.".to_string()));
        assert!(choose_line(&strings(&["", "   ", "\n"]), &LineContext::default()).is_none());
        assert!(choose_line(&[], &LineContext::default()).is_none());
        let c = choose_line(&strings(&["", " hi "]), &LineContext::default()).unwrap();
        assert_eq!((c.index, c.text.as_str()), (1, "Hi"));
    }

    #[test]
    fn fluency_decides_among_lines_that_meet_the_rules() {
        let ctx = ctx_night(Some(6));
        let cands = vec![
            // Rhymes and scans, but the model finds it improbable.
            ("Of blade the sight".to_string(), -40.0),
            // Probable but no rhyme: the rules come first.
            ("We sang along the road".to_string(), -5.0),
            ("And held the morning light".to_string(), -20.0),
            ("Then came the burning light".to_string(), -25.0),
        ];
        let c = choose_fluent(&cands, &ctx).unwrap();
        assert_eq!(
            (c.index, c.text.as_str()),
            (2, "And held the morning light")
        );
        // A syllable off costs SYLLABLE_NATS: -20 - 2 < -21.
        let cands = vec![
            ("And held the bright light".to_string(), -20.0),
            ("Then came the burning light".to_string(), -21.0),
        ];
        assert_eq!(choose_fluent(&cands, &ctx).unwrap().index, 1);
        assert!(choose_fluent(&[], &ctx).is_none());
    }

    #[test]
    fn guessed_rhymes_are_penalised() {
        let ctx = LineContext {
            rhyme_with: Pronouncer::builtin().rhyme_key("fantastic"),
            ..LineContext::default()
        };
        let c = strings(&["simply blorptastic", "simply elastic"]);
        let choice = choose_line(&c, &ctx).unwrap();
        assert_eq!(choice.index, 1);
        let (score, _) = score_line(Pronouncer::builtin(), "simply blorptastic", &ctx);
        assert!(!score.rhyme_missed && score.soft.guessed_rhyme);
    }

    #[test]
    fn context_for_line() {
        let lines = [
            "The cat sat on the mat",
            "",
            "We walked into the night",
            "Beneath the silver light",
        ];
        let aabb = RhymeScheme::parse("AABB").unwrap();
        let ctx = LineContext::for_line(&lines, &aabb, 1, Some(6));
        assert_eq!(
            ctx.rhyme_with.as_ref().and_then(|k| k.phones()),
            Some("AE T")
        );
        assert_eq!(ctx.avoid_end_words, HashSet::from(["mat".to_string()]));
        assert_eq!(ctx.avoid_rhymes.len(), 1, "night/light share one key");
        assert_eq!(ctx.syllable_target, Some(6));
        // Regenerating line 2 rhymes with the later line 3.
        let ctx = LineContext::for_line(&lines, &aabb, 2, None);
        assert_eq!(
            ctx.rhyme_with.as_ref().and_then(|k| k.phones()),
            Some("AY T")
        );
        // A new 5th line starts a new stanza: nothing to rhyme with yet.
        let ctx = LineContext::for_line(&lines, &aabb, 4, None);
        assert!(ctx.rhyme_with.is_none());
        assert_eq!(ctx.avoid_rhymes.len(), 2);
        assert_eq!(
            LineContext::for_line(&lines, &RhymeScheme::FREE, 1, Some(4))
                .avoid_rhymes
                .len(),
            0
        );
        let c = choose_line(
            &strings(&["a dog", "a hat"]),
            &LineContext::for_line(&lines, &aabb, 1, None),
        )
        .unwrap();
        assert_eq!(c.index, 1);
    }
}
