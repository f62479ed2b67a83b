//! A Chinese poem in the lyrics editor: the editor's writing tasks done by
//! the Chinese composer, and what the editor shows of each line against
//! the form (its character count, rhyme and 平仄, and why it breaks the
//! form when it does).
//!
//! A poem is a [`Song`] of one section whose lines are the form's lines
//! (see [`Song::poem`]). The tasks mean what they mean for a song:
//! `Section` drafts every unlocked line, `NextLine` the first empty one,
//! `RewriteLine` the selected one; the lines not being written are kept
//! and bind the drafted ones (rhyme group, 平仄 start, no repeats) through
//! [`compose_around`].

use crate::lm::InferenceModel;
use crate::lyrics::job::LyricsTask;
use crate::lyrics::song::{Song, SongError};

use super::check::{check, LineCheck};
use super::compose::{compose_around, ComposeSettings};
use super::forms::Form;
use super::pinyin::{PinyinTable, RhymeGroup, Tone};

/// Does `task` on the poem `song` with the Chinese model.
pub fn write(
    model: &InferenceModel,
    song: &mut Song,
    task: &LyricsTask,
    seed: u64,
) -> Result<(), SongError> {
    let form = poem_form(song)?;
    let lines = &song.sections[0].lines;
    let open: Vec<bool> = match *task {
        LyricsTask::Section { .. } => lines.iter().map(|l| !l.locked).collect(),
        LyricsTask::NextLine { .. } => {
            let Some(next) = lines.iter().position(|l| l.text.trim().is_empty()) else {
                return Err(SongError::Writing(
                    "every line of the poem is written: r rewrites the selected line, g every unlocked one"
                        .into(),
                ));
            };
            (0..lines.len()).map(|i| i == next).collect()
        }
        LyricsTask::RewriteLine { line, .. } => {
            let Some(old) = lines.get(line) else {
                return Err(SongError::NoLine {
                    section: 0,
                    line,
                    len: lines.len(),
                });
            };
            if old.locked {
                return Ok(());
            }
            (0..lines.len()).map(|i| i == line).collect()
        }
    };
    if !open.contains(&true) {
        return Ok(());
    }
    let keep: Vec<Option<String>> = lines
        .iter()
        .zip(&open)
        .map(|(l, &open)| (!open).then(|| l.text.clone()))
        .collect();
    let poem = compose_around(
        model,
        form,
        PinyinTable::shipped(),
        &ComposeSettings::default(),
        seed,
        &keep,
    )
    .map_err(|e| SongError::Writing(e.to_string()))?;
    for (i, text) in poem.lines.into_iter().enumerate() {
        if open.get(i) == Some(&true) {
            song.set_text(0, i, text)?;
        }
    }
    Ok(())
}

/// The form of a poem, or an error saying the song is not one.
fn poem_form(song: &Song) -> Result<&'static Form, SongError> {
    let form = song.zh_form().ok_or_else(|| {
        SongError::Poem("this song is not a Chinese poem with a known form".into())
    })?;
    song.validate()?;
    Ok(form)
}

/// One line of a poem against its form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PoemLine {
    pub check: LineCheck,
    /// Nothing written yet: not counted as breaking the form.
    pub empty: bool,
    /// Why the line breaks the form (wrong length, no rhyme, a tone);
    /// empty when it keeps it.
    pub problems: Vec<String>,
}

/// A poem against its form, line by line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PoemReport {
    pub form: &'static Form,
    /// Each rhyme's group (several when the form changes rhyme).
    pub rhymes: Vec<Option<RhymeGroup>>,
    /// 平起 or 仄起, for forms with 平仄 rules.
    pub start: Option<Tone>,
    pub lines: Vec<PoemLine>,
}

impl PoemReport {
    /// `韵 寒 · 平起`, what binds the whole poem (`韵 麻→唐→…` for a
    /// tune that changes rhyme).
    pub fn summary(&self) -> String {
        let mut parts = Vec::new();
        if self.rhymes.iter().any(Option::is_some) {
            let names: Vec<&str> = self
                .rhymes
                .iter()
                .map(|g| g.map_or("?", RhymeGroup::name))
                .collect();
            parts.push(format!("韵 {}", names.join("→")));
        }
        if let Some(s) = self.start {
            parts.push(format!("{}起", s.mark()));
        }
        parts.join(" · ")
    }

    /// The first line that breaks the form: its 0-based index and why.
    pub fn first_problem(&self) -> Option<(usize, String)> {
        self.lines
            .iter()
            .enumerate()
            .find(|(_, l)| !l.problems.is_empty())
            .map(|(i, l)| (i, l.problems.join("; ")))
    }
}

/// The poem `song` against its form; `None` for an English song.
pub fn report(song: &Song) -> Option<PoemReport> {
    let form = song.zh_form()?;
    let table = PinyinTable::shipped();
    let texts: Vec<String> = song
        .sections
        .first()
        .map(|s| s.lines.iter().map(|l| l.text.trim().to_string()).collect())
        .unwrap_or_default();
    let poem = check(form, &texts, table);
    let lines = poem
        .lines
        .into_iter()
        .map(|c| {
            let empty = c.text.is_empty();
            let problems = if empty {
                Vec::new()
            } else {
                problems(&c, table)
            };
            PoemLine {
                check: c,
                empty,
                problems,
            }
        })
        .collect();
    Some(PoemReport {
        form,
        rhymes: poem.set_rhymes,
        start: poem.start,
        lines,
    })
}

/// Why a written line breaks its form, in the words the editor shows.
fn problems(line: &LineCheck, table: &PinyinTable) -> Vec<String> {
    let mut out = Vec::new();
    if line.chars != line.expected {
        out.push(format!(
            "wrong length: {} characters, the form has {}",
            line.chars, line.expected
        ));
    }
    let unread: Vec<String> = line
        .text
        .chars()
        .enumerate()
        .filter(|&(_, c)| table.readings(c).is_empty())
        .map(|(i, c)| format!("{c:?} at {}", i + 1))
        .collect();
    if !unread.is_empty() {
        out.push(format!("not a Chinese character: {}", unread.join(", ")));
    }
    if line.rhymes == Some(false) {
        let fin = line.last_final.as_deref().unwrap_or("?");
        out.push(match line.rhyme_group {
            Some(g) => format!("not rhyming with 韵 {} (it ends in {fin})", g.name()),
            None => format!("no rhyme (it ends in {fin})"),
        });
    }
    let prescribed: Vec<char> = line.prescribed.chars().collect();
    for &k in &line.tone_misses {
        let want = prescribed.get(k - 1).copied().unwrap_or('?');
        out.push(format!("tone at position {k}: {want} expected"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::forms::FormTable;
    use super::*;

    fn poem(form: &str, lines: &[&str]) -> Song {
        let form = FormTable::shipped().find(form).unwrap();
        let mut song = Song::poem("", form);
        for (i, l) in lines.iter().enumerate() {
            song.set_text(0, i, *l).unwrap();
        }
        song
    }

    #[test]
    fn a_classic_keeps_its_form_and_a_broken_line_says_why() {
        // 李白《早发白帝城》.
        let mut song = poem(
            "七言绝句",
            &[
                "朝辞白帝彩云间",
                "千里江陵一日还",
                "两岸猿声啼不住",
                "轻舟已过万重山",
            ],
        );
        let r = report(&song).unwrap();
        assert_eq!(r.summary(), "韵 寒 · 平起");
        assert!(r.lines.iter().all(|l| l.problems.is_empty()), "{r:?}");
        assert_eq!(r.first_problem(), None);

        song.set_text(0, 1, "千里江陵日还").unwrap();
        song.set_text(0, 3, "轻舟已过万重楼").unwrap();
        let r = report(&song).unwrap();
        // Six characters: the 6th stands where the 7th's rule does not reach,
        // and 还 (level) is where the 6th wants oblique.
        assert_eq!(
            r.lines[1].problems,
            [
                "wrong length: 6 characters, the form has 7",
                "tone at position 6: 仄 expected"
            ]
        );
        let last = r.lines[3].problems.join("; ");
        assert!(
            last.contains("not rhyming with 韵 寒 (it ends in ou)"),
            "{last}"
        );
        assert_eq!(r.first_problem().map(|p| p.0), Some(1));

        // 山 where a line must end oblique: a tone problem at 7.
        song.set_text(0, 3, "轻舟已过万重山").unwrap();
        song.set_text(0, 2, "两岸猿声啼不山").unwrap();
        let r = report(&song).unwrap();
        assert_eq!(r.lines[2].problems, ["tone at position 7: 仄 expected"]);
        // Letters are no Chinese characters.
        song.set_text(0, 2, "两岸猿声啼不x").unwrap();
        let p = report(&song).unwrap().lines[2].problems.join("; ");
        assert!(p.contains("not a Chinese character: 'x' at 7"), "{p}");
    }

    #[test]
    fn empty_lines_are_not_broken_and_english_songs_have_no_report() {
        let song = poem("浣溪沙", &[]);
        let r = report(&song).unwrap();
        assert_eq!(r.lines.len(), 6);
        assert!(r.lines.iter().all(|l| l.empty && l.problems.is_empty()));
        assert_eq!(r.start, None, "ci have no 平仄 rules");
        assert!(report(&Song::new("x")).is_none());
    }
}
