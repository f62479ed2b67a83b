//! The review pane's confidence figures and flags, drawn through ratatui's
//! TestBackend: each passage's surprisal and repetition, a looping passage
//! and an unusually unsure one flagged, a normal one not.

use fabula::config::Config;
use fabula::narrator::confidence::Confidence;
use fabula::story::session::ModelStamp;
use fabula::story::{Role, Session};
use fabula::tui::action::Action;
use fabula::tui::app::App;
use fabula::tui::render::render;
use ratatui::backend::TestBackend;
use ratatui::Terminal;

fn screen(app: &App, w: u16, h: u16) -> Vec<String> {
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    term.draw(|f| render(app, f)).unwrap();
    let buf = term.backend().buffer().clone();
    (0..h)
        .map(|y| (0..w).map(|x| buf[(x, y)].symbol().to_string()).collect())
        .collect()
}

const PASSAGES: [(&str, f32, f32); 6] = [
    ("The gate creaks open onto a courtyard.", 0.30, 0.0),
    ("The old man nods and points to the tower.", 0.32, 0.0),
    (
        "You go north. You go north. You go north. You go north.",
        0.33,
        0.75,
    ),
    ("A cold wind blows through the broken window.", 0.28, 0.0),
    ("The stair winds up into the dark of the tower.", 0.31, 0.0),
    (
        "Purple the when of fish, sang the ladder softly.",
        0.90,
        0.0,
    ),
];

fn story() -> App {
    let mut session = Session::new(
        "fantasy",
        "You stand before a ruined keep.",
        ModelStamp::default(),
    );
    let t = &mut session.tree;
    let mut at = 0;
    for (i, (text, bits, rep)) in PASSAGES.iter().enumerate() {
        let p = t.push(at, Role::Player, &format!("action {i}")).unwrap();
        at = t.push(p, Role::Narration, text).unwrap();
        t.node_mut(at).unwrap().confidence = Some(Confidence {
            surprisal_bits_per_char: Some(*bits),
            repetition: *rep,
        });
    }
    let mut app = App::new(Config::default(), "test".into(), ModelStamp::default(), 1);
    app.update(Action::OpenReadOnly(Box::new(session)));
    app
}

/// The review list's row for turn `turn` (1-based).
fn row(lines: &[String], turn: usize) -> String {
    let mark = format!("{turn:>3} ");
    lines
        .iter()
        .find_map(|l| {
            let at = l.find("●")?;
            let rest = &l[at + "●".len()..];
            rest.starts_with(&mark).then(|| rest.to_string())
        })
        .unwrap_or_else(|| panic!("no row for turn {turn}:\n{}", lines.join("\n")))
}

#[test]
fn passages_show_their_figures_and_the_looping_and_unsure_ones_are_flagged() {
    let mut app = story();
    let lines = screen(&app, 110, 36);
    // Turns: 1 opening, then player/passage pairs: passage k at turn 2k + 1.
    let normal = row(&lines, 3);
    assert!(normal.contains("0.30   0%"), "{normal}");
    assert!(!normal.contains('↻') && !normal.contains(" ? "), "{normal}");
    let looping = row(&lines, 7);
    assert!(looping.contains("0.33  75% ↻"), "{looping}");
    let unsure = row(&lines, 13);
    assert!(unsure.contains("0.90   0% ?"), "{unsure}");
    let player = row(&lines, 2);
    assert!(!player.contains('%'), "{player}");

    // The selected passage's line says why in words.
    let said = |app: &App| screen(app, 110, 36).join("\n");
    app.update(Action::Scroll(-1_000_000));
    app.update(Action::Select(6));
    let s = said(&app);
    assert!(s.contains("#7 looping 0.33 bits/ch rep 75%"), "{s}");
    app.update(Action::Select(6));
    let s = said(&app);
    assert!(s.contains("#13 unsure 0.90 bits/ch rep 0%"), "{s}");
    app.update(Action::Select(-10));
    let s = said(&app);
    assert!(s.contains("#3 0.30 bits/ch rep 0% (median 0.31)"), "{s}");
    assert!(!s.contains("#3 unsure") && !s.contains("#3 looping"), "{s}");
}

#[test]
fn a_story_without_figures_has_its_looping_passage_flagged_in_a_review_and_is_not_changed() {
    let session = fabula::review::transcript::parse_transcript(
        std::path::Path::new("t.txt"),
        b"You are in a cellar.\n\n> look\n\nYou go north. You go north. You go north. You go north.\n\n> wait\n\nA cold stair winds down into the dark.\n",
    )
    .unwrap();
    let mut app = App::new(Config::default(), "test".into(), ModelStamp::default(), 1);
    app.update(Action::OpenReadOnly(Box::new(session.clone())));
    assert_eq!(app.session, session, "the story is not changed");
    let lines = screen(&app, 110, 36);
    let looping = row(&lines, 3);
    assert!(looping.contains('↻') && !looping.contains('%'), "{looping}");
    let fresh = row(&lines, 5);
    assert!(!fresh.contains('↻'), "{fresh}");
}
