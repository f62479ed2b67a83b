//! Mandarin readings of Chinese characters: pinyin finals, tones, rhyme
//! groups and level/oblique (平仄) classes.
//!
//! The table (`assets/zh/pinyin.tsv`, generated from PyPI `pypinyin`, MIT) lists
//! every reading of each character the Chinese corpus uses, most common
//! first, as numbered pinyin (`guang1 guang4`). Finals are split off here.
//!
//! * Final: the syllable without its initial, medial kept (`guang` → `uang`,
//!   `xue` → `ve`, `yu` → `v`); `y`/`w` spellings are undone (`you` → `iu`,
//!   `wei` → `ui`); the apical vowel of zhi chi shi ri zi ci si is `ii`.
//! * Rhyme group: the 14 groups of 中华新韵 ([`RhymeGroup`]), so finals that
//!   differ only by medial rhyme (`ang iang uang`).
//! * 平仄: tones 1 and 2 are level (平), 3 and 4 oblique (仄), by modern
//!   Mandarin (old entering-tone characters such as 白 or 国 count as level).
//!
//! Polyphonic characters have several readings. A check accepts a rhyme or a
//! tone if any reading fits; the drafting side constrains by the first (most
//! common) reading, so what it writes fits the usual reading too.

use std::collections::HashMap;
use std::sync::OnceLock;

const TABLE: &str = include_str!("../../../assets/zh/pinyin.tsv");

/// Level (平) or oblique (仄).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Tone {
    Level,
    Oblique,
}

impl Tone {
    pub fn of_number(tone: u8) -> Option<Tone> {
        match tone {
            1 | 2 => Some(Tone::Level),
            3 | 4 => Some(Tone::Oblique),
            _ => None,
        }
    }

    pub fn opposite(self) -> Tone {
        match self {
            Tone::Level => Tone::Oblique,
            Tone::Oblique => Tone::Level,
        }
    }

    pub fn mark(self) -> char {
        match self {
            Tone::Level => '平',
            Tone::Oblique => '仄',
        }
    }
}

/// The 14 rhyme groups of 中华新韵, named by their usual characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RhymeGroup {
    Ma,
    Bo,
    Jie,
    Kai,
    Wei,
    Hao,
    You,
    Han,
    Wen,
    Tang,
    Geng,
    Qi,
    Zhi,
    Gu,
}

impl RhymeGroup {
    /// The group of a final (as [`final_of`] writes it).
    pub fn of_final(fin: &str) -> Option<RhymeGroup> {
        use RhymeGroup::*;
        Some(match fin {
            "a" | "ia" | "ua" => Ma,
            "o" | "e" | "uo" | "io" => Bo,
            "ie" | "ve" => Jie,
            "ai" | "uai" => Kai,
            "ei" | "ui" => Wei,
            "ao" | "iao" => Hao,
            "ou" | "iu" => You,
            "an" | "ian" | "uan" | "van" => Han,
            "en" | "in" | "un" | "vn" => Wen,
            "ang" | "iang" | "uang" => Tang,
            "eng" | "ing" | "ong" | "iong" => Geng,
            "i" | "er" | "v" => Qi,
            "ii" => Zhi,
            "u" => Gu,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        use RhymeGroup::*;
        match self {
            Ma => "麻",
            Bo => "波",
            Jie => "皆",
            Kai => "开",
            Wei => "微",
            Hao => "豪",
            You => "尤",
            Han => "寒",
            Wen => "文",
            Tang => "唐",
            Geng => "庚",
            Qi => "齐",
            Zhi => "支",
            Gu => "姑",
        }
    }
}

/// One reading of a character.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reading {
    /// Numbered pinyin, `guang1`.
    pub syllable: String,
    pub fin: String,
    /// 1-4, or 5 for the neutral tone.
    pub tone: u8,
}

impl Reading {
    pub fn parse(syllable: &str) -> Option<Reading> {
        let tone = syllable.chars().last()?.to_digit(10)? as u8;
        if !(1..=5).contains(&tone) {
            return None;
        }
        let body = &syllable[..syllable.len() - 1];
        if body.is_empty() || !body.chars().all(|c| c.is_ascii_lowercase() || c == 'ü') {
            return None;
        }
        Some(Reading {
            syllable: syllable.to_string(),
            fin: final_of(body),
            tone,
        })
    }

    pub fn group(&self) -> Option<RhymeGroup> {
        RhymeGroup::of_final(&self.fin)
    }

    pub fn tone_class(&self) -> Option<Tone> {
        Tone::of_number(self.tone)
    }
}

const INITIALS: [&str; 21] = [
    "zh", "ch", "sh", "b", "p", "m", "f", "d", "t", "n", "l", "g", "k", "h", "j", "q", "x", "r",
    "z", "c", "s",
];

/// The final of a pinyin syllable without its tone digit (see the module docs).
pub fn final_of(syllable: &str) -> String {
    let s = syllable.replace('ü', "v");
    if let Some(rest) = s.strip_prefix('y') {
        return match rest {
            "i" => "i".into(),
            "in" => "in".into(),
            "ing" => "ing".into(),
            "ou" => "iu".into(),
            "o" => "o".into(),
            "u" => "v".into(),
            "ue" => "ve".into(),
            "uan" => "van".into(),
            "un" => "vn".into(),
            _ => format!("i{rest}"),
        };
    }
    if let Some(rest) = s.strip_prefix('w') {
        return match rest {
            "u" => "u".into(),
            "ei" => "ui".into(),
            "en" => "un".into(),
            "eng" => "eng".into(),
            _ => format!("u{rest}"),
        };
    }
    for ini in INITIALS {
        if let Some(rest) = s.strip_prefix(ini) {
            if rest.is_empty() {
                break;
            }
            if rest == "i" && matches!(ini, "zh" | "ch" | "sh" | "r" | "z" | "c" | "s") {
                return "ii".into();
            }
            if matches!(ini, "j" | "q" | "x") {
                if let Some(after) = rest.strip_prefix('u') {
                    return format!("v{after}");
                }
            }
            return rest.to_string();
        }
    }
    s
}

/// The readings of every character in the table.
pub struct PinyinTable {
    readings: HashMap<char, Vec<Reading>>,
}

impl PinyinTable {
    /// The shipped table, parsed once.
    pub fn shipped() -> &'static PinyinTable {
        static TABLE_ONCE: OnceLock<PinyinTable> = OnceLock::new();
        TABLE_ONCE.get_or_init(|| PinyinTable::parse(TABLE))
    }

    /// Parses `char<TAB>reading reading…` lines; bad lines are skipped.
    pub fn parse(text: &str) -> PinyinTable {
        let mut readings = HashMap::new();
        for line in text.lines() {
            let Some((ch, rest)) = line.split_once('\t') else {
                continue;
            };
            let mut chars = ch.chars();
            let (Some(c), None) = (chars.next(), chars.next()) else {
                continue;
            };
            let list: Vec<Reading> = rest.split_whitespace().filter_map(Reading::parse).collect();
            if !list.is_empty() {
                readings.insert(c, list);
            }
        }
        PinyinTable { readings }
    }

    pub fn len(&self) -> usize {
        self.readings.len()
    }

    pub fn is_empty(&self) -> bool {
        self.readings.is_empty()
    }

    /// All readings, most common first; empty for characters not in the table.
    pub fn readings(&self, ch: char) -> &[Reading] {
        self.readings.get(&ch).map_or(&[], |v| v.as_slice())
    }

    /// The most common reading.
    pub fn primary(&self, ch: char) -> Option<&Reading> {
        self.readings(ch).first()
    }

    /// Whether any reading of `ch` is in `group`.
    pub fn rhymes_with(&self, ch: char, group: RhymeGroup) -> bool {
        self.readings(ch).iter().any(|r| r.group() == Some(group))
    }

    /// Whether any reading of `ch` has this tone class.
    pub fn can_be(&self, ch: char, tone: Tone) -> bool {
        self.readings(ch)
            .iter()
            .any(|r| r.tone_class() == Some(tone))
    }

    /// 平 or 仄 when every reading agrees, else `None` (either, or unknown).
    pub fn tone_of(&self, ch: char) -> Option<Tone> {
        let mut classes = self.readings(ch).iter().map(Reading::tone_class);
        let first = classes.next()??;
        classes.all(|c| c == Some(first)).then_some(first)
    }

    /// A character's 平仄 mark: 平, 仄, or 中 when its readings differ.
    pub fn tone_mark(&self, ch: char) -> char {
        match (self.can_be(ch, Tone::Level), self.can_be(ch, Tone::Oblique)) {
            (true, false) => '平',
            (false, true) => '仄',
            (true, true) => '中',
            (false, false) => '？',
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finals_of_known_syllables() {
        for (syl, fin) in [
            ("guang", "uang"),
            ("shuang", "uang"),
            ("xiang", "iang"),
            ("lü", "v"),
            ("lv", "v"),
            ("yue", "ve"),
            ("xue", "ve"),
            ("ri", "ii"),
            ("shi", "ii"),
            ("zi", "ii"),
            ("yi", "i"),
            ("wu", "u"),
            ("yu", "v"),
            ("yun", "vn"),
            ("jun", "vn"),
            ("qu", "v"),
            ("er", "er"),
            ("wei", "ui"),
            ("dui", "ui"),
            ("liu", "iu"),
            ("you", "iu"),
            ("wen", "un"),
            ("yong", "iong"),
            ("ying", "ing"),
            ("yan", "ian"),
            ("juan", "van"),
            ("ai", "ai"),
            ("ang", "ang"),
            ("guo", "uo"),
            ("wo", "uo"),
            ("hua", "ua"),
        ] {
            assert_eq!(final_of(syl), fin, "{syl}");
        }
    }

    #[test]
    fn shipped_table_knows_common_characters() {
        let t = PinyinTable::shipped();
        assert!(t.len() > 3000, "{} characters", t.len());
        let p = |c| t.primary(c).unwrap().clone();
        assert_eq!(p('光').syllable, "guang1");
        assert_eq!(p('光').fin, "uang");
        assert_eq!(p('霜').group(), Some(RhymeGroup::Tang));
        assert_eq!(p('乡').group(), Some(RhymeGroup::Tang));
        assert_eq!(p('月').fin, "ve");
        assert_eq!(p('月').tone, 4);
        assert_eq!(p('山').group(), Some(RhymeGroup::Han));
        assert_eq!(p('间').group(), Some(RhymeGroup::Han));
        assert!(t.rhymes_with('还', RhymeGroup::Han) && t.rhymes_with('还', RhymeGroup::Kai));
        assert_eq!(p('时').fin, "ii");
        assert_eq!(p('诗').group(), Some(RhymeGroup::Zhi));
        assert_eq!(p('飞').group(), Some(RhymeGroup::Wei));
        assert_eq!(p('归').group(), Some(RhymeGroup::Wei));
        assert_eq!(p('东').group(), Some(RhymeGroup::Geng));
        assert_eq!(p('风').group(), Some(RhymeGroup::Geng));
        assert_eq!(t.tone_of('天'), Some(Tone::Level));
        assert_eq!(t.tone_of('风'), Some(Tone::Level));
        // 明 ming2 / meng4: either.
        assert_eq!(t.tone_of('明'), None);
        assert_eq!(t.tone_of('柳'), Some(Tone::Oblique));
        assert_eq!(t.tone_of('月'), Some(Tone::Oblique));
        // 行 xing2 / hang2 / xing4…: polyphonic, either tone, several finals.
        assert_eq!(t.tone_mark('行'), '中');
        assert!(t.rhymes_with('行', RhymeGroup::Tang) && t.rhymes_with('行', RhymeGroup::Geng));
        assert!(!t.rhymes_with('光', RhymeGroup::Han));
        assert!(t.readings('A').is_empty());
    }

    #[test]
    fn bad_table_lines_are_skipped() {
        let t = PinyinTable::parse("光\tguang1\nxx\tgu1\n雪\t\n月\tyue4 bad9\n");
        assert_eq!(t.len(), 2);
        assert_eq!(t.readings('月').len(), 1);
    }
}
