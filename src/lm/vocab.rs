//! Character vocabulary: text to token ids and back.
//!
//! Token 0 is the unknown token; every other id is one Unicode scalar value.
//! Encoding never fails: a character outside the vocabulary becomes the
//! unknown token and decodes as U+FFFD, so text made only of known characters
//! round-trips exactly (CJK, emoji and combining marks included).

use std::collections::{BTreeMap, HashMap};

/// Id of the unknown token.
pub const UNK: u32 = 0;
/// What the unknown token decodes to.
pub const UNK_CHAR: char = '\u{FFFD}';

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Vocab {
    chars: Vec<char>,
    index: HashMap<char, u32>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum VocabError {
    #[error("vocabulary entry {position} is {entry:?}: each entry must be exactly one character")]
    NotOneChar { position: usize, entry: String },
    #[error("vocabulary entry {position} repeats the character {ch:?}")]
    Duplicate { position: usize, ch: char },
    #[error("vocabulary is empty")]
    Empty,
}

impl Vocab {
    /// Builds a vocabulary from the characters of `texts` that occur at least
    /// `min_count` times, most frequent first (ties by code point, so the same
    /// corpus always gives the same ids). `max_size` caps the vocabulary, the
    /// unknown token included.
    pub fn from_texts<'a>(
        texts: impl IntoIterator<Item = &'a str>,
        min_count: usize,
        max_size: usize,
    ) -> Vocab {
        let mut counts: BTreeMap<char, usize> = BTreeMap::new();
        for text in texts {
            for ch in text.chars() {
                *counts.entry(ch).or_default() += 1;
            }
        }
        let mut ranked: Vec<(char, usize)> = counts
            .into_iter()
            .filter(|&(ch, n)| n >= min_count.max(1) && ch != UNK_CHAR)
            .collect();
        ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        ranked.truncate(max_size.saturating_sub(1));
        let mut chars: Vec<char> = ranked.into_iter().map(|(c, _)| c).collect();
        // Sorted ids make the card readable and diffs of retrained models small.
        chars.sort_unstable();
        Self::from_known_chars(chars)
    }

    fn from_known_chars(chars: Vec<char>) -> Vocab {
        let mut all = Vec::with_capacity(chars.len() + 1);
        all.push(UNK_CHAR);
        all.extend(chars);
        let index = all
            .iter()
            .enumerate()
            .skip(1)
            .map(|(i, &c)| (c, i as u32))
            .collect();
        Vocab { chars: all, index }
    }

    /// Restores a vocabulary from its stored entries (one string per
    /// character, the unknown token excluded).
    pub fn from_entries(entries: &[String]) -> Result<Vocab, VocabError> {
        if entries.is_empty() {
            return Err(VocabError::Empty);
        }
        let mut chars = Vec::with_capacity(entries.len());
        let mut seen = HashMap::new();
        for (position, entry) in entries.iter().enumerate() {
            let mut it = entry.chars();
            let ch = match (it.next(), it.next()) {
                (Some(c), None) if c != UNK_CHAR => c,
                _ => {
                    return Err(VocabError::NotOneChar {
                        position,
                        entry: entry.clone(),
                    })
                }
            };
            if seen.insert(ch, position).is_some() {
                return Err(VocabError::Duplicate { position, ch });
            }
            chars.push(ch);
        }
        Ok(Self::from_known_chars(chars))
    }

    /// The stored form: one string per character, unknown token excluded.
    pub fn entries(&self) -> Vec<String> {
        self.chars[1..].iter().map(|c| c.to_string()).collect()
    }

    /// Number of tokens, the unknown token included.
    pub fn len(&self) -> usize {
        self.chars.len()
    }

    pub fn is_empty(&self) -> bool {
        self.chars.len() <= 1
    }

    pub fn contains(&self, ch: char) -> bool {
        self.index.contains_key(&ch)
    }

    pub fn token(&self, ch: char) -> u32 {
        self.index.get(&ch).copied().unwrap_or(UNK)
    }

    pub fn encode(&self, text: &str) -> Vec<u32> {
        text.chars().map(|c| self.token(c)).collect()
    }

    /// The character of a token; ids out of range decode like the unknown token.
    pub fn char_of(&self, id: u32) -> char {
        self.chars.get(id as usize).copied().unwrap_or(UNK_CHAR)
    }

    pub fn decode(&self, ids: &[u32]) -> String {
        ids.iter().map(|&i| self.char_of(i)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_ascii_cjk_emoji_and_combining_marks() {
        let text = "You open the door.\n物語は続く。 🐉👩‍🚀 e\u{301}te\u{301} שָׁלוֹם";
        let vocab = Vocab::from_texts([text], 1, 10_000);
        let ids = vocab.encode(text);
        assert_eq!(ids.len(), text.chars().count());
        assert!(ids.iter().all(|&i| i != UNK));
        assert_eq!(vocab.decode(&ids), text);
    }

    #[test]
    fn unknown_characters_map_to_unk_and_decode_as_replacement() {
        let vocab = Vocab::from_texts(["abc"], 1, 100);
        assert_eq!(vocab.encode("a龍b"), vec![1, UNK, 2]);
        assert_eq!(vocab.decode(&vocab.encode("a龍b")), "a\u{FFFD}b");
        assert_eq!(vocab.char_of(9999), UNK_CHAR);
    }

    #[test]
    fn min_count_and_max_size_drop_rare_characters() {
        let vocab = Vocab::from_texts(["aaaabbbc"], 2, 100);
        assert!(vocab.contains('a') && vocab.contains('b') && !vocab.contains('c'));
        let capped = Vocab::from_texts(["aaaabbbc"], 1, 2);
        assert_eq!(capped.len(), 2);
        assert!(capped.contains('a'));
    }

    #[test]
    fn entries_round_trip_and_bad_entries_are_errors() {
        let vocab = Vocab::from_texts(["hello, 世界 🌍"], 1, 100);
        let restored = Vocab::from_entries(&vocab.entries()).unwrap();
        assert_eq!(restored, vocab);
        assert_eq!(
            Vocab::from_entries(&["ab".to_string()]),
            Err(VocabError::NotOneChar {
                position: 0,
                entry: "ab".into()
            })
        );
        assert_eq!(
            Vocab::from_entries(&["a".to_string(), "a".to_string()]),
            Err(VocabError::Duplicate {
                position: 1,
                ch: 'a'
            })
        );
        assert_eq!(Vocab::from_entries(&[]), Err(VocabError::Empty));
    }
}
