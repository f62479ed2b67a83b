//! Rhyme schemes ("AABB", "ABAB", "free", ...) and checking lines against them.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::lexicon::is_function_word;
use super::pronounce::{last_word, Pronouncer, RhymeKey};

/// Longest pattern accepted; longer ones are almost surely a paste mistake.
pub const MAX_SCHEME_LEN: usize = 64;

/// A rhyme scheme: a pattern of letters, one per line, where lines with the
/// same letter should rhyme, or `free` (no rhyme requirement).
///
/// Any pattern of ASCII letters is accepted ("AABB", "ABAB", "ABCB",
/// "AAAA", "AABBA", ...), stored uppercase. For a section longer than the
/// pattern the pattern repeats, and each repetition is a new *stanza* with
/// its own rhymes: an 8-line "AABB" section rhymes like AABB CCDD.
///
/// Serialised as its text form (`"AABB"`, `"free"`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RhymeScheme {
    /// Uppercase ASCII letters; empty means free.
    pattern: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SchemeError {
    #[error("empty rhyme scheme: use a letter pattern such as \"AABB\" or \"free\"")]
    Empty,
    #[error(
        "bad character {ch:?} at position {position} in rhyme scheme {input:?}: \
         use letters A-Z (such as \"ABAB\") or \"free\""
    )]
    BadChar {
        input: String,
        ch: char,
        position: usize,
    },
    #[error("rhyme scheme is {len} letters long; the limit is {max}")]
    TooLong { len: usize, max: usize },
}

/// Which rhyme group a line belongs to: its letter within one repetition
/// (stanza) of the pattern.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct GroupId {
    pub stanza: usize,
    pub letter: char,
}

impl RhymeScheme {
    /// No rhyme requirement.
    pub const FREE: RhymeScheme = RhymeScheme {
        pattern: String::new(),
    };

    /// Parses a scheme: a letter pattern (case-insensitive) or "free".
    /// Surrounding whitespace is ignored.
    pub fn parse(input: &str) -> Result<RhymeScheme, SchemeError> {
        let text = input.trim();
        if text.eq_ignore_ascii_case("free") {
            return Ok(RhymeScheme::FREE);
        }
        if text.is_empty() {
            return Err(SchemeError::Empty);
        }
        if let Some((position, ch)) = text
            .chars()
            .enumerate()
            .find(|(_, c)| !c.is_ascii_alphabetic())
        {
            return Err(SchemeError::BadChar {
                input: input.to_string(),
                ch,
                position,
            });
        }
        let len = text.len();
        if len > MAX_SCHEME_LEN {
            return Err(SchemeError::TooLong {
                len,
                max: MAX_SCHEME_LEN,
            });
        }
        Ok(RhymeScheme {
            pattern: text.to_ascii_uppercase(),
        })
    }

    pub fn is_free(&self) -> bool {
        self.pattern.is_empty()
    }

    /// The letter pattern, `None` when free.
    pub fn pattern(&self) -> Option<&str> {
        (!self.is_free()).then_some(self.pattern.as_str())
    }

    /// Rhyme letter of a line, repeating the pattern; `None` when free.
    pub fn group_of(&self, line_index: usize) -> Option<char> {
        let bytes = self.pattern.as_bytes();
        // Pattern is ASCII, so bytes are chars.
        (!bytes.is_empty()).then(|| char::from(bytes[line_index % bytes.len()]))
    }

    /// Letter and stanza of a line; `None` when free.
    pub fn group_id(&self, line_index: usize) -> Option<GroupId> {
        let letter = self.group_of(line_index)?;
        Some(GroupId {
            stanza: line_index / self.pattern.len(),
            letter,
        })
    }
}

impl fmt::Display for RhymeScheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.pattern().unwrap_or("free"))
    }
}

impl FromStr for RhymeScheme {
    type Err = SchemeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        RhymeScheme::parse(s)
    }
}

impl TryFrom<String> for RhymeScheme {
    type Error = SchemeError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        RhymeScheme::parse(&s)
    }
}

impl From<RhymeScheme> for String {
    fn from(s: RhymeScheme) -> String {
        s.to_string()
    }
}

/// Result of checking a section's lines against its scheme.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SchemeReport {
    pub lines: Vec<LineReport>,
    /// Pairs of lines in different rhyme groups that rhyme anyway. Allowed,
    /// but worth showing: it blurs the scheme.
    pub accidental: Vec<AccidentalRhyme>,
}

impl SchemeReport {
    /// True when no line misses its required rhyme.
    pub fn all_satisfied(&self) -> bool {
        self.lines
            .iter()
            .all(|l| l.rhymes_with_partner != Some(false))
    }

    /// Lines that should rhyme with their partner and don't.
    pub fn misses(&self) -> impl Iterator<Item = &LineReport> {
        self.lines
            .iter()
            .filter(|l| l.rhymes_with_partner == Some(false))
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineReport {
    pub index: usize,
    /// Scheme letter; `None` for free schemes.
    pub group: Option<char>,
    /// Repetition of the pattern this line is in; `None` for free schemes.
    pub stanza: Option<usize>,
    pub syllables: usize,
    pub rhyme_key: Option<RhymeKey>,
    /// The nearest earlier non-empty line of the same group, if any.
    pub partner: Option<usize>,
    /// Whether the line rhymes with `partner`; `None` when there is no partner
    /// (first line of its group, or free scheme).
    pub rhymes_with_partner: Option<bool>,
    /// The end word is missing from the CMU dictionary: its rhyme and
    /// syllables are guesses from spelling (shown as a guess).
    pub guessed: bool,
    /// The line ends on a function word (article, preposition, conjunction,
    /// auxiliary verb), which a song line should not.
    pub function_end: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccidentalRhyme {
    pub first: usize,
    pub second: usize,
    pub first_group: char,
    pub second_group: char,
}

/// Checks lines against a scheme using the built-in dictionary.
pub fn check(lines: &[&str], scheme: &RhymeScheme) -> SchemeReport {
    check_with(Pronouncer::builtin(), lines, scheme)
}

/// [`check`] with a chosen dictionary.
pub fn check_with(p: &Pronouncer, lines: &[&str], scheme: &RhymeScheme) -> SchemeReport {
    // Last word and key per line, computed once for the pairwise pass.
    let ends: Vec<Option<(String, RhymeKey)>> = lines
        .iter()
        .map(|l| {
            let word = last_word(l)?;
            let key = p.rhyme_key(&word)?;
            Some((word, key))
        })
        .collect();
    // A function word ("the", "a", "of") rhymes with nothing.
    let rhyme = |i: usize, j: usize| match (&ends[i], &ends[j]) {
        (Some((wi, ki)), Some((wj, kj))) => {
            wi != wj && ki.matches(kj) && !is_function_word(wi) && !is_function_word(wj)
        }
        _ => false,
    };

    let mut reports = Vec::with_capacity(lines.len());
    for (i, line) in lines.iter().enumerate() {
        let id = scheme.group_id(i);
        let partner = id.and_then(|id| {
            (0..i)
                .rev()
                .find(|&j| scheme.group_id(j) == Some(id) && ends[j].is_some())
        });
        reports.push(LineReport {
            index: i,
            group: id.map(|g| g.letter),
            stanza: id.map(|g| g.stanza),
            syllables: p.line_syllables(line),
            rhyme_key: ends[i].as_ref().map(|(_, k)| k.clone()),
            partner,
            rhymes_with_partner: partner.map(|j| rhyme(i, j)),
            guessed: ends[i].as_ref().is_some_and(|(_, k)| k.is_guessed()),
            function_end: ends[i].as_ref().is_some_and(|(w, _)| is_function_word(w)),
        });
    }

    let mut accidental = Vec::new();
    for i in 0..lines.len() {
        for j in i + 1..lines.len() {
            if let (Some(a), Some(b)) = (scheme.group_id(i), scheme.group_id(j)) {
                if a != b && rhyme(i, j) {
                    accidental.push(AccidentalRhyme {
                        first: i,
                        second: j,
                        first_group: a.letter,
                        second_group: b.letter,
                    });
                }
            }
        }
    }
    SchemeReport {
        lines: reports,
        accidental,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_known_schemes() {
        for s in ["AABB", "ABAB", "ABCB", "AAAA"] {
            assert_eq!(RhymeScheme::parse(s).unwrap().pattern(), Some(s));
        }
        assert_eq!(RhymeScheme::parse("abab").unwrap().pattern(), Some("ABAB"));
        assert!(RhymeScheme::parse("free").unwrap().is_free());
        assert!(RhymeScheme::parse(" FREE ").unwrap().is_free());
        assert_eq!("aabb".parse::<RhymeScheme>().unwrap().to_string(), "AABB");
        assert_eq!(RhymeScheme::FREE.to_string(), "free");
    }

    #[test]
    fn parse_errors() {
        let err = RhymeScheme::parse("AB-B").unwrap_err();
        assert_eq!(
            err,
            SchemeError::BadChar {
                input: "AB-B".into(),
                ch: '-',
                position: 2
            }
        );
        assert!(err.to_string().contains("'-'"), "{err}");
        assert!(matches!(
            RhymeScheme::parse("AAß"),
            Err(SchemeError::BadChar {
                ch: 'ß',
                position: 2,
                ..
            })
        ));
        assert_eq!(RhymeScheme::parse("  "), Err(SchemeError::Empty));
        assert!(matches!(
            RhymeScheme::parse(&"A".repeat(65)),
            Err(SchemeError::TooLong { len: 65, .. })
        ));
    }

    #[test]
    fn group_of_repeats() {
        let s = RhymeScheme::parse("ABCB").unwrap();
        let groups: String = (0..8).filter_map(|i| s.group_of(i)).collect();
        assert_eq!(groups, "ABCBABCB");
        assert_eq!(
            s.group_id(5),
            Some(GroupId {
                stanza: 1,
                letter: 'B'
            })
        );
        assert_eq!(RhymeScheme::FREE.group_of(3), None);
    }

    #[test]
    fn serde_as_string() {
        let s = RhymeScheme::parse("abab").unwrap();
        assert_eq!(serde_json::to_string(&s).unwrap(), "\"ABAB\"");
        let back: RhymeScheme = serde_json::from_str("\"free\"").unwrap();
        assert!(back.is_free());
        assert!(serde_json::from_str::<RhymeScheme>("\"A1\"").is_err());
    }

    #[test]
    fn check_aabb_quatrain() {
        let lines = [
            "The cat sat on the mat",
            "And wore a funny hat,",
            "We walked into the night",
            "Beneath the silver light.",
        ];
        let r = check(&lines, &RhymeScheme::parse("AABB").unwrap());
        let groups: Vec<_> = r.lines.iter().map(|l| l.group).collect();
        assert_eq!(groups, [Some('A'), Some('A'), Some('B'), Some('B')]);
        let partners: Vec<_> = r.lines.iter().map(|l| l.partner).collect();
        assert_eq!(partners, [None, Some(0), None, Some(2)]);
        let ok: Vec<_> = r.lines.iter().map(|l| l.rhymes_with_partner).collect();
        assert_eq!(ok, [None, Some(true), None, Some(true)]);
        assert_eq!(r.lines[0].syllables, 6);
        assert!(r.all_satisfied());
        assert!(r.accidental.is_empty());
    }

    #[test]
    fn check_misses_and_accidental() {
        let lines = [
            "I saw a cat",
            "It chased a dog",
            "Then found a hat",
            "Lost in the fog",
        ];
        let r = check(&lines, &RhymeScheme::parse("AABB").unwrap());
        let ok: Vec<_> = r.lines.iter().map(|l| l.rhymes_with_partner).collect();
        assert_eq!(ok, [None, Some(false), None, Some(false)]);
        assert_eq!(r.misses().map(|l| l.index).collect::<Vec<_>>(), [1, 3]);
        // cat/hat and dog/fog rhyme across groups A and B.
        let pairs: Vec<_> = r.accidental.iter().map(|a| (a.first, a.second)).collect();
        assert_eq!(pairs, [(0, 2), (1, 3)]);
        assert_eq!(r.accidental[0].first_group, 'A');
        assert_eq!(r.accidental[0].second_group, 'B');
        // Same lines as ABAB satisfy the scheme.
        assert!(check(&lines, &RhymeScheme::parse("ABAB").unwrap()).all_satisfied());
    }

    #[test]
    fn check_free_and_edge_cases() {
        let r = check(&["one", "", "two"], &RhymeScheme::FREE);
        assert!(r
            .lines
            .iter()
            .all(|l| l.group.is_none() && l.partner.is_none()));
        assert!(r.accidental.is_empty());
        // Identical end word is not a rhyme; empty lines are skipped as partners.
        let r = check(
            &["into the night", "", "all through the night"],
            &RhymeScheme::parse("AAAA").unwrap(),
        );
        assert_eq!(r.lines[1].rhymes_with_partner, Some(false));
        assert_eq!(r.lines[2].partner, Some(0));
        assert_eq!(r.lines[2].rhymes_with_partner, Some(false));
        assert!(check(&[], &RhymeScheme::parse("AABB").unwrap())
            .lines
            .is_empty());
    }
}
