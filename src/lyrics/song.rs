//! Song model (sections, lines, repeats), checked edit operations, undo/redo and plain-text export.
//!
//! Repeats: a section with `repeat_of: Some(i)` is a repeat of the earlier
//! section `i` (typically a chorus). It has no lines of its own; export and
//! [`Song::content`] use section `i`'s lines, so editing the chorus once
//! changes every repeat. Invariant (checked by [`Song::validate`] and on
//! deserialisation): `i` is earlier than the repeat and is not itself a
//! repeat. Line edits on a repeat are refused with [`SongError::IsRepeat`];
//! the UI can redirect them with [`Song::resolve`].

use std::collections::{HashMap, VecDeque};
use std::fmt;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::scheme::RhymeScheme;
use super::zh::forms::{Form, FormTable};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SectionKind {
    Verse,
    PreChorus,
    Chorus,
    Bridge,
    Outro,
}

impl SectionKind {
    pub const ALL: [SectionKind; 5] = [
        SectionKind::Verse,
        SectionKind::PreChorus,
        SectionKind::Chorus,
        SectionKind::Bridge,
        SectionKind::Outro,
    ];

    /// Header text without numbering, e.g. "Pre-Chorus".
    pub fn label(self) -> &'static str {
        match self {
            SectionKind::Verse => "Verse",
            SectionKind::PreChorus => "Pre-Chorus",
            SectionKind::Chorus => "Chorus",
            SectionKind::Bridge => "Bridge",
            SectionKind::Outro => "Outro",
        }
    }
}

impl fmt::Display for SectionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Line {
    pub text: String,
    /// Locked lines are kept when a section is regenerated. Manual edits are
    /// still allowed: the lock guards against the generator, not the user.
    #[serde(default)]
    pub locked: bool,
}

impl Line {
    pub fn new(text: impl Into<String>) -> Line {
        Line {
            text: text.into(),
            locked: false,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Section {
    pub kind: SectionKind,
    #[serde(default)]
    pub scheme: RhymeScheme,
    #[serde(default)]
    pub syllable_target: Option<u8>,
    #[serde(default)]
    pub lines: Vec<Line>,
    /// Index of the earlier section this one repeats (see module docs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repeat_of: Option<usize>,
}

impl Section {
    pub fn new(kind: SectionKind, scheme: RhymeScheme) -> Section {
        Section {
            kind,
            scheme,
            syllable_target: None,
            lines: Vec::new(),
            repeat_of: None,
        }
    }

    pub fn is_repeat(&self) -> bool {
        self.repeat_of.is_some()
    }

    /// Line texts, for [`super::scheme::check`] and [`super::choose::LineContext::for_line`].
    pub fn texts(&self) -> Vec<&str> {
        self.lines.iter().map(|l| l.text.as_str()).collect()
    }

    /// Replaces the text of every unlocked line with `new_text(index)`;
    /// locked lines are untouched. Returns how many lines were replaced.
    pub fn regenerate_unlocked(&mut self, mut new_text: impl FnMut(usize) -> String) -> usize {
        let mut replaced = 0;
        for (i, line) in self.lines.iter_mut().enumerate() {
            if !line.locked {
                line.text = new_text(i);
                replaced += 1;
            }
        }
        replaced
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Up,
    Down,
}

/// Errors count sections, lines and positions from 1, as a writer does
/// (the fields hold the 0-based indices).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SongError {
    #[error("there is no section {}: the song has {len} section(s)", .index + 1)]
    NoSection { index: usize, len: usize },
    #[error("there is no line {} in section {}: it has {len} line(s)", .line + 1, .section + 1)]
    NoLine {
        section: usize,
        line: usize,
        len: usize,
    },
    #[error("cannot insert at position {} in section {}: it has {len} line(s)", .at + 1, .section + 1)]
    InsertOutOfRange {
        section: usize,
        at: usize,
        len: usize,
    },
    #[error("cannot insert a section at position {}: the song has {len} section(s)", .at + 1)]
    SectionInsertOutOfRange { at: usize, len: usize },
    #[error(
        "line {} of section {} cannot move {}: it is already at the edge",
        .line + 1,
        .section + 1,
        match .direction { Direction::Up => "up", Direction::Down => "down" }
    )]
    CannotMove {
        section: usize,
        line: usize,
        direction: Direction,
    },
    #[error("section {} is a repeat of section {}; edit section {} instead", .section + 1, .of + 1, .of + 1)]
    IsRepeat { section: usize, of: usize },
    #[error("section {} cannot repeat section {}: {reason}", .section + 1, .of + 1)]
    BadRepeat {
        section: usize,
        of: usize,
        reason: &'static str,
    },
    /// A Chinese poem's form is unknown, or the poem does not have its shape.
    #[error("{0}")]
    Poem(String),
    /// What writes the lines could not (the Chinese composer's errors).
    #[error("{0}")]
    Writing(String),
}

type Result<T> = std::result::Result<T, SongError>;

/// The language a song is written in, and so what writes it and what its
/// lines are checked against: English lyrics to rhyme schemes and syllable
/// targets, or a Chinese poem (诗 or 词) to a form of `assets/zh/forms.tsv`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Lang {
    #[default]
    En,
    Zh,
}

impl Lang {
    fn is_en(&self) -> bool {
        *self == Lang::En
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "SongData")]
pub struct Song {
    pub title: String,
    pub sections: Vec<Section>,
    /// English songs leave it out of the file, as before languages were recorded.
    #[serde(default, skip_serializing_if = "Lang::is_en")]
    pub lang: Lang,
    /// A Chinese poem's form (七言绝句, 浣溪沙…); `None` for English.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub form: Option<String>,
}

/// Unvalidated wire form, so deserialising can reject broken repeats.
#[derive(Deserialize)]
struct SongData {
    #[serde(default)]
    title: String,
    #[serde(default)]
    sections: Vec<Section>,
    #[serde(default)]
    lang: Lang,
    #[serde(default)]
    form: Option<String>,
}

impl TryFrom<SongData> for Song {
    type Error = SongError;
    fn try_from(d: SongData) -> Result<Song> {
        let song = Song {
            title: d.title,
            sections: d.sections,
            lang: d.lang,
            form: d.form,
        };
        song.validate()?;
        Ok(song)
    }
}

impl Song {
    pub fn new(title: impl Into<String>) -> Song {
        Song {
            title: title.into(),
            sections: Vec::new(),
            lang: Lang::En,
            form: None,
        }
    }

    /// A Chinese poem to `form`: one section with one empty line per line
    /// of the form, which keeps that shape (lines are written, edited and
    /// locked, never added, removed or moved).
    pub fn poem(title: impl Into<String>, form: &Form) -> Song {
        let mut section = Section::new(SectionKind::Verse, RhymeScheme::FREE);
        section.lines = form.lines.iter().map(|_| Line::default()).collect();
        Song {
            title: title.into(),
            sections: vec![section],
            lang: Lang::Zh,
            form: Some(form.name.clone()),
        }
    }

    /// The form of a Chinese poem; `None` for an English song.
    pub fn zh_form(&self) -> Option<&'static Form> {
        let name = self.form.as_deref().filter(|_| self.lang == Lang::Zh)?;
        FormTable::shipped().find(name).ok()
    }

    /// Checks the repeat invariant for every section, and that a Chinese
    /// poem names a known form and has its shape.
    pub fn validate(&self) -> Result<()> {
        (0..self.sections.len()).try_for_each(|i| self.resolve(i).map(drop))?;
        match (self.lang, self.form.as_deref()) {
            (Lang::En, None) => Ok(()),
            (Lang::En, Some(form)) => Err(SongError::Poem(format!(
                "the song names the form {form:?} but its language is en; a form needs \"lang\": \"zh\""
            ))),
            (Lang::Zh, None) => Err(SongError::Poem(
                "a Chinese poem needs its form (\"form\": \"七言绝句\", …)".into(),
            )),
            (Lang::Zh, Some(name)) => {
                let form = FormTable::shipped()
                    .find(name)
                    .map_err(|e| SongError::Poem(e.to_string()))?;
                let lines: Vec<usize> = self.sections.iter().map(|s| s.lines.len()).collect();
                if lines != [form.lines.len()] {
                    return Err(SongError::Poem(format!(
                        "a {} is one section of {} lines; this poem has {} section(s) of {:?} lines",
                        form.name,
                        form.lines.len(),
                        lines.len(),
                        lines
                    )));
                }
                Ok(())
            }
        }
    }

    pub fn section(&self, index: usize) -> Result<&Section> {
        self.sections.get(index).ok_or(SongError::NoSection {
            index,
            len: self.sections.len(),
        })
    }

    /// The section whose lines `index` shows: itself, or what it repeats.
    pub fn resolve(&self, index: usize) -> Result<usize> {
        let Some(of) = self.section(index)?.repeat_of else {
            return Ok(index);
        };
        let bad = |reason| SongError::BadRepeat {
            section: index,
            of,
            reason,
        };
        if of >= index {
            return Err(bad("a repeat must come after the section it repeats"));
        }
        if self.sections[of].is_repeat() {
            return Err(bad("that section is itself a repeat"));
        }
        Ok(of)
    }

    /// The section with the lines shown at `index` (following a repeat).
    pub fn content(&self, index: usize) -> Result<&Section> {
        self.section(self.resolve(index)?)
    }

    /// Mutable access for edits; refuses repeats so edits are never silently
    /// redirected to another section.
    fn editable(&mut self, index: usize) -> Result<&mut Section> {
        let len = self.sections.len();
        let section = self
            .sections
            .get_mut(index)
            .ok_or(SongError::NoSection { index, len })?;
        match section.repeat_of {
            Some(of) => Err(SongError::IsRepeat { section: index, of }),
            None => Ok(section),
        }
    }

    fn line_mut(&mut self, section: usize, line: usize) -> Result<&mut Line> {
        let s = self.editable(section)?;
        let len = s.lines.len();
        s.lines
            .get_mut(line)
            .ok_or(SongError::NoLine { section, line, len })
    }

    pub fn set_title(&mut self, title: impl Into<String>) {
        self.title = title.into();
    }

    /// Inserts a line before position `at` (`at == len` appends).
    pub fn insert_line(
        &mut self,
        section: usize,
        at: usize,
        text: impl Into<String>,
    ) -> Result<()> {
        let s = self.editable(section)?;
        let len = s.lines.len();
        if at > len {
            return Err(SongError::InsertOutOfRange { section, at, len });
        }
        s.lines.insert(at, Line::new(text));
        Ok(())
    }

    /// Appends a line; returns its index.
    pub fn push_line(&mut self, section: usize, text: impl Into<String>) -> Result<usize> {
        let s = self.editable(section)?;
        s.lines.push(Line::new(text));
        Ok(s.lines.len() - 1)
    }

    /// Removes and returns a line (locked lines too: deleting is explicit).
    pub fn delete_line(&mut self, section: usize, line: usize) -> Result<Line> {
        self.line_mut(section, line)?;
        Ok(self.editable(section)?.lines.remove(line))
    }

    /// Swaps a line with its neighbour; returns its new index.
    pub fn move_line(
        &mut self,
        section: usize,
        line: usize,
        direction: Direction,
    ) -> Result<usize> {
        self.line_mut(section, line)?;
        let s = self.editable(section)?;
        let target = match direction {
            Direction::Up => line.checked_sub(1),
            Direction::Down => Some(line + 1).filter(|&t| t < s.lines.len()),
        };
        let target = target.ok_or(SongError::CannotMove {
            section,
            line,
            direction,
        })?;
        s.lines.swap(line, target);
        Ok(target)
    }

    pub fn set_text(&mut self, section: usize, line: usize, text: impl Into<String>) -> Result<()> {
        self.line_mut(section, line)?.text = text.into();
        Ok(())
    }

    /// Flips the lock; returns the new state.
    pub fn toggle_lock(&mut self, section: usize, line: usize) -> Result<bool> {
        let l = self.line_mut(section, line)?;
        l.locked = !l.locked;
        Ok(l.locked)
    }

    /// Appends an empty section; returns its index.
    pub fn add_section(&mut self, kind: SectionKind, scheme: RhymeScheme) -> usize {
        self.sections.push(Section::new(kind, scheme));
        self.sections.len() - 1
    }

    /// Inserts an empty section before position `at`, keeping repeats
    /// pointing at the same sections.
    pub fn insert_section(
        &mut self,
        at: usize,
        kind: SectionKind,
        scheme: RhymeScheme,
    ) -> Result<usize> {
        let len = self.sections.len();
        if at > len {
            return Err(SongError::SectionInsertOutOfRange { at, len });
        }
        for s in &mut self.sections {
            if let Some(of) = s.repeat_of.as_mut().filter(|of| **of >= at) {
                *of += 1;
            }
        }
        self.sections.insert(at, Section::new(kind, scheme));
        Ok(at)
    }

    /// Appends a repeat of section `of` (or of what `of` repeats); returns its index.
    pub fn add_repeat(&mut self, of: usize) -> Result<usize> {
        let of = self.resolve(of)?;
        let original = &self.sections[of];
        let mut repeat = Section::new(original.kind, original.scheme.clone());
        repeat.repeat_of = Some(of);
        self.sections.push(repeat);
        Ok(self.sections.len() - 1)
    }

    /// Removes and returns a section. Deleting a repeated section moves its
    /// content into its first repeat, so later repeats keep their lines.
    pub fn delete_section(&mut self, index: usize) -> Result<Section> {
        let original = self.section(index)?;
        if !original.is_repeat() {
            let heir = (index + 1..self.sections.len())
                .find(|&j| self.sections[j].repeat_of == Some(index));
            if let Some(heir) = heir {
                let mut promoted = self.sections[index].clone();
                promoted.kind = self.sections[heir].kind;
                self.sections[heir] = promoted;
                for s in &mut self.sections[heir + 1..] {
                    if s.repeat_of == Some(index) {
                        s.repeat_of = Some(heir);
                    }
                }
            }
        }
        let removed = self.sections.remove(index);
        for s in &mut self.sections {
            if let Some(of) = s.repeat_of.as_mut().filter(|of| **of > index) {
                *of -= 1;
            }
        }
        Ok(removed)
    }

    pub fn set_scheme(&mut self, section: usize, scheme: RhymeScheme) -> Result<()> {
        self.editable(section)?.scheme = scheme;
        Ok(())
    }

    pub fn set_syllable_target(&mut self, section: usize, target: Option<u8>) -> Result<()> {
        self.editable(section)?.syllable_target = target;
        Ok(())
    }

    /// [`Section::regenerate_unlocked`] on section `section`.
    pub fn regenerate_unlocked(
        &mut self,
        section: usize,
        new_text: impl FnMut(usize) -> String,
    ) -> Result<usize> {
        Ok(self.editable(section)?.regenerate_unlocked(new_text))
    }

    /// Display header for each section, e.g. "Verse 2", "Chorus". Verses are
    /// always numbered; other kinds only when the song has several distinct
    /// ones. Repeats share their original's header.
    pub fn headers(&self) -> Vec<String> {
        let mut totals: HashMap<SectionKind, usize> = HashMap::new();
        for s in self.sections.iter().filter(|s| !s.is_repeat()) {
            *totals.entry(s.kind).or_default() += 1;
        }
        let mut seen: HashMap<SectionKind, usize> = HashMap::new();
        let mut headers: Vec<String> = Vec::with_capacity(self.sections.len());
        for (i, s) in self.sections.iter().enumerate() {
            let header = match self.resolve(i) {
                Ok(of) if of != i => headers[of].clone(),
                _ => {
                    let n = seen.entry(s.kind).or_default();
                    *n += 1;
                    if s.kind == SectionKind::Verse || totals.get(&s.kind).copied().unwrap_or(0) > 1
                    {
                        format!("{} {}", s.kind.label(), n)
                    } else {
                        s.kind.label().to_string()
                    }
                }
            };
            headers.push(header);
        }
        headers
    }

    /// A title from the song's hook: the first line of the first chorus
    /// (else of the first section with words), without trailing
    /// punctuation, first letter capitalised. `None` for a song without
    /// words.
    pub fn hook_title(&self) -> Option<String> {
        let first_line = |s: &Section| {
            s.lines
                .iter()
                .map(|l| l.text.trim())
                .find(|t| t.chars().any(char::is_alphabetic))
                .map(str::to_string)
        };
        let chorus = self
            .sections
            .iter()
            .find(|s| s.kind == SectionKind::Chorus && !s.is_repeat())
            .and_then(first_line);
        let line = chorus.or_else(|| self.sections.iter().find_map(first_line))?;
        let line = line
            .trim_start_matches(|c: char| !c.is_alphanumeric())
            .trim_end_matches(|c: char| !c.is_alphanumeric() && c != '\'');
        let mut chars = line.chars();
        let first = chars.next()?;
        Some(first.to_uppercase().chain(chars).collect())
    }

    /// Plain text: optional title, then `[Header]` and the lines of each
    /// section, repeats written out in full. Blank lines inside a section are
    /// left out so they can't be mistaken for section breaks.
    pub fn export_plain_text(&self) -> String {
        if let Some(form) = self.zh_form() {
            return self.export_poem(form);
        }
        let mut out = String::new();
        if !self.title.trim().is_empty() {
            out.push_str(self.title.trim());
            out.push_str("\n\n");
        }
        let headers = self.headers();
        for (i, header) in headers.iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            out.push('[');
            out.push_str(header);
            out.push_str("]\n");
            // A broken repeat exports as an empty section rather than failing.
            let lines = self.content(i).map(|s| s.lines.as_slice()).unwrap_or(&[]);
            for line in lines.iter().filter(|l| !l.text.trim().is_empty()) {
                out.push_str(line.text.trim_end());
                out.push('\n');
            }
        }
        out
    }
}

impl Song {
    /// A Chinese poem as `--print` writes it: the title (if any), the
    /// form's name, a blank line, then the lines with the form's ， and 。,
    /// a line break after each 。.
    fn export_poem(&self, form: &Form) -> String {
        let mut out = String::new();
        if !self.title.trim().is_empty() {
            out.push_str(self.title.trim());
            out.push('\n');
        }
        out.push_str(&form.name);
        out.push_str("\n\n");
        let lines = self.sections.first().map_or(&[][..], |s| &s.lines[..]);
        if !lines.is_empty() {
            out.push_str(&form.punctuate(lines.iter().map(|l| l.text.trim())));
        }
        out
    }
}

/// Default bound on undo history.
pub const UNDO_LIMIT: usize = 200;

/// A song plus snapshot-based undo/redo. Songs are small (a few KB), so a
/// full clone per edit is simpler and safer than inverse operations.
#[derive(Clone, Debug)]
pub struct SongEditor {
    song: Song,
    undo: VecDeque<Song>,
    redo: Vec<Song>,
    limit: usize,
}

impl SongEditor {
    pub fn new(song: Song) -> SongEditor {
        SongEditor::with_limit(song, UNDO_LIMIT)
    }

    pub fn with_limit(song: Song, limit: usize) -> SongEditor {
        SongEditor {
            song,
            undo: VecDeque::new(),
            redo: Vec::new(),
            limit,
        }
    }

    pub fn song(&self) -> &Song {
        &self.song
    }

    pub fn into_song(self) -> Song {
        self.song
    }

    /// Runs one edit as one undo step. On error the song is restored, so a
    /// multi-step closure is all-or-nothing; edits that change nothing leave
    /// the history alone.
    pub fn edit<T>(&mut self, f: impl FnOnce(&mut Song) -> Result<T>) -> Result<T> {
        let before = self.song.clone();
        match f(&mut self.song) {
            Ok(value) => {
                if self.song != before {
                    self.undo.push_back(before);
                    while self.undo.len() > self.limit {
                        self.undo.pop_front();
                    }
                    self.redo.clear();
                }
                Ok(value)
            }
            Err(e) => {
                self.song = before;
                Err(e)
            }
        }
    }

    /// Returns false when there is nothing to undo.
    pub fn undo(&mut self) -> bool {
        let Some(previous) = self.undo.pop_back() else {
            return false;
        };
        self.redo.push(std::mem::replace(&mut self.song, previous));
        true
    }

    /// Returns false when there is nothing to redo.
    pub fn redo(&mut self) -> bool {
        let Some(next) = self.redo.pop() else {
            return false;
        };
        self.undo.push_back(std::mem::replace(&mut self.song, next));
        true
    }

    pub fn undo_depth(&self) -> usize {
        self.undo.len()
    }

    pub fn redo_depth(&self) -> usize {
        self.redo.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_count_from_one() {
        let e = SongError::IsRepeat { section: 2, of: 1 };
        assert_eq!(
            e.to_string(),
            "section 3 is a repeat of section 2; edit section 2 instead"
        );
        let e = SongError::CannotMove {
            section: 0,
            line: 0,
            direction: Direction::Up,
        };
        assert_eq!(
            e.to_string(),
            "line 1 of section 1 cannot move up: it is already at the edge"
        );
        let e = SongError::NoLine {
            section: 1,
            line: 4,
            len: 4,
        };
        assert_eq!(
            e.to_string(),
            "there is no line 5 in section 2: it has 4 line(s)"
        );
    }

    fn aabb() -> RhymeScheme {
        RhymeScheme::parse("AABB").unwrap()
    }

    fn sample() -> Song {
        let mut song = Song::new("Night Drive");
        let v = song.add_section(SectionKind::Verse, aabb());
        for t in ["The cat sat on the mat", "And wore a funny hat"] {
            song.push_line(v, t).unwrap();
        }
        let c = song.add_section(SectionKind::Chorus, aabb());
        for t in ["Into the night", "Under the light"] {
            song.push_line(c, t).unwrap();
        }
        let v2 = song.add_section(SectionKind::Verse, aabb());
        song.push_line(v2, "Second verse line").unwrap();
        song.add_repeat(c).unwrap();
        song
    }

    #[test]
    fn line_edit_ops() {
        let mut s = sample();
        s.insert_line(0, 0, "First").unwrap();
        s.insert_line(0, 3, "Last").unwrap();
        assert_eq!(
            s.sections[0].texts(),
            [
                "First",
                "The cat sat on the mat",
                "And wore a funny hat",
                "Last"
            ]
        );
        assert_eq!(s.move_line(0, 0, Direction::Down).unwrap(), 1);
        assert_eq!(s.move_line(0, 1, Direction::Up).unwrap(), 0);
        s.set_text(0, 3, "End").unwrap();
        assert!(s.toggle_lock(0, 3).unwrap());
        assert!(!s.toggle_lock(0, 3).unwrap());
        assert_eq!(s.delete_line(0, 0).unwrap().text, "First");
        assert_eq!(s.sections[0].lines.len(), 3);
        s.set_scheme(0, RhymeScheme::FREE).unwrap();
        s.set_syllable_target(0, Some(8)).unwrap();
        assert_eq!(s.sections[0].syllable_target, Some(8));
        assert!(s.sections[0].scheme.is_free());
    }

    #[test]
    fn bad_indices_are_errors() {
        let mut s = sample();
        let before = s.clone();
        assert_eq!(
            s.set_text(9, 0, "x"),
            Err(SongError::NoSection { index: 9, len: 4 })
        );
        assert_eq!(
            s.set_text(0, 2, "x"),
            Err(SongError::NoLine {
                section: 0,
                line: 2,
                len: 2
            })
        );
        assert!(matches!(
            s.insert_line(0, 3, "x"),
            Err(SongError::InsertOutOfRange { at: 3, .. })
        ));
        assert!(matches!(
            s.delete_line(0, usize::MAX),
            Err(SongError::NoLine { .. })
        ));
        assert!(matches!(
            s.move_line(0, 0, Direction::Up),
            Err(SongError::CannotMove { .. })
        ));
        assert!(matches!(
            s.move_line(0, 1, Direction::Down),
            Err(SongError::CannotMove { .. })
        ));
        assert!(matches!(
            s.move_line(0, 5, Direction::Down),
            Err(SongError::NoLine { .. })
        ));
        assert!(s.toggle_lock(1, 7).is_err());
        assert!(s.delete_section(4).is_err());
        assert!(s.set_scheme(4, aabb()).is_err());
        assert!(s.set_syllable_target(4, None).is_err());
        assert!(s.add_repeat(4).is_err());
        assert!(s.insert_section(5, SectionKind::Bridge, aabb()).is_err());
        assert!(s.regenerate_unlocked(4, |_| String::new()).is_err());
        // Repeats refuse line edits and say where to edit instead.
        let err = s.set_text(3, 0, "x").unwrap_err();
        assert_eq!(err, SongError::IsRepeat { section: 3, of: 1 });
        assert!(err.to_string().contains("edit section 2"), "counted from 1");
        assert_eq!(s, before, "failed edits change nothing");
    }

    #[test]
    fn repeats_and_sections() {
        let mut s = sample();
        assert_eq!(s.resolve(3), Ok(1));
        assert_eq!(s.content(3).unwrap().lines.len(), 2);
        // Repeat of a repeat points at the original.
        let r = s.add_repeat(3).unwrap();
        assert_eq!(s.sections[r].repeat_of, Some(1));
        // Inserting before the chorus shifts repeat indices.
        s.insert_section(0, SectionKind::Verse, aabb()).unwrap();
        assert_eq!(s.sections[4].repeat_of, Some(2));
        assert_eq!(s.sections[5].repeat_of, Some(2));
        s.validate().unwrap();
        // Deleting the original chorus promotes its first repeat.
        let removed = s.delete_section(2).unwrap();
        assert_eq!(removed.kind, SectionKind::Chorus);
        assert_eq!(s.sections[3].repeat_of, None);
        assert_eq!(s.sections[3].texts(), ["Into the night", "Under the light"]);
        assert_eq!(s.sections[4].repeat_of, Some(3));
        s.validate().unwrap();
        // Deleting a repeat just removes it.
        s.delete_section(4).unwrap();
        s.validate().unwrap();
        assert_eq!(s.sections.len(), 4);
    }

    #[test]
    fn broken_repeats_are_reported_not_panicked() {
        let mut s = sample();
        s.sections[0].repeat_of = Some(3);
        assert!(matches!(
            s.validate(),
            Err(SongError::BadRepeat { section: 0, .. })
        ));
        let _ = s.export_plain_text();
        let json = serde_json::to_string(&s).unwrap();
        assert!(serde_json::from_str::<Song>(&json).is_err());
    }

    #[test]
    fn hook_title_comes_from_the_chorus() {
        let mut song = Song::new("");
        assert_eq!(song.hook_title(), None);
        let v = song.add_section(SectionKind::Verse, aabb());
        song.push_line(v, "down by the river").unwrap();
        assert_eq!(song.hook_title().as_deref(), Some("Down by the river"));
        let c = song.add_section(SectionKind::Chorus, aabb());
        song.push_line(c, "  ").unwrap();
        song.push_line(c, "'hold on to the light,").unwrap();
        song.add_repeat(c).unwrap();
        assert_eq!(song.hook_title().as_deref(), Some("Hold on to the light"));
    }

    #[test]
    fn export_writes_out_repeats() {
        let mut s = sample();
        s.insert_line(2, 1, "   ").unwrap();
        let text = s.export_plain_text();
        let expected = "Night Drive\n\n\
            [Verse 1]\nThe cat sat on the mat\nAnd wore a funny hat\n\n\
            [Chorus]\nInto the night\nUnder the light\n\n\
            [Verse 2]\nSecond verse line\n\n\
            [Chorus]\nInto the night\nUnder the light\n";
        assert_eq!(text, expected);
        s.add_section(SectionKind::Chorus, aabb());
        assert_eq!(
            s.headers(),
            ["Verse 1", "Chorus 1", "Verse 2", "Chorus 1", "Chorus 2"]
        );
    }

    #[test]
    fn undo_redo() {
        let mut ed = SongEditor::new(sample());
        ed.edit(|s| s.set_text(0, 0, "Changed")).unwrap();
        ed.edit(|s| s.delete_line(0, 1)).unwrap();
        assert_eq!(ed.song().sections[0].texts(), ["Changed"]);
        assert!(ed.undo());
        assert_eq!(
            ed.song().sections[0].texts(),
            ["Changed", "And wore a funny hat"]
        );
        assert!(ed.undo());
        assert_eq!(ed.song(), &sample());
        assert!(!ed.undo());
        assert!(ed.redo());
        assert_eq!(ed.song().sections[0].texts()[0], "Changed");
        // A new edit clears redo.
        ed.edit(|s| s.toggle_lock(0, 0)).unwrap();
        assert!(!ed.redo());
        // Failed and no-op edits don't add history; a failing closure rolls back.
        let depth = ed.undo_depth();
        assert!(ed.edit(|s| s.set_text(0, 99, "x")).is_err());
        ed.edit(|s| s.set_text(0, 0, "Changed")).unwrap();
        let r = ed.edit(|s| {
            s.set_text(0, 0, "half")?;
            s.set_text(0, 99, "fails")
        });
        assert!(r.is_err());
        assert_eq!(ed.song().sections[0].lines[0].text, "Changed");
        assert_eq!(ed.undo_depth(), depth);
    }

    #[test]
    fn undo_is_bounded() {
        let mut ed = SongEditor::with_limit(sample(), 3);
        for i in 0..10 {
            ed.edit(|s| s.set_text(0, 0, format!("v{i}"))).unwrap();
        }
        assert_eq!(ed.undo_depth(), 3);
        while ed.undo() {}
        assert_eq!(ed.song().sections[0].lines[0].text, "v6");
        assert_eq!(SongEditor::new(Song::default()).limit, UNDO_LIMIT);
    }

    #[test]
    fn regenerate_keeps_locked_lines() {
        let mut s = sample();
        s.toggle_lock(0, 1).unwrap();
        let n = s.regenerate_unlocked(0, |i| format!("new {i}")).unwrap();
        assert_eq!(n, 1);
        assert_eq!(s.sections[0].texts(), ["new 0", "And wore a funny hat"]);
        assert!(s.sections[0].lines[1].locked);
        assert!(matches!(
            s.regenerate_unlocked(3, |_| String::new()),
            Err(SongError::IsRepeat { .. })
        ));
    }

    #[test]
    fn a_poem_keeps_its_language_form_and_shape() {
        let form = FormTable::shipped().find("五言绝句").unwrap();
        let mut poem = Song::poem("静夜思", form);
        assert_eq!(poem.sections[0].lines.len(), 4);
        for (i, l) in ["床前明月光", "疑是地上霜", "举头望明月", "低头思故乡"]
            .iter()
            .enumerate()
        {
            poem.set_text(0, i, *l).unwrap();
        }
        let json = serde_json::to_string(&poem).unwrap();
        assert!(json.contains("\"lang\":\"zh\"") && json.contains("\"form\":\"五言绝句\""));
        assert_eq!(serde_json::from_str::<Song>(&json).unwrap(), poem);
        assert_eq!(
            poem.export_plain_text(),
            "静夜思\n五言绝句\n\n床前明月光，疑是地上霜。\n举头望明月，低头思故乡。\n"
        );
        // An English song's file has no language or form in it.
        let english = serde_json::to_string(&sample()).unwrap();
        assert!(!english.contains("lang") && !english.contains("form"));
        // A poem that lost a line no longer has its form's shape.
        poem.sections[0].lines.pop();
        let err = poem.validate().unwrap_err().to_string();
        assert!(err.contains("one section of 4 lines"), "{err}");
    }

    #[test]
    fn serde_round_trip() {
        let mut s = sample();
        s.toggle_lock(1, 0).unwrap();
        s.set_syllable_target(0, Some(7)).unwrap();
        let json = serde_json::to_string_pretty(&s).unwrap();
        assert!(json.contains("\"chorus\"") && json.contains("\"AABB\""));
        let back: Song = serde_json::from_str(&json).unwrap();
        assert_eq!(back, s);
        // Minimal input: defaults fill in.
        let min: Song = serde_json::from_str(r#"{"sections":[{"kind":"pre_chorus"}]}"#).unwrap();
        assert_eq!(min.sections[0].kind, SectionKind::PreChorus);
        assert!(min.sections[0].scheme.is_free());
    }
}
