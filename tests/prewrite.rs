//! Choices written before they are picked: the app asks for each offered
//! choice's passage with the request its pick would send, takes it when
//! the choice is picked, never uses it for anything else, and stops that
//! work for the player's own; the engine stops it between steps; with the
//! shipped model a passage written ahead is the passage written after.

mod common;

use std::sync::Arc;

use fabula::cli::pick_bench::play;
use fabula::config::Config;
use fabula::engine::{self, CancelToken, Event, JobId, Models, Request};
use fabula::lm::{InferenceModel, LstmState, SamplingConfig};
use fabula::narrator::{PassageRules, Plan};
use fabula::story::session::ModelStamp;
use fabula::story::Role;
use fabula::tui::action::Action;
use fabula::tui::app::App;

fn app(seed: u64, ahead: bool) -> App {
    let mut config = Config::default();
    config.story.prewrite_choices = ahead;
    let mut app = App::new(config, "test 1x4".into(), ModelStamp::default(), seed);
    app.session_path = None;
    app
}

fn state(mark: f32) -> LstmState {
    let mut s = LstmState::zeros(1, 4);
    s.h[0] = mark;
    s
}

fn answer_choices(app: &mut App, choices: &[&str]) {
    let at = app
        .outbox
        .iter()
        .rposition(|r| matches!(r, Request::Candidates { .. }))
        .expect("a choices request");
    let Request::Candidates { job, .. } = app.outbox.remove(at) else {
        unreachable!()
    };
    app.update(Action::Engine(Event::Candidates {
        job,
        texts: choices.iter().map(|s| s.to_string()).collect(),
        states: vec![],
    }));
}

/// A narrate request, as its fields.
#[derive(Debug, Clone, PartialEq)]
struct Narrate {
    job: JobId,
    state: Option<LstmState>,
    context: String,
    prefix: String,
    plan: Box<Plan>,
    sampling: SamplingConfig,
    seed: u64,
    cancel: bool,
}

fn narrate_requests(app: &mut App) -> Vec<(Narrate, CancelToken)> {
    let mut out = Vec::new();
    for r in std::mem::take(&mut app.outbox) {
        match r {
            Request::Narrate {
                job,
                state,
                context,
                prefix,
                plan,
                sampling,
                seed,
                cancel,
            } => out.push((
                Narrate {
                    job,
                    state,
                    context,
                    prefix,
                    plan,
                    sampling,
                    seed,
                    cancel: cancel.is_cancelled(),
                },
                cancel,
            )),
            other => app.outbox.push(other),
        }
    }
    out
}

fn finish(app: &mut App, job: JobId, text: &str, mark: f32) {
    app.update(Action::Engine(Event::Fed {
        job,
        state: state(mark - 0.5),
    }));
    app.update(Action::Engine(Event::Done {
        job,
        text: text.into(),
        state: state(mark),
        tokens: 40,
        seconds: 0.1,
        cancelled: false,
    }));
}

/// A story at its opening with two choices offered, and the requests
/// written ahead for them.
fn opening_with_choices(app: &mut App) -> Vec<(Narrate, CancelToken)> {
    app.update(Action::Choose(0));
    answer_choices(app, &["look around", "open the gate"]);
    narrate_requests(app)
}

fn current_text(app: &App) -> String {
    let t = &app.session.tree;
    t.node(t.current()).unwrap().text.clone()
}

#[test]
fn each_choice_is_asked_for_as_its_pick_would_ask() {
    let mut ahead = app(11, true);
    let asked = opening_with_choices(&mut ahead);
    assert_eq!(asked.len(), 2, "one request per choice");
    // Each after the scene line, as a typed action is read.
    assert!(asked[0].0.prefix.ends_with(")\n> look around\n\n"));
    assert!(asked[1].0.prefix.ends_with(")\n> open the gate\n\n"));
    assert!(!ahead.generating(), "writing ahead is not the player's job");
    assert_eq!(ahead.session.tree.len(), 1, "the story is unchanged");

    // The same story without writing ahead: the pick's request is the one
    // written ahead, seed included.
    let mut after = app(11, false);
    after.update(Action::Choose(0));
    answer_choices(&mut after, &["look around", "open the gate"]);
    assert!(narrate_requests(&mut after).is_empty());
    after.update(Action::Choose(1));
    let picked = narrate_requests(&mut after);
    assert_eq!(picked.len(), 1);
    let (mut a, mut b) = (asked[1].0.clone(), picked[0].0.clone());
    a.job = 0;
    b.job = 0;
    assert_eq!(a, b);
    // Another choice is another passage.
    assert_ne!(asked[0].0.plan.action, b.plan.action);
}

#[test]
fn a_picked_choice_written_ahead_is_the_turn_at_once() {
    let mut app = app(3, true);
    let asked = opening_with_choices(&mut app);
    finish(&mut app, asked[0].0.job, "You look around the yard.", 1.0);
    finish(&mut app, asked[1].0.job, "The gate swings open.", 2.0);
    assert_eq!(app.session.tree.len(), 1, "written ahead, not in the story");
    assert_eq!(app.prewrites.counts(), (2, 0));

    app.update(Action::Choose(1));
    // The whole passage is there, with no request for it.
    assert_eq!(current_text(&app), "The gate swings open.");
    assert!(narrate_requests(&mut app).is_empty());
    let t = &app.session.tree;
    let node = t.node(t.current()).unwrap();
    let action = t.node(node.parent.unwrap()).unwrap();
    assert_eq!(
        (action.role, action.text.as_str()),
        (Role::Player, "open the gate")
    );
    // Stored like a passage written after the pick: its state, the state
    // after the action, sentiment on both, and the next choices asked for.
    assert_eq!(node.state, Some(state(2.0)));
    assert_eq!(action.state, Some(state(1.5)));
    assert!(node.sentiment.is_some() && action.sentiment.is_some());
    assert!(matches!(
        app.job.as_ref().map(|j| &j.kind),
        Some(fabula::tui::app::JobKind::Choices { .. })
    ));
    assert_eq!(app.written_ahead, 1);
}

#[test]
fn a_choice_still_being_written_when_picked_keeps_its_job() {
    let mut app = app(5, true);
    let asked = opening_with_choices(&mut app);
    app.update(Action::Choose(0));
    // Nothing new is asked; the other choice's passage is stopped.
    assert!(narrate_requests(&mut app).is_empty());
    assert!(asked[1].1.is_cancelled() && !asked[0].1.is_cancelled());
    assert!(app.generating());
    finish(&mut app, asked[0].0.job, "A crow watches you.", 1.0);
    assert_eq!(current_text(&app), "A crow watches you.");
    assert_eq!(app.written_ahead, 1);
}

#[test]
fn the_player_s_own_action_stops_the_work_written_ahead_at_once() {
    for act in ["type", "retry", "quit"] {
        let mut app = app(7, true);
        let asked = opening_with_choices(&mut app);
        match act {
            "type" => {
                for c in "climb the wall".chars() {
                    app.update(Action::Char(c));
                }
                app.update(Action::Submit);
            }
            "retry" => app.update(Action::Retry),
            _ => app.update(Action::Quit),
        }
        assert!(
            asked.iter().all(|(_, c)| c.is_cancelled()),
            "{act}: stopped"
        );
        let now = narrate_requests(&mut app);
        if act == "quit" {
            assert!(now.is_empty());
            continue;
        }
        // The player's request is asked for at once, not after them.
        assert_eq!(now.len(), 1, "{act}");
        assert!(!now[0].0.cancel && app.generating(), "{act}");
        if act == "type" {
            assert!(now[0].0.prefix.ends_with(")\n> climb the wall\n\n"));
        }
        // A stopped passage that still reports is not taken.
        app.update(Action::Engine(Event::Done {
            job: asked[0].0.job,
            text: "You look around the".into(),
            state: state(4.0),
            tokens: 9,
            seconds: 0.1,
            cancelled: true,
        }));
        assert_eq!(current_text(&app), "", "{act}");
        assert_eq!(app.job.as_ref().map(|j| j.id), Some(now[0].0.job));
    }
}

#[test]
fn a_stale_passage_is_never_used() {
    let mut app = app(9, true);
    let asked = opening_with_choices(&mut app);
    finish(&mut app, asked[0].0.job, "STALE look.", 1.0);
    finish(&mut app, asked[1].0.job, "The gate swings open.", 2.0);

    // Pick one; come back (undo): the other's passage was written for
    // another seed and is not used.
    app.update(Action::Choose(1));
    answer_choices(&mut app, &["go in", "look at the gate"]);
    narrate_requests(&mut app);
    app.update(Action::Undo);
    assert_eq!(app.session.tree.current(), 0);
    assert_eq!(app.choices, vec!["look around", "open the gate"]);
    let again = narrate_requests(&mut app);
    assert_eq!(again.len(), 2, "written ahead again, with the next seed");
    assert_ne!(again[0].0.seed, asked[0].0.seed);
    app.update(Action::Choose(0));
    assert_eq!(current_text(&app), "", "not the stale passage");
    finish(&mut app, again[0].0.job, "You look around.", 3.0);
    assert_eq!(current_text(&app), "You look around.");

    // A change of mood changes every passage: those written are redone.
    let mut app = self::app(9, true);
    let asked = opening_with_choices(&mut app);
    finish(&mut app, asked[0].0.job, "STALE look.", 1.0);
    app.update(Action::CycleMood);
    let redone = narrate_requests(&mut app);
    assert_eq!(redone.len(), 2);
    assert!(redone.iter().all(|(r, _)| r.plan.mood.is_some()));
    app.update(Action::Choose(0));
    assert_eq!(current_text(&app), "");

    // A switch to another alternative: its own choices, its own passages.
    let mut app = self::app(13, true);
    let asked = opening_with_choices(&mut app);
    app.update(Action::Choose(0));
    finish(&mut app, asked[0].0.job, "First version.", 1.0);
    answer_choices(&mut app, &["go in", "look at the gate"]);
    let first = narrate_requests(&mut app);
    finish(&mut app, first[0].0.job, "STALE in.", 2.0);
    app.update(Action::Retry);
    let retried = narrate_requests(&mut app);
    finish(&mut app, retried[0].0.job, "Second version.", 3.0);
    answer_choices(&mut app, &["go in", "look at the gate"]);
    let second = narrate_requests(&mut app);
    assert_eq!(second.len(), 2);
    app.update(Action::Choose(0));
    assert_eq!(current_text(&app), "", "not the other version's passage");
}

#[test]
fn writing_ahead_can_be_turned_off() {
    let mut app = app(1, false);
    opening_with_choices(&mut app);
    assert!(app.outbox.is_empty() && app.prewrites.counts() == (0, 0));
}

/// A passage that would run long: the tiny model never ends a paragraph.
fn long_narrate(job: JobId, cancel: CancelToken) -> Request {
    Request::Narrate {
        job,
        state: None,
        context: String::new(),
        prefix: "The quick".into(),
        plan: Box::new(Plan {
            candidates: 16,
            rules: PassageRules {
                min_chars: 50_000,
                max_chars: 50_000,
                ceiling_chars: 60_000,
                bias: 0.0,
            },
            action: None,
            recent: vec![],
            world: vec![],
            mood: None,
            speech: None,
            object: None,
            scene: Default::default(),
        }),
        sampling: SamplingConfig::default(),
        seed: 1,
        cancel,
    }
}

#[test]
fn the_engine_stops_work_written_ahead_between_steps() {
    let dir = tempfile::tempdir().unwrap();
    let stem = common::train_tiny(dir.path(), &common::SENTENCE.repeat(300), 300);
    let model = InferenceModel::load(&stem).unwrap();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let engine = engine::spawn(Models::story(Arc::new(model)), tx);
    let (running, queued) = (CancelToken::default(), CancelToken::default());
    assert!(engine.send(long_narrate(1, running.clone())));
    assert!(engine.send(long_narrate(2, queued.clone())));
    // Once the first is under way, the player acts: both stop, and the
    // player's request follows them.
    match rx.blocking_recv() {
        Some(Event::Fed { job: 1, .. }) => {}
        other => panic!("{other:?}"),
    }
    running.cancel();
    queued.cancel();
    let mut player = long_narrate(3, CancelToken::default());
    if let Request::Narrate { plan, .. } = &mut player {
        plan.rules = PassageRules {
            min_chars: 30,
            max_chars: 60,
            ceiling_chars: 80,
            bias: 0.0,
        };
    }
    assert!(engine.send(player));
    let mut seen = Vec::new();
    loop {
        match rx.blocking_recv().expect("engine alive") {
            Event::Done {
                job,
                tokens,
                cancelled,
                ..
            } => {
                seen.push((job, tokens, cancelled));
                if job == 3 {
                    break;
                }
            }
            Event::Fed { job, .. } => assert_ne!(job, 2, "a stopped job is not even read"),
            _ => {}
        }
    }
    assert_eq!(seen.len(), 3, "{seen:?}");
    // Stopped far short of the 16 x 60,000 characters it would write.
    assert!(seen[0].2 && seen[0].1 < 16 * 60_000 / 4, "{seen:?}");
    assert_eq!((seen[1].1, seen[1].2), (0, true));
    assert!(!seen[2].2 && seen[2].1 > 0);
}

fn shipped() -> Arc<InferenceModel> {
    let stem = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("models/story");
    Arc::new(InferenceModel::load(&stem).expect("the shipped story model"))
}

#[test]
fn with_the_shipped_model_a_passage_written_ahead_is_the_one_written_after() {
    let model = shipped();
    let config = Config::default();
    for seed in [7, 21] {
        let ahead = play(&config, &model, 4, seed, true).unwrap();
        let after = play(&config, &model, 4, seed, false).unwrap();
        assert_eq!(ahead.ahead, 4, "every pick was written ahead");
        assert_eq!(after.ahead, 0);
        assert_eq!(ahead.passages, after.passages, "seed {seed}");
        assert!(ahead.passages.iter().all(|p| !p.trim().is_empty()));
    }
}

#[test]
fn plain_play_is_the_same_story_with_or_without_writing_ahead() {
    let dir = tempfile::tempdir().unwrap();
    let off = dir.path().join("off.toml");
    std::fs::write(&off, "[story]\nprewrite_choices = false\n").unwrap();
    // No play history: the first run's would reorder the second's choices.
    let run = |extra: &[&str]| {
        let out = common::fabula()
            .args(["--plain", "--seed", "5", "--opening", "2", "--no-history"])
            .args(extra)
            .env("FABULA_DATA", dir.path().join("data"))
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .and_then(|mut child| {
                use std::io::Write;
                child
                    .stdin
                    .take()
                    .unwrap()
                    .write_all(b"2\n1\nlook around\n3\n")?;
                child.wait_with_output()
            })
            .unwrap();
        assert!(out.status.success());
        String::from_utf8(out.stdout).unwrap()
    };
    let ahead = run(&[]);
    let after = run(&["--config", off.to_str().unwrap()]);
    assert_eq!(ahead, after);
    assert!(ahead.matches("\n> ").count() >= 3, "{ahead}");
}
