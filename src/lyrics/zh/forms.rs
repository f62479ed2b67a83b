//! Forms: the line lengths, punctuation and rhyming lines of 绝句, 律诗 and
//! each 词牌, as derived from the corpus by `assets/tools/chinese_poetry.py`
//! and shipped in `assets/zh/forms.tsv`.
//!
//! Derivation (the same rules here, in [`derive`], and in the tool): a
//! poem's lines are the stretches of characters ending in ， or 。. For each
//! tune with enough examples, the pattern is its most common sequence of
//! (line length, punctuation); a line rhymes if, among the examples that
//! follow the pattern, its last character shares a rhyme group with the last
//! line's (any reading) in at least [`RHYME_AGREE`] of them. The last line
//! always rhymes.
//!
//! Tunes that change rhyme part-way (换韵: 菩萨蛮, 清平乐, 虞美人…) get a
//! rhyme set per rhyme: going back from the last line, a line not yet in a
//! set starts one with every other such line whose last character is a
//! different character of a shared rhyme group in at least
//! [`RHYME_AGREE`] of the examples (so a repeated line, 叠句, makes no
//! set), provided the new set's lines share the main rhyme in under
//! [`RHYME_CHANGE`] of them on average; otherwise they are one rhyme that
//! modern readings split (入声 characters), not a change, and stay free.

use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

use super::pinyin::{PinyinTable, RhymeGroup};

const FORMS: &str = include_str!("../../../assets/zh/forms.tsv");

/// The four regulated-verse forms; every other form is a ci tune.
pub const SHI_FORMS: [&str; 4] = ["五言绝句", "七言绝句", "五言律诗", "七言律诗"];
/// Least share of a tune's examples whose line end must rhyme with the last line's.
pub const RHYME_AGREE: f64 = 0.6;
/// Most average agreement with the main rhyme for a set of lines to be a
/// rhyme of its own (换韵 sets measure 0.1-0.25 in the corpus; lines that
/// shared one old rhyme now read apart, 0.55-0.7).
pub const RHYME_CHANGE: f64 = 0.4;
/// Fewest examples for a ci tune to get a form.
pub const MIN_TUNE: usize = 60;
/// Fewest examples following a ci tune's most common pattern.
pub const MIN_FOLLOWING: usize = 10;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FormKind {
    /// Regulated verse: 平仄 rules apply.
    Shi,
    /// A tune pattern: only line lengths and rhymes.
    Ci,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineSpec {
    /// Characters, punctuation not counted.
    pub chars: usize,
    /// ， or 。 after the line.
    pub punct: char,
    pub rhymes: bool,
    /// Which of the form's rhymes a rhyming line takes (0 for a form with
    /// one; in order of each rhyme's first line).
    pub rhyme_set: usize,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Form {
    pub name: String,
    pub kind: FormKind,
    /// Poems of this form in the corpus.
    pub examples: usize,
    /// How many of them follow `lines`.
    pub following: usize,
    pub lines: Vec<LineSpec>,
}

impl Form {
    /// `lines` with the form's punctuation, a line break after each 。 (and
    /// at the end): how a poem is printed and exported.
    pub fn punctuate<'a>(&self, lines: impl IntoIterator<Item = &'a str>) -> String {
        let mut out = String::new();
        for (line, spec) in lines.into_iter().zip(&self.lines) {
            out.push_str(line);
            out.push(spec.punct);
            if spec.punct == '。' {
                out.push('\n');
            }
        }
        if !out.ends_with('\n') {
            out.push('\n');
        }
        out
    }

    /// `7， 7。 7， 7。`, the tool's notation.
    pub fn pattern(&self) -> String {
        self.lines
            .iter()
            .map(|l| format!("{}{}", l.chars, l.punct))
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// 1-based rhyming lines.
    pub fn rhyme_lines(&self) -> Vec<usize> {
        (1..=self.lines.len())
            .filter(|&i| self.lines[i - 1].rhymes)
            .collect()
    }

    /// The 1-based rhyming lines of each rhyme, in order of first line.
    pub fn rhyme_sets(&self) -> Vec<Vec<usize>> {
        let mut sets: Vec<Vec<usize>> = vec![Vec::new(); self.set_count()];
        for (i, l) in self.lines.iter().enumerate().filter(|(_, l)| l.rhymes) {
            sets[l.rhyme_set].push(i + 1);
        }
        sets
    }

    /// How many rhymes the form has (1 unless it changes rhyme).
    pub fn set_count(&self) -> usize {
        self.lines
            .iter()
            .filter(|l| l.rhymes)
            .map(|l| l.rhyme_set + 1)
            .max()
            .unwrap_or(1)
    }

    pub fn total_chars(&self) -> usize {
        self.lines.iter().map(|l| l.chars).sum()
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum FormError {
    #[error("unknown form {name:?}{}; the forms are: {available}", close_names(.close))]
    Unknown {
        name: String,
        /// Forms whose names are nearest the one asked for, nearest first.
        close: Vec<String>,
        available: String,
    },
    #[error("forms table line {line}: {message}")]
    Bad { line: usize, message: String },
}

pub struct FormTable {
    pub forms: Vec<Form>,
}

impl FormTable {
    /// The shipped table, parsed once.
    pub fn shipped() -> &'static FormTable {
        static ONCE: OnceLock<FormTable> = OnceLock::new();
        ONCE.get_or_init(|| FormTable::parse(FORMS).expect("assets/zh/forms.tsv is valid"))
    }

    /// Parses the tool's TSV: name, kind, examples, following, pattern, rhymes.
    pub fn parse(text: &str) -> Result<FormTable, FormError> {
        let mut forms = Vec::new();
        for (i, line) in text.lines().enumerate() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let bad = |message: &str| FormError::Bad {
                line: i + 1,
                message: message.to_string(),
            };
            let f: Vec<&str> = line.split('\t').collect();
            let [name, kind, examples, following, pattern, rhymes] = f[..] else {
                return Err(bad("expected 6 tab-separated fields"));
            };
            let kind = match kind {
                "shi" => FormKind::Shi,
                "ci" => FormKind::Ci,
                _ => return Err(bad("kind must be shi or ci")),
            };
            let mut lines = Vec::new();
            for item in pattern.split_whitespace() {
                let punct = item.chars().last().ok_or_else(|| bad("empty line spec"))?;
                if punct != '，' && punct != '。' {
                    return Err(bad("a line must end in ， or 。"));
                }
                let chars: usize = item[..item.len() - punct.len_utf8()]
                    .parse()
                    .map_err(|_| bad("bad line length"))?;
                if chars == 0 || chars > 32 {
                    return Err(bad("line length out of range"));
                }
                lines.push(LineSpec {
                    chars,
                    punct,
                    rhymes: false,
                    rhyme_set: 0,
                });
            }
            if lines.is_empty() {
                return Err(bad("empty pattern"));
            }
            // Rhymes: `2,4,6,8`, or one `;`-separated set per rhyme of a
            // tune that changes rhyme, in order of first line.
            for (set, lines_of_set) in rhymes.split(';').enumerate() {
                for r in lines_of_set.split(',') {
                    let r: usize = r.trim().parse().map_err(|_| bad("bad rhyme line"))?;
                    let spec = r
                        .checked_sub(1)
                        .and_then(|k| lines.get_mut(k))
                        .ok_or_else(|| bad("rhyme line out of range"))?;
                    if spec.rhymes {
                        return Err(bad("a line in two rhyme sets"));
                    }
                    spec.rhymes = true;
                    spec.rhyme_set = set;
                }
            }
            forms.push(Form {
                name: name.to_string(),
                kind,
                examples: examples.parse().map_err(|_| bad("bad examples count"))?,
                following: following.parse().map_err(|_| bad("bad following count"))?,
                lines,
            });
        }
        Ok(FormTable { forms })
    }

    pub fn names(&self) -> Vec<&str> {
        self.forms.iter().map(|f| f.name.as_str()).collect()
    }

    /// The form called `name` (surrounding spaces ignored), or an error
    /// naming the closest forms and listing them all.
    pub fn find(&self, name: &str) -> Result<&Form, FormError> {
        let wanted = name.trim();
        self.forms
            .iter()
            .find(|f| f.name == wanted)
            .ok_or_else(|| FormError::Unknown {
                name: name.to_string(),
                close: self.close_to(wanted, 4),
                available: self.names().join(", "),
            })
    }

    /// Up to `n` form names nearest `wanted`: most characters in common
    /// (a misordered 浣沙溪 still finds 浣溪沙), then fewest edits.
    pub fn close_to(&self, wanted: &str, n: usize) -> Vec<String> {
        let want: Vec<char> = wanted.chars().collect();
        let mut scored: Vec<(usize, usize, &str)> = self
            .forms
            .iter()
            .map(|f| {
                let have: Vec<char> = f.name.chars().collect();
                let mut left = have.clone();
                let shared = want
                    .iter()
                    .filter(|c| match left.iter().position(|x| x == *c) {
                        Some(i) => {
                            left.swap_remove(i);
                            true
                        }
                        None => false,
                    })
                    .count();
                (shared, edit_distance(&want, &have), f.name.as_str())
            })
            // Half the characters in common, at least one.
            .filter(|&(shared, _, name)| {
                shared > 0 && 2 * shared >= name.chars().count().min(want.len())
            })
            .collect();
        scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        scored
            .into_iter()
            .take(n)
            .map(|(_, _, name)| name.to_string())
            .collect()
    }
}

fn close_names(close: &[String]) -> String {
    if close.is_empty() {
        String::new()
    } else {
        format!(" (did you mean {}?)", close.join(", "))
    }
}

/// Levenshtein distance over characters.
fn edit_distance(a: &[char], b: &[char]) -> usize {
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let next = (prev + usize::from(ca != cb))
                .min(row[j] + 1)
                .min(row[j + 1] + 1);
            prev = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

/// One poem of a corpus: its header (form or tune) and its lines.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CorpusPoem {
    pub header: String,
    pub lines: Vec<(String, char)>,
}

/// Splits text into (characters, punctuation) lines at ， and 。; line breaks
/// are ignored. `None` if anything else is left over.
pub fn split_lines(text: &str) -> Option<Vec<(String, char)>> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for c in text.chars() {
        match c {
            '，' | '。' => {
                if cur.is_empty() {
                    return None;
                }
                out.push((std::mem::take(&mut cur), c));
            }
            '\n' | '\r' => {}
            _ => cur.push(c),
        }
    }
    cur.is_empty().then_some(out)
}

/// Poems of a corpus file: blocks separated by blank lines, a header line first.
pub fn parse_corpus(text: &str) -> Vec<CorpusPoem> {
    text.split("\n\n")
        .filter_map(|block| {
            let block = block.trim_matches('\n');
            let (header, body) = block.split_once('\n')?;
            let lines = split_lines(body)?;
            (!lines.is_empty()).then(|| CorpusPoem {
                header: header.trim().to_string(),
                lines,
            })
        })
        .collect()
}

fn groups(table: &PinyinTable, ch: char) -> Vec<RhymeGroup> {
    table
        .readings(ch)
        .iter()
        .filter_map(|r| r.group())
        .collect()
}

/// Derives the form table from corpus poems (see the module docs); a ci tune
/// needs `min_tune` examples and `min_following` following its most common
/// pattern. Forms are ordered by example count, then kind and name.
pub fn derive(
    poems: &[CorpusPoem],
    table: &PinyinTable,
    min_tune: usize,
    min_following: usize,
) -> Vec<Form> {
    let mut by_form: BTreeMap<(&'static str, &str), Vec<&CorpusPoem>> = BTreeMap::new();
    for p in poems {
        let kind = if SHI_FORMS.contains(&p.header.as_str()) {
            "shi"
        } else {
            "ci"
        };
        by_form.entry((kind, &p.header)).or_default().push(p);
    }
    let mut entries: Vec<_> = by_form.into_iter().collect();
    entries.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(&b.0)));
    let mut forms = Vec::new();
    for ((kind, name), examples) in entries {
        if kind == "ci" && examples.len() < min_tune {
            continue;
        }
        let shape = |p: &CorpusPoem| -> Vec<(usize, char)> {
            p.lines
                .iter()
                .map(|(s, c)| (s.chars().count(), *c))
                .collect()
        };
        let mut counts: HashMap<Vec<(usize, char)>, usize> = HashMap::new();
        for p in &examples {
            *counts.entry(shape(p)).or_default() += 1;
        }
        let Some((pattern, count)) = counts
            .into_iter()
            .max_by(|a, b| a.1.cmp(&b.1).then_with(|| a.0.cmp(&b.0)))
        else {
            continue;
        };
        if kind == "ci" && count < min_following {
            continue;
        }
        let matching: Vec<&&CorpusPoem> = examples.iter().filter(|p| shape(p) == pattern).collect();
        let mut agree = vec![0usize; pattern.len()];
        let last_char = |s: &str| s.chars().last().unwrap_or(' ');
        for p in &matching {
            let last = groups(table, last_char(&p.lines[p.lines.len() - 1].0));
            for (i, (s, _)) in p.lines.iter().enumerate() {
                if groups(table, last_char(s)).iter().any(|g| last.contains(g)) {
                    agree[i] += 1;
                }
            }
        }
        let n = pattern.len();
        let enough = |k: usize| k as f64 >= RHYME_AGREE * matching.len() as f64;
        let main: Vec<usize> = (0..n).filter(|&i| i + 1 == n || enough(agree[i])).collect();
        let mut set_of: Vec<Option<usize>> = vec![None; n];
        for &i in &main {
            set_of[i] = Some(0);
        }
        // Agreement of two line ends: different characters sharing a group.
        let pair = |i: usize, j: usize| -> usize {
            matching
                .iter()
                .filter(|p| {
                    let (a, b) = (last_char(&p.lines[i].0), last_char(&p.lines[j].0));
                    a != b
                        && groups(table, a)
                            .iter()
                            .any(|g| groups(table, b).contains(g))
                })
                .count()
        };
        let mut sets = 1;
        for i in (0..n).rev() {
            if set_of[i].is_some() {
                continue;
            }
            let mut set = vec![i];
            set.extend((0..n).filter(|&j| j != i && set_of[j].is_none() && enough(pair(i, j))));
            if set.len() < 2 {
                continue;
            }
            let cross: usize = set
                .iter()
                .flat_map(|&a| main.iter().map(move |&b| (a, b)))
                .map(|(a, b)| pair(a, b))
                .sum();
            let mean = cross as f64 / (set.len() * main.len() * matching.len()) as f64;
            if mean < RHYME_CHANGE {
                for &j in &set {
                    set_of[j] = Some(sets);
                }
                sets += 1;
            }
        }
        // Sets are numbered in order of their first line.
        let mut order: Vec<usize> = Vec::new();
        for s in set_of.iter().flatten() {
            if !order.contains(s) {
                order.push(*s);
            }
        }
        let lines = pattern
            .iter()
            .enumerate()
            .map(|(i, &(chars, punct))| LineSpec {
                chars,
                punct,
                rhymes: set_of[i].is_some(),
                rhyme_set: set_of[i].map_or(0, |s| order.iter().position(|&o| o == s).unwrap_or(0)),
            })
            .collect();
        forms.push(Form {
            name: name.to_string(),
            kind: if kind == "shi" {
                FormKind::Shi
            } else {
                FormKind::Ci
            },
            examples: examples.len(),
            following: count,
            lines,
        });
    }
    forms
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_form_names_the_closest() {
        let t = FormTable::shipped();
        let err = t.find("浣沙溪").unwrap_err().to_string();
        assert!(err.contains("(did you mean 浣溪沙"), "{err}");
        assert_eq!(t.close_to("七言绝", 2), ["七言绝句", "七言律诗"]);
        assert_eq!(t.close_to("七言律", 1), ["七言律诗"]);
        // Nothing near: no guess, but still every form.
        let err = t.find("sonnet").unwrap_err().to_string();
        assert!(
            !err.contains("did you mean") && err.contains("水调歌头"),
            "{err}"
        );
    }

    #[test]
    fn shipped_table_has_the_shi_forms_and_common_tunes() {
        let t = FormTable::shipped();
        let f = t.find("七言绝句").unwrap();
        assert_eq!(f.kind, FormKind::Shi);
        assert_eq!(f.pattern(), "7， 7。 7， 7。");
        assert!(f.lines[1].rhymes && f.lines[3].rhymes && !f.lines[2].rhymes);
        assert_eq!(t.find("五言律诗").unwrap().total_chars(), 40);
        let w = t.find("浣溪沙").unwrap();
        assert_eq!(w.kind, FormKind::Ci);
        assert_eq!(w.pattern(), "7。 7。 7。 7， 7。 7。");
        assert_eq!(w.rhyme_lines(), vec![1, 2, 3, 5, 6]);
        let r = t.find(" 如梦令 ").unwrap();
        assert_eq!(
            r.lines.iter().map(|l| l.chars).collect::<Vec<_>>(),
            [6, 6, 5, 6, 2, 2, 6]
        );
        assert!(t.find("水调歌头").is_ok());
    }

    #[test]
    fn unknown_form_lists_the_forms() {
        let err = FormTable::shipped().find("十四行诗").unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("十四行诗"), "{msg}");
        for name in ["五言绝句", "七言律诗", "浣溪沙", "如梦令", "水调歌头"] {
            assert!(msg.contains(name), "{msg}");
        }
    }

    #[test]
    fn bad_tables_are_errors() {
        for bad in [
            "x\tshi\t1\t1\t5，\n",
            "x\tpoem\t1\t1\t5，\t1\n",
            "x\tci\t1\t1\t5；\t1\n",
            "x\tci\t1\t1\t5，\t2\n",
            "x\tci\t1\t1\t0，\t1\n",
            "x\tci\t1\t1\t5， 5。\t1,2;2\n",
            "x\tci\t1\t1\t5， 5。\t1;x\n",
        ] {
            assert!(FormTable::parse(bad).is_err(), "{bad}");
        }
    }

    const FIXTURE: &str = "\
调笑令
春山，春山。花落人归路远。
江南月照空楼，楼上相思未休。
休住，休住。雨打梨花深处。

调笑令
归雁，归雁。飞过长江两岸。
天涯客子回家，明日人来看花。
花好，花好。一片春光满道。

调笑令
边草，边草，草尽来兵未老。
山南山北雪晴。

五言绝句
白日依山尽，黄河入海流。
欲穷千里目，更上一层楼。

七言绝句
朝辞白帝彩云间，千里江陵一日还。
两岸猿声啼不住，轻舟已过万重山。
";

    #[test]
    fn derivation_on_a_fixture() {
        let poems = parse_corpus(FIXTURE);
        assert_eq!(poems.len(), 5);
        let forms = derive(&poems, PinyinTable::shipped(), 2, 2);
        let names: Vec<&str> = forms.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["调笑令", "七言绝句", "五言绝句"]);
        let t = &forms[0];
        assert_eq!((t.examples, t.following), (3, 2));
        assert_eq!(t.pattern(), "2， 2。 6。 6， 6。 2， 2。 6。");
        // Lines 1-5 end 山山远楼休 / 雁雁岸家花, unlike the last lines' 处 (姑)
        // and 道 (豪); lines 6-7 end 住住 / 好好 like them. The tune changes
        // rhyme: 山远 / 雁岸 (寒) and 楼休 (尤) / 家花 (麻) are rhymes of their
        // own; the repeated 山山 alone would not make one.
        assert_eq!(t.rhyme_lines(), vec![1, 2, 3, 4, 5, 6, 7, 8]);
        assert_eq!(t.rhyme_sets(), [vec![1, 2, 3], vec![4, 5], vec![6, 7, 8]]);
        let seven = &forms[1];
        assert_eq!(seven.kind, FormKind::Shi);
        // 间 还 山 rhyme (寒, 还 read huan2); 住 does not.
        assert_eq!(seven.rhyme_lines(), vec![1, 2, 4]);
        assert_eq!(seven.rhyme_sets(), [vec![1, 2, 4]]);
        assert_eq!(forms[2].rhyme_lines(), vec![2, 4]);
        // Too few examples: no form.
        assert_eq!(derive(&poems, PinyinTable::shipped(), 4, 2).len(), 2);
        assert_eq!(derive(&poems, PinyinTable::shipped(), 2, 3).len(), 2);
    }

    #[test]
    fn shipped_table_is_what_the_corpus_derives() {
        let root = env!("CARGO_MANIFEST_DIR");
        let mut poems = Vec::new();
        for f in ["shi.txt", "ci.txt"] {
            let path = format!("{root}/assets/corpora/lyrics-zh/{f}");
            poems.extend(parse_corpus(&std::fs::read_to_string(path).unwrap()));
        }
        let derived = derive(&poems, PinyinTable::shipped(), MIN_TUNE, MIN_FOLLOWING);
        assert_eq!(derived, FormTable::shipped().forms);
    }
}
