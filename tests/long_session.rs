//! A 10,000-turn branched session with a stored state on every turn saves,
//! loads and draws (only the visible turns are wrapped). Times are printed,
//! not asserted: `cargo test --release --test long_session -- --nocapture`.

use std::time::Instant;

use fabula::config::Config;
use fabula::lm::LstmState;
use fabula::story::{Role, Session};
use fabula::tui::app::App;
use ratatui::backend::TestBackend;
use ratatui::Terminal;

#[test]
fn ten_thousand_turns_save_load_and_draw() {
    let mut s = Session::new("fantasy", "It begins.", Default::default());
    let mut at = 0;
    let mut state = LstmState::zeros(2, 384);
    for i in 0..10_000 {
        let role = if i % 2 == 0 {
            Role::Player
        } else {
            Role::Narration
        };
        // Every 50 turns the story forks: a retry beside the last passage.
        let parent = if i % 50 == 49 {
            s.tree.node(at).and_then(|n| n.parent).unwrap_or(0)
        } else {
            at
        };
        at = s
            .tree
            .push(
                parent,
                role,
                &format!("Turn {i}: the corridor bends left and the torch gutters."),
            )
            .unwrap();
        state.h[i % 768] = i as f32;
        s.tree.node_mut(at).unwrap().state = Some(state.clone());
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("long.json");
    let t = Instant::now();
    s.save(&path).unwrap();
    let save = t.elapsed();
    let t = Instant::now();
    let back = Session::load(&path).unwrap();
    let load = t.elapsed();
    assert_eq!(back.tree.len(), 10_001);
    assert_eq!(back.tree.branch(), s.tree.branch());
    assert!(back.tree.abandoned_leaves() > 100);

    let mut app = App::new(Config::default(), "m".into(), Default::default(), 1);
    app.data_dir = dir.path().join("sessions");
    app.resume(back, path.clone());
    let mut term = Terminal::new(TestBackend::new(140, 45)).unwrap();
    let t = Instant::now();
    for _ in 0..10 {
        term.draw(|f| fabula::tui::render::render(&app, f)).unwrap();
    }
    let draw = t.elapsed() / 10;
    let size = std::fs::metadata(&path).unwrap().len();
    println!(
        "10k turns: file {:.1} MB, save {save:?}, load {load:?}, frame {draw:?}",
        size as f64 / 1e6
    );
}
