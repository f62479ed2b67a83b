//! Rendering through ratatui's TestBackend at several sizes.

use fabula::config::Config;
use fabula::engine::{Event, Request};
use fabula::lm::LstmState;
use fabula::story::session::ModelStamp;
use fabula::tui::action::Action;
use fabula::tui::app::App;
use fabula::tui::render::render;
use ratatui::backend::TestBackend;
use ratatui::Terminal;

fn screen(app: &App, w: u16, h: u16) -> String {
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    term.draw(|f| render(app, f)).unwrap();
    let buf = term.backend().buffer().clone();
    let mut out = String::new();
    for y in 0..h {
        let mut skip = 0;
        for x in 0..w {
            // A wide character fills two cells; the second holds a placeholder.
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
    out
}

fn played(dir: &std::path::Path) -> App {
    let mut app = App::new(
        Config::default(),
        "story 2x384".into(),
        ModelStamp::default(),
        1,
    );
    app.data_dir = dir.join("sessions");
    app.update(Action::Choose(3));
    // The player moves first: choices for the opening, then the narrator
    // is asked to go on (Ctrl-R).
    let Some(Request::Candidates { job, .. }) = app.outbox.pop() else {
        panic!()
    };
    app.update(Action::Engine(Event::Candidates {
        job,
        texts: vec!["look around".into(), "wait here".into()],
        states: vec![],
    }));
    app.update(Action::Retry);
    let Some(Request::Narrate { job, .. }) = app.outbox.pop() else {
        panic!()
    };
    app.update(Action::Engine(Event::Done {
        job,
        text: "A cold wind moves through the hall. 物語は続く 🐉 and the chair stops rocking. It is a good, happy silence.".into(),
        state: LstmState::zeros(1, 2),
        tokens: 90,
        seconds: 0.1,
        cancelled: false,
    }));
    let Some(Request::Candidates { job, .. }) = app.outbox.pop() else {
        panic!()
    };
    app.update(Action::Engine(Event::Candidates {
        job,
        texts: vec![
            "walk into the house".into(),
            "call out a name".into(),
            "run back to the lane".into(),
        ],
        states: vec![],
    }));
    app
}

#[test]
fn renders_at_many_sizes_without_panicking() {
    let dir = tempfile::tempdir().unwrap();
    let app = played(dir.path());
    for (w, h) in [
        (160, 50),
        (120, 35),
        (100, 30),
        (80, 24),
        (60, 16),
        (40, 12),
        (39, 12),
        (20, 5),
        (1, 1),
        (0, 0),
    ] {
        let s = screen(&app, w, h);
        assert_eq!(s.lines().count(), h as usize);
    }
}

#[test]
fn tiny_terminal_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let s = screen(&played(dir.path()), 30, 8);
    assert!(s.contains("Terminal too small"), "{s}");
}

#[test]
fn wide_screen_shows_three_panes_choices_and_status() {
    let dir = tempfile::tempdir().unwrap();
    let s = screen(&played(dir.path()), 120, 35);
    for needle in [
        "Story:",
        "What do you do?",
        "Review",
        "1. walk into the house",
        "story 2x384",
        "? help",
        "物語は続く",
    ] {
        assert!(s.contains(needle), "missing {needle:?} in\n{s}");
    }
}

#[test]
fn help_overlay_lists_keys() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = played(dir.path());
    app.update(Action::ToggleHelp);
    let s = screen(&app, 100, 30);
    assert!(
        s.contains("Keys (Esc closes)") && s.contains("retry"),
        "{s}"
    );
    app.update(Action::Cancel);
    assert!(!screen(&app, 100, 30).contains("Keys (Esc closes)"));
}

#[test]
fn narrow_screen_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    insta::assert_snapshot!(screen(&played(dir.path()), 80, 24));
}

#[test]
fn a_long_session_draws_only_what_is_visible() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = played(dir.path());
    let mut parent = app.session.tree.current();
    for i in 0..5000 {
        parent = app
            .session
            .tree
            .push(
                parent,
                fabula::story::Role::Narration,
                &format!("Passage {i} of the long night."),
            )
            .unwrap();
    }
    let s = screen(&app, 120, 35);
    assert!(s.contains("Passage 4999"), "{s}");
}

#[test]
fn the_review_pane_keeps_the_turns_after_a_rewind() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = played(dir.path());
    app.update(Action::FocusPrev);
    app.update(Action::Select(-10));
    app.update(Action::JumpToSelected);
    assert_eq!(app.session.tree.current(), 0);
    let s = screen(&app, 120, 35);
    assert!(s.contains("2 ¶"), "the later turn is still listed:\n{s}");
}

/// At 110 columns nothing of the help, the export message or the review
/// statistics is cut, no score reads "-0.0", and speed is in chars/s.
#[test]
fn at_110_columns_nothing_is_cut() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = played(dir.path());
    app.update(Action::ToggleHelp);
    let s = screen(&app, 110, 36);
    for line in fabula::tui::render::help_lines() {
        let last = line.split_whitespace().last().unwrap();
        assert!(s.contains(last), "{last:?} of {line:?} missing:\n{s}");
    }
    app.update(Action::ToggleHelp);

    app.update(Action::Export);
    let s = screen(&app, 110, 36);
    let file = format!("{}.md", app.session.id);
    assert!(s.contains(&file), "{file} missing:\n{s}");

    // A score just below zero, and scores at both ends for the range.
    let t = &mut app.session.tree;
    for (id, score) in [(0, -0.03), (1, 0.55)] {
        t.node_mut(id).unwrap().sentiment = Some(fabula::sentiment::Sentiment {
            score,
            ..t.node(id).unwrap().sentiment.unwrap()
        });
    }
    let extra = t.push(1, fabula::story::Role::Player, "run").unwrap();
    t.node_mut(extra).unwrap().sentiment = Some(fabula::sentiment::Sentiment {
        score: -0.74,
        ..t.node(1).unwrap().sentiment.unwrap()
    });
    let s = screen(&app, 110, 36);
    assert!(s.contains("◆  0.0 ") && !s.contains("-0.0 "), "{s}");
    assert!(s.contains("-0.74..+0.55"), "{s}");
    assert!(s.contains("chars/s") && !s.contains("tok/s"), "{s}");
}

/// The review pane shows the scene the model read after the selected turn.
#[test]
fn the_review_pane_shows_the_selected_turn_s_scene() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = played(dir.path());
    app.update(Action::FocusPrev);
    let s = screen(&app, 120, 40);
    assert!(s.contains("(things: "), "{s}");
}
