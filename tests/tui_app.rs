//! The app driven by actions, without a terminal or a model: engine
//! requests are read from the outbox and answered with hand-made events.

use fabula::config::Config;
use fabula::engine::{Event, Request};
use fabula::lm::LstmState;
use fabula::story::session::ModelStamp;
use fabula::story::{Role, Session};
use fabula::tui::action::Action;
use fabula::tui::app::{App, JobKind, Mood, Pane, Stage};

fn app(dir: &std::path::Path) -> App {
    let mut app = App::new(
        Config::default(),
        "test 1x4".into(),
        ModelStamp::default(),
        1,
    );
    app.data_dir = dir.join("sessions");
    app
}

fn state(mark: f32) -> LstmState {
    let mut s = LstmState::zeros(1, 4);
    s.h[0] = mark;
    s
}

/// Answers the pending passage request with `text`, streamed in two pieces.
fn finish_passage(app: &mut App, text: &str, mark: f32) {
    let req = app.outbox.pop().expect("a passage request");
    let job = match req {
        Request::Narrate { job, .. } => job,
        other => panic!("expected a passage request, got {other:?}"),
    };
    app.update(Action::Engine(Event::Fed {
        job,
        state: state(mark - 0.5),
    }));
    let (a, b) = text.split_at(text.len() / 2);
    for piece in [a, b] {
        app.update(Action::Engine(Event::Token {
            job,
            text: piece.into(),
        }));
    }
    app.update(Action::Engine(Event::Done {
        job,
        text: text.into(),
        state: state(mark),
        tokens: text.chars().count(),
        seconds: 0.5,
        cancelled: false,
    }));
}

fn finish_choices(app: &mut App, choices: &[&str]) {
    let req = app.outbox.pop().expect("a choices request");
    let job = match req {
        Request::Candidates { job, .. } => job,
        other => panic!("expected a choices request, got {other:?}"),
    };
    app.update(Action::Engine(Event::Candidates {
        job,
        texts: choices.iter().map(|s| s.to_string()).collect(),
        states: vec![],
    }));
}

/// Starts the story with opening `n` and asks the narrator to go on from
/// it (a new story offers choices first: the player moves first).
fn begin(app: &mut App, n: usize) {
    app.update(Action::Choose(n));
    assert_eq!(
        app.session.tree.len(),
        1,
        "no passage before the player acts"
    );
    finish_choices(app, &["look around", "wait here"]);
    assert_eq!(app.choices, vec!["look around", "wait here"]);
    app.update(Action::Retry);
}

/// Nothing asked of the model but passages written ahead for the choices.
fn only_written_ahead(app: &App) -> bool {
    !app.generating()
        && app
            .outbox
            .iter()
            .all(|r| matches!(r, Request::Narrate { job, .. } if app.prewrites.is_ahead(*job)))
}

fn branch_texts(app: &App) -> Vec<String> {
    let t = &app.session.tree;
    t.branch()
        .iter()
        .map(|&id| t.node(id).unwrap().text.clone())
        .collect()
}

#[test]
fn new_story_choice_and_typed_action() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path());
    assert_eq!(app.stage, Stage::ChooseOpening);
    begin(&mut app, 1); // mystery
    assert_eq!(app.stage, Stage::Playing);
    assert!(app
        .session
        .tree
        .node(0)
        .unwrap()
        .text
        .starts_with("The letter"));
    match app.outbox.last() {
        Some(Request::Narrate {
            prefix,
            state: None,
            ..
        }) => assert!(prefix.starts_with("The letter")),
        other => panic!("{other:?}"),
    }
    finish_passage(
        &mut app,
        "You open the envelope. The letter names a house.",
        1.0,
    );
    assert_eq!(
        app.session.tree.node(0).unwrap().state,
        Some(state(0.5)),
        "the opening keeps its state"
    );
    assert!(
        app.session.tree.node(1).unwrap().sentiment.is_some(),
        "turn is scored on completion"
    );
    finish_choices(
        &mut app,
        &[
            "read the letter",
            "read the letter",
            "go to the house",
            "burn it",
            "call the police",
        ],
    );
    assert_eq!(
        app.choices,
        vec!["read the letter", "go to the house", "burn it"]
    );

    app.update(Action::Choose(1));
    match app.outbox.last() {
        Some(Request::Narrate {
            prefix,
            state: Some(s),
            ..
        }) => {
            assert!(
                prefix.ends_with(")\n> go to the house\n\n"),
                "the documented action form, after the scene line: {prefix}"
            );
            assert_eq!(
                *s,
                state(1.0),
                "continues from the stored state, not from text"
            );
        }
        other => panic!("{other:?}"),
    }
    finish_passage(&mut app, "The house is dark.", 2.0);
    finish_choices(&mut app, &["look at the house", "walk away"]);
    for c in "wait outside".chars() {
        app.update(Action::Char(c));
    }
    app.update(Action::Submit);
    assert!(app.input.is_empty());
    finish_passage(&mut app, "Nothing stirs.", 3.0);
    let roles: Vec<Role> = app
        .session
        .tree
        .branch()
        .iter()
        .map(|&id| app.session.tree.node(id).unwrap().role)
        .collect();
    assert_eq!(
        roles,
        vec![
            Role::Opening,
            Role::Narration,
            Role::Player,
            Role::Narration,
            Role::Player,
            Role::Narration
        ]
    );
    assert_eq!(branch_texts(&app)[4], "wait outside");

    // Autosaved after every turn, and the save reloads to the same tree.
    let saved = Session::load(app.session_path.as_ref().unwrap()).unwrap();
    assert_eq!(saved.tree.branch(), app.session.tree.branch());
}

#[test]
fn cancel_keeps_partial_text_and_busy_blocks_new_turns() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path());
    begin(&mut app, 0);
    let (job, cancel) = match app.outbox.pop() {
        Some(Request::Narrate { job, cancel, .. }) => (job, cancel),
        other => panic!("{other:?}"),
    };
    app.update(Action::Engine(Event::Token {
        job,
        text: "The gate".into(),
    }));
    // Keys still work while generating; new turns wait.
    app.update(Action::FocusNext);
    assert_eq!(app.focus, Pane::Story);
    app.update(Action::Retry);
    assert!(app.outbox.is_empty());
    app.update(Action::Cancel);
    assert!(cancel.is_cancelled());
    app.update(Action::Engine(Event::Done {
        job,
        text: "The gate".into(),
        state: state(1.0),
        tokens: 8,
        seconds: 0.1,
        cancelled: true,
    }));
    assert!(!app.generating() || matches!(app.job.as_ref().unwrap().kind, JobKind::Choices { .. }));
    assert_eq!(branch_texts(&app)[1], "The gate");
}

#[test]
fn retry_sibling_switch_undo_and_rewind() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path());
    begin(&mut app, 0);
    finish_passage(&mut app, "First version.", 1.0);
    finish_choices(&mut app, &["go in", "look around"]);
    app.update(Action::Retry);
    match app.outbox.last() {
        Some(Request::Narrate { state, prefix, .. }) => {
            assert_eq!(
                *state,
                Some(state_after_opening()),
                "retry restarts from the opening's state"
            );
            assert!(prefix.is_empty());
        }
        other => panic!("{other:?}"),
    }
    finish_passage(&mut app, "Second version.", 5.0);
    finish_choices(&mut app, &["run away", "hide"]);
    assert_eq!(branch_texts(&app)[1], "Second version.");
    let (sibs, at) = app.session.tree.siblings(app.session.tree.current());
    assert_eq!((sibs.len(), at), (2, 1));

    // Switch back: the first version and its stored choices return, no model call.
    app.update(Action::Sibling(-1));
    assert_eq!(branch_texts(&app)[1], "First version.");
    assert_eq!(app.choices, vec!["go in", "look around"]);
    assert!(only_written_ahead(&app));

    app.update(Action::Choose(0));
    finish_passage(&mut app, "Inside it is warm.", 2.0);
    finish_choices(&mut app, &["sit down", "stand up"]);
    assert_eq!(app.session.tree.branch().len(), 4);
    app.update(Action::Undo);
    assert_eq!(
        app.session.tree.branch().len(),
        2,
        "undo goes back before the last action"
    );
    assert_eq!(app.choices, vec!["go in", "look around"]);

    // Rewind through the review pane to the opening.
    app.focus = Pane::Review;
    app.update(Action::Select(-10));
    app.update(Action::JumpToSelected);
    assert_eq!(app.session.tree.current(), 0);
    assert_eq!(app.session.tree.len(), 5, "nothing was deleted");

    // The opening's own choices come back, with no model call.
    assert_eq!(app.choices, vec!["look around", "wait here"]);
    assert!(only_written_ahead(&app));
    // And forward again, past what undo left: the later turns are still
    // there to select.
    app.update(Action::Select(10));
    app.update(Action::JumpToSelected);
    assert_eq!(
        branch_texts(&app)[1..],
        ["First version.", "go in", "Inside it is warm."]
    );
}

#[test]
fn read_only_review_returns_to_later_turns() {
    let dir = tempfile::tempdir().unwrap();
    let mut played = app(dir.path());
    begin(&mut played, 0);
    finish_passage(&mut played, "The gate is open.", 1.0);
    finish_choices(&mut played, &["go in", "look around"]);
    played.update(Action::Choose(0));
    finish_passage(&mut played, "Inside it is warm.", 2.0);
    let end = played.session.tree.current();

    let mut app = app(dir.path());
    app.open_read_only(played.session.clone());
    assert_eq!(app.focus, Pane::Review);
    app.update(Action::Select(-10));
    app.update(Action::JumpToSelected);
    assert_eq!(app.session.tree.current(), 0);
    app.update(Action::Select(-10));
    app.update(Action::Select(10));
    app.update(Action::JumpToSelected);
    assert_eq!(app.session.tree.current(), end);
    app.update(Action::Select(-1));
    app.update(Action::JumpToSelected);
    app.update(Action::Select(1));
    app.update(Action::JumpToSelected);
    assert_eq!(app.session.tree.current(), end);
}

fn state_after_opening() -> LstmState {
    state(0.5)
}

#[test]
fn paste_is_cleaned_and_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path());
    app.update(Action::Paste("a\x1b[2Jb\nc\u{7}".into()));
    assert_eq!(app.input, "a[2Jb c");
    assert!(
        app.status.contains("control characters") && !app.status.contains("cut"),
        "{}",
        app.status
    );
    app.update(Action::Paste("x".repeat(1_000_000)));
    assert_eq!(app.input.chars().count(), fabula::tui::app::MAX_INPUT_CHARS);
    assert!(app.status.contains("cut"), "{}", app.status);
}

#[test]
fn pasted_lines_are_joined_with_a_space_and_nothing_false_is_said() {
    let dir = tempfile::tempdir().unwrap();
    // Terminals paste line breaks as \r, \r\n or \n.
    for text in [
        "look at the moon\rand the stars\r",
        "look at the moon\r\nand the stars\r\n",
        "look at the moon\n\nand the stars\n",
    ] {
        let mut app = app(dir.path());
        let before = app.status.clone();
        app.update(Action::Paste(text.into()));
        assert_eq!(app.input, "look at the moon and the stars", "{text:?}");
        assert_eq!(app.status, before, "{text:?}");
    }
}

#[test]
fn too_few_usable_choices_ask_again_then_settle() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path());
    begin(&mut app, 0);
    finish_passage(&mut app, "The gate is open.", 1.0);
    // Nothing usable: a second batch is asked for.
    finish_choices(&mut app, &["zzkq blorf", "inventory"]);
    assert!(matches!(
        app.job.as_ref().map(|j| &j.kind),
        Some(JobKind::Choices { attempt: 2, .. })
    ));
    // One usable choice: kept, and a third batch adds to it.
    finish_choices(&mut app, &["open the gate"]);
    finish_choices(&mut app, &["Walk away.", "open the gate"]);
    assert!(!app.generating(), "at most three batches");
    assert_eq!(app.choices, vec!["open the gate", "walk away"]);
}

#[test]
fn a_story_from_another_model_is_read_anew() {
    let dir = tempfile::tempdir().unwrap();
    let mut first = app(dir.path());
    begin(&mut first, 0);
    finish_passage(&mut first, "The gate is open.", 1.0);
    finish_choices(&mut first, &["go in", "look around"]);
    let path = first.session_path.clone().unwrap();

    let other = ModelStamp {
        name: "other".into(),
        ..ModelStamp::default()
    };
    let mut app = App::new(Config::default(), "other 1x4".into(), other, 2);
    app.data_dir = dir.path().join("sessions");
    app.resume(Session::load(&path).unwrap(), path);
    assert!(app.session.tree.nodes().iter().all(|n| n.state.is_none()));
    assert!(app.status.contains("another model"), "{}", app.status);
    app.update(Action::Choose(0));
    match app.outbox.last() {
        Some(Request::Narrate { state, context, .. }) => {
            assert!(state.is_none());
            assert!(context.contains("The gate is open."), "{context}");
        }
        other => panic!("{other:?}"),
    }
}

/// Stops the pending passage before any text arrives.
fn stop_at_once(app: &mut App) {
    let job = match app.outbox.pop() {
        Some(Request::Narrate { job, .. }) => job,
        other => panic!("expected a passage request, got {other:?}"),
    };
    app.update(Action::Cancel);
    app.update(Action::Engine(Event::Done {
        job,
        text: String::new(),
        state: state(9.0),
        tokens: 0,
        seconds: 0.0,
        cancelled: true,
    }));
}

#[test]
fn a_passage_stopped_before_any_text_leaves_no_empty_turn() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path());
    // The first passage.
    begin(&mut app, 0);
    stop_at_once(&mut app);
    assert_eq!(app.session.tree.len(), 1);
    assert_eq!(app.session.tree.current(), 0);
    assert_eq!(
        app.choices,
        vec!["look around", "wait here"],
        "the opening's choices stay"
    );
    assert!(only_written_ahead(&app));
    app.update(Action::Retry);
    finish_passage(&mut app, "The gate is open.", 1.0);
    finish_choices(&mut app, &["go in", "look around"]);

    // An action: it comes back to the input, the turn before is current.
    for c in "wait outside".chars() {
        app.update(Action::Char(c));
    }
    app.update(Action::Submit);
    stop_at_once(&mut app);
    assert_eq!(app.session.tree.len(), 2);
    assert_eq!(app.session.tree.current(), 1);
    assert_eq!(app.input, "wait outside");
    assert_eq!(app.choices, vec!["go in", "look around"]);
    assert!(only_written_ahead(&app));

    // A retry: the version that was there is current again.
    app.update(Action::Retry);
    stop_at_once(&mut app);
    assert_eq!(app.session.tree.len(), 2);
    assert_eq!(branch_texts(&app)[1], "The gate is open.");
    assert!(app
        .session
        .tree
        .nodes()
        .iter()
        .skip(1)
        .all(|n| !n.text.is_empty()));
    let saved = Session::load(app.session_path.as_ref().unwrap()).unwrap();
    assert_eq!(saved.tree.len(), 2, "the save has no empty turn either");
}

#[test]
fn the_mood_is_kept_across_resume() {
    let dir = tempfile::tempdir().unwrap();
    let mut first = app(dir.path());
    first.update(Action::CycleMood); // chosen before the story starts
    begin(&mut first, 0);
    finish_passage(&mut first, "The gate is open.", 1.0);
    finish_choices(&mut first, &["go in", "look around"]);
    first.update(Action::CycleMood);
    assert_eq!(first.mood, Some(Mood::Tense));
    let path = first.session_path.clone().unwrap();

    let mut app = app(dir.path());
    app.resume(Session::load(&path).unwrap(), path.clone());
    assert_eq!(app.mood, Some(Mood::Tense));
    app.update(Action::Choose(0));
    match app.outbox.last() {
        Some(Request::Narrate { plan, .. }) => assert_eq!(plan.mood, Some(Mood::Tense.target())),
        other => panic!("{other:?}"),
    }
    // Steering turned off is kept too.
    finish_passage(&mut app, "Inside it is warm.", 2.0);
    for _ in 0..2 {
        app.update(Action::CycleMood);
    }
    assert_eq!(app.mood, None);
    let mut again = self::app(dir.path());
    again.resume(Session::load(&path).unwrap(), path);
    assert_eq!(again.mood, None);
}

/// Types `text` key by key, as the terminal would deliver it.
fn type_keys(app: &mut App, text: &str) {
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    for c in text.chars() {
        let code = if c == '\n' {
            KeyCode::Enter
        } else {
            KeyCode::Char(c)
        };
        let key = KeyEvent::new(code, KeyModifiers::NONE);
        use fabula::tui::shell::Screen;
        if let Some(a) = fabula::tui::keys::action_for(app.mode(), Screen::focus(app), key) {
            app.update(a);
        }
    }
}

#[test]
fn an_action_may_start_with_a_digit_and_a_number_alone_picks_a_choice() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path());
    type_keys(&mut app, "2\n");
    assert_eq!(
        app.stage,
        Stage::Playing,
        "2 and Enter picks the second opening"
    );
    finish_choices(&mut app, &["read the letter", "go to the house"]);
    app.update(Action::Retry);
    finish_passage(&mut app, "The letter is open.", 1.0);
    finish_choices(&mut app, &["read the letter", "go to the house", "burn it"]);

    type_keys(&mut app, "3 steps back\n");
    let t = &app.session.tree;
    assert_eq!(t.node(t.current()).unwrap().role, Role::Narration);
    assert_eq!(branch_texts(&app)[2], "3 steps back");
    finish_passage(&mut app, "You step back.", 2.0);
    finish_choices(&mut app, &["open the door", "walk away", "call out"]);

    type_keys(&mut app, "7\n");
    assert_eq!(app.input, "7", "no choice 7: nothing is sent");
    assert!(app.status.contains("no choice 7"), "{}", app.status);
    app.input.clear();
    let second = app.choices[1].clone();
    type_keys(&mut app, " 2 \n");
    assert_eq!(branch_texts(&app)[4], second);
}

#[test]
fn read_only_review_offers_nothing_to_pick_and_says_so_when_typed_at() {
    let dir = tempfile::tempdir().unwrap();
    let mut played = app(dir.path());
    begin(&mut played, 0);
    finish_passage(&mut played, "The gate is open.", 1.0);
    finish_choices(&mut played, &["go in", "look around"]);

    let mut app = app(dir.path());
    app.open_read_only(played.session.clone());
    assert!(app.choices.is_empty(), "no opening menu: {:?}", app.choices);
    app.status.clear();
    app.update(Action::FocusNext); // to the chat
    type_keys(&mut app, "hello\n");
    app.update(Action::Paste("more".into()));
    app.update(Action::Choose(0));
    assert!(app.input.is_empty());
    assert!(app.status.contains("Read-only"), "{}", app.status);
    assert_eq!(app.session, played.session, "nothing changed");
    assert!(app.outbox.is_empty());
    // Going back and forth shows no choices either.
    app.update(Action::FocusPrev);
    app.update(Action::Select(-1));
    app.update(Action::JumpToSelected);
    app.update(Action::Select(1));
    app.update(Action::JumpToSelected);
    assert!(app.choices.is_empty() && app.outbox.is_empty());
}

/// The scene is kept with each passage, read before each action, and a
/// rewind reads the scene of its own turn.
#[test]
fn the_scene_moves_with_the_story_and_rewinds_with_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(dir.path());
    begin(&mut app, 1); // the letter on your desk
    finish_passage(
        &mut app,
        "You open the envelope. A brass key falls out.",
        1.0,
    );
    finish_choices(&mut app, &["take the key", "read the letter"]);
    app.update(Action::Paste("take the key".into()));
    app.update(Action::Submit);
    let (prefix, object) = match app.outbox.last() {
        Some(Request::Narrate { prefix, plan, .. }) => (prefix.clone(), plan.object.clone()),
        other => panic!("a passage request, got {other:?}"),
    };
    assert!(
        prefix.starts_with("(things: ") && prefix.contains("brass key"),
        "{prefix:?}"
    );
    assert!(prefix.ends_with(")\n> take the key\n\n"), "{prefix:?}");
    // The slot is filled in the scene's words.
    assert_eq!(object.as_deref(), Some("brass key"));
    finish_passage(
        &mut app,
        "You take the brass key. You walk into the hallway.",
        2.0,
    );
    let after = app.session.tree.current();
    let scene = app.session.tree.node(after).unwrap().scene.clone().unwrap();
    assert_eq!(scene.place.as_deref(), Some("hallway"));
    assert_eq!(scene.carrying, ["brass key"]);
    // Back at the first passage, its own scene: nothing carried, no hallway.
    let first = app.session.tree.path_to(after)[1];
    let before = fabula::story::prompt::scene_after(&app.session.tree, first);
    assert!(
        before.carrying.is_empty() && before.place.is_none(),
        "{before:?}"
    );
}
