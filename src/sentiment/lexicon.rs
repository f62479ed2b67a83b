//! Parsing of the VADER word lexicon and the emoji-to-description lexicon.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

/// The VADER lexicon (`token<TAB>mean<TAB>std-dev<TAB>ratings`), embedded so the
/// binary needs no data files at run time.
pub(crate) const VADER_LEXICON: &str = include_str!("../../assets/sentiment/vader_lexicon.txt");

/// Emoji to English description (`emoji<TAB>description`).
pub(crate) const EMOJI_LEXICON: &str =
    include_str!("../../assets/sentiment/emoji_utf8_lexicon.txt");

/// A line of a lexicon file that could not be understood.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file} lexicon, line {line}: {reason}")]
pub struct LexiconError {
    /// Which lexicon: `"word"` or `"emoji"`.
    pub file: &'static str,
    /// 1-based line number.
    pub line: usize,
    /// What was wrong with it.
    pub reason: String,
}

/// Both lexicons, ready for lookups.
#[derive(Debug, Clone)]
pub(crate) struct Lexicon {
    /// Keys as written in the file: words are lower-case there, while a few
    /// emoticons (`:D` vs `:d`) are case-sensitive, so no case folding here.
    words: HashMap<String, f64>,
    emoji: HashMap<String, String>,
    /// First chars of emoji keys, so the common non-emoji char costs one set probe.
    emoji_starts: HashSet<char>,
    /// Longest emoji key in chars (ZWJ sequences, flags, skin tones).
    emoji_max_chars: usize,
}

impl Lexicon {
    pub(crate) fn parse(words: &str, emoji: &str) -> Result<Self, LexiconError> {
        let words = parse_words(words)?;
        let emoji = parse_emoji(emoji)?;
        let emoji_starts = emoji.keys().filter_map(|k| k.chars().next()).collect();
        let emoji_max_chars = emoji.keys().map(|k| k.chars().count()).max().unwrap_or(0);
        Ok(Self {
            words,
            emoji,
            emoji_starts,
            emoji_max_chars,
        })
    }

    pub(crate) fn valence(&self, token: &str) -> Option<f64> {
        self.words.get(token).copied()
    }

    /// Every word with its valence.
    pub(crate) fn words(&self) -> impl Iterator<Item = (&str, f64)> {
        self.words.iter().map(|(w, v)| (w.as_str(), *v))
    }

    pub(crate) fn contains(&self, token: &str) -> bool {
        self.words.contains_key(token)
    }

    pub(crate) fn word_count(&self) -> usize {
        self.words.len()
    }

    pub(crate) fn emoji_count(&self) -> usize {
        self.emoji.len()
    }

    /// Replaces every known emoji by ` description ` so its words get scored;
    /// borrows the input untouched when it holds no emoji.
    pub(crate) fn expand_emoji<'t>(&self, text: &'t str) -> Cow<'t, str> {
        let mut out: Option<String> = None;
        let mut copied = 0;
        let mut pos = 0;
        while let Some(c) = text[pos..].chars().next() {
            if self.emoji_starts.contains(&c) {
                if let Some((len, desc)) = self.longest_emoji_at(&text[pos..]) {
                    let buf = out.get_or_insert_with(|| String::with_capacity(text.len() + 32));
                    buf.push_str(&text[copied..pos]);
                    buf.push(' ');
                    buf.push_str(desc);
                    buf.push(' ');
                    pos += len;
                    copied = pos;
                    continue;
                }
            }
            pos += c.len_utf8();
        }
        match out {
            Some(mut buf) => {
                buf.push_str(&text[copied..]);
                Cow::Owned(buf)
            }
            None => Cow::Borrowed(text),
        }
    }

    /// Longest emoji key that prefixes `s`, as (byte length, description).
    fn longest_emoji_at(&self, s: &str) -> Option<(usize, &str)> {
        let ends: Vec<usize> = s
            .char_indices()
            .skip(1)
            .map(|(i, _)| i)
            .chain(std::iter::once(s.len()))
            .take(self.emoji_max_chars)
            .collect();
        ends.iter()
            .rev()
            .find_map(|&end| self.emoji.get(&s[..end]).map(|d| (end, d.as_str())))
    }
}

fn parse_words(raw: &str) -> Result<HashMap<String, f64>, LexiconError> {
    let mut map = HashMap::new();
    for (idx, line) in raw.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let err = |reason: &str| LexiconError {
            file: "word",
            line: idx + 1,
            reason: reason.to_owned(),
        };
        let mut fields = line.split('\t');
        let token = fields.next().unwrap_or_default();
        let mean = fields.next().ok_or_else(|| err("missing valence column"))?;
        if token.is_empty() {
            return Err(err("empty token"));
        }
        let mean: f64 = mean
            .trim()
            .parse()
            .map_err(|_| err("valence is not a number"))?;
        if !mean.is_finite() {
            return Err(err("valence is not finite"));
        }
        map.insert(token.to_owned(), mean);
    }
    Ok(map)
}

fn parse_emoji(raw: &str) -> Result<HashMap<String, String>, LexiconError> {
    let mut map = HashMap::new();
    for (idx, line) in raw.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let err = |reason: &str| LexiconError {
            file: "emoji",
            line: idx + 1,
            reason: reason.to_owned(),
        };
        let (emoji, desc) = line
            .split_once('\t')
            .ok_or_else(|| err("missing description column"))?;
        if emoji.is_empty() || desc.trim().is_empty() {
            return Err(err("empty emoji or description"));
        }
        map.insert(emoji.to_owned(), desc.trim().to_owned());
    }
    Ok(map)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_lexicons_parse() {
        let lex = Lexicon::parse(VADER_LEXICON, EMOJI_LEXICON).expect("embedded lexicons parse");
        assert!(lex.word_count() > 7000);
        assert!(lex.emoji_count() > 3000);
        assert_eq!(lex.valence("good"), Some(1.9));
        assert!(lex.valence(":D").is_some());
    }

    #[test]
    fn malformed_word_line_names_line() {
        let err = Lexicon::parse("good\t1.9\nbad\tx\n", "").unwrap_err();
        assert_eq!((err.file, err.line), ("word", 2));
        let err = Lexicon::parse("good\n", "").unwrap_err();
        assert_eq!(err.line, 1);
        let err = Lexicon::parse("good\t1\n", "\n😀\n").unwrap_err();
        assert_eq!((err.file, err.line), ("emoji", 2));
    }

    #[test]
    fn emoji_expansion_prefers_longest_match() {
        let lex = Lexicon::parse("", "a\tshort\nab\tlong\n😀\tgrinning face\n").unwrap();
        assert_eq!(lex.expand_emoji("xaby"), "x long y");
        assert_eq!(lex.expand_emoji("a😀"), " short  grinning face ");
        assert!(matches!(lex.expand_emoji("bbb"), Cow::Borrowed("bbb")));
    }
}
