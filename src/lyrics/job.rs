//! What the lyrics editor asks the model to write, done on a copy of the
//! song (the engine thread runs it; the editor takes the copy back whole).

use crate::lm::InferenceModel;

use super::song::{Lang, Song, SongError};
use super::write::{state_before, write_line, write_section_until, WriteSettings};

/// How lines are drawn, from the `[lyrics]` settings.
pub fn write_settings(config: &crate::config::LyricsConfig) -> WriteSettings {
    WriteSettings {
        batch: config.candidates.max(1) * 2,
        max_batches: 12,
        temperature: config.temperature,
    }
}

/// One piece of writing. Sections are given as shown (a repeated chorus
/// writes the chorus it repeats).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LyricsTask {
    /// Every unlocked line of a section, filled up to `lines` lines.
    Section { section: usize, lines: usize },
    /// A new line after the section's last.
    NextLine { section: usize },
    /// A new version of one line (a locked line is left as it is).
    RewriteLine { section: usize, line: usize },
}

/// Does `task` on `song`; the song comes back changed. `stop` is asked
/// between lines of a section: once it says yes, no more lines are written.
/// A Chinese poem is written by the Chinese composer (`model` is then the
/// Chinese model), a whole poem at a time.
pub fn write(
    model: &InferenceModel,
    song: &mut Song,
    task: &LyricsTask,
    settings: &WriteSettings,
    seed: u64,
    stop: &dyn Fn() -> bool,
) -> Result<(), SongError> {
    if song.lang == Lang::Zh {
        return super::zh::poem::write(model, song, task, seed);
    }
    match *task {
        LyricsTask::Section { section, lines } => {
            let target = song.resolve(section)?;
            let n = song.section(target)?.lines.len().max(lines);
            write_section_until(model, song, target, n, settings, seed, stop)?;
        }
        LyricsTask::NextLine { section } => {
            let count = song.content(section)?.lines.len();
            write_one(model, song, section, count, settings, seed)?;
        }
        LyricsTask::RewriteLine { section, line } => {
            let sec = song.content(section)?;
            let Some(old) = sec.lines.get(line) else {
                return Err(SongError::NoLine {
                    section,
                    line,
                    len: sec.lines.len(),
                });
            };
            if !old.locked {
                write_one(model, song, section, line, settings, seed)?;
            }
        }
    }
    Ok(())
}

/// Writes line `index` of `section` from the song before it; an index past
/// the end adds the line.
fn write_one(
    model: &InferenceModel,
    song: &mut Song,
    section: usize,
    index: usize,
    settings: &WriteSettings,
    seed: u64,
) -> Result<(), SongError> {
    let target = song.resolve(section)?;
    let sec = song.section(target)?;
    let (scheme, syllables) = (sec.scheme.clone(), sec.syllable_target);
    let count = sec.lines.len();
    let before: Vec<String> = sec
        .lines
        .iter()
        .take(index)
        .map(|l| l.text.clone())
        .collect();
    let refs: Vec<&str> = before.iter().map(String::as_str).collect();
    let mut state = state_before(model, song, target, index);
    let written = write_line(
        model, &mut state, &refs, &scheme, index, syllables, settings, seed,
    );
    if index >= count {
        song.push_line(target, written.text)?;
    } else {
        song.set_text(target, index, written.text)?;
    }
    Ok(())
}
