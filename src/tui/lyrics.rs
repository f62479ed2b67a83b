//! The lyrics editor, a mode of the shell: a song of sections and lines;
//! write, rewrite, lock, edit, insert, delete, move, undo. Writing is a
//! job on the engine thread, as story passages are; the song autosaves
//! after every change.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::config::Config;
use crate::engine::{CancelToken, Event, JobId, Models, Request};
use crate::lm::InferenceModel;
use crate::lyrics::write::WriteSettings;
use crate::lyrics::zh::poem;
use crate::lyrics::{
    load_song, save_song, song_path, Lang, LyricsTask, RhymeScheme, SectionKind, Song, SongEditor,
    SongError,
};

use super::action::Action;
use super::keys::{Focus, Mode};
use super::shell::Screen;

const SCHEMES: [&str; 5] = ["AABB", "ABAB", "ABCB", "AAAA", "free"];
/// The syllable target a new section starts with.
const DEFAULT_SYLLABLES: u8 = 8;
/// What the status says when nothing else is to be said.
pub const LYRICS_HINT: &str =
    "n writes the next line, g the section; l locks a line you like; ? lists every key.";
/// The same for a Chinese poem.
pub const POEM_HINT: &str =
    "g drafts the poem (locked lines stay); r rewrites a line, l locks it, e edits it; ? lists every key.";

/// What is being typed, and into what.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Typing {
    Line(String),
    Title(String),
}

/// A piece of writing the engine is doing.
#[derive(Clone, Debug)]
pub struct LyricsJob {
    pub id: JobId,
    pub task: LyricsTask,
    pub cancel: CancelToken,
}

pub struct LyricsApp {
    pub config: Config,
    pub editor: SongEditor,
    pub section: usize,
    pub line: usize,
    pub typing: Option<Typing>,
    pub job: Option<LyricsJob>,
    pub status: String,
    pub show_help: bool,
    pub should_quit: bool,
    /// Where the song is saved; `None` keeps it in memory only.
    pub path: Option<PathBuf>,
    /// The song file was named by the editor (not opened by the player):
    /// it is renamed after the title when one is given.
    pub name_from_title: bool,
    pub lines_per_section: usize,
    pub settings: WriteSettings,
    pub model_label: String,
    /// Requests for the engine, sent by the shell.
    pub outbox: Vec<Request>,
    /// The error of the most recent save, `None` once a save succeeds.
    pub last_save_error: Option<String>,
    next_job: JobId,
    seed: u64,
}

impl LyricsApp {
    pub fn new(config: Config, song: Song, path: Option<PathBuf>, seed: u64) -> LyricsApp {
        let settings = crate::lyrics::job::write_settings(&config.lyrics);
        let hint = if song.lang == Lang::Zh {
            POEM_HINT
        } else {
            LYRICS_HINT
        };
        LyricsApp {
            config,
            editor: SongEditor::new(song),
            section: 0,
            line: 0,
            typing: None,
            job: None,
            status: hint.into(),
            show_help: false,
            should_quit: false,
            path,
            name_from_title: false,
            lines_per_section: 4,
            settings,
            model_label: "no model".into(),
            outbox: Vec::new(),
            last_save_error: None,
            next_job: 1,
            seed,
        }
    }

    pub fn song(&self) -> &Song {
        self.editor.song()
    }

    pub fn generating(&self) -> bool {
        self.job.is_some()
    }

    fn lines_in(&self, section: usize) -> usize {
        self.song().content(section).map_or(0, |s| s.lines.len())
    }

    /// The section whose lines `section` shows: a repeated chorus is edited
    /// where it was written, and every repeat shows the change.
    fn target(&self, section: usize) -> usize {
        self.song().resolve(section).unwrap_or(section)
    }

    /// Saves the song; a failure is said in the status and remembered for
    /// the exit report. Returns whether the song is on disk.
    fn save(&mut self) -> bool {
        let Some(p) = self.path.clone() else {
            return true;
        };
        match save_song(&p, self.editor.song()) {
            Ok(()) => {
                self.last_save_error = None;
                true
            }
            Err(e) => {
                self.status = format!("Autosave failed: {e}");
                self.last_save_error = Some(e.to_string());
                false
            }
        }
    }

    /// Applies an edit and saves; an edit the song refuses is said.
    fn edit<T>(&mut self, f: impl FnOnce(&mut Song) -> Result<T, SongError>) -> Option<T> {
        match self.editor.edit(f) {
            Ok(v) => {
                self.save();
                Some(v)
            }
            Err(e) => {
                self.status = e.to_string();
                None
            }
        }
    }

    /// Gives the song file its title's name, when the editor named it.
    fn rename_after_title(&mut self) {
        let Some(old) = self.path.clone().filter(|_| self.name_from_title) else {
            return;
        };
        let Some(dir) = old.parent() else { return };
        let new = song_path(dir, &self.song().title, Some(&old));
        if new == old {
            return;
        }
        match crate::lyrics::file::rename_song(&old, &new) {
            Ok(()) => self.path = Some(new),
            Err(e) => self.status = format!("The song stays in {}: {e}", old.display()),
        }
    }

    /// Writes what was typed into its line (or the title). On an error
    /// the text stays open to be kept or changed.
    fn commit_typing(&mut self) {
        match self.typing.take() {
            None => {}
            Some(Typing::Title(text)) => {
                let title = text.trim().to_string();
                self.edit(|song| {
                    song.set_title(title);
                    Ok(())
                });
                self.rename_after_title();
            }
            Some(Typing::Line(text)) => {
                let (s, l) = (self.target(self.section), self.line);
                let kept = if self.song().lang == Lang::Zh {
                    poem_line(&text)
                } else {
                    text.trim().to_string()
                };
                if self.edit(|song| song.set_text(s, l, kept)).is_none() {
                    self.typing = Some(Typing::Line(text));
                } else {
                    self.say_poem_line(l);
                }
            }
        }
    }

    /// After a poem's line is typed: whether it keeps the form, and if
    /// not, why (it is kept either way: the writer decides).
    fn say_poem_line(&mut self, line: usize) {
        let Some(report) = poem::report(self.song()) else {
            return;
        };
        let Some(l) = report.lines.get(line) else {
            return;
        };
        self.status = if l.empty {
            format!("Line {} is empty: r writes it.", line + 1)
        } else if l.problems.is_empty() {
            format!(
                "Line {} keeps the form of the {}.",
                line + 1,
                report.form.name
            )
        } else {
            format!(
                "Line {} breaks the {}: {}.",
                line + 1,
                report.form.name,
                l.problems.join("; ")
            )
        };
    }

    /// Why an edit that changes a song's shape is refused for a poem:
    /// its form fixes the lines, their lengths and rhymes.
    fn poem_refuses(&self, action: &Action) -> Option<String> {
        let form = self.song().zh_form()?;
        let n = form.lines.len();
        Some(match action {
            Action::InsertLine | Action::DeleteLine | Action::MoveLine(_) | Action::AddSection => {
                format!(
                    "A {} has {n} lines, fixed by its form: write, edit or lock them.",
                    form.name
                )
            }
            Action::CycleScheme => format!("A {} rhymes where its form rhymes.", form.name),
            Action::Syllables(_) => {
                format!("A {}'s lines have the form's character counts.", form.name)
            }
            _ => return None,
        })
    }

    fn update_typing(&mut self, action: Action) {
        let Some(buf) = self.typing.as_mut().map(|t| match t {
            Typing::Line(b) | Typing::Title(b) => b,
        }) else {
            return;
        };
        match action {
            Action::Char(c) if !c.is_control() => buf.push(c),
            // A line is one line: pasted breaks become spaces.
            Action::Paste(text) => buf.extend(
                text.chars()
                    .map(|c| if c.is_whitespace() { ' ' } else { c })
                    .filter(|c| !c.is_control()),
            ),
            Action::Backspace => {
                buf.pop();
            }
            Action::Submit => self.commit_typing(),
            Action::Cancel => self.typing = None,
            // Quitting keeps what was typed.
            Action::Quit => {
                self.commit_typing();
                self.typing = None;
                self.quit();
            }
            Action::Engine(event) => self.on_engine(event),
            Action::Tick | Action::Resize(..) => {}
            _ => {}
        }
    }

    fn quit(&mut self) {
        if let Some(job) = self.job.take() {
            job.cancel.cancel();
        }
        self.save();
        self.should_quit = true;
    }

    pub fn update(&mut self, action: Action) {
        if self.typing.is_some() {
            self.update_typing(action);
            return;
        }
        let changes_song = !matches!(
            action,
            Action::Select(_)
                | Action::SelectSection(_)
                | Action::ToggleHelp
                | Action::Cancel
                | Action::Quit
                | Action::Engine(_)
                | Action::Tick
                | Action::Resize(..)
                | Action::Export
        );
        if self.generating() && changes_song {
            self.status = "Writing… wait for it, or press Esc to stop it.".into();
            return;
        }
        if let Some(why) = self.poem_refuses(&action) {
            self.status = why;
            return;
        }
        let (s, l) = (self.section, self.line);
        match action {
            Action::Select(d) => {
                let n = self.lines_in(s);
                self.line = (l as isize + d).clamp(0, n.saturating_sub(1) as isize) as usize;
            }
            Action::SelectSection(d) => {
                let n = self.song().sections.len();
                self.section = (s as isize + d).clamp(0, n.saturating_sub(1) as isize) as usize;
                self.line = 0;
            }
            Action::WriteNextLine => self.start_writing(LyricsTask::NextLine { section: s }),
            Action::WriteSection => self.start_writing(LyricsTask::Section {
                section: s,
                lines: self.lines_per_section,
            }),
            Action::RewriteLine => self.start_writing(LyricsTask::RewriteLine {
                section: s,
                line: l,
            }),
            Action::ToggleLock => {
                let t = self.target(s);
                self.edit(|song| song.toggle_lock(t, l));
            }
            Action::Title => self.typing = Some(Typing::Title(self.song().title.clone())),
            Action::EditLine => {
                if let Some(line) = self.song().content(s).ok().and_then(|x| x.lines.get(l)) {
                    self.typing = Some(Typing::Line(line.text.clone()));
                }
            }
            Action::InsertLine => {
                let at = if self.lines_in(s) == 0 { 0 } else { l + 1 };
                let t = self.target(s);
                if self
                    .edit(|song| song.insert_line(t, at, String::new()))
                    .is_some()
                {
                    self.line = at;
                    self.typing = Some(Typing::Line(String::new()));
                }
            }
            Action::DeleteLine => {
                let t = self.target(s);
                self.edit(|song| song.delete_line(t, l));
                self.line = l.min(self.lines_in(s).saturating_sub(1));
            }
            Action::MoveLine(d) => {
                let t = self.target(s);
                if let Some(to) = self.edit(|song| song.move_line(t, l, d)) {
                    self.line = to;
                }
            }
            Action::CycleScheme => {
                let now = self
                    .song()
                    .content(s)
                    .map(|x| x.scheme.to_string())
                    .unwrap_or_default();
                let at = SCHEMES
                    .iter()
                    .position(|x| x.eq_ignore_ascii_case(&now))
                    .map_or(0, |i| (i + 1) % SCHEMES.len());
                let scheme = RhymeScheme::parse(SCHEMES[at]).unwrap_or_default();
                let t = self.target(s);
                self.edit(|song| song.set_scheme(t, scheme));
            }
            Action::Syllables(d) => {
                let now = self
                    .song()
                    .content(s)
                    .ok()
                    .and_then(|x| x.syllable_target)
                    .unwrap_or(DEFAULT_SYLLABLES);
                let next = (i16::from(now) + i16::from(d)).clamp(0, 24) as u8;
                let t = self.target(s);
                self.edit(|song| song.set_syllable_target(t, (next > 0).then_some(next)));
            }
            Action::AddSection => self.add_section(),
            Action::Undo => {
                if self.editor.undo() {
                    self.save();
                } else {
                    self.status = "Nothing to undo.".into();
                }
                self.keep_selection_in_song();
            }
            Action::Redo => {
                if self.editor.redo() {
                    self.save();
                } else {
                    self.status = "Nothing to redo.".into();
                }
                self.keep_selection_in_song();
            }
            Action::Export => self.export(),
            Action::ToggleHelp => self.show_help = !self.show_help,
            Action::Cancel => {
                if let Some(job) = self.job.take() {
                    // The engine may finish the piece it is on; its result
                    // is not taken (the job is no longer this one).
                    job.cancel.cancel();
                    self.status = "Stopped: the song is as it was.".into();
                } else {
                    self.show_help = false;
                }
            }
            Action::Quit => self.quit(),
            Action::Engine(event) => self.on_engine(event),
            Action::Resize(..) | Action::Tick => {}
            // The story's actions; typing starts with e, i or t here.
            _ => {}
        }
    }

    /// After undo or redo the selected section or line may be gone.
    fn keep_selection_in_song(&mut self) {
        let sections = self.song().sections.len();
        self.section = self.section.min(sections.saturating_sub(1));
        self.line = self.line.min(self.lines_in(self.section).saturating_sub(1));
    }

    /// A verse after anything but a verse; after a verse, the chorus again
    /// (or a first chorus).
    fn add_section(&mut self) {
        let song = self.song();
        let chorus = song
            .sections
            .iter()
            .position(|x| x.kind == SectionKind::Chorus && x.repeat_of.is_none());
        let kind = match song.sections.last().map(|x| x.kind) {
            Some(SectionKind::Verse) => SectionKind::Chorus,
            _ => SectionKind::Verse,
        };
        let scheme = song
            .sections
            .first()
            .map(|x| x.scheme.clone())
            .unwrap_or_default();
        let added = self.edit(|song| match (kind, chorus) {
            (SectionKind::Chorus, Some(c)) => song.add_repeat(c),
            _ => {
                let i = song.add_section(kind, scheme);
                song.set_syllable_target(i, Some(DEFAULT_SYLLABLES))?;
                Ok(i)
            }
        });
        if let Some(i) = added {
            self.section = i;
            self.line = 0;
        }
    }

    fn export(&mut self) {
        let Some(target) = self.path.as_ref().map(|p| p.with_extension("txt")) else {
            self.status = "Nowhere to export (no save path).".into();
            return;
        };
        let text = self.song().export_plain_text();
        self.status = match crate::fsutil::write_atomic(&target, text.as_bytes()) {
            Ok(()) => format!("Exported to {}", target.display()),
            Err(e) => format!("Export failed: {}: {e}", target.display()),
        };
    }

    /// Asks the engine for `task` on a copy of the song.
    fn start_writing(&mut self, task: LyricsTask) {
        if self.song().sections.is_empty() {
            self.status = "Add a section first (a).".into();
            return;
        }
        if let LyricsTask::RewriteLine { section, line } = task {
            let locked = self
                .song()
                .content(section)
                .ok()
                .and_then(|sec| sec.lines.get(line))
                .is_some_and(|line| line.locked);
            if locked {
                self.status = "This line is locked: l unlocks it to be rewritten.".into();
                return;
            }
        }
        let id = self.next_job;
        self.next_job += 1;
        let cancel = CancelToken::default();
        // Each job its own seed, so writing again gives another line.
        let seed = self.seed.wrapping_add(id.wrapping_mul(104_729));
        self.outbox.push(Request::Lyrics {
            job: id,
            task: task.clone(),
            song: Box::new(self.song().clone()),
            settings: self.settings.clone(),
            seed,
            cancel: cancel.clone(),
        });
        self.job = Some(LyricsJob { id, task, cancel });
        self.status = "Writing…".into();
    }

    fn on_engine(&mut self, event: Event) {
        match event {
            Event::Song {
                job,
                song,
                cancelled,
            } => {
                if self.job.as_ref().is_none_or(|j| j.id != job) {
                    return;
                }
                self.job = None;
                if cancelled {
                    self.status = "Stopped: the song is as it was.".into();
                } else if *song == *self.song() {
                    // Locked lines are kept, so there may be nothing to write.
                    self.status =
                        "Nothing was written: the lines it would change are locked, or none fit."
                            .into();
                } else {
                    let replaced = self.edit(move |current| {
                        *current = *song;
                        Ok(())
                    });
                    self.keep_selection_in_song();
                    // A failed save has said so; "Written." would hide it.
                    if replaced.is_some() && self.last_save_error.is_none() {
                        self.status =
                            "Written. l locks a line you like; r rewrites the selected one.".into();
                        // A kept line (typed, locked) may still break the form.
                        let broken = poem::report(self.song())
                            .and_then(|r| r.first_problem().map(|p| (r.form, p)));
                        if let Some((form, (line, why))) = broken {
                            self.status = format!(
                                "Written. Line {} still breaks the {}: {why}.",
                                line + 1,
                                form.name
                            );
                        }
                    }
                }
            }
            Event::Error { job, message } => {
                if self.job.as_ref().is_some_and(|j| j.id == job) {
                    self.job = None;
                    self.status = format!("Nothing was written: {message}");
                }
            }
            Event::Fed { .. }
            | Event::Token { .. }
            | Event::Done { .. }
            | Event::Measured { .. }
            | Event::Candidates { .. } => {}
        }
    }
}

impl Screen for LyricsApp {
    fn mode(&self) -> Mode {
        Mode::Lyrics
    }

    fn focus(&self) -> Focus {
        if self.typing.is_some() {
            Focus::Editing
        } else {
            Focus::Lines
        }
    }

    fn update(&mut self, action: Action) {
        LyricsApp::update(self, action);
    }

    fn render(&self, frame: &mut ratatui::Frame) {
        super::render::lyrics::render(self, frame);
    }

    fn take_requests(&mut self) -> Vec<Request> {
        std::mem::take(&mut self.outbox)
    }

    fn engine_stopped(&mut self) {
        self.job = None;
        self.status = "The model engine stopped; the song is saved.".into();
    }

    fn should_quit(&self) -> bool {
        self.should_quit
    }

    fn close(&mut self) -> anyhow::Result<Option<String>> {
        song_exit_report(self.path.as_deref(), self.last_save_error.take())
    }
}

/// A typed poem line as it is kept: no spaces (an IME or a paste may
/// leave some) and no closing ， or 。, which the form adds.
pub fn poem_line(typed: &str) -> String {
    let text: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    text.trim_end_matches(['，', '。', ',', '.', '、', '；', ';', '！', '!', '？', '?'])
        .to_string()
}

/// How the lyrics editor starts.
pub struct LyricsStart {
    pub song: Song,
    /// The song file the player opened; `None` for a new song, which is
    /// saved in the songs folder under a name of its own.
    pub open: Option<PathBuf>,
    pub lines_per_section: usize,
    pub seed: u64,
}

/// Runs the lyrics editor in the shell until the player quits.
pub fn run(config: Config, model: InferenceModel, start: LyricsStart) -> anyhow::Result<()> {
    let name_from_title = start.open.is_none();
    let path = start
        .open
        .unwrap_or_else(|| song_path(&crate::paths::songs_dir(), &start.song.title, None));
    let mut app = LyricsApp::new(config, start.song, Some(path), start.seed);
    app.name_from_title = name_from_title;
    app.lines_per_section = start.lines_per_section;
    app.model_label = format!(
        "{} {}x{}",
        model.card.name, model.card.hyper.layers, model.card.hyper.hidden_size
    );
    super::shell::run(&mut app, Some(Models::lyrics(Arc::new(model))))
}

/// What is said when the lyrics editor closes: where the song is, nothing
/// when no song file was ever written, or an error when the last save failed.
pub fn song_exit_report(
    path: Option<&Path>,
    last_save_error: Option<String>,
) -> anyhow::Result<Option<String>> {
    let Some(p) = path else {
        return Ok(None);
    };
    if let Some(error) = last_save_error {
        let good = if load_song(p).is_ok() {
            format!("the last good copy is {}", p.display())
        } else {
            "no earlier copy of it is on disk".to_string()
        };
        anyhow::bail!("the song was NOT saved (the last save failed: {error}); {good}");
    }
    if !p.is_file() {
        return Ok(None);
    }
    Ok(Some(format!(
        "Song saved to {} (reopen with `fabula lyrics --open {}`).",
        p.display(),
        p.display()
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_typed_poem_line_loses_spaces_and_its_closing_mark() {
        assert_eq!(poem_line(" 床前 明月光， "), "床前明月光");
        assert_eq!(poem_line("疑是地上霜。"), "疑是地上霜");
        // Marks inside stay, to be flagged as not Chinese characters.
        assert_eq!(poem_line("举头,望明月"), "举头,望明月");
        assert_eq!(poem_line("   "), "");
    }

    #[test]
    fn no_false_song_saved() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("song.json");
        // Nothing was ever written: nothing is claimed.
        assert_eq!(song_exit_report(Some(&p), None).unwrap(), None);
        let err = song_exit_report(Some(&p), Some("disk full".into()))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("NOT saved") && err.contains("no earlier copy"),
            "{err}"
        );
        std::fs::write(&p, "{}").unwrap();
        assert!(song_exit_report(Some(&p), None)
            .unwrap()
            .unwrap()
            .starts_with("Song saved to"));
    }
}
