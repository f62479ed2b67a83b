//! Talking to characters: the app without a model (what it asks the
//! engine for, Ctrl-P, /talk, retry and undo of a reply, the screen), and
//! the shipped story model answering in a character's voice, as in
//! `fabula --plain`.

mod common;

use std::io::Write;
use std::process::Stdio;
use std::sync::Arc;

use fabula::cli::headless::{Headless, Opening};
use fabula::config::Config;
use fabula::engine::{Event, Request};
use fabula::lm::{InferenceModel, LstmState};
use fabula::narrator::address::address;
use fabula::narrator::speech::{judge, Speech};
use fabula::story::prompt::cast_of;
use fabula::story::session::ModelStamp;
use fabula::story::Role;
use fabula::tui::action::Action;
use fabula::tui::app::App;
use ratatui::backend::TestBackend;
use ratatui::Terminal;

const CASTLE: &str =
    "You stand at the gate of the old castle. The guard looks at you, one hand on the hilt of his sword. Mara waits by the well.";

/// The app without passages written ahead for the choices: these tests
/// look at the one request an action sends (`tests/prewrite.rs` covers the
/// work done ahead, which goes through the same plan).
fn app() -> App {
    let mut config = Config::default();
    config.story.prewrite_choices = false;
    let mut app = App::new(config, "test 1x4".into(), ModelStamp::default(), 1);
    app.session_path = None;
    app
}

/// A story started from `opening`, at its first choices.
fn started(opening: &str) -> App {
    let mut app = app();
    app.update(Action::Paste(opening.into()));
    app.update(Action::Submit);
    app.session_path = None;
    answer_choices(&mut app);
    app
}

fn answer_choices(app: &mut App) {
    let Some(Request::Candidates { job, .. }) = app.outbox.pop() else {
        panic!("expected a choices request");
    };
    app.update(Action::Engine(Event::Candidates {
        job,
        texts: vec!["look around".into(), "wait here".into()],
        states: vec![],
    }));
}

/// Types `line` and returns the speech of the passage it asks for.
fn say(app: &mut App, line: &str) -> Option<Speech> {
    app.input.clear();
    app.update(Action::Paste(line.into()));
    app.update(Action::Submit);
    match app.outbox.last() {
        Some(Request::Narrate { plan, .. }) => plan.speech.clone(),
        other => panic!("{line}: expected a passage request, got {other:?}"),
    }
}

/// Answers the pending passage request with `text`.
fn answer(app: &mut App, text: &str) {
    let Some(Request::Narrate { job, .. }) = app.outbox.pop() else {
        panic!("expected a passage request");
    };
    let mut s = LstmState::zeros(1, 4);
    s.h[0] = 1.0;
    app.update(Action::Engine(Event::Done {
        job,
        text: text.into(),
        state: s,
        tokens: text.len(),
        seconds: 0.1,
        cancelled: false,
    }));
    answer_choices(app);
}

#[test]
fn speaking_to_a_character_asks_for_their_reply_and_acting_does_not() {
    let mut app = started(CASTLE);
    let s = say(&mut app, "ask the guard about the ship").expect("a reply in the guard's voice");
    assert_eq!(s.speaker.name, "the guard");
    assert_eq!(s.question, ["ship"]);
    assert_eq!(s.pronoun.as_deref(), Some("he"));
    answer(
        &mut app,
        "The guard looks up. \"The ship left at dawn,\" he says.",
    );
    let s = say(&mut app, "Mara, where is the key?").expect("Mara's reply");
    assert_eq!(
        (s.speaker.name.as_str(), s.question.clone()),
        ("Mara", vec!["key".to_string()])
    );
    answer(&mut app, "Mara nods. \"In the well.\"");
    // A line of speech goes on with the one last spoken to.
    let s = say(&mut app, "\"Who are you?\"").expect("a reply");
    assert_eq!(s.speaker.name, "Mara");
    answer(&mut app, "Mara looks up. \"A friend.\"");
    assert_eq!(say(&mut app, "open the gate"), None);
}

#[test]
fn a_reply_is_a_turn_like_any_other_retry_and_undo() {
    let mut app = started(CASTLE);
    say(&mut app, "ask the guard about the ship");
    answer(&mut app, "The guard looks up. \"Gone.\"");
    let reply = app.session.tree.current();
    // Retry: a new version beside the old one, from the same question and frame.
    app.update(Action::Retry);
    match app.outbox.last() {
        Some(Request::Narrate { plan, .. }) => {
            assert_eq!(
                plan.speech.as_ref().map(|s| s.speaker.name.as_str()),
                Some("the guard")
            )
        }
        other => panic!("expected a passage request, got {other:?}"),
    }
    answer(&mut app, "The guard nods. \"The ship sank.\"");
    let (siblings, _) = app.session.tree.siblings(app.session.tree.current());
    assert!(siblings.contains(&reply) && siblings.len() == 2);
    // Undo: back before the question; the reply stays in the tree.
    app.update(Action::Undo);
    let now = app.session.tree.current();
    assert_eq!(
        app.session.tree.node(now).map(|n| n.role),
        Some(Role::Opening)
    );
    assert!(app.session.tree.node(reply).is_some());
}

#[test]
fn ctrl_p_puts_an_address_in_the_input_and_cycles_the_characters() {
    let mut app = started(CASTLE);
    app.update(Action::TalkTo);
    assert_eq!(app.input, "ask Mara about ");
    assert_eq!(
        app.status,
        "Talk to: [Mara] · the guard. Ctrl-P: next; type your words, Enter."
    );
    app.update(Action::TalkTo);
    assert_eq!(app.input, "ask the guard about ");
    app.update(Action::TalkTo);
    assert_eq!(app.input, "ask Mara about ");
    // Words typed first keep their place after the name.
    app.input = "where is the key?".into();
    app.update(Action::TalkTo);
    assert_eq!(app.input, "Mara, where is the key?");
    app.update(Action::TalkTo);
    assert_eq!(app.input, "The guard, where is the key?");
    // The screen shows the input and the list.
    let mut term = Terminal::new(TestBackend::new(110, 36)).unwrap();
    term.draw(|f| fabula::tui::render::render(&app, f)).unwrap();
    let screen: String = term
        .backend()
        .buffer()
        .content()
        .iter()
        .map(|c| c.symbol())
        .collect();
    assert!(screen.contains("where is the key?"), "{screen}");
    assert!(screen.contains("Talk to:"), "{screen}");
}

#[test]
fn slash_talk_before_a_story_is_answered_not_taken_for_an_opening() {
    let mut app = app();
    app.update(Action::Paste("/talk".into()));
    app.update(Action::Submit);
    assert!(app.status.contains("no characters yet"), "{}", app.status);
    assert!(app.outbox.is_empty() && app.session.tree.len() == 1);
    assert_eq!(app.stage, fabula::tui::app::Stage::ChooseOpening);
}

#[test]
fn slash_talk_lists_picks_and_explains_mistakes() {
    let mut app = started(CASTLE);
    app.update(Action::Paste("/talk".into()));
    app.update(Action::Submit);
    assert!(app.status.contains("Characters: 1. "), "{}", app.status);
    assert!(app.outbox.is_empty(), "listing plays no turn");
    let s = say(&mut app, "/talk guard about the king").expect("a reply");
    assert_eq!(s.speaker.name, "the guard");
    let player = app
        .session
        .tree
        .node(app.session.tree.current())
        .and_then(|n| n.parent);
    let action = player
        .and_then(|p| app.session.tree.node(p))
        .map(|n| n.text.clone());
    assert_eq!(action.as_deref(), Some("ask the guard about the king"));
    answer(&mut app, "The guard looks up. \"Dead.\"");
    app.update(Action::Paste("/talk 9 hello".into()));
    app.update(Action::Submit);
    assert!(app.status.contains("no character 9"), "{}", app.status);
    assert!(app.outbox.is_empty());
}

fn model() -> Arc<InferenceModel> {
    let path = fabula::paths::resolve_model("story").expect("the shipped story model");
    Arc::new(InferenceModel::load(&path).expect("load the story model"))
}

const TALKS: &[(&str, &[&str])] = &[
    (
        "You are in a lighthouse at the edge of the sea. A storm is coming in. An old keeper sits by the stove.",
        &["ask the keeper about the lamp", "keeper, where is the oil?", "\"Is the storm getting worse?\""],
    ),
    (
        "The tavern is warm and loud. An innkeeper wipes the counter, and a stranger watches you from the corner.",
        &["ask the innkeeper about the stranger", "stranger, what do you want?", "ask the stranger about the forest"],
    ),
];

/// With the shipped model, every reply to a character is quoted speech
/// named as theirs, no other speaker is named, and most replies take up a
/// word of the question; the narrator alone does far worse.
#[test]
fn the_shipped_model_answers_in_the_characters_voice() {
    let model = model();
    let play = |config: &Config| {
        let (mut replies, mut attributed, mut other, mut asked, mut taken) = (0, 0, 0, 0, 0);
        for seed in [1u64, 2] {
            for (opening, lines) in TALKS {
                let mut game = Headless::new(config.clone(), Arc::clone(&model), seed, false);
                game.start(&Opening::Text(opening.to_string())).unwrap();
                for line in *lines {
                    let tree = &game.app.session.tree;
                    let a = address(line, &cast_of(tree, tree.current())).expect(line);
                    let turn = game.act(line).unwrap().expect("a reply");
                    let r = judge(&turn.passage, &a.to, &a.question);
                    replies += 1;
                    attributed += usize::from(r.quoted && r.attributed);
                    other += usize::from(r.other_speaker);
                    if !a.question.is_empty() {
                        asked += 1;
                        taken += usize::from(r.takes_up);
                    }
                    if config.story.speech_frames {
                        assert!(
                            turn.passage.starts_with(&a.to.subject()),
                            "{line}: {:?}",
                            turn.passage
                        );
                    }
                }
            }
        }
        (replies, attributed, other, asked, taken)
    };
    let (replies, attributed, other, asked, taken) = play(&Config::default());
    assert_eq!(replies, 12);
    assert_eq!(
        attributed, replies,
        "every reply is the character's quoted speech"
    );
    assert_eq!(other, 0, "no reply is handed to another speaker");
    assert!(
        taken * 2 >= asked,
        "{taken} of {asked} replies take up the question"
    );
    let mut narrator = Config::default();
    narrator.story.speech_frames = false;
    let (_, plain_attributed, _, _, _) = play(&narrator);
    assert!(
        plain_attributed < attributed,
        "{plain_attributed} without the frame"
    );
}

#[test]
fn plain_talk_lists_characters_and_speaks_to_them() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = common::fabula()
        .args(["--plain", "--seed", "4", "--opening-text", CASTLE])
        .env("FABULA_DATA", dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"/talk\n/talk 7 hello\n/talk guard about the king\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.contains("Characters: 1. "), "{stdout}");
    assert!(
        stdout.contains("the guard") && stdout.contains("Mara"),
        "{stdout}"
    );
    assert!(stderr.contains("no character 7"), "{stderr}");
    let reply = stdout
        .split("> ask the guard about the king\n\n")
        .nth(1)
        .and_then(|r| r.lines().next())
        .unwrap_or_else(|| panic!("no reply in {stdout}"));
    assert!(
        reply.starts_with("The guard ") && reply.matches('"').count() >= 2,
        "{reply}"
    );
}

proptest::proptest! {
    /// Any text, any action: reading characters, addresses, `/talk` and
    /// replies never panics, and a reply's quoted words are its own text.
    #[test]
    fn any_text_is_read_without_panics(
        text in "[ a-zA-Z,.!?'\"“”\n>éß字-]{0,80}",
        line in "(/talk |/characters|ask |say |)[ a-zA-Z0-9,.!?'\"“”字]{0,40}",
    ) {
        let cast = fabula::narrator::characters::of_story([text.as_str(), line.as_str()]);
        let spoken = address(&line, &cast);
        let _ = fabula::narrator::address::talk_command(&line, &cast);
        if let Some(a) = spoken {
            let r = judge(&text, &a.to, &a.question);
            proptest::prop_assert!(text.contains(&r.words));
            let _ = fabula::narrator::characters::pronoun([text.as_str()], &a.to);
        }
    }
}
