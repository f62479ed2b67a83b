//! The play history: recorded as the app is played (without a terminal or
//! a model), read back to order the openings and choices and suggest a
//! mood, shown on the start screen, and read, measured and deleted with
//! `fabula history`.

mod common;

use std::io::Write;
use std::process::Stdio;

use common::fabula;
use fabula::config::Config;
use fabula::engine::{Event as EngineEvent, Request};
use fabula::history::{Event, Store};
use fabula::lm::LstmState;
use fabula::story::session::ModelStamp;
use fabula::story::Mood;
use fabula::tui::action::Action;
use fabula::tui::app::App;
use ratatui::backend::TestBackend;
use ratatui::Terminal;

fn app(dir: &std::path::Path) -> App {
    let mut app = App::new(
        Config::default(),
        "story 2x384".into(),
        ModelStamp::default(),
        1,
    );
    app.data_dir = dir.join("sessions");
    app
}

fn finish_choices(app: &mut App, choices: &[&str]) {
    let Some(Request::Candidates { job, .. }) = app.outbox.pop() else {
        panic!("expected a choices request")
    };
    app.update(Action::Engine(EngineEvent::Candidates {
        job,
        texts: choices.iter().map(|c| c.to_string()).collect(),
        states: vec![],
    }));
}

fn finish_passage(app: &mut App, text: &str) {
    let Some(Request::Narrate { job, .. }) = app.outbox.pop() else {
        panic!(
            "expected a passage request (choices {:?}, status {:?})",
            app.choices, app.status
        )
    };
    app.update(Action::Engine(EngineEvent::Done {
        job,
        text: text.into(),
        state: LstmState::zeros(1, 4),
        tokens: text.len(),
        seconds: 0.1,
        cancelled: false,
    }));
}

fn typed(app: &mut App, text: &str) {
    app.update(Action::Paste(text.into()));
    app.update(Action::Submit);
    assert!(
        app.input.is_empty(),
        "{text:?} not taken (choices {:?}, status {:?})",
        app.choices,
        app.status
    );
}

fn screen(app: &App, w: u16, h: u16) -> String {
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    term.draw(|f| fabula::tui::render::render(app, f)).unwrap();
    let buf = term.backend().buffer().clone();
    let mut out = String::new();
    for y in 0..h {
        for x in 0..w {
            out.push_str(buf[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

/// Plays one horror story as a player who talks to everyone and steers
/// toward a dark mood: three picks, one typed action.
fn play_a_talkers_story(app: &mut App) {
    let horror = app.choices.iter().position(|c| c == "horror").unwrap();
    app.update(Action::Choose(horror));
    // Choices name only who is in the scene: first, the people come in.
    finish_choices(app, &["look around", "listen"]);
    typed(app, "wait");
    finish_passage(
        app,
        "An old man, a woman and a boy sit by a lamp. A rope hangs by the stairs.",
    );
    let sets = [
        ["open the door", "ask the old man", "go north"],
        ["look around", "take the lamp", "talk to the woman"],
        [
            "tell the boy to run",
            "climb the stairs",
            "examine the rope",
        ],
    ];
    for set in sets {
        finish_choices(app, &set);
        let talk = app
            .choices
            .iter()
            .position(|c| c.starts_with("ask") || c.starts_with("talk") || c.starts_with("tell"))
            .unwrap();
        app.update(Action::Choose(talk));
        finish_passage(app, "The house is quiet.");
    }
    finish_choices(app, &["look around", "open the door"]);
    typed(app, "say hello to the ghost");
    finish_passage(app, "Nobody answers.");
    for _ in 0..3 {
        app.update(Action::CycleMood);
    }
    assert_eq!(app.mood, Some(Mood::Dark));
    app.update(Action::Quit);
}

#[test]
fn what_the_player_does_is_recorded_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::at(dir.path().join("history.jsonl"));
    let mut a = app(dir.path());
    a.use_history(store.clone());
    play_a_talkers_story(&mut a);
    let events = store.load().unwrap().events;
    let kinds: Vec<String> = events
        .iter()
        .map(|e| match e {
            Event::Started { opening, .. } => format!("started {opening}"),
            Event::Turn {
                picked: Some(_), ..
            } => format!("picked {}", e.action().unwrap()),
            Event::Turn { .. } => format!("typed {}", e.action().unwrap()),
            Event::Mood { mood, .. } => format!("mood {mood:?}"),
            Event::Ended { turns, .. } => format!("ended {turns}"),
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "started horror",
            "typed wait",
            "picked ask the old man",
            "picked talk to the woman",
            "picked tell the boy to run",
            "typed say hello to the ghost",
            "mood Some(Hopeful)",
            "mood Some(Tense)",
            "mood Some(Dark)",
            "ended 5",
        ]
    );
    // Every event belongs to the story that was played.
    assert!(events.iter().all(|e| e.story() == a.session.id));
}

#[test]
fn the_next_story_starts_from_what_was_learned() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::at(dir.path().join("history.jsonl"));
    let mut first = app(dir.path());
    first.use_history(store.clone());
    // Cold: today's order, no reasons.
    assert_eq!(first.choices[0], "fantasy");
    assert!(first.recommendation_lines().is_empty());
    play_a_talkers_story(&mut first);

    let mut next = app(dir.path());
    next.use_history(store.clone());
    assert_eq!(next.choices[0], "horror", "{:?}", next.choices);
    assert_eq!(
        next.recommendation_lines(),
        ["1 first: you picked horror: 1 of your last 1 stories"]
    );
    next.update(Action::Choose(0));
    assert_eq!(next.session.genre, "horror");
    finish_choices(&mut next, &["look around", "listen"]);
    typed(&mut next, "wait");
    finish_passage(
        &mut next,
        "A sailor waits by a box at the door. A path leads east.",
    );
    finish_choices(&mut next, &["go east", "open the box", "ask the sailor"]);
    assert_eq!(next.choices, ["ask the sailor", "go east", "open the box"]);
    assert_eq!(
        next.recommendation_lines(),
        ["1 first: you often talk to people"]
    );
    // The story keeps the model's order; the pick is recorded against it,
    // so the history can be measured against today's order.
    let node = next.session.tree.current();
    let model_order = ["go east", "open the box", "ask the sailor"];
    assert_eq!(next.session.tree.node(node).unwrap().choices, model_order);
    next.update(Action::Choose(0));
    finish_passage(&mut next, "The sailor nods.");
    finish_choices(&mut next, &["look at the sailor", "open the box"]);
    let events = store.load().unwrap().events;
    assert!(
        matches!(events.last(), Some(Event::Turn { offered, picked: Some(2), .. }) if *offered == model_order),
        "{:?}",
        events.last()
    );
    // A rewind shows the choices in the recommended order again.
    next.update(Action::Undo);
    assert_eq!(next.choices[0], "ask the sailor");
}

fn fixed_history(store: &Store) {
    let mut events = Vec::new();
    for s in 0..3 {
        let story = format!("s{s}");
        events.push(Event::Started {
            at: 1_700_000_000,
            story: story.clone(),
            opening: "horror".into(),
        });
        events.push(Event::Mood {
            at: 1_700_000_000,
            story: story.clone(),
            mood: Some(Mood::Dark),
        });
        for _ in 0..7 {
            events.push(fabula::history::turn_event(
                &story,
                &["go north".into(), "kill the wolf".into(), "smile".into()],
                "kill the wolf",
            ));
        }
        events.push(Event::Ended {
            at: 1_700_000_000,
            story,
            turns: 7,
        });
    }
    store.append(&events).unwrap();
}

#[test]
fn start_screen_with_a_fixed_history_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::at(dir.path().join("history.jsonl"));
    fixed_history(&store);
    let mut a = app(dir.path());
    a.use_history(store);
    let s = screen(&a, 110, 36);
    assert!(s.contains("1. horror"), "{s}");
    let said = a.recommendation_lines();
    assert_eq!(
        said,
        [
            "1 first: you often pick horror: 3 of your last 3 stories, 3 played through",
            "Suggested mood: dark (Ctrl-T): you chose a dark mood in 3 of your last 3 stories"
        ]
    );
    // Both reasons are shown whole, wrapped in the chat pane.
    for word in [
        "1 first: you often pick horror",
        "played",
        "Suggested mood: dark",
        "last 3 stories",
    ] {
        assert!(s.contains(word), "{word:?} missing in\n{s}");
    }
    assert!(s.contains("│> ▏"), "{s}");
    insta::assert_snapshot!(s);
    // The first Ctrl-T takes the suggestion; the next ones cycle as before.
    a.update(Action::CycleMood);
    assert_eq!(a.mood, Some(Mood::Dark));
    assert!(a.status.contains("suggested"), "{}", a.status);
    a.update(Action::CycleMood);
    assert_eq!(a.mood, None);
    a.update(Action::CycleMood);
    assert_eq!(a.mood, Some(Mood::Hopeful));
    // A mood set on the start screen is recorded with the story it starts.
    a.update(Action::Choose(0));
    let events = Store::at(dir.path().join("history.jsonl"))
        .load()
        .unwrap()
        .events;
    assert!(matches!(
        &events[events.len() - 1],
        Event::Mood { mood: Some(Mood::Hopeful), story, .. } if *story == a.session.id
    ));
}

#[test]
fn an_unreadable_history_is_said_and_the_game_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.jsonl");
    std::fs::create_dir(&path).unwrap();
    let mut a = app(dir.path());
    a.use_history(Store::at(&path));
    assert!(a.history.is_none());
    assert!(
        a.status.contains("history.jsonl")
            && a.status.contains("nothing is recommended or recorded"),
        "{}",
        a.status
    );
    a.update(Action::Choose(3));
    assert_eq!(a.session.genre, "horror");
}

#[test]
fn a_history_that_cannot_be_written_is_said_in_the_status_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.jsonl");
    let mut a = app(dir.path());
    a.use_history(Store::at(&path));
    std::fs::create_dir(&path).unwrap();
    a.update(Action::Choose(3));
    assert!(a.status.contains("not saved"), "{}", a.status);
    assert_eq!(a.session.genre, "horror");
}

fn run(data: &std::path::Path, args: &[&str], stdin: &str) -> (i32, String, String) {
    let mut child = fabula()
        .args(args)
        .env("FABULA_DATA", data)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run fabula");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn fabula_history_shows_and_forgets() {
    let dir = tempfile::tempdir().unwrap();
    let (code, out, _) = run(dir.path(), &["history"], "");
    assert_eq!(code, 0);
    assert!(out.contains("No play history yet"), "{out}");
    let store = Store::at(dir.path().join("history.jsonl"));
    fixed_history(&store);
    // A torn last line, as after a crash mid-write.
    std::fs::OpenOptions::new()
        .append(true)
        .open(&store.path)
        .unwrap()
        .write_all(b"{\"event\":\"sta")
        .unwrap();
    let (code, out, err) = run(dir.path(), &["history"], "");
    assert_eq!(code, 0, "{err}");
    for needle in [
        "30 events",
        "3 stories started: 3 played through",
        "21 turns: a suggested choice picked in 21",
        "you often pick dark choices",
        "mood suggested: you chose a dark mood in 3 of your last 3 stories",
        "openings in the order the start screen shows them: horror, fantasy",
        "2023-11-14 22:13  s2",
        "picked \"kill the wolf\" (2 of 3 in the model's order)",
        "closed after 7 actions (played through)",
    ] {
        assert!(out.contains(needle), "missing {needle:?} in\n{out}");
    }
    assert!(err.contains("cut short"), "{err}");

    let (code, _, err) = run(dir.path(), &["history", "--forget"], "y\n");
    assert_eq!(code, 1);
    assert!(err.contains("--yes"), "{err}");
    assert!(store.path.exists());
    let (code, out, err) = run(dir.path(), &["history", "--forget", "--yes"], "");
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("Deleted") && out.contains("30 events (3 stories started, 21 turns)"),
        "{out}"
    );
    assert!(!store.path.exists());
    let (code, out, _) = run(dir.path(), &["history", "--forget", "--yes"], "");
    assert_eq!(code, 0);
    assert!(out.contains("nothing was deleted"), "{out}");
}

#[test]
fn fabula_history_eval_prints_every_method_and_names_a_bad_file() {
    let dir = tempfile::tempdir().unwrap();
    let sets = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/eval/choice-sets.jsonl");
    let (code, out, err) = run(
        dir.path(),
        &[
            "history",
            "--eval",
            "--sets",
            sets,
            "--players",
            "2",
            "--stories",
            "10",
        ],
        "",
    );
    assert_eq!(code, 0, "{err}");
    for needle in [
        "Next choice picked",
        "Opening picked",
        "Mood",
        "recommender",
        "popularity",
        "talker",
        "random",
        "all",
    ] {
        assert!(out.contains(needle), "missing {needle:?} in\n{out}");
    }
    let bad = dir.path().join("bad.jsonl");
    std::fs::write(&bad, "{\"opening\":\"horror\"}\n").unwrap();
    let (code, _, err) = run(
        dir.path(),
        &["history", "--eval", "--sets", bad.to_str().unwrap()],
        "",
    );
    assert_eq!(code, 1);
    assert!(err.contains("bad.jsonl: line 1"), "{err}");
    let (code, _, err) = run(dir.path(), &["history", "--eval", "--players", "0"], "");
    assert_eq!(code, 1);
    assert!(err.contains("--players"), "{err}");
}

#[test]
fn plain_play_is_recorded_and_the_next_story_is_ordered_by_it() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = run(
        dir.path(),
        &["--plain", "--no-history", "--seed", "3", "--opening", "4"],
        "1\n",
    );
    assert_eq!(code, 0, "{err}");
    assert!(!dir.path().join("history.jsonl").exists());
    let (code, out, err) = run(
        dir.path(),
        &["--plain", "--seed", "3", "--opening", "4"],
        "1\nlook around\n",
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("> look around"), "{out}");
    let events = Store::at(dir.path().join("history.jsonl"))
        .load()
        .unwrap()
        .events;
    assert!(
        matches!(&events[0], Event::Started { opening, .. } if opening == "horror"),
        "{events:?}"
    );
    assert!(
        matches!(
            &events[1],
            Event::Turn {
                picked: Some(0),
                ..
            }
        ),
        "{events:?}"
    );
    assert_eq!(events[2].action(), Some("look around"));
    assert!(
        matches!(&events[3], Event::Ended { turns: 2, .. }),
        "{events:?}"
    );
    // --opening keeps the built-in numbering whatever the order shown.
    let (code, out, err) = run(
        dir.path(),
        &["--plain", "--seed", "3", "--opening", "1"],
        "",
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with(fabula::story::openings::OPENINGS[0].text.trim()),
        "{out}"
    );
    // A mood given to --plain steers the story and is recorded with it.
    let (code, _, err) = run(
        dir.path(),
        &["--plain", "--seed", "3", "--mood", "dark"],
        "",
    );
    assert_eq!(code, 0, "{err}");
    let events = Store::at(dir.path().join("history.jsonl"))
        .load()
        .unwrap()
        .events;
    assert!(
        events.iter().any(|e| matches!(
            e,
            Event::Mood {
                mood: Some(Mood::Dark),
                ..
            }
        )),
        "{events:?}"
    );
    let (code, _, err) = run(dir.path(), &["--plain", "--mood", "sad"], "");
    assert_eq!(code, 2);
    assert!(err.contains("\"sad\" is not a mood"), "{err}");
}
