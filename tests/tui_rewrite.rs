//! Retry and re-write in the app, without a terminal or a model: what each
//! passage records, and that a re-write keeps the seed and changes the
//! temperature beside the old passage.

use fabula::config::Config;
use fabula::engine::{Event, Request};
use fabula::lm::LstmState;
use fabula::narrator::confidence::Confidence;
use fabula::story::provenance::ModelId;
use fabula::story::session::ModelStamp;
use fabula::story::{NodeId, Role};
use fabula::tui::action::Action;
use fabula::tui::app::{next_rewrite_temperature, App, Pane};

/// Without passages written ahead for the choices: these tests read the
/// one request a retry or re-write sends (`tests/prewrite.rs` covers those).
fn app(dir: &std::path::Path) -> App {
    let mut config = Config::default();
    config.story.prewrite_choices = false;
    let mut app = App::new(config, "test 1x4".into(), ModelStamp::default(), 1);
    app.data_dir = dir.join("sessions");
    app.model_id = ModelId {
        name: "test".into(),
        weights: "sha256:0123456789abcdef".into(),
        kernels: "portable".into(),
        format: "f32".into(),
    };
    app
}

fn state(mark: f32) -> LstmState {
    let mut s = LstmState::zeros(1, 4);
    s.h[0] = mark;
    s
}

/// The pending passage request's seed and temperature, answered with
/// `text` (`stopped`: as the player's Esc would end it).
fn finish_passage(app: &mut App, text: &str, stopped: bool) -> (u64, f32) {
    let (job, seed, temperature) = match app.outbox.pop() {
        Some(Request::Narrate {
            job,
            seed,
            sampling,
            ..
        }) => (job, seed, sampling.temperature),
        other => panic!("expected a passage request, got {other:?}"),
    };
    app.update(Action::Engine(Event::Fed {
        job,
        state: state(0.5),
    }));
    app.update(Action::Engine(Event::Measured {
        job,
        confidence: Confidence {
            surprisal_bits_per_char: Some(0.4),
            repetition: 0.25,
        },
    }));
    app.update(Action::Engine(Event::Done {
        job,
        text: text.into(),
        state: state(1.0),
        tokens: text.chars().count(),
        seconds: 0.1,
        cancelled: stopped,
    }));
    // Choices after the passage, answered with none needed.
    if let Some(Request::Candidates { job, .. }) = app.outbox.pop() {
        app.update(Action::Engine(Event::Candidates {
            job,
            texts: vec!["look around".into(), "wait here".into()],
            states: Vec::new(),
        }));
    }
    (seed, temperature)
}

fn played(dir: &std::path::Path) -> App {
    let mut app = app(dir);
    app.update(Action::Choose(0));
    if let Some(Request::Candidates { job, .. }) = app.outbox.pop() {
        app.update(Action::Engine(Event::Candidates {
            job,
            texts: vec!["open the gate".into(), "look at the tower".into()],
            states: Vec::new(),
        }));
    }
    app.update(Action::Choose(0));
    finish_passage(&mut app, "The gate creaks open.", false);
    app
}

fn current(app: &App) -> NodeId {
    app.session.tree.current()
}

#[test]
fn a_passage_records_what_wrote_it_and_a_retry_draws_a_new_seed() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = played(dir.path());
    let first = current(&app);
    let n = app.session.tree.node(first).unwrap();
    let made = n.provenance.clone().expect("a record");
    assert_eq!(made.model, app.model_id);
    assert_eq!(made.sampling, app.config.sampling);
    assert_eq!(made.plan.candidates, app.config.story.candidates);
    assert!(!made.stopped);
    assert_eq!(
        n.confidence,
        Some(Confidence {
            surprisal_bits_per_char: Some(0.4),
            repetition: 0.25
        })
    );

    app.update(Action::Retry);
    let (seed, _) = finish_passage(&mut app, "The gate will not move.", false);
    let second = current(&app);
    assert_ne!(second, first);
    assert_eq!(app.session.tree.siblings(second).0, vec![first, second]);
    assert_ne!(seed, made.seed, "a retry draws a new seed");
    assert_eq!(
        app.session
            .tree
            .node(second)
            .unwrap()
            .provenance
            .as_ref()
            .unwrap()
            .seed,
        seed
    );
}

#[test]
fn the_rewrite_key_keeps_the_seed_changes_the_temperature_and_keeps_both() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = played(dir.path());
    let original = current(&app);
    let made = app
        .session
        .tree
        .node(original)
        .unwrap()
        .provenance
        .clone()
        .unwrap();
    // Ctrl-W in the chat, as the key table maps it.
    let ctrl_w = ratatui::crossterm::event::KeyEvent::new(
        ratatui::crossterm::event::KeyCode::Char('w'),
        ratatui::crossterm::event::KeyModifiers::CONTROL,
    );
    let action = fabula::tui::keys::action_for(
        fabula::tui::keys::Mode::Story,
        fabula::tui::keys::Focus::Chat { empty: true },
        ctrl_w,
    );
    assert!(matches!(action, Some(Action::Rewrite)), "{action:?}");
    app.update(Action::Rewrite);
    assert!(app.status.contains("Re-writing turn 3"), "{}", app.status);
    let (seed, temperature) = finish_passage(&mut app, "The gate swings wide.", false);
    assert_eq!(seed, made.seed, "the stored seed");
    assert_eq!(
        temperature,
        next_rewrite_temperature(made.sampling.temperature)
    );
    assert_ne!(temperature, made.sampling.temperature);
    assert!(app.status.contains("re-written"), "{}", app.status);
    let rewritten = current(&app);
    assert_eq!(
        app.session.tree.siblings(rewritten).0,
        vec![original, rewritten],
        "kept as an alternative"
    );
    let rec = app
        .session
        .tree
        .node(rewritten)
        .unwrap()
        .provenance
        .clone()
        .unwrap();
    assert_eq!(rec.seed, made.seed);
    assert_eq!(rec.sampling.temperature, temperature);

    // Again: the next temperature of the cycle, still the same seed.
    app.update(Action::Rewrite);
    let (seed2, t2) = finish_passage(&mut app, "The gate opens a crack.", false);
    assert_eq!(seed2, made.seed);
    assert_eq!(t2, next_rewrite_temperature(temperature));

    // An earlier passage selected in the review pane is the one re-written.
    app.focus = Pane::Review;
    app.update(Action::Select(-100));
    app.update(Action::Rewrite);
    assert!(app.status.contains("Select a passage"), "{}", app.status);
    assert!(app.outbox.is_empty(), "the opening is not re-written");
}

#[test]
fn temperatures_cycle() {
    assert_eq!(next_rewrite_temperature(0.8), 1.0);
    assert_eq!(next_rewrite_temperature(1.0), 1.2);
    assert_eq!(next_rewrite_temperature(1.2), 0.5);
    assert_eq!(next_rewrite_temperature(0.7), 0.8);
    assert_eq!(next_rewrite_temperature(5.0), 0.5);
}

#[test]
fn a_stopped_passage_is_recorded_as_stopped_and_an_old_one_cannot_be_rewritten() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = played(dir.path());
    app.update(Action::Retry);
    finish_passage(&mut app, "The gate", true);
    let stopped = current(&app);
    let n = app.session.tree.node(stopped).unwrap();
    assert_eq!(n.role, Role::Narration);
    assert!(n.provenance.as_ref().unwrap().stopped);

    // A passage from before records were kept has no seed to re-write with.
    app.session.tree.node_mut(stopped).unwrap().provenance = None;
    app.update(Action::Rewrite);
    assert!(app.status.contains("no stored seed"), "{}", app.status);
    assert!(app.outbox.is_empty());
}
