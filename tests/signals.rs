//! SIGTERM from outside ends the story TUI as Ctrl-C does: the story is
//! saved, the terminal restored (alternate screen and mouse reporting off),
//! and the exit is clean. `script` (util-linux) gives fabula a terminal.

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use fabula::story::session::ModelStamp;
use fabula::story::Session;

#[test]
fn sigterm_saves_and_restores_the_terminal() {
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("skipped: `script` (util-linux) is needed for a terminal");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let sessions = dir.path().join("sessions");
    std::fs::create_dir_all(&sessions).unwrap();
    let path = sessions.join("1700000000-7.json");
    Session::new("g", "You wake in a small room.", ModelStamp::default())
        .save(&path)
        .unwrap();
    let pid_file = dir.path().join("pid");
    let command = format!(
        "echo $$ > {}; exec {} --resume 1700000000-7",
        pid_file.display(),
        env!("CARGO_BIN_EXE_fabula")
    );
    // stdin stays open (piped, never written): at its end `script` would hang up.
    let mut child = Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .env("FABULA_DATA", dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until fabula has drawn its first screen (the model is loaded).
    std::thread::sleep(Duration::from_secs(4));
    let pid = std::fs::read_to_string(&pid_file).unwrap();
    let killed = Command::new("kill")
        .args(["-TERM", pid.trim()])
        .status()
        .unwrap();
    assert!(killed.success());
    let started = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "fabula did not end after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    let mut out = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
    assert!(status.success(), "{out}");
    assert!(out.contains("Story saved"), "{out}");
    assert!(out.contains("\u{1b}[?1049l"), "alternate screen left");
    assert!(out.contains("\u{1b}[?1000l"), "mouse reporting off");
    assert!(Session::load(&path).is_ok());
}
