//! How a passage is steered while it is sampled: where it may end (at the
//! end of a sentence, never inside a player line), and a modest logit bias
//! toward the words of the player's action.

use crate::lm::generate::Guide;
use crate::lm::Vocab;

use super::words;

/// The character that starts a player's line in the transcript form.
pub const PLAYER_MARK: char = '>';

/// Limits and bias for one passage; see [`PassageGuide`].
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PassageRules {
    /// A passage does not end before this many characters.
    pub min_chars: usize,
    /// From here on the passage ends at the next sentence end.
    pub max_chars: usize,
    /// Hard ceiling: cut back to the last sentence end.
    pub ceiling_chars: usize,
    /// Logits added to the next letter of an action word the passage has
    /// begun (half of it to the first letters at word starts); 0 is off.
    pub bias: f32,
}

/// Token ids of a letter in lower and upper case (when the vocabulary has them).
#[derive(Clone, Debug, Default)]
struct LetterIds {
    lower: Option<u32>,
    upper: Option<u32>,
}

/// A modest logit bias toward words, per stream: full strength on the next
/// letter of a word the stream has begun, half at word starts on their
/// first letters. A word is no longer pushed once written (or begun and
/// turned into another word).
pub struct WordBias {
    strength: f32,
    /// The words still to be taken up, per stream.
    pending: Vec<Vec<String>>,
    letters: std::collections::HashMap<char, LetterIds>,
}

impl WordBias {
    pub fn new(vocab: &Vocab, words: &[String], strength: f32, streams: usize) -> Self {
        let mut letters = std::collections::HashMap::new();
        for w in words {
            for c in w.chars() {
                letters.entry(c).or_insert_with(|| {
                    let id = |ch: char| vocab.contains(ch).then(|| vocab.token(ch));
                    LetterIds {
                        lower: id(c),
                        upper: c.to_uppercase().next().and_then(id),
                    }
                });
            }
        }
        WordBias {
            strength,
            pending: vec![words.to_vec(); streams],
            letters,
        }
    }

    fn boost(&self, logits: &mut [f32], c: char, amount: f32, both_cases: bool) {
        if let Some(ids) = self.letters.get(&c) {
            let targets = [ids.lower, if both_cases { ids.upper } else { None }];
            for id in targets.into_iter().flatten() {
                if let Some(l) = logits.get_mut(id as usize) {
                    if l.is_finite() {
                        *l += amount;
                    }
                }
            }
        }
    }

    /// Adds the bias for stream `stream` after `text`.
    pub fn adjust(&self, stream: usize, text: &str, logits: &mut [f32]) {
        let pending = &self.pending[stream];
        if self.strength <= 0.0 || pending.is_empty() {
            return;
        }
        let partial = trailing_word(text).to_lowercase();
        if partial.is_empty() {
            let at_word_start = text
                .chars()
                .last()
                .is_none_or(|c| c.is_whitespace() || matches!(c, '"' | '(' | '“'));
            if at_word_start {
                let firsts: std::collections::BTreeSet<char> =
                    pending.iter().filter_map(|w| w.chars().next()).collect();
                for c in firsts {
                    self.boost(logits, c, self.strength * 0.5, true);
                }
            }
            return;
        }
        let nexts: std::collections::BTreeSet<char> = pending
            .iter()
            .filter(|w| w.len() > partial.len() && w.starts_with(&partial))
            .filter_map(|w| w[partial.len()..].chars().next())
            .collect();
        for c in nexts {
            self.boost(logits, c, self.strength, false);
        }
    }

    /// After each character: a word just finished stops pushing the words
    /// it took up.
    pub fn observe(&mut self, stream: usize, text: &str) {
        if let Some(c) = text.chars().last().filter(|c| !c.is_alphabetic()) {
            let last = trailing_word(&text[..text.len() - c.len_utf8()]);
            if !last.is_empty() {
                // Written once, or begun and turned into another word
                // ("foot" for "footprints"): pushing it again only forces
                // the same letters in once more.
                let last = last.to_lowercase();
                let s = words::stem(&last).to_string();
                self.pending[stream].retain(|w| {
                    let shared = w
                        .chars()
                        .zip(last.chars())
                        .take_while(|(a, b)| a == b)
                        .count();
                    words::stem(w) != s && shared < 4.min(w.chars().count())
                });
            }
        }
    }
}

/// Steers every stream of a passage batch the same way.
pub struct PassageGuide {
    rules: PassageRules,
    /// Toward the action's content words.
    bias: WordBias,
    mark: Option<u32>,
    /// Whitespace ids: a passage starts with a word, not a gap.
    blanks: Vec<u32>,
    /// Characters the passage may not write at all.
    banned: Vec<u32>,
}

impl PassageGuide {
    /// The same guide, never writing `c` (the object slot, when the
    /// action has no object to fill it with).
    pub fn banning(mut self, vocab: &Vocab, c: char) -> Self {
        if vocab.contains(c) {
            self.banned.push(vocab.token(c));
        }
        self
    }

    pub fn new(
        vocab: &Vocab,
        rules: PassageRules,
        action_words: &[String],
        streams: usize,
    ) -> Self {
        PassageGuide {
            bias: WordBias::new(vocab, action_words, rules.bias, streams),
            rules,
            mark: vocab
                .contains(PLAYER_MARK)
                .then(|| vocab.token(PLAYER_MARK)),
            blanks: blank_ids(vocab),
            banned: Vec::new(),
        }
    }
}

fn blank_ids(vocab: &Vocab) -> Vec<u32> {
    [' ', '\n', '\t']
        .into_iter()
        .filter(|&c| vocab.contains(c))
        .map(|c| vocab.token(c))
        .collect()
}

/// Steers a batch of predicted player commands toward the things of the
/// scene (what the player can see): no bias on the verb, the word bias
/// after it. A command ends at its line end.
pub struct CommandGuide {
    bias: WordBias,
    blanks: Vec<u32>,
}

impl CommandGuide {
    pub fn new(vocab: &Vocab, scene_words: &[String], strength: f32, streams: usize) -> Self {
        CommandGuide {
            bias: WordBias::new(vocab, scene_words, strength, streams),
            blanks: blank_ids(vocab),
        }
    }
}

impl Guide for CommandGuide {
    fn adjust(&mut self, stream: usize, text: &str, logits: &mut [f32]) {
        if text.is_empty() {
            for &id in &self.blanks {
                if let Some(l) = logits.get_mut(id as usize) {
                    *l = f32::NEG_INFINITY;
                }
            }
        }
        if text.contains(' ') {
            self.bias.adjust(stream, text, logits);
        }
    }

    fn end(&mut self, stream: usize, text: &str) -> Option<usize> {
        self.bias.observe(stream, text);
        text.ends_with('\n').then(|| text.len() - 1)
    }

    fn is_boundary(&self, _text: &str) -> bool {
        false
    }
}

/// The letters at the end of `text` (the word being written, or empty).
fn trailing_word(text: &str) -> &str {
    let start = text
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphabetic())
        .last()
        .map_or(text.len(), |(i, _)| i);
    &text[start..]
}

/// Byte length of the longest prefix of `text` that ends a sentence: after
/// `.`, `!` or `?`, with any closing quotes or brackets that follow.
pub fn last_sentence_end(text: &str) -> Option<usize> {
    let mut best = None;
    let mut after_stop = false;
    for (i, c) in text.char_indices() {
        let end = i + c.len_utf8();
        if matches!(c, '.' | '!' | '?' | '…') {
            after_stop = true;
            best = Some(end);
        } else if after_stop && matches!(c, '"' | '\'' | ')' | '”' | '’') {
            best = Some(end);
        } else {
            after_stop = false;
        }
    }
    best
}

/// Whether `text` ends at a sentence end (what [`last_sentence_end`] finds).
pub fn at_sentence_end(text: &str) -> bool {
    last_sentence_end(text) == Some(text.len())
}

/// Where to cut a passage that wants to end at `at` (exclusive): back to
/// the last sentence end at or before it; failing that, the last whole word.
pub fn cut_point(text: &str, at: usize) -> usize {
    let head = text[..at].trim_end();
    last_sentence_end(head).unwrap_or_else(|| {
        head.rfind(char::is_whitespace)
            .map_or(head.len(), |i| head[..i].trim_end().len())
    })
}

impl Guide for PassageGuide {
    fn adjust(&mut self, stream: usize, text: &str, logits: &mut [f32]) {
        if text.is_empty() {
            for &id in &self.blanks {
                if let Some(l) = logits.get_mut(id as usize) {
                    *l = f32::NEG_INFINITY;
                }
            }
        }
        for &id in &self.banned {
            if let Some(l) = logits.get_mut(id as usize) {
                *l = f32::NEG_INFINITY;
            }
        }
        // A player line may start only at a line start, after the minimum.
        if let Some(mark) = self.mark {
            let may_end = text.ends_with('\n') && text.chars().count() >= self.rules.min_chars;
            if !may_end {
                if let Some(l) = logits.get_mut(mark as usize) {
                    *l = f32::NEG_INFINITY;
                }
            }
        }
        self.bias.adjust(stream, text, logits);
    }

    fn end(&mut self, stream: usize, text: &str) -> Option<usize> {
        self.bias.observe(stream, text);
        let chars = text.chars().count();
        if text.ends_with(PLAYER_MARK) {
            return Some(cut_point(text, text.len() - PLAYER_MARK.len_utf8()));
        }
        if chars >= self.rules.ceiling_chars {
            return Some(cut_point(text, text.len()));
        }
        if !text.chars().last()?.is_whitespace() {
            return None;
        }
        let head = text.trim_end();
        let paragraph_end = text.ends_with("\n\n") && chars >= self.rules.min_chars;
        if paragraph_end || (chars >= self.rules.max_chars && at_sentence_end(head)) {
            return Some(cut_point(text, text.len()));
        }
        None
    }

    fn is_boundary(&self, text: &str) -> bool {
        at_sentence_end(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vocab() -> Vocab {
        Vocab::from_texts(
            ["abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ .,!?\"'>\n"],
            1,
            1000,
        )
    }

    fn rules(bias: f32) -> PassageRules {
        PassageRules {
            min_chars: 10,
            max_chars: 40,
            ceiling_chars: 60,
            bias,
        }
    }

    #[test]
    fn sentence_ends_include_closing_quotes() {
        assert_eq!(last_sentence_end("He ran. \"Stop!\" And"), Some(15));
        assert_eq!(last_sentence_end("No end here"), None);
        assert!(at_sentence_end("Done."));
        assert!(!at_sentence_end("Done. Then"));
    }

    #[test]
    fn cuts_fall_on_sentences_or_whole_words() {
        let t = "You open the door. Beyond it th";
        assert_eq!(&t[..cut_point(t, t.len())], "You open the door.");
        let t = "no sentence end at al";
        assert_eq!(&t[..cut_point(t, t.len())], "no sentence end at");
    }

    #[test]
    fn the_player_mark_is_forbidden_mid_line_and_before_the_minimum() {
        let v = vocab();
        let mark = v.token('>') as usize;
        let mut g = PassageGuide::new(&v, rules(0.0), &[], 1);
        let mut logits = vec![0.0; v.len()];
        g.adjust(0, "Short.\n", &mut logits);
        assert_eq!(logits[mark], f32::NEG_INFINITY);
        let mut logits = vec![0.0; v.len()];
        g.adjust(0, "A long enough passage. Mid line", &mut logits);
        assert_eq!(logits[mark], f32::NEG_INFINITY);
        let mut logits = vec![0.0; v.len()];
        g.adjust(0, "A long enough passage.\n\n", &mut logits);
        assert_eq!(logits[mark], 0.0);
    }

    #[test]
    fn a_player_line_ends_the_passage_before_it() {
        let v = vocab();
        let mut g = PassageGuide::new(&v, rules(0.0), &[], 1);
        let t = "You take the key. It is cold.\n\n>";
        assert_eq!(
            g.end(0, t).map(|c| &t[..c]),
            Some("You take the key. It is cold.")
        );
    }

    #[test]
    fn long_passages_finish_their_sentence() {
        let v = vocab();
        let mut g = PassageGuide::new(&v, rules(0.0), &[], 1);
        let t = "The corridor runs on and on into the dark and";
        assert_eq!(g.end(0, t), None, "past the maximum but mid-sentence");
        let t = "The corridor runs on and on into the dark. ";
        assert_eq!(
            g.end(0, t).map(|c| &t[..c]),
            Some("The corridor runs on and on into the dark.")
        );
        let t = "The corridor runs on. And on and on and on into the dark and the cold";
        assert_eq!(g.end(0, t).map(|c| &t[..c]), Some("The corridor runs on."));
    }

    #[test]
    fn bias_pushes_the_next_letter_of_a_begun_action_word() {
        let v = vocab();
        let words = vec!["lantern".to_string()];
        let mut g = PassageGuide::new(&v, rules(2.0), &words, 1);
        let mut logits = vec![0.0; v.len()];
        g.adjust(0, "You lift the lan", &mut logits);
        assert_eq!(logits[v.token('t') as usize], 2.0);
        assert_eq!(logits[v.token('d') as usize], 0.0);
        let mut logits = vec![0.0; v.len()];
        g.adjust(0, "You lift the ", &mut logits);
        assert_eq!(logits[v.token('l') as usize], 1.0);
        assert_eq!(logits[v.token('L') as usize], 1.0);
        // A word that begins it and turns into another ends the push too.
        let mut h = PassageGuide::new(&v, rules(2.0), &words, 1);
        h.end(0, "You lift the lant ");
        let mut logits = vec![0.0; v.len()];
        h.adjust(0, "You lift the lant. The la", &mut logits);
        assert_eq!(logits[v.token('n') as usize], 0.0);
        // Once the word is written, it is no longer pushed.
        g.end(0, "You lift the lantern ");
        let mut logits = vec![0.0; v.len()];
        g.adjust(0, "You lift the lantern. The l", &mut logits);
        assert_eq!(logits[v.token('a') as usize], 0.0);
    }
}
