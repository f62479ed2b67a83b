//! The lyrics editor driven by actions, without a terminal or a model, as
//! `tui_app.rs` drives the story: engine requests are read from the outbox
//! and answered with hand-made songs.

use fabula::config::Config;
use fabula::engine::{Event, Request};
use fabula::lyrics::{load_song, song_path, Direction, LyricsTask, RhymeScheme, SectionKind, Song};
use fabula::tui::action::Action;
use fabula::tui::keys::{action_for, Focus, Mode};
use fabula::tui::lyrics::{LyricsApp, Typing};
use fabula::tui::shell::Screen;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;

/// Verse (one line), chorus (one line, 8 syllables), verse, the chorus again.
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

fn app(path: Option<std::path::PathBuf>) -> LyricsApp {
    LyricsApp::new(Config::default(), song(), path, 1)
}

/// Presses keys as the terminal would deliver them, through the key table.
fn keys(app: &mut LyricsApp, text: &str) {
    for c in text.chars() {
        let code = match c {
            '\n' => KeyCode::Enter,
            '\x1b' => KeyCode::Esc,
            c => KeyCode::Char(c),
        };
        if let Some(a) = action_for(
            Mode::Lyrics,
            app.focus(),
            KeyEvent::new(code, KeyModifiers::NONE),
        ) {
            app.update(a);
        }
    }
}

/// The pending lyrics request: its job, task and the song it was given.
fn pending(app: &mut LyricsApp) -> (u64, LyricsTask, Song) {
    let mut requests = app.take_requests();
    assert_eq!(requests.len(), 1, "{requests:?}");
    match requests.pop().unwrap() {
        Request::Lyrics {
            job, task, song, ..
        } => (job, task, *song),
        other => panic!("expected a lyrics request, got {other:?}"),
    }
}

fn answer(app: &mut LyricsApp, job: u64, song: Song) {
    app.update(Action::Engine(Event::Song {
        job,
        song: Box::new(song),
        cancelled: false,
    }));
}

fn screen(app: &LyricsApp, w: u16, h: u16) -> String {
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    term.draw(|f| app.render(f)).unwrap();
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
fn a_section_is_written_through_the_engine_and_saved() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("song.json");
    let mut app = app(Some(path.clone()));
    keys(&mut app, "g");
    assert!(app.generating());
    let (job, task, given) = pending(&mut app);
    assert_eq!(
        task,
        LyricsTask::Section {
            section: 0,
            lines: 4
        }
    );
    assert_eq!(given, *app.song());
    // While it writes, the song is not changed by hand.
    keys(&mut app, "d");
    assert_eq!(app.song().sections[0].lines.len(), 1);
    assert!(app.status.contains("Esc"), "{}", app.status);

    let mut written = given.clone();
    written
        .set_text(0, 0, "the night was long and bright")
        .unwrap();
    written.push_line(0, "we sang until the light").unwrap();
    // A result for another job is not taken.
    answer(&mut app, job + 7, written.clone());
    assert!(app.generating());
    answer(&mut app, job, written.clone());
    assert!(!app.generating());
    assert_eq!(*app.song(), written);
    assert!(app.status.starts_with("Written."), "{}", app.status);
    assert_eq!(load_song(&path).unwrap(), written);
    assert!(screen(&app, 90, 20).contains("we sang until the light"));
}

#[test]
fn lock_rewrite_undo_and_redo() {
    let mut app = app(None);
    // A locked line is not sent to be rewritten, and says why.
    keys(&mut app, "lr");
    assert!(app.take_requests().is_empty() && !app.generating());
    assert!(app.status.contains("locked"), "{}", app.status);
    assert!(screen(&app, 90, 20).contains("🔒"));
    // Unlocked, it is.
    keys(&mut app, "lr");
    let (job, task, given) = pending(&mut app);
    assert_eq!(
        task,
        LyricsTask::RewriteLine {
            section: 0,
            line: 0
        }
    );
    // A result that changes nothing does not say "Written".
    answer(&mut app, job, given.clone());
    assert!(!app.status.contains("Written"), "{}", app.status);

    keys(&mut app, "r");
    let (job, _, mut given) = pending(&mut app);
    given.set_text(0, 0, "a brand new line tonight").unwrap();
    answer(&mut app, job, given);
    assert_eq!(
        app.song().sections[0].lines[0].text,
        "a brand new line tonight"
    );
    keys(&mut app, "u");
    assert_eq!(
        app.song().sections[0].lines[0].text,
        "we walked along the road tonight"
    );
    app.update(Action::Redo);
    assert_eq!(
        app.song().sections[0].lines[0].text,
        "a brand new line tonight"
    );
}

#[test]
fn the_next_line_is_asked_for_and_esc_stops_it() {
    let mut app = app(None);
    keys(&mut app, "n");
    let (job, task, mut given) = pending(&mut app);
    assert_eq!(task, LyricsTask::NextLine { section: 0 });
    keys(&mut app, "\x1b");
    assert!(!app.generating());
    assert!(app.status.contains("Stopped"), "{}", app.status);
    // What the engine finishes after Esc is not taken.
    given.push_line(0, "too late").unwrap();
    answer(&mut app, job, given);
    assert_eq!(app.song().sections[0].lines.len(), 1);
    // An engine error is said, and the editor is free again.
    keys(&mut app, "n");
    let (job, _, _) = pending(&mut app);
    app.update(Action::Engine(Event::Error {
        job,
        message: "no lyrics model is loaded".into(),
    }));
    assert!(!app.generating());
    assert!(app.status.contains("no lyrics model"), "{}", app.status);
}

#[test]
fn editing_a_repeated_chorus_edits_the_chorus() {
    let mut app = app(None);
    app.update(Action::SelectSection(3));
    assert_eq!(app.section, 3);
    keys(&mut app, "e");
    assert_eq!(app.typing, Some(Typing::Line("sing it loud".into())));
    keys(&mut app, " tonight\n");
    assert_eq!(app.typing, None, "{}", app.status);
    let song = app.song();
    assert_eq!(song.sections[1].lines[0].text, "sing it loud tonight");
    assert_eq!(
        song.content(3).unwrap().lines[0].text,
        "sing it loud tonight"
    );
    // The other line edits reach the chorus too.
    keys(&mut app, "l+");
    assert!(app.song().sections[1].lines[0].locked, "{}", app.status);
    assert_eq!(app.song().sections[1].syllable_target, Some(9));
    // Its header shows the chorus's settings, as the chorus's does.
    let s = screen(&app, 90, 20);
    let headers: Vec<&str> = s.lines().filter(|l| l.contains("[Chorus]")).collect();
    assert_eq!(headers.len(), 2, "{s}");
    for h in headers {
        assert!(h.contains("AABB · 9 syllables"), "{h}");
    }
}

#[test]
fn insert_move_delete_and_add_sections() {
    let mut app = app(None);
    keys(&mut app, "ithe second line\n");
    assert_eq!(app.song().sections[0].texts()[1], "the second line");
    keys(&mut app, "K");
    assert_eq!(app.song().sections[0].texts()[0], "the second line");
    app.update(Action::MoveLine(Direction::Up));
    assert!(app.status.contains("edge"), "{}", app.status);
    keys(&mut app, "d");
    assert_eq!(app.song().sections[0].lines.len(), 1);
    // A verse after the chorus, then the chorus again.
    keys(&mut app, "a");
    assert_eq!(app.song().sections.len(), 5);
    assert_eq!(app.song().sections[4].kind, SectionKind::Verse);
    assert_eq!(app.section, 4);
    keys(&mut app, "s");
    assert_eq!(app.song().sections[4].scheme.to_string(), "ABAB");
    keys(&mut app, "a");
    assert_eq!(app.song().sections[5].repeat_of, Some(1));
    assert_eq!(app.section, 5);
}

#[test]
fn ctrl_c_while_editing_quits_and_keeps_the_text() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.json");
    let mut app = app(Some(path.clone()));
    keys(&mut app, "e and far");
    let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
    let quit = action_for(Mode::Lyrics, app.focus(), ctrl_c).unwrap();
    app.update(quit);
    assert!(app.should_quit());
    let saved = load_song(&path).unwrap();
    assert_eq!(
        saved.sections[0].lines[0].text,
        "we walked along the road tonight and far"
    );
    assert!(app.close().unwrap().unwrap().starts_with("Song saved to"));
}

#[test]
fn a_song_is_titled_from_the_editor_and_its_file_named_after_it() {
    let dir = tempfile::tempdir().unwrap();
    let first = song_path(dir.path(), "", None);
    let mut app = app(Some(first.clone()));
    app.name_from_title = true;
    keys(&mut app, "l"); // saved under the first name
    assert!(first.exists());
    keys(&mut app, "t");
    assert_eq!(app.focus(), Focus::Editing);
    keys(&mut app, "Moon River, Again!");
    assert!(screen(&app, 90, 20).contains("Title: Moon River, Again!"));
    keys(&mut app, "\n");
    assert_eq!(app.song().title, "Moon River, Again!");
    let named = dir.path().join("moon-river-again.json");
    assert_eq!(app.path.as_deref(), Some(named.as_path()));
    assert!(named.exists() && !first.exists());
    assert_eq!(load_song(&named).unwrap().title, "Moon River, Again!");
    assert!(screen(&app, 90, 20).contains("Lyrics: Moon River, Again!"));
    // Another song of that title gets a name of its own.
    assert_eq!(
        song_path(dir.path(), "moon river again", None),
        dir.path().join("moon-river-again-2.json")
    );
    // A song the player opened keeps its file.
    let opened = dir.path().join("mine.json");
    let mut app = self::app(Some(opened.clone()));
    keys(&mut app, "tOther\n");
    assert_eq!(app.path, Some(opened));
}

#[test]
fn export_writes_the_song_as_text() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(Some(dir.path().join("night.json")));
    keys(&mut app, "x");
    let txt = dir.path().join("night.txt");
    assert!(app.status.contains("night.txt"), "{}", app.status);
    let text = std::fs::read_to_string(&txt).unwrap();
    assert_eq!(text.matches("sing it loud").count(), 2, "{text}");
    // Without a file there is nowhere to export to, and it says so.
    let mut app = self::app(None);
    keys(&mut app, "x");
    assert!(app.status.contains("Nowhere"), "{}", app.status);
}

#[test]
fn a_failed_save_is_said_and_never_called_written() {
    let dir = tempfile::tempdir().unwrap();
    // A folder where the song file should be: every save fails.
    let path = dir.path().join("taken.json");
    std::fs::create_dir(&path).unwrap();
    let mut app = app(Some(path.clone()));
    keys(&mut app, "l");
    assert!(app.status.starts_with("Autosave failed"), "{}", app.status);
    assert!(app.status.contains("taken.json"), "{}", app.status);
    keys(&mut app, "lg");
    let (job, _, mut given) = pending(&mut app);
    given
        .set_text(0, 0, "the night was long and bright")
        .unwrap();
    answer(&mut app, job, given);
    assert!(!app.status.contains("Written"), "{}", app.status);
    assert!(app.status.contains("Autosave failed"), "{}", app.status);
    let err = app.close().unwrap_err().to_string();
    assert!(err.contains("NOT saved"), "{err}");
}

#[test]
fn guessed_end_words_are_marked_and_help_lists_the_keys() {
    let mut song = Song::new("t");
    let s = song.add_section(SectionKind::Verse, RhymeScheme::parse("AABB").unwrap());
    song.push_line(s, "we walked along the road tonight")
        .unwrap();
    song.push_line(s, "and sang a song so blorptastic").unwrap();
    let mut app = LyricsApp::new(Config::default(), song, None, 1);
    let s = screen(&app, 80, 14);
    let known = s.lines().find(|r| r.contains("road tonight")).unwrap();
    let guessed = s.lines().find(|r| r.contains("blorptastic")).unwrap();
    assert!(guessed.contains("~and sang"), "{guessed}");
    assert!(!known.contains('~'), "{known}");
    // The status line is the story's: what runs, the message, the hints.
    assert!(s.contains("lyrics │"), "{s}");
    keys(&mut app, "?");
    let s = screen(&app, 110, 40);
    assert!(
        s.contains("Keys (Esc closes)") && s.contains("rewrite the selected line"),
        "{s}"
    );
    keys(&mut app, "\x1b");
    assert!(!app.show_help);
}
