//! Branches in the arc: the review pane overlays the other branches on the
//! current branch's sentiment arc when asked (b), in styles of their own
//! with a legend; `fabula review --json` lists every branch's arc.

mod common;

use fabula::config::Config;
use fabula::sentiment::{Label, Sentiment};
use fabula::story::session::ModelStamp;
use fabula::story::{NodeId, Role, Session};
use fabula::tui::action::Action;
use fabula::tui::app::{App, Pane};
use fabula::tui::render::render;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::Color;
use ratatui::Terminal;

fn push(s: &mut Session, parent: NodeId, role: Role, text: &str, score: f32) -> NodeId {
    let id = s.tree.push(parent, role, text).unwrap();
    s.tree.node_mut(id).unwrap().sentiment = Some(Sentiment {
        score,
        label: Label::Neutral,
        scorer: None,
    });
    id
}

/// Twelve turns that brighten; a branch left at turn 3 that darkens; a
/// retried passage at turn 9.
fn branching_story() -> Session {
    let mut s = Session::new(
        "mystery",
        "The house on the hill is quiet.",
        ModelStamp::default(),
    );
    s.title = "Branches".into();
    let mut at = 0;
    let mut turn3 = 0;
    let mut turn8 = 0;
    for i in 1..12 {
        let role = if i % 2 == 1 {
            Role::Player
        } else {
            Role::Narration
        };
        let score = -0.2 + 0.08 * i as f32;
        at = push(&mut s, at, role, &format!("turn {}", i + 1), score);
        if i == 2 {
            turn3 = at;
        }
        if i == 7 {
            turn8 = at;
        }
    }
    let main_end = at;
    let mut side = turn3;
    for k in 0..5 {
        let role = if k % 2 == 0 {
            Role::Player
        } else {
            Role::Narration
        };
        side = push(&mut s, side, role, "a darker way", -0.3 - 0.12 * k as f32);
    }
    push(&mut s, turn8, Role::Narration, "another version", 0.9);
    s.tree.set_current(main_end).unwrap();
    s
}

fn app_with(session: Session) -> App {
    let mut app = App::new(
        Config::default(),
        "story 2x384".into(),
        ModelStamp::default(),
        1,
    );
    app.open_read_only(session);
    app.update(Action::Resize(110, 36));
    app
}

fn draw(app: &App) -> Buffer {
    let mut term = Terminal::new(TestBackend::new(110, 36)).unwrap();
    term.draw(|f| render(app, f)).unwrap();
    term.backend().buffer().clone()
}

fn text(buf: &Buffer) -> String {
    let mut out = String::new();
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            out.push_str(buf[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

fn cells_in(buf: &Buffer, color: Color) -> usize {
    buf.content()
        .iter()
        .filter(|c| c.fg == color && c.symbol().trim() != "")
        .count()
}

#[test]
fn the_overlay_draws_the_other_branches_in_their_own_styles() {
    let mut app = app_with(branching_story());
    assert_eq!(app.focus, Pane::Review);
    let plain = draw(&app);
    assert!(!text(&plain).contains("⣀ this"));
    // Without the overlay nothing is drawn in the other branches' colours.
    assert_eq!(cells_in(&plain, Color::Blue), 0);

    // `b` in the review pane, through the key table.
    let key = ratatui::crossterm::event::KeyEvent::new(
        ratatui::crossterm::event::KeyCode::Char('b'),
        ratatui::crossterm::event::KeyModifiers::NONE,
    );
    let action = fabula::tui::keys::action_for(
        fabula::tui::keys::Mode::Review,
        fabula::tui::keys::Focus::Review,
        key,
    )
    .expect("b is bound in the review");
    app.update(action);
    assert!(app.show_branches);
    assert!(app.status.contains("other branches"), "{}", app.status);
    let overlay = draw(&app);
    let shown = text(&overlay);
    assert!(
        shown.contains("⣀ this") && shown.contains("abandoned 1"),
        "{shown}"
    );
    assert!(shown.contains("alternatives 1"), "{shown}");
    // The branch left at turn 3 is drawn (several cells), and the retried
    // passage's point.
    assert!(cells_in(&overlay, Color::Blue) >= 4, "{shown}");
    assert!(cells_in(&overlay, Color::Magenta) >= 1, "{shown}");
    insta::assert_snapshot!("review_arc_with_branches", shown);

    app.update(Action::ToggleBranches);
    assert_eq!(cells_in(&draw(&app), Color::Blue), 0);
}

#[test]
fn the_overlay_fits_small_panes() {
    let mut app = app_with(branching_story());
    app.update(Action::ToggleBranches);
    for (w, h) in [(110, 36), (80, 24), (60, 30), (40, 22), (20, 10), (0, 0)] {
        let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
        app.update(Action::Resize(w, h));
        term.draw(|f| render(&app, f)).unwrap();
    }
}

#[test]
fn review_json_lists_every_branch_arc() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("branches.json");
    let mut session = branching_story();
    session.save(&path).unwrap();
    let out = common::fabula()
        .args(["review", path.to_str().unwrap(), "--json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let branches = v["branches"].as_array().unwrap();
    assert_eq!(branches.len(), 3, "three leaves");
    let current: Vec<_> = branches.iter().filter(|b| b["current"] == true).collect();
    assert_eq!(current.len(), 1);
    // The current branch's arc is the per-turn table's scores.
    let turns: Vec<f64> = v["turns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["score"].as_f64().unwrap())
        .collect();
    let arc: Vec<f64> = current[0]["sentiment"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_f64().unwrap())
        .collect();
    assert_eq!(arc.len(), 12);
    assert_eq!(arc, turns);
    for b in branches {
        let nodes = b["nodes"].as_array().unwrap();
        assert_eq!(nodes[0], 0, "from the opening");
        assert_eq!(nodes.last().unwrap(), &b["leaf"]);
        assert_eq!(b["sentiment"].as_array().unwrap().len(), nodes.len());
    }
    let left: Vec<_> = branches
        .iter()
        .filter(|b| b["current"] == false)
        .map(|b| {
            (
                b["shared_turns"].as_u64().unwrap(),
                b["nodes"].as_array().unwrap().len(),
            )
        })
        .collect();
    // Left at turn 3 (five turns after it); the retry beside turn 9.
    assert!(left.contains(&(3, 8)) && left.contains(&(8, 9)), "{left:?}");
}
