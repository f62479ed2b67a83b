//! The lyrics editor: a song of sections and lines; generate, regenerate,
//! lock, edit, insert, delete, move, undo. Lines are written off the UI
//! thread; the song autosaves after every change.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use ratatui::crossterm::event::{Event as TermEvent, KeyCode, KeyEventKind, KeyModifiers};
use ratatui::layout::{Constraint, Layout};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use ratatui::Frame;
use tokio::sync::mpsc;

use crate::config::Config;
use crate::lm::InferenceModel;
use crate::lyrics::write::{state_before, write_line, write_section, WriteSettings};
use crate::lyrics::{check, Direction, RhymeScheme, SectionKind, Song, SongEditor};

const SCHEMES: [&str; 5] = ["AABB", "ABAB", "ABCB", "AAAA", "free"];

/// A saved song file: the song plus a format header.
#[derive(serde::Serialize, serde::Deserialize)]
struct SongFile {
    format: String,
    version: u32,
    song: Song,
}

pub fn load_song(path: &Path) -> anyhow::Result<Song> {
    let bytes = crate::fsutil::read_file(path, 16 << 20)
        .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    let file: SongFile = serde_json::from_slice(&bytes).map_err(|e| {
        anyhow::anyhow!(
            "{}: not a fabula song: line {} column {}: {e}",
            path.display(),
            e.line(),
            e.column()
        )
    })?;
    anyhow::ensure!(
        file.format == "fabula-song" && file.version == 1,
        "{}: not a fabula song (format {:?} version {})",
        path.display(),
        file.format,
        file.version
    );
    file.song
        .validate()
        .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    Ok(file.song)
}

pub fn save_song(path: &Path, song: &Song) -> std::io::Result<()> {
    let file = SongFile {
        format: "fabula-song".into(),
        version: 1,
        song: song.clone(),
    };
    let json = serde_json::to_vec_pretty(&file).unwrap_or_default();
    crate::fsutil::write_atomic_with_backup(path, &json)
}

/// What a keypress asks the lyrics editor to do.
#[derive(Debug, Clone, PartialEq)]
pub enum LyricsAction {
    Move(isize),
    Section(isize),
    NextLine,
    WriteSection,
    RegenerateLine,
    ToggleLock,
    Edit,
    Insert,
    Delete,
    MoveLine(Direction),
    CycleScheme,
    Syllables(i8),
    AddSection,
    Undo,
    Redo,
    Export,
    /// Type a title for the song.
    Title,
    Help,
    Quit,
    // Editing a line.
    Char(char),
    Backspace,
    Commit,
    Cancel,
    Written(Box<Song>),
}

pub struct LyricsApp {
    pub editor: SongEditor,
    pub section: usize,
    pub line: usize,
    pub editing: Option<String>,
    /// The text being edited is the song's title, not a line.
    pub editing_title: bool,
    pub busy: bool,
    pub status: String,
    pub help: bool,
    pub quit: bool,
    pub path: Option<PathBuf>,
    /// The song file was named by the editor (not opened by the player):
    /// it is renamed after the title when one is given.
    pub name_from_title: bool,
    pub lines_per_section: usize,
    /// A generation request waiting for the loop: (kind, song snapshot).
    pub pending: Option<(LyricsAction, Song, usize, usize)>,
    /// The error of the most recent save, `None` once a save succeeds.
    pub last_save_error: Option<String>,
}

impl LyricsApp {
    pub fn new(song: Song, path: Option<PathBuf>, lines_per_section: usize) -> LyricsApp {
        LyricsApp {
            editor: SongEditor::new(song),
            section: 0,
            line: 0,
            editing: None,
            editing_title: false,
            busy: false,
            status:
                "n next line · g write section · r rewrite line · l lock · e edit · t title · ? help"
                    .into(),
            help: false,
            quit: false,
            path,
            name_from_title: false,
            lines_per_section,
            pending: None,
            last_save_error: None,
        }
    }

    fn song(&self) -> &Song {
        self.editor.song()
    }

    fn lines_in(&self, section: usize) -> usize {
        self.song().content(section).map_or(0, |s| s.lines.len())
    }

    /// The section whose lines `section` shows: a repeated chorus is edited
    /// where it was written, and every repeat shows the change.
    fn target(&self, section: usize) -> usize {
        self.song().resolve(section).unwrap_or(section)
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
        if old.exists() {
            if let Err(e) = std::fs::rename(&old, &new) {
                self.status = format!("The song stays in {}: {e}", old.display());
                return;
            }
            let _ = std::fs::rename(
                crate::fsutil::backup_path(&old),
                crate::fsutil::backup_path(&new),
            );
        }
        self.path = Some(new);
    }

    fn save(&mut self) {
        if let Some(p) = &self.path {
            let saved = save_song(p, self.editor.song());
            self.last_save_error = saved
                .as_ref()
                .err()
                .map(|e| format!("{}: {e}", p.display()));
            if let Err(e) = saved {
                self.status = format!("Autosave failed: {e}");
            }
        }
    }

    fn edit(&mut self, f: impl FnOnce(&mut Song) -> Result<(), crate::lyrics::SongError>) {
        match self.editor.edit(f) {
            Ok(()) => self.save(),
            Err(e) => self.status = e.to_string(),
        }
    }

    /// Writes the text being edited into its line (or the title). On an
    /// error the text stays in the editor to be kept or changed.
    fn commit_edit(&mut self) {
        let Some(text) = self.editing.take() else {
            return;
        };
        let text = text.trim().to_string();
        if std::mem::take(&mut self.editing_title) {
            self.edit(|song| {
                song.set_title(text);
                Ok(())
            });
            self.rename_after_title();
            return;
        }
        let (s, l) = (self.target(self.section), self.line);
        if let Err(e) = self.editor.edit(|song| song.set_text(s, l, text.clone())) {
            self.status = e.to_string();
            self.editing = Some(text);
            return;
        }
        self.save();
    }

    pub fn update(&mut self, action: LyricsAction) {
        if let Some(buf) = self.editing.as_mut() {
            match action {
                LyricsAction::Char(c) if !c.is_control() => buf.push(c),
                LyricsAction::Backspace => {
                    buf.pop();
                }
                LyricsAction::Commit => self.commit_edit(),
                LyricsAction::Cancel => {
                    self.editing = None;
                    self.editing_title = false;
                }
                // Ctrl-C quits as everywhere; what was typed is kept.
                LyricsAction::Quit => {
                    self.commit_edit();
                    self.editing = None;
                    self.save();
                    self.quit = true;
                }
                _ => {}
            }
            return;
        }
        let generating = matches!(
            action,
            LyricsAction::NextLine | LyricsAction::WriteSection | LyricsAction::RegenerateLine
        );
        if self.busy
            && !matches!(
                action,
                LyricsAction::Move(_)
                    | LyricsAction::Section(_)
                    | LyricsAction::Help
                    | LyricsAction::Written(_)
            )
        {
            self.status = "Writing… wait for the line to arrive.".into();
            return;
        }
        let (s, l) = (self.section, self.line);
        match action {
            LyricsAction::Move(d) => {
                let n = self.lines_in(s);
                self.line =
                    (self.line as isize + d).clamp(0, n.saturating_sub(1) as isize) as usize;
            }
            LyricsAction::Section(d) => {
                let n = self.song().sections.len();
                self.section =
                    (self.section as isize + d).clamp(0, n.saturating_sub(1) as isize) as usize;
                self.line = 0;
            }
            _ if generating => {
                if self.song().sections.is_empty() {
                    self.status = "Add a section first (a).".into();
                    return;
                }
                let locked = self
                    .song()
                    .content(s)
                    .ok()
                    .and_then(|sec| sec.lines.get(l))
                    .is_some_and(|line| line.locked);
                if action == LyricsAction::RegenerateLine && locked {
                    self.status = "This line is locked: l unlocks it to be rewritten.".into();
                    return;
                }
                self.busy = true;
                self.status = "Writing…".into();
                self.pending = Some((action, self.song().clone(), s, l));
            }
            LyricsAction::Written(song) => {
                self.busy = false;
                if *song == *self.song() {
                    // Locked lines are kept, so there may be nothing to write.
                    self.status =
                        "Nothing was written: the lines it would change are locked, or none fit."
                            .into();
                    return;
                }
                self.edit(move |current| {
                    *current = *song;
                    Ok(())
                });
                let n = self.lines_in(self.section);
                self.line = self.line.min(n.saturating_sub(1));
                self.status =
                    "Written. l locks a line you like; r rewrites the selected one.".into();
            }
            LyricsAction::ToggleLock => {
                let t = self.target(s);
                self.edit(|song| song.toggle_lock(t, l).map(drop));
            }
            LyricsAction::Title => {
                self.editing = Some(self.song().title.clone());
                self.editing_title = true;
            }
            LyricsAction::Edit => {
                if let Ok(sec) = self.song().content(s) {
                    if let Some(line) = sec.lines.get(l) {
                        self.editing = Some(line.text.clone());
                    }
                }
            }
            LyricsAction::Insert => {
                let at = if self.lines_in(s) == 0 { 0 } else { l + 1 };
                let t = self.target(s);
                self.edit(|song| song.insert_line(t, at, String::new()).map(drop));
                self.line = at;
                self.editing = Some(String::new());
            }
            LyricsAction::Delete => {
                let t = self.target(s);
                self.edit(|song| song.delete_line(t, l).map(drop));
                self.line = self.line.min(self.lines_in(s).saturating_sub(1));
            }
            LyricsAction::MoveLine(d) => {
                let mut to = l;
                let t = self.target(s);
                self.edit(|song| {
                    to = song.move_line(t, l, d)?;
                    Ok(())
                });
                self.line = to;
            }
            LyricsAction::CycleScheme => {
                let current = self
                    .song()
                    .content(s)
                    .map(|x| x.scheme.to_string())
                    .unwrap_or_default();
                let at = SCHEMES
                    .iter()
                    .position(|x| x.eq_ignore_ascii_case(&current))
                    .map_or(0, |i| (i + 1) % SCHEMES.len());
                let scheme = RhymeScheme::parse(SCHEMES[at]).unwrap_or_default();
                let t = self.target(s);
                self.edit(|song| song.set_scheme(t, scheme));
            }
            LyricsAction::Syllables(d) => {
                let now = self
                    .song()
                    .content(s)
                    .ok()
                    .and_then(|x| x.syllable_target)
                    .unwrap_or(8);
                let next = (i16::from(now) + i16::from(d)).clamp(0, 24) as u8;
                let t = self.target(s);
                self.edit(|song| song.set_syllable_target(t, (next > 0).then_some(next)));
            }
            LyricsAction::AddSection => {
                let song = self.song();
                let chorus = song
                    .sections
                    .iter()
                    .position(|x| x.kind == SectionKind::Chorus && x.repeat_of.is_none());
                let last = song.sections.last().map(|x| x.kind);
                let kind = match last {
                    Some(SectionKind::Verse) => SectionKind::Chorus,
                    _ => SectionKind::Verse,
                };
                let scheme = song
                    .sections
                    .first()
                    .map(|x| x.scheme.clone())
                    .unwrap_or_default();
                self.edit(|song| {
                    match (kind, chorus) {
                        (SectionKind::Chorus, Some(c)) => {
                            song.add_repeat(c)?;
                        }
                        _ => {
                            let i = song.add_section(kind, scheme);
                            song.set_syllable_target(i, Some(8))?;
                        }
                    }
                    Ok(())
                });
                self.section = self.song().sections.len().saturating_sub(1);
                self.line = 0;
            }
            LyricsAction::Undo => {
                if !self.editor.undo() {
                    self.status = "Nothing to undo.".into();
                }
                self.save();
            }
            LyricsAction::Redo => {
                if !self.editor.redo() {
                    self.status = "Nothing to redo.".into();
                }
                self.save();
            }
            LyricsAction::Export => {
                let target = self.path.as_ref().map(|p| p.with_extension("txt"));
                match target {
                    Some(t) => match crate::fsutil::write_atomic(
                        &t,
                        self.song().export_plain_text().as_bytes(),
                    ) {
                        Ok(()) => self.status = format!("Exported to {}", t.display()),
                        Err(e) => self.status = format!("Export failed: {e}"),
                    },
                    None => self.status = "Nowhere to export (no save path).".into(),
                }
            }
            LyricsAction::Help => self.help = !self.help,
            LyricsAction::Quit => {
                self.save();
                self.quit = true;
            }
            _ => {}
        }
    }
}

/// Runs a generation request on a snapshot; returns the new song.
// Each argument is a distinct knob callers set; a struct would only rename them.
#[allow(clippy::too_many_arguments)]
pub fn perform(
    model: &InferenceModel,
    settings: &WriteSettings,
    action: &LyricsAction,
    mut song: Song,
    s: usize,
    l: usize,
    lines: usize,
    seed: u64,
) -> Song {
    let Ok(target) = song.resolve(s) else {
        return song;
    };
    let (scheme, syl) = match song.section(target) {
        Ok(x) => (x.scheme.clone(), x.syllable_target),
        Err(_) => return song,
    };
    match action {
        LyricsAction::WriteSection => {
            let n = song
                .section(target)
                .map_or(lines, |x| x.lines.len().max(lines));
            let _ = write_section(model, &mut song, target, n, settings, seed);
        }
        LyricsAction::NextLine | LyricsAction::RegenerateLine => {
            let count = song.section(target).map_or(0, |x| x.lines.len());
            let index = if *action == LyricsAction::NextLine {
                count
            } else {
                l.min(count.saturating_sub(1))
            };
            if *action == LyricsAction::RegenerateLine
                && song
                    .section(target)
                    .ok()
                    .and_then(|x| x.lines.get(index))
                    .is_some_and(|x| x.locked)
            {
                return song;
            }
            let before: Vec<String> = song
                .section(target)
                .map(|x| x.lines.iter().take(index).map(|l| l.text.clone()).collect())
                .unwrap_or_default();
            let refs: Vec<&str> = before.iter().map(String::as_str).collect();
            let mut state = state_before(model, &song, target, index);
            let w = write_line(
                model, &mut state, &refs, &scheme, index, syl, settings, seed,
            );
            if index >= count {
                let _ = song.push_line(target, w.text);
            } else {
                let _ = song.set_text(target, index, w.text);
            }
        }
        _ => {}
    }
    song
}

fn key_action(code: KeyCode, mods: KeyModifiers, editing: bool) -> Option<LyricsAction> {
    use LyricsAction::*;
    if editing {
        if mods.contains(KeyModifiers::CONTROL) {
            // A control key never types its letter.
            return match code {
                KeyCode::Char('c') | KeyCode::Char('q') => Some(Quit),
                _ => None,
            };
        }
        return match code {
            KeyCode::Enter => Some(Commit),
            KeyCode::Esc => Some(Cancel),
            KeyCode::Backspace => Some(Backspace),
            KeyCode::Char(c) => Some(Char(c)),
            _ => None,
        };
    }
    if mods.contains(KeyModifiers::CONTROL) {
        return match code {
            KeyCode::Char('c') | KeyCode::Char('q') => Some(Quit),
            KeyCode::Char('r') => Some(Redo),
            KeyCode::Char('z') => Some(Undo),
            _ => None,
        };
    }
    Some(match code {
        KeyCode::Up | KeyCode::Char('k') => Move(-1),
        KeyCode::Down | KeyCode::Char('j') => Move(1),
        KeyCode::Tab | KeyCode::Right => Section(1),
        KeyCode::BackTab | KeyCode::Left => Section(-1),
        KeyCode::Char('n') => NextLine,
        KeyCode::Char('g') => WriteSection,
        KeyCode::Char('r') => RegenerateLine,
        KeyCode::Char('l') => ToggleLock,
        KeyCode::Char('e') | KeyCode::Enter => Edit,
        KeyCode::Char('i') => Insert,
        KeyCode::Char('d') => Delete,
        KeyCode::Char('J') => MoveLine(Direction::Down),
        KeyCode::Char('K') => MoveLine(Direction::Up),
        KeyCode::Char('s') => CycleScheme,
        KeyCode::Char('+') | KeyCode::Char('=') => Syllables(1),
        KeyCode::Char('-') => Syllables(-1),
        KeyCode::Char('a') => AddSection,
        KeyCode::Char('u') => Undo,
        KeyCode::Char('x') => Export,
        KeyCode::Char('t') => Title,
        KeyCode::Char('?') | KeyCode::F(1) => Help,
        KeyCode::Char('q') => Quit,
        KeyCode::Esc => Help,
        _ => return None,
    })
}

pub const HELP: &str = "↑/↓ line · Tab/←/→ section · n next line · g write section (keeps locked lines) · r rewrite line · l lock/unlock · e/Enter edit · i insert · d delete · J/K move line · s rhyme scheme · +/- syllables · a add section · u undo · Ctrl-R redo · t title · x export text · q quit";

pub fn render(app: &LyricsApp, frame: &mut Frame) {
    let area = frame.area();
    if area.width < 30 || area.height < 8 {
        frame.render_widget(
            Paragraph::new("Terminal too small for the lyrics editor (need 30x8).")
                .wrap(Wrap { trim: true }),
            area,
        );
        return;
    }
    let [main, status] = Layout::vertical([
        Constraint::Min(3),
        Constraint::Length(if app.help { 4 } else { 1 }),
    ])
    .areas(area);
    let song = app.song();
    let headers = song.headers();
    let mut lines: Vec<Line> = Vec::new();
    let mut selected_row = 0;
    for (i, header) in headers.iter().enumerate() {
        let Ok(sec) = song.content(i) else { continue };
        let own = song.section(i).ok();
        // A repeat has the scheme and target of the section it repeats.
        let scheme = sec.scheme.to_string();
        let syl = sec
            .syllable_target
            .map_or("no target".into(), |t| format!("{t} syllables"));
        let repeat = if own.is_some_and(|x| x.repeat_of.is_some()) {
            " (repeat)"
        } else {
            ""
        };
        let head_style = if i == app.section {
            Style::default()
                .fg(Color::Cyan)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::default().fg(Color::Cyan)
        };
        lines.push(Line::styled(
            format!("[{header}]{repeat}  {scheme} · {syl}"),
            head_style,
        ));
        let texts = sec.texts();
        let report = check(&texts, &sec.scheme);
        for (j, (l, r)) in sec.lines.iter().zip(&report.lines).enumerate() {
            let here = i == app.section && j == app.line;
            if here {
                selected_row = lines.len();
            }
            let text = match (&app.editing, here && !app.editing_title) {
                (Some(buf), true) => format!("{buf}▏"),
                _ => l.text.clone(),
            };
            let rhyme = match r.rhymes_with_partner {
                Some(true) => Span::styled("✓", Style::default().fg(Color::Green)),
                Some(false) => Span::styled("✗", Style::default().fg(Color::Red)),
                None => Span::raw(" "),
            };
            // The end word is not in the dictionary: rhyme and syllables are guesses.
            let guess = if r.guessed {
                Span::styled("~", Style::default().fg(Color::Yellow))
            } else {
                Span::raw(" ")
            };
            let target = sec.syllable_target.map(usize::from);
            let syl_style = match target {
                Some(t) if t.abs_diff(r.syllables) <= 1 => Style::default().fg(Color::Green),
                Some(_) => Style::default().fg(Color::Yellow),
                None => Style::default(),
            };
            let style = if here {
                Style::default().add_modifier(Modifier::REVERSED)
            } else {
                Style::default()
            };
            lines.push(Line::from(vec![
                Span::raw(if l.locked { "🔒" } else { "  " }),
                Span::styled(format!("{:>2} ", r.syllables), syl_style),
                Span::raw(format!("{} ", r.group.unwrap_or('-'))),
                rhyme,
                guess,
                Span::styled(text, style),
            ]));
        }
        if sec.lines.is_empty() && i == app.section {
            lines.push(Line::styled(
                "  (empty: n writes a line, g a whole section, i types one)",
                Style::default().fg(Color::DarkGray),
            ));
        }
        lines.push(Line::from(""));
    }
    if headers.is_empty() {
        lines.push(Line::from("No sections yet: press a to add a verse."));
    }
    let height = main.height.saturating_sub(2) as usize;
    let scroll = selected_row.saturating_sub(height.saturating_sub(3)) as u16;
    let title = match (&app.editing, app.editing_title) {
        (Some(buf), true) => format!(" Title: {buf}▏ "),
        _ if song.title.is_empty() => " Lyrics: untitled (t gives a title) ".to_string(),
        _ => format!(
            " Lyrics: {} ",
            crate::text_safety::printable_line(&song.title)
        ),
    };
    frame.render_widget(
        Paragraph::new(lines)
            .scroll((scroll, 0))
            .block(Block::default().borders(Borders::ALL).title(title)),
        main,
    );
    let bottom = if app.help {
        HELP.to_string()
    } else {
        format!("{}{}", if app.busy { "⏳ " } else { "" }, app.status)
    };
    frame.render_widget(Paragraph::new(bottom).wrap(Wrap { trim: true }), status);
}

pub fn run(
    _config: Config,
    model: InferenceModel,
    song: Song,
    open: Option<PathBuf>,
    lines: usize,
    settings: WriteSettings,
    seed: u64,
) -> anyhow::Result<()> {
    let name_from_title = open.is_none();
    let path = open.or_else(|| {
        let dir = crate::story::session::sessions_dir()
            .parent()
            .map(|d| d.join("songs"))?;
        Some(song_path(&dir, &song.title, None))
    });
    super::require_terminal()?;
    let terminate = super::termination_flag()?;
    let mut app = LyricsApp::new(song, path, lines);
    app.name_from_title = name_from_title;
    let model = Arc::new(model);
    let (done_tx, mut done_rx) = mpsc::unbounded_channel::<Song>();
    let mut key_rx = super::spawn_input_thread()?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()?;
    let mut terminal = ratatui::init();
    let mut round = 0u64;
    let result: anyhow::Result<()> = runtime.block_on(async {
        let mut tick = tokio::time::interval(Duration::from_millis(250));
        loop {
            terminal.draw(|f| render(&app, f))?;
            tokio::select! {
                Some(ev) = key_rx.recv() => {
                    if let TermEvent::Key(k) = ev {
                        if k.kind != KeyEventKind::Release {
                            if let Some(a) = key_action(k.code, k.modifiers, app.editing.is_some()) {
                                app.update(a);
                            }
                        }
                    }
                }
                Some(song) = done_rx.recv() => app.update(LyricsAction::Written(Box::new(song))),
                _ = tick.tick() => {}
            }
            if terminate.load(std::sync::atomic::Ordering::SeqCst) {
                app.update(LyricsAction::Quit);
            }
            if let Some((action, song, s, l)) = app.pending.take() {
                round += 1;
                let (model, settings, tx) = (model.clone(), settings.clone(), done_tx.clone());
                let lines = app.lines_per_section;
                let seed = seed.wrapping_add(round * 104_729);
                // The model runs on its own thread; the UI keeps answering keys.
                std::thread::spawn(move || {
                    let song = perform(&model, &settings, &action, song, s, l, lines, seed);
                    let _ = tx.send(song);
                });
            }
            if app.quit {
                break;
            }
        }
        Ok(())
    });
    ratatui::restore();
    let said = song_exit_report(app.path.as_deref(), app.last_save_error.take());
    match (result, said) {
        (Err(e), _) => Err(e),
        (Ok(()), Err(not_saved)) => Err(not_saved),
        (Ok(()), Ok(line)) => {
            if let Some(line) = line {
                println!("{line}");
            }
            Ok(())
        }
    }
}

/// Where a song the editor names is saved in `dir`: its title as a file
/// name (`moon-river.json`, then `moon-river-2.json`, ...), or the time
/// for an untitled song. `current` is the song's own file, never in the way.
pub fn song_path(dir: &Path, title: &str, current: Option<&Path>) -> PathBuf {
    let mut stem = String::new();
    for c in title.trim().chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            stem.push(c);
        } else if !stem.is_empty() && !stem.ends_with('-') {
            stem.push('-');
        }
    }
    let stem: String = stem.trim_end_matches('-').chars().take(60).collect();
    let stem = stem.trim_end_matches('-');
    if stem.is_empty() {
        return dir.join(format!("{}.json", crate::story::session::now_secs()));
    }
    (1..)
        .map(|n| match n {
            1 => dir.join(format!("{stem}.json")),
            n => dir.join(format!("{stem}-{n}.json")),
        })
        .find(|p| Some(p.as_path()) == current || !p.exists())
        .unwrap_or_else(|| dir.join(format!("{stem}.json")))
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
mod exit_tests {
    use super::*;

    /// A line whose end word is missing from the dictionary is marked `~`.
    #[test]
    fn guessed_end_words_are_marked() {
        use ratatui::backend::TestBackend;
        let mut song = Song::new("t");
        let s = song.add_section(
            crate::lyrics::SectionKind::Verse,
            crate::lyrics::RhymeScheme::parse("AABB").unwrap(),
        );
        song.push_line(s, "we walked along the road tonight")
            .unwrap();
        song.push_line(s, "and sang a song so blorptastic").unwrap();
        let app = LyricsApp::new(song, None, 4);
        let mut term = ratatui::Terminal::new(TestBackend::new(80, 12)).unwrap();
        term.draw(|f| render(&app, f)).unwrap();
        let buf = term.backend().buffer().clone();
        let rows: Vec<String> = (0..buf.area.height)
            .map(|y| {
                (0..buf.area.width)
                    .map(|x| buf[(x, y)].symbol().to_string())
                    .collect()
            })
            .collect();
        let known = rows.iter().find(|r| r.contains("road tonight")).unwrap();
        let guessed = rows.iter().find(|r| r.contains("blorptastic")).unwrap();
        assert!(guessed.contains("~and sang"), "{guessed}");
        assert!(!known.contains('~'), "{known}");
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lyrics::{RhymeScheme, SectionKind};
    use LyricsAction::*;

    /// Verse, chorus (one line, 8 syllables), verse, the chorus again.
    fn song() -> Song {
        let mut song = Song::new("");
        let scheme = RhymeScheme::parse("AABB").unwrap();
        let v = song.add_section(SectionKind::Verse, scheme.clone());
        song.push_line(v, "we walked along the road tonight")
            .unwrap();
        let c = song.add_section(SectionKind::Chorus, scheme.clone());
        song.set_syllable_target(c, Some(8)).unwrap();
        song.push_line(c, "sing it loud").unwrap();
        song.add_section(SectionKind::Verse, scheme);
        song.add_repeat(c).unwrap();
        song
    }

    fn typed(app: &mut LyricsApp, text: &str) {
        for c in text.chars() {
            app.update(Char(c));
        }
    }

    fn screen(app: &LyricsApp) -> String {
        use ratatui::backend::TestBackend;
        let mut term = ratatui::Terminal::new(TestBackend::new(90, 20)).unwrap();
        term.draw(|f| render(app, f)).unwrap();
        let buf = term.backend().buffer().clone();
        (0..buf.area.height)
            .map(|y| {
                (0..buf.area.width)
                    .map(|x| buf[(x, y)].symbol().to_string())
                    .collect::<String>()
                    + "\n"
            })
            .collect()
    }

    #[test]
    fn a_locked_line_is_not_sent_to_be_rewritten() {
        let mut app = LyricsApp::new(song(), None, 4);
        app.update(ToggleLock);
        app.update(RegenerateLine);
        assert!(app.pending.is_none() && !app.busy);
        assert!(app.status.contains("locked"), "{}", app.status);
        // A result that changes nothing does not say "Written".
        app.update(ToggleLock);
        app.update(RegenerateLine);
        let unchanged = app.pending.take().unwrap().1;
        app.update(Written(Box::new(unchanged)));
        assert!(!app.status.contains("Written"), "{}", app.status);
    }

    #[test]
    fn editing_a_repeated_chorus_edits_the_chorus() {
        let mut app = LyricsApp::new(song(), None, 4);
        app.update(Section(3));
        assert_eq!(app.section, 3);
        app.update(Edit);
        assert_eq!(app.editing.as_deref(), Some("sing it loud"));
        typed(&mut app, " tonight");
        app.update(Commit);
        assert_eq!(app.editing, None, "{}", app.status);
        let song = app.editor.song();
        assert_eq!(song.sections[1].lines[0].text, "sing it loud tonight");
        assert_eq!(
            song.content(3).unwrap().lines[0].text,
            "sing it loud tonight"
        );
        // The other line edits reach the chorus too.
        app.update(ToggleLock);
        assert!(
            app.editor.song().sections[1].lines[0].locked,
            "{}",
            app.status
        );
        app.update(Syllables(1));
        assert_eq!(app.editor.song().sections[1].syllable_target, Some(9));
    }

    #[test]
    fn a_repeated_chorus_header_shows_the_chorus_settings() {
        let mut app = LyricsApp::new(song(), None, 4);
        app.update(Section(3));
        let s = screen(&app);
        let headers: Vec<&str> = s.lines().filter(|l| l.contains("[Chorus]")).collect();
        assert_eq!(headers.len(), 2, "{s}");
        for h in headers {
            assert!(h.contains("AABB · 8 syllables"), "{h}");
        }
    }

    #[test]
    fn ctrl_c_while_editing_quits_and_keeps_the_text() {
        assert_eq!(
            key_action(KeyCode::Char('c'), KeyModifiers::CONTROL, true),
            Some(Quit)
        );
        assert_eq!(
            key_action(KeyCode::Char('x'), KeyModifiers::CONTROL, true),
            None
        );
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.json");
        let mut app = LyricsApp::new(song(), Some(path.clone()), 4);
        app.update(Edit);
        typed(&mut app, " and far");
        app.update(Quit);
        assert!(app.quit);
        let saved = load_song(&path).unwrap();
        assert_eq!(
            saved.sections[0].lines[0].text,
            "we walked along the road tonight and far"
        );
    }

    #[test]
    fn a_song_is_titled_from_the_editor_and_its_file_named_after_it() {
        let dir = tempfile::tempdir().unwrap();
        let first = song_path(dir.path(), "", None);
        let mut app = LyricsApp::new(song(), Some(first.clone()), 4);
        app.name_from_title = true;
        app.update(ToggleLock); // saved under the first name
        assert!(first.exists());
        assert_eq!(
            key_action(KeyCode::Char('t'), KeyModifiers::NONE, false),
            Some(Title)
        );
        app.update(Title);
        typed(&mut app, "Moon River, Again!");
        assert!(screen(&app).contains("Title: Moon River, Again!"));
        app.update(Commit);
        assert_eq!(app.editor.song().title, "Moon River, Again!");
        let named = dir.path().join("moon-river-again.json");
        assert_eq!(app.path.as_deref(), Some(named.as_path()));
        assert!(named.exists() && !first.exists());
        assert_eq!(load_song(&named).unwrap().title, "Moon River, Again!");
        // Another song of that title gets a name of its own.
        assert_eq!(
            song_path(dir.path(), "moon river again", None),
            dir.path().join("moon-river-again-2.json")
        );
        // A song the player opened keeps its file.
        let opened = dir.path().join("mine.json");
        let mut app = LyricsApp::new(song(), Some(opened.clone()), 4);
        app.update(Title);
        typed(&mut app, "Other");
        app.update(Commit);
        assert_eq!(app.path, Some(opened));
    }
}
