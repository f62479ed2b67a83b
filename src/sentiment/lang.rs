//! Which language a turn is written in, as far as scoring cares: Chinese
//! (mostly Han characters) or English (everything else, which the English
//! lexicon scores as neutral when it knows no word of it).

use std::fmt;

use serde::{Deserialize, Serialize};

/// The language a scorer is chosen for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[serde(rename = "en")]
    English,
    #[serde(rename = "zh")]
    Chinese,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::English, Lang::Chinese];

    /// ISO 639-1 code, as written in model cards and `--lang`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::English => "en",
            Lang::Chinese => "zh",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Lang::English => "english",
            Lang::Chinese => "chinese",
        }
    }

    pub fn parse(s: &str) -> Option<Lang> {
        match s.trim().to_ascii_lowercase().as_str() {
            "en" | "english" => Some(Lang::English),
            "zh" | "chinese" => Some(Lang::Chinese),
            _ => None,
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A Han (Chinese) character: the CJK unified ideograph blocks and the
/// compatibility ideographs.
pub fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2EBEF | 0x30000..=0x3134F)
}

/// Kana and Hangul: text with Han characters and these is Japanese or
/// Korean, which the Chinese scorer was not trained on.
fn is_kana_or_hangul(c: char) -> bool {
    matches!(c as u32, 0x3040..=0x30FF | 0x31F0..=0x31FF | 0xAC00..=0xD7AF | 0x1100..=0x11FF)
}

/// Counts of the letters that decide the language.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Script {
    pub han: usize,
    pub kana_hangul: usize,
    /// Other alphabetic characters (Latin, Cyrillic, ...).
    pub other_letters: usize,
}

/// Counts the letters of `text`, looking at no more than the first
/// `limit` characters (a turn's opening is enough to tell its language).
pub fn script(text: &str, limit: usize) -> Script {
    let mut s = Script::default();
    for c in text.chars().take(limit) {
        if is_han(c) {
            s.han += 1;
        } else if is_kana_or_hangul(c) {
            s.kana_hangul += 1;
        } else if c.is_alphabetic() {
            s.other_letters += 1;
        }
    }
    s
}

/// The language of `text`: Chinese when Han characters are at least a third
/// of its letters (a Han character carries a word's meaning, an English
/// letter a fifth of one, so a third Han is already mostly Chinese words)
/// and there is no kana or Hangul beside them; English otherwise.
pub fn detect(text: &str) -> Lang {
    let s = script(text, 4096);
    let letters = s.han + s.kana_hangul + s.other_letters;
    if s.han > 0 && s.kana_hangul == 0 && 3 * s.han >= letters {
        Lang::Chinese
    } else {
        Lang::English
    }
}

/// What a player is told when they write Chinese to a story model that
/// writes English: the story goes on, in English.
pub const ENGLISH_STORY_NOTICE: &str =
    "The story model writes English: your Chinese text is kept, but the story goes on in English.";

/// The notice for an action or opening, when it is Chinese.
pub fn english_story_notice(text: &str) -> Option<&'static str> {
    (detect(text) == Lang::Chinese).then_some(ENGLISH_STORY_NOTICE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_and_english_are_told_apart() {
        assert_eq!(detect("我今天很高兴。"), Lang::Chinese);
        assert_eq!(detect("打开门"), Lang::Chinese);
        assert_eq!(detect("「走吧！」他说。"), Lang::Chinese);
        assert_eq!(detect("你好 hi"), Lang::Chinese, "2 Han of 4 letters");
        assert_eq!(detect("你好 hello"), Lang::English, "2 Han of 7 letters");
        assert_eq!(detect("open the door"), Lang::English);
        assert_eq!(
            detect("You meet 李 at the gate of the castle"),
            Lang::English
        );
        assert_eq!(detect(""), Lang::English);
        assert_eq!(detect("!!! 😀 123"), Lang::English);
        assert_eq!(detect("Привет мир"), Lang::English);
    }

    #[test]
    fn japanese_and_korean_are_not_chinese() {
        assert_eq!(detect("私は学生です"), Lang::English);
        assert_eq!(detect("한국어 文章"), Lang::English);
    }

    #[test]
    fn traditional_and_rare_han_count() {
        assert_eq!(detect("這本書寫得真好"), Lang::Chinese);
        assert!(is_han('𠀀') && is_han('龍') && is_han('\u{3400}'));
        assert!(!is_han('a') && !is_han('。') && !is_han('あ'));
    }

    #[test]
    fn the_notice_is_for_chinese_only() {
        assert!(english_story_notice("打开那扇门").is_some());
        assert!(english_story_notice("open the door").is_none());
        assert!(english_story_notice("").is_none());
    }

    #[test]
    fn codes_round_trip() {
        for lang in Lang::ALL {
            assert_eq!(Lang::parse(lang.code()), Some(lang));
            assert_eq!(Lang::parse(lang.name()), Some(lang));
            let json = serde_json::to_string(&lang).unwrap();
            assert_eq!(json, format!("\"{}\"", lang.code()));
        }
        assert_eq!(Lang::parse("fr"), None);
    }
}
