//! The lyrics editor on a Chinese poem, driven by keys without a terminal.
//! The engine's requests are answered by the job the engine runs
//! (`lyrics::job::write`) with the shipped Chinese model, so drafts and
//! rewrites are checked against the form: line lengths, rhymes and 平仄.

use std::path::PathBuf;
use std::sync::OnceLock;

use fabula::config::Config;
use fabula::engine::{Event, Request};
use fabula::lm::InferenceModel;
use fabula::lyrics::zh::poem::report;
use fabula::lyrics::zh::{FormTable, PinyinTable};
use fabula::lyrics::{load_song, save_song, Lang, LyricsTask, Song};
use fabula::tui::action::Action;
use fabula::tui::keys::{action_for, Mode};
use fabula::tui::lyrics::LyricsApp;
use fabula::tui::shell::Screen;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;

fn model() -> &'static InferenceModel {
    static MODEL: OnceLock<InferenceModel> = OnceLock::new();
    MODEL.get_or_init(|| {
        let stem = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("models/lyrics-zh");
        InferenceModel::load(&stem).expect("the shipped Chinese lyrics model")
    })
}

fn poem_app(form: &str, path: Option<PathBuf>, seed: u64) -> LyricsApp {
    let form = FormTable::shipped().find(form).unwrap();
    LyricsApp::new(Config::default(), Song::poem("", form), path, seed)
}

/// Presses keys as the terminal delivers them (`\x08` is Backspace).
fn keys(app: &mut LyricsApp, text: &str) {
    for c in text.chars() {
        let code = match c {
            '\n' => KeyCode::Enter,
            '\x1b' => KeyCode::Esc,
            '\x08' => KeyCode::Backspace,
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

/// Runs the pending request as the engine does and hands back the result.
fn engine(app: &mut LyricsApp) -> LyricsTask {
    let mut requests = app.take_requests();
    assert_eq!(requests.len(), 1, "{requests:?}");
    let Some(Request::Lyrics {
        job,
        task,
        mut song,
        settings,
        seed,
        ..
    }) = requests.pop()
    else {
        panic!("expected a lyrics request");
    };
    fabula::lyrics::job::write(model(), &mut song, &task, &settings, seed, &|| false).unwrap();
    app.update(Action::Engine(Event::Song {
        job,
        song,
        cancelled: false,
    }));
    assert!(!app.generating());
    task
}

fn texts(app: &LyricsApp) -> Vec<String> {
    app.song().sections[0]
        .lines
        .iter()
        .map(|l| l.text.clone())
        .collect()
}

/// Every line has the form's length and no line breaks the form.
fn assert_keeps_form(app: &LyricsApp) {
    let r = report(app.song()).unwrap();
    for (l, spec) in r.lines.iter().zip(&r.form.lines) {
        assert_eq!(l.check.chars, spec.chars, "{:?}", texts(app));
        assert!(l.problems.is_empty(), "{:?}: {:?}", texts(app), l.problems);
    }
    assert!(r.rhymes.iter().all(Option::is_some));
}

/// The screen as text, a wide character once (its second cell skipped).
fn screen(app: &LyricsApp, w: u16, h: u16) -> (String, Option<(u16, u16)>) {
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    term.draw(|f| app.render(f)).unwrap();
    let back = term.backend();
    let cursor = back
        .cursor_visible()
        .then(|| (back.cursor_position().x, back.cursor_position().y));
    let buf = term.backend().buffer().clone();
    let mut out = String::new();
    for y in 0..h {
        let mut skip = 0;
        for x in 0..w {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let sym = buf[(x, y)].symbol();
            skip = fabula::tui::wrap::width(sym).saturating_sub(1);
            out.push_str(sym);
        }
        out.push('\n');
    }
    (out, cursor)
}

/// The display column where `needle` starts on the screen row holding it.
fn column_of(screen: &str, needle: &str) -> usize {
    let row = screen.lines().find(|r| r.contains(needle)).expect(needle);
    fabula::tui::wrap::width(&row[..row.find(needle).unwrap()])
}

#[test]
fn draft_lock_rewrite_undo_edit_save_and_reload() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("poem.json");
    let mut app = poem_app("七言绝句", Some(path.clone()), 3);
    assert!(
        app.status.starts_with("g drafts the poem"),
        "{}",
        app.status
    );
    keys(&mut app, "g");
    assert_eq!(
        engine(&mut app),
        LyricsTask::Section {
            section: 0,
            lines: 4
        }
    );
    assert_keeps_form(&app);
    let drafted = texts(&app);

    // Lock the first line; rewrite the second: the first stays, the second
    // changes and still rhymes with it, at seven characters.
    keys(&mut app, "ljr");
    assert_eq!(
        engine(&mut app),
        LyricsTask::RewriteLine {
            section: 0,
            line: 1
        }
    );
    let rewritten = texts(&app);
    assert_eq!(rewritten[0], drafted[0]);
    assert!(app.song().sections[0].lines[0].locked);
    assert_ne!(rewritten[1], drafted[1]);
    assert_eq!(rewritten[2..], drafted[2..]);
    assert_keeps_form(&app);

    // The whole poem again: the locked line is kept, the others drafted
    // around it in its rhyme.
    keys(&mut app, "g");
    engine(&mut app);
    let again = texts(&app);
    assert_eq!(again[0], drafted[0]);
    assert_ne!(again[1..], rewritten[1..]);
    assert_keeps_form(&app);

    // A locked line is not rewritten, and says why.
    keys(&mut app, "kr");
    assert!(app.take_requests().is_empty());
    assert!(app.status.contains("locked"), "{}", app.status);

    // Undo goes back a draft at a time.
    keys(&mut app, "u");
    assert_eq!(texts(&app), rewritten);
    keys(&mut app, "u");
    assert_eq!(texts(&app), drafted);
    app.update(Action::Redo);
    assert_eq!(texts(&app), rewritten);

    // A line typed one character short is kept but flagged, with why.
    keys(&mut app, "jje\x08\n");
    assert_eq!(app.song().sections[0].lines[2].text.chars().count(), 6);
    assert!(
        app.status
            .contains("Line 3 breaks the 七言绝句: wrong length: 6 characters, the form has 7"),
        "{}",
        app.status
    );
    let (s, _) = screen(&app, 110, 20);
    assert!(s.contains(" 6/7 "), "{s}");
    assert!(
        s.contains("↳ wrong length: 6 characters, the form has 7"),
        "{s}"
    );
    // A rhyming line that ends off the rhyme is flagged too, naming the rhyme.
    let group = report(app.song()).unwrap().rhymes[0].unwrap();
    let off = ['楼', '山', '花', '天', '风']
        .into_iter()
        .find(|&c| !PinyinTable::shipped().rhymes_with(c, group))
        .unwrap();
    keys(&mut app, "je\x08");
    app.update(Action::Char(off));
    keys(&mut app, "\n");
    assert!(
        app.status
            .contains(&format!("not rhyming with 韵 {}", group.name())),
        "{}",
        app.status
    );
    // Typing Chinese as an input method pastes it, with its full stop: kept
    // without it, and the form's 。 shown.
    keys(&mut app, "e");
    app.update(Action::Paste(" ".into()));
    keys(&mut app, "\x08\x08\x08\x08\x08\x08\x08\x08");
    app.update(Action::Paste(format!("{}。", again[3])));
    keys(&mut app, "\n");
    assert_eq!(app.song().sections[0].lines[3].text, again[3]);
    assert!(app.status.contains("keeps the form"), "{}", app.status);

    // Title, save and reload: the language and the form travel with it.
    keys(&mut app, "t春夜\n");
    let saved = load_song(&path).unwrap();
    assert_eq!(saved, *app.song());
    assert_eq!(saved.lang, Lang::Zh);
    assert_eq!(saved.form.as_deref(), Some("七言绝句"));
    assert!(std::fs::read_to_string(&path)
        .unwrap()
        .contains("\"lang\": \"zh\""));
    let reopened = LyricsApp::new(Config::default(), saved, None, 1);
    let pane = |s: String| s.lines().take(19).collect::<Vec<_>>().join("\n");
    assert_eq!(
        pane(screen(&reopened, 110, 20).0),
        pane(screen(&app, 110, 20).0)
    );

    // Export: the title, the form, the lines with the form's punctuation.
    keys(&mut app, "x");
    assert!(app.status.contains("poem.txt"), "{}", app.status);
    let text = std::fs::read_to_string(dir.path().join("poem.txt")).unwrap();
    let l = texts(&app);
    assert_eq!(
        text,
        format!(
            "春夜\n七言绝句\n\n{}，{}。\n{}，{}。\n",
            l[0], l[1], l[2], l[3]
        )
    );
}

#[test]
fn a_ci_tune_is_drafted_to_its_lines_and_esc_stops_a_draft() {
    let mut app = poem_app("浣溪沙", None, 5);
    keys(&mut app, "n");
    assert_eq!(engine(&mut app), LyricsTask::NextLine { section: 0 });
    // n writes the first empty line only.
    let t = texts(&app);
    assert_eq!(t[0].chars().count(), 7);
    assert!(t[1..].iter().all(String::is_empty), "{t:?}");
    keys(&mut app, "lg");
    engine(&mut app);
    assert_keeps_form(&app);
    assert_eq!(
        texts(&app)[0],
        t[0],
        "g drafts the unlocked lines around the locked"
    );
    // Esc while it writes: the poem stays as it was, a late result is dropped.
    let before = app.song().clone();
    keys(&mut app, "g\x1b");
    assert!(!app.generating() && app.status.contains("Stopped"));
    let _ = engine_result_dropped(&mut app);
    assert_eq!(*app.song(), before);
    let (s, _) = screen(&app, 80, 20);
    assert!(s.contains("[浣溪沙] 词 · 6 lines · 韵"), "{s}");
    // n on a full poem says what to do instead.
    keys(&mut app, "n");
    let mut requests = app.take_requests();
    let Some(Request::Lyrics {
        job,
        task,
        mut song,
        settings,
        seed,
        ..
    }) = requests.pop()
    else {
        panic!()
    };
    let err = fabula::lyrics::job::write(model(), &mut song, &task, &settings, seed, &|| false)
        .unwrap_err();
    app.update(Action::Engine(Event::Error {
        job,
        message: err.to_string(),
    }));
    assert!(
        app.status.contains("every line of the poem is written"),
        "{}",
        app.status
    );
}

/// Answers the last request after it was cancelled; returns whether the
/// editor took it.
fn engine_result_dropped(app: &mut LyricsApp) -> bool {
    let Some(Request::Lyrics {
        job,
        task,
        mut song,
        settings,
        seed,
        ..
    }) = app.take_requests().pop()
    else {
        panic!("expected a lyrics request");
    };
    fabula::lyrics::job::write(model(), &mut song, &task, &settings, seed, &|| false).unwrap();
    let before = app.song().clone();
    app.update(Action::Engine(Event::Song {
        job,
        song,
        cancelled: false,
    }));
    *app.song() != before
}

#[test]
fn edits_that_change_the_shape_are_refused_and_say_why() {
    let mut app = poem_app("五言绝句", None, 1);
    let before = app.song().clone();
    for k in ["i", "d", "J", "a", "s", "+"] {
        keys(&mut app, k);
        assert_eq!(*app.song(), before, "{k}");
        assert!(app.status.contains("五言绝句"), "{k}: {}", app.status);
        assert!(app.typing.is_none());
    }
    assert!(app.status.contains("character counts"), "{}", app.status);
}

#[test]
fn a_poem_file_with_a_bad_form_or_shape_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.json");
    let form = FormTable::shipped().find("七言绝句").unwrap();
    save_song(&path, &Song::poem("", form)).unwrap();
    let good = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, good.replace("七言绝句", "七言绝")).unwrap();
    let err = load_song(&path).unwrap_err().to_string();
    assert!(
        err.contains("p.json") && err.contains("unknown form \"七言绝\" (did you mean 七言绝句"),
        "{err}"
    );
    std::fs::write(&path, good.replace("七言绝句", "五言律诗")).unwrap();
    let err = load_song(&path).unwrap_err().to_string();
    assert!(
        err.contains(
            "a 五言律诗 is one section of 8 lines; this poem has 1 section(s) of [4] lines"
        ),
        "{err}"
    );
    std::fs::write(&path, good.replace("\"lang\": \"zh\",", "")).unwrap();
    let err = load_song(&path).unwrap_err().to_string();
    assert!(err.contains("needs \"lang\": \"zh\""), "{err}");
}

#[test]
fn columns_and_the_cursor_follow_display_width() {
    let mut app = poem_app("七言绝句", None, 3);
    keys(&mut app, "g");
    engine(&mut app);
    let lines = texts(&app);
    for w in [110u16, 80, 40] {
        let (s, cursor) = screen(&app, w, 16);
        assert_eq!(cursor, None, "no cursor unless typing");
        // Every line's text starts in the same column, after the marks.
        let cols: Vec<usize> = lines.iter().map(|l| column_of(&s, l)).collect();
        assert!(cols.iter().all(|&c| c == 18), "{w}: {cols:?}\n{s}");
        // So do the 平仄 where they fit (not at 40 columns).
        let tones: Vec<usize> = (0..4)
            .map(|i| {
                let row = s.lines().find(|r| r.contains(&lines[i])).unwrap();
                let t = &report(app.song()).unwrap().lines[i].check.tones;
                row.find(t.as_str())
                    .map_or(0, |b| fabula::tui::wrap::width(&row[..b]))
            })
            .collect();
        if w >= 80 {
            assert!(
                tones.iter().all(|&c| c == 18 + 16 + 2),
                "{w}: {tones:?}\n{s}"
            );
        } else {
            assert!(tones.iter().all(|&c| c == 0), "{w}: {tones:?}\n{s}");
        }
        // Typing: the cursor sits right after the last character typed,
        // two columns a character.
        let mut typing = LyricsApp::new(Config::default(), app.song().clone(), None, 1);
        keys(&mut typing, "e\x08\x08");
        typing.update(Action::Char('春'));
        let (s, cursor) = screen(&typing, w, 16);
        let row = s.lines().position(|r| r.contains('▏')).unwrap() as u16;
        let five: String = lines[0].chars().take(5).collect();
        assert_eq!(cursor, Some((18 + 12, row)), "{w}\n{s}");
        assert!(s.contains(&format!("{five}春▏")), "{s}");
        assert!(s.contains(" 6/7 "), "the count follows the typing: {s}");
    }
    // Wider than the tones: the prescribed pattern too.
    let (s, _) = screen(&app, 110, 16);
    assert!(
        s.contains("·平·仄·平平") || s.contains("·仄·平·仄平"),
        "{s}"
    );
}

#[test]
fn the_chinese_editor_at_a_fixed_seed() {
    let mut app = poem_app("七言绝句", None, 11);
    keys(&mut app, "g");
    engine(&mut app);
    keys(&mut app, "ljje\x08\n");
    insta::assert_snapshot!(screen(&app, 80, 14).0);
}

#[test]
fn a_tone_against_the_form_is_red_where_it_stands() {
    let form = FormTable::shipped().find("七言绝句").unwrap();
    let mut song = Song::poem("", form);
    // 李白《早发白帝城》, its third line ending on 山 (level) where the form
    // wants an oblique end.
    for (i, l) in [
        "朝辞白帝彩云间",
        "千里江陵一日还",
        "两岸猿声啼不山",
        "轻舟已过万重山",
    ]
    .iter()
    .enumerate()
    {
        song.set_text(0, i, *l).unwrap();
    }
    let app = LyricsApp::new(Config::default(), song, None, 1);
    let mut term = Terminal::new(TestBackend::new(110, 16)).unwrap();
    term.draw(|f| app.render(f)).unwrap();
    let buf = term.backend().buffer().clone();
    // Rows: border, header, then the lines; tones from column 36, two a mark.
    let mark = |line: u16, pos: u16| buf[(36 + 2 * (pos - 1), 2 + line)].clone();
    assert_eq!(mark(2, 7).symbol(), "平");
    assert_eq!(mark(2, 7).fg, ratatui::style::Color::Red);
    assert_eq!(
        mark(2, 6).fg,
        ratatui::style::Color::Green,
        "prescribed, fits"
    );
    assert_eq!(mark(2, 5).fg, ratatui::style::Color::DarkGray, "free");
    assert_eq!(mark(1, 7).fg, ratatui::style::Color::Green);
    let (s, _) = screen(&app, 110, 16);
    assert!(s.contains("↳ tone at position 7: 仄 expected"), "{s}");
}

#[test]
fn a_kept_line_that_breaks_the_form_is_still_named_after_a_draft() {
    let mut app = poem_app("七言绝句", None, 2);
    // A five-character first line, typed and locked: the rest is drafted
    // around it, and the status does not call the poem fine.
    keys(&mut app, "e");
    app.update(Action::Paste("春风吹柳色".into()));
    keys(&mut app, "\nlg");
    engine(&mut app);
    let t = texts(&app);
    assert_eq!(t[0], "春风吹柳色");
    assert!(t[1..].iter().all(|l| l.chars().count() == 7), "{t:?}");
    assert!(
        app.status
            .starts_with("Written. Line 1 still breaks the 七言绝句: wrong length: 5 characters"),
        "{}",
        app.status
    );
}
