//! Hostile files and arguments: nothing is written outside the data
//! folder, no control sequence from a file reaches the terminal, a closed
//! pipe ends the output quietly, and errors say the OS error once.

mod common;

use std::fs;
use std::io::Read;
use std::path::Path;
use std::process::Stdio;

use common::fabula;
use fabula::config::Config;
use fabula::story::session::ModelStamp;
use fabula::story::{Role, Session};
use fabula::tui::action::Action;
use fabula::tui::app::App;

/// A title that retitles and clears the terminal, with C1 and bidi tricks.
const HOSTILE: &str =
    "Nice\u{1b}]0;owned\u{7}\u{1b}[2J\u{9b}31m\u{202e}gnp.exe\u{2066}x\u{2069}\rtale";

/// ESC and the other C0 controls, DEL, C1 controls, bidi overrides and isolates.
fn is_terminal_control(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

fn assert_clean(what: &str, text: &str) {
    assert!(
        !text
            .chars()
            .any(|c| is_terminal_control(c) && c != '\n' && c != '\t'),
        "{what} carries control characters: {text:?}"
    );
}

fn session(title: &str, id: &str) -> Session {
    let mut s = Session::new("fantasy", "The dragon sleeps.", ModelStamp::default());
    let p = s.tree.push(0, Role::Player, "sneak \u{1b}[1mpast").unwrap();
    s.tree
        .push(p, Role::Narration, "You tiptoe \u{202e}by\u{1b}]0;x\u{7}.")
        .unwrap();
    s.title = title.into();
    s.id = id.into();
    s
}

fn write_json(path: &Path, s: &Session) {
    fs::write(path, s.to_json()).unwrap();
}

fn run_in(data: &Path, args: &[&str]) -> (i32, String, String) {
    let out = fabula()
        .args(args)
        .env("FABULA_DATA", data)
        .current_dir(data)
        .output()
        .expect("run fabula");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn export_never_leaves_the_exports_folder() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("data");
    let outside = dir.path().join("outside");
    let mut app = App::new(Config::default(), "test".into(), ModelStamp::default(), 1);
    app.data_dir = root.join("sessions");
    app.read_only = true;
    for id in [
        "../../outside/x".to_string(),
        format!("{}/y", outside.display()),
    ] {
        app.session = session("t", &id);
        app.update(Action::Export);
        assert!(
            app.status.contains("not a session id"),
            "{id}: {}",
            app.status
        );
    }
    assert!(
        !outside.exists(),
        "an export was written outside the data folder"
    );
    assert!(!root.join("exports").exists());

    // A plain id exports as before.
    app.session = session("t", "1700000000-12345");
    app.update(Action::Export);
    assert!(
        root.join("exports/1700000000-12345.md").exists(),
        "{}",
        app.status
    );
}

#[test]
fn export_errors_name_the_file() {
    let dir = tempfile::tempdir().unwrap();
    // A file where the exports folder should be.
    fs::write(dir.path().join("exports"), "in the way").unwrap();
    let mut app = App::new(Config::default(), "test".into(), ModelStamp::default(), 1);
    app.data_dir = dir.path().join("sessions");
    app.session = session("t", "1700000000-12345");
    app.update(Action::Export);
    assert!(
        app.status.starts_with("Export failed:") && app.status.contains("1700000000-12345.md"),
        "{}",
        app.status
    );
}

#[test]
fn a_session_with_a_path_for_an_id_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("evil.json");
    write_json(&file, &session("t", "../../../../tmp/\u{1b}[2Jx"));
    let (code, out, err) = run_in(dir.path(), &["review", file.to_str().unwrap(), "--summary"]);
    assert_ne!(code, 0, "{out}");
    assert!(
        err.contains("evil.json") && err.contains("\"id\"") && err.contains("not a session id"),
        "{err}"
    );
    assert_clean("the error", &err);
}

#[test]
fn resume_takes_a_plain_id_or_an_existing_path() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    fs::create_dir_all(data.join("sessions")).unwrap();
    let outside = dir.path().join("outside");
    fs::create_dir_all(&outside).unwrap();
    write_json(
        &outside.join("victim.json"),
        &session("victim", "1700000000-1"),
    );
    // A model that does not exist: fabula stops there if it got past --resume.
    for which in ["../../outside/victim", "..", "/no/such/story.json"] {
        let (code, _, err) = run_in(&data, &["--model", "/no/such/model", "--resume", which]);
        assert_ne!(code, 0);
        assert!(
            err.contains("must exist") || err.contains("not a session id"),
            "--resume {which}: {err}"
        );
        assert!(
            !err.contains("model"),
            "--resume {which} was accepted: {err}"
        );
    }
    // The path form is honoured when it exists.
    let victim = outside.join("victim.json");
    let (_, _, err) = run_in(
        &data,
        &[
            "--model",
            "/no/such/model",
            "--resume",
            victim.to_str().unwrap(),
        ],
    );
    // Accepted: it goes on to the next check (a terminal, then the model).
    assert!(
        err.contains("needs a terminal") || err.contains("model"),
        "{err}"
    );
}

#[test]
fn summaries_and_listings_carry_no_control_sequences() {
    let dir = tempfile::tempdir().unwrap();
    let sessions = dir.path().join("sessions");
    fs::create_dir_all(&sessions).unwrap();
    let file = sessions.join("1700000000-12345.json");
    write_json(&file, &session(HOSTILE, "1700000000-12345"));
    // A broken file, listed on stderr.
    fs::write(
        sessions.join("broken\u{1b}[2J.json"),
        "{\"format\": \"\u{1b}]0;x\u{7}\"",
    )
    .unwrap();

    let (code, out, err) = run_in(dir.path(), &["review", file.to_str().unwrap(), "--summary"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("story: Nice]0;owned[2J31mgnp.exextale"),
        "{out}"
    );
    assert_clean("review --summary", &out);

    let (code, out, err) = run_in(dir.path(), &["review", file.to_str().unwrap(), "--json"]);
    assert_eq!(code, 0, "{err}");
    assert_clean("review --json", &out);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["title"], HOSTILE);

    let (code, out, err) = run_in(dir.path(), &["--sessions"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(
        out.contains("1700000000-12345\t3 turns\tNice]0;owned"),
        "{out}"
    );
    assert_clean("--sessions", &out);
    assert!(err.contains("skipped") && err.contains("broken"), "{err}");
    assert_clean("--sessions errors", &err);

    // A transcript whose name and text hold escape sequences.
    let t = dir.path().join("\u{1b}]0;owned\u{7}play.txt");
    let mut text = String::from("You are in a cave \u{1b}[31mred\u{1b}[0m.\n");
    text.push_str(&"It is dark and quiet here, and the air is cold.\n".repeat(10));
    text.push_str("> look \u{202e}up\n\u{9b}2JNothing.\n");
    fs::write(&t, text).unwrap();
    let (code, out, err) = run_in(dir.path(), &["review", t.to_str().unwrap(), "--summary"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("look up"), "{out}");
    assert_clean("transcript summary", &out);
}

/// Runs fabula with stdout read for at most one line and then closed, as
/// `| head -1` does; the output is larger than a pipe holds, so fabula
/// always writes into the closed pipe.
fn exit_after_reader_leaves(data: &Path, args: &[&str]) -> (Option<i32>, String) {
    let mut child = fabula()
        .args(args)
        .env("FABULA_DATA", data)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 16];
    let _ = stdout.read(&mut first);
    drop(stdout);
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    let status = child.wait().unwrap();
    (status.code(), err)
}

#[test]
fn a_closed_pipe_ends_the_output_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let t = dir.path().join("long.txt");
    let mut text = String::from("A long game begins in a quiet valley.\n");
    for i in 0..3000 {
        text.push_str(&format!(
            "> walk north {i}\nYou walk north through the trees and the long grass.\n"
        ));
    }
    fs::write(&t, text).unwrap();
    let sessions = dir.path().join("sessions");
    fs::create_dir_all(&sessions).unwrap();
    for i in 0..300 {
        let id = format!("1700000000-{i:05}");
        write_json(
            &sessions.join(format!("{id}.json")),
            &session(&"long title ".repeat(30), &id),
        );
    }
    let t = t.to_str().unwrap();
    for args in [
        vec!["review", t, "--summary"],
        vec!["review", t, "--json"],
        vec!["--sessions"],
    ] {
        let (code, err) = exit_after_reader_leaves(dir.path(), &args);
        assert_eq!(code, Some(0), "{args:?}: {err}");
        assert!(err.is_empty(), "{args:?}: {err}");
    }
}

#[test]
fn errors_say_the_os_error_once_and_name_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.txt");
    let m = missing.to_str().unwrap();
    // Review (summary or screen) and --resume (a path or an id).
    for (args, name) in [
        (vec!["review", m, "--summary"], "missing.txt"),
        (vec!["review", m], "missing.txt"),
        (vec!["--resume", m], "missing.txt"),
        (vec!["--resume", "1700000000-404"], "1700000000-404.json"),
    ] {
        let (code, _, err) = run_in(dir.path(), &args);
        assert_ne!(code, 0, "{args:?}");
        assert!(err.contains(name), "{args:?}: {err}");
        assert_eq!(err.matches("os error 2").count(), 1, "{args:?}: {err}");
    }
}
