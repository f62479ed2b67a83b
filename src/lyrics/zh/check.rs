//! Checking a poem against its form: character counts, rhymes by pinyin
//! rhyme group, and for regulated verse (诗) the level/oblique (平仄) rules.
//!
//! 平仄 of regulated verse, checked at the even positions (2nd, 4th, 6th
//! character) and at the line end:
//! * in a line, the 4th is the opposite of the 2nd and the 6th equals the 2nd;
//! * the two lines of a couplet are opposite at the 2nd (对), and the first
//!   line of the next couplet equals the line before it (粘);
//! * rhyming lines end level, the others oblique;
//! * the first line's 2nd character sets the start (平起 or 仄起); when it
//!   can be read both ways, the start with fewer mismatches is taken.
//!
//! A character fits a tone (or a rhyme group) if any of its readings does.

use super::forms::{Form, FormKind};
use super::pinyin::{PinyinTable, RhymeGroup, Tone};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineCheck {
    pub text: String,
    pub chars: usize,
    pub expected: usize,
    /// The last character's most common final (`ang`).
    pub last_final: Option<String>,
    /// For rhyming lines: whether the last character can be read in its rhyme's group.
    pub rhymes: Option<bool>,
    /// For rhyming lines: the group of the rhyme they take.
    pub rhyme_group: Option<RhymeGroup>,
    /// 平, 仄 or 中 (either) per character.
    pub tones: String,
    /// The prescribed 平仄 per character (regulated verse; `·` where free).
    pub prescribed: String,
    /// 1-based positions whose character cannot take the prescribed tone.
    pub tone_misses: Vec<usize>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PoemCheck {
    /// The main rhyme: the group of the last line's rhyme.
    pub rhyme: Option<RhymeGroup>,
    /// Each rhyme's group, in the form's order (one entry unless the form
    /// changes rhyme).
    pub set_rhymes: Vec<Option<RhymeGroup>>,
    pub start: Option<Tone>,
    pub lines: Vec<LineCheck>,
}

impl PoemCheck {
    pub fn lengths_ok(&self) -> bool {
        self.lines.iter().all(|l| l.chars == l.expected)
    }

    pub fn rhymes_ok(&self) -> bool {
        self.set_rhymes.iter().all(Option::is_some)
            && self.lines.iter().all(|l| l.rhymes != Some(false))
    }

    pub fn tone_misses(&self) -> usize {
        self.lines.iter().map(|l| l.tone_misses.len()).sum()
    }
}

/// Whether the form prescribes 平仄 at all.
pub fn has_tone_rules(form: &Form) -> bool {
    form.kind == FormKind::Shi && form.lines.iter().all(|l| l.chars == 5 || l.chars == 7)
}

/// The prescribed tone of position `pos` (0-based) in line `line` of a
/// regulated form starting with `start`; `None` where the form leaves it free.
pub fn prescribed(form: &Form, start: Tone, line: usize, pos: usize) -> Option<Tone> {
    if !has_tone_rules(form) {
        return None;
    }
    let spec = form.lines.get(line)?;
    if pos + 1 == spec.chars {
        return Some(if spec.rhymes {
            Tone::Level
        } else {
            Tone::Oblique
        });
    }
    let mut second = start;
    for i in 1..=line {
        if i % 2 == 1 {
            second = second.opposite();
        }
    }
    match pos {
        1 | 5 => Some(second),
        3 => Some(second.opposite()),
        _ => None,
    }
}

/// Checks `lines` (characters only, no punctuation) against `form`.
pub fn check(form: &Form, lines: &[String], table: &PinyinTable) -> PoemCheck {
    let last = |s: &String| s.chars().last();
    // Each rhyme of the form (one, unless it changes rhyme) gets its group
    // from its own lines' ends.
    let set_rhymes: Vec<Option<RhymeGroup>> = (0..form.set_count())
        .map(|set| {
            let ends: Vec<char> = form
                .lines
                .iter()
                .zip(lines)
                .filter(|(spec, _)| spec.rhymes && spec.rhyme_set == set)
                .filter_map(|(_, l)| last(l))
                .collect();
            rhyme_of(&ends, table)
        })
        .collect();
    let main_set = form
        .lines
        .iter()
        .rev()
        .find(|l| l.rhymes)
        .map_or(0, |l| l.rhyme_set);
    let rhyme = set_rhymes.get(main_set).copied().flatten();
    let start = if has_tone_rules(form) {
        let misses = |start: Tone| -> usize {
            tone_misses_all(form, lines, table, start)
                .iter()
                .map(Vec::len)
                .sum()
        };
        let first_second = lines.first().and_then(|l| l.chars().nth(1));
        Some(match first_second.and_then(|c| table.tone_of(c)) {
            Some(t) => t,
            None => {
                if misses(Tone::Oblique) < misses(Tone::Level) {
                    Tone::Oblique
                } else {
                    Tone::Level
                }
            }
        })
    } else {
        None
    };
    let misses = start.map(|s| tone_misses_all(form, lines, table, s));
    let mut out = Vec::new();
    for (i, spec) in form.lines.iter().enumerate() {
        let text = lines.get(i).cloned().unwrap_or_default();
        let end = text.chars().last();
        let rhyme_group = set_rhymes.get(spec.rhyme_set).copied().flatten();
        let rhymes = spec
            .rhymes
            .then(|| matches!((end, rhyme_group), (Some(c), Some(g)) if table.rhymes_with(c, g)));
        let prescribed_marks: String = (0..spec.chars)
            .map(|p| {
                start
                    .and_then(|s| prescribed(form, s, i, p))
                    .map_or('·', Tone::mark)
            })
            .collect();
        out.push(LineCheck {
            chars: text.chars().count(),
            expected: spec.chars,
            last_final: end.and_then(|c| table.primary(c)).map(|r| r.fin.clone()),
            rhymes,
            rhyme_group: rhyme_group.filter(|_| spec.rhymes),
            tones: text.chars().map(|c| table.tone_mark(c)).collect(),
            prescribed: prescribed_marks,
            tone_misses: misses
                .as_ref()
                .map_or_else(Vec::new, |m| m.get(i).cloned().unwrap_or_default()),
            text,
        });
    }
    PoemCheck {
        rhyme,
        set_rhymes,
        start,
        lines: out,
    }
}

/// The group of a rhyme whose line ends are `ends`: a group every end can
/// take, preferring the first end's usual reading; else the most common.
fn rhyme_of(ends: &[char], table: &PinyinTable) -> Option<RhymeGroup> {
    let mut candidates: Vec<RhymeGroup> = Vec::new();
    if let Some(&first) = ends.first() {
        candidates.extend(table.primary(first).and_then(|r| r.group()));
        candidates.extend(table.readings(first).iter().filter_map(|r| r.group()));
    }
    for &c in ends {
        candidates.extend(table.readings(c).iter().filter_map(|r| r.group()));
    }
    candidates.iter().copied().max_by_key(|&g| {
        let n = ends.iter().filter(|&&c| table.rhymes_with(c, g)).count();
        // Earlier candidates win ties (max_by_key keeps the last maximum).
        (
            n,
            std::cmp::Reverse(candidates.iter().position(|&x| x == g)),
        )
    })
}

fn tone_misses_all(
    form: &Form,
    lines: &[String],
    table: &PinyinTable,
    start: Tone,
) -> Vec<Vec<usize>> {
    form.lines
        .iter()
        .enumerate()
        .map(|(i, _)| {
            lines
                .get(i)
                .map(|l| {
                    l.chars()
                        .enumerate()
                        .filter(|&(p, c)| {
                            prescribed(form, start, i, p).is_some_and(|t| !table.can_be(c, t))
                        })
                        .map(|(p, _)| p + 1)
                        .collect()
                })
                .unwrap_or_default()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::forms::FormTable;
    use super::*;

    fn lines(text: &str) -> Vec<String> {
        text.split(['，', '。'])
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect()
    }

    #[test]
    fn a_classic_quatrain_passes() {
        let form = FormTable::shipped().find("七言绝句").unwrap();
        let t = PinyinTable::shipped();
        // 李白《早发白帝城》.
        let c = check(
            form,
            &lines("朝辞白帝彩云间，千里江陵一日还。两岸猿声啼不住，轻舟已过万重山。"),
            t,
        );
        assert!(c.lengths_ok());
        assert_eq!(c.rhyme, Some(RhymeGroup::Han));
        assert!(c.rhymes_ok());
        assert_eq!(c.start, Some(Tone::Level));
        assert_eq!(c.lines[0].prescribed, "·平·仄·平平");
        assert_eq!(c.lines[1].prescribed, "·仄·平·仄平");
        assert_eq!(c.lines[2].prescribed, "·仄·平·仄仄");
        assert_eq!(c.lines[3].prescribed, "·平·仄·平平");
        // Modern tones: 白 (bai2) is level, oblique in old 入声; 不 (bu4) fits.
        assert_eq!(c.lines[0].tone_misses, Vec::<usize>::new());
        assert_eq!(c.lines[3].last_final.as_deref(), Some("an"));
    }

    #[test]
    fn misses_are_reported() {
        let form = FormTable::shipped().find("五言绝句").unwrap();
        let t = PinyinTable::shipped();
        let c = check(
            form,
            &lines("白日依山尽，黄河入海流。欲穷千里目，更上一层楼楼。"),
            t,
        );
        assert!(!c.lengths_ok());
        let c = check(
            form,
            &lines("白日依山尽，黄河入海流。欲穷千里山，更上一层天。"),
            t,
        );
        assert!(c.lengths_ok());
        assert!(!c.rhymes_ok());
        assert_eq!(c.lines[3].rhymes, Some(false));
        // 日 is ri4, oblique, so the start is 仄起; 依 (yi1) at 3 is free.
        assert_eq!(c.start, Some(Tone::Oblique));
        assert_eq!(c.lines[0].prescribed, "·仄·平仄");
        // A line that does not rhyme ends oblique: 山 is level.
        assert_eq!(c.lines[2].tone_misses, vec![5]);
        assert_eq!(c.tone_misses(), 1);
    }

    #[test]
    fn ci_forms_have_no_tone_rules() {
        let form = FormTable::shipped().find("浣溪沙").unwrap();
        assert!(!has_tone_rules(form));
        assert_eq!(prescribed(form, Tone::Level, 0, 1), None);
    }
}
