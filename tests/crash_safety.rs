//! `kill -9` during autosave never loses the last complete turn: a child
//! process saves a growing story in a loop and is killed at random moments;
//! the file on disk always loads, with every turn the child had finished.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use fabula::story::{Role, Session};

const CHILD_ENV: &str = "FABULA_AUTOSAVE_CHILD";

/// In the child: keep adding turns and saving, printing each saved count.
#[test]
fn autosave_child() {
    let Ok(path) = std::env::var(CHILD_ENV) else {
        return; // Only does work when started by the test below.
    };
    let path = Path::new(&path);
    let mut session = Session::load(path)
        .unwrap_or_else(|_| Session::new("test", "It begins.", Default::default()));
    loop {
        let at = session.tree.current();
        // Big turns make each write long enough to be interrupted.
        session
            .tree
            .push(
                at,
                Role::Narration,
                &"The rain falls on the tower. ".repeat(2000),
            )
            .unwrap();
        session.save(path).unwrap();
        println!("saved {}", session.tree.len());
    }
}

#[test]
fn kill_nine_during_autosave_keeps_the_last_complete_turn() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("story.json");
    let exe = std::env::current_exe().unwrap();
    let mut rng = fabula::lm::sample::Rng::new(3);
    let mut best = 0;
    for round in 0..10 {
        let mut child = Command::new(&exe)
            .args([
                "autosave_child",
                "--exact",
                "--nocapture",
                "--test-threads",
                "1",
            ])
            .env(CHILD_ENV, &path)
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // Wait for the child's first completed save, then kill it mid-way through later ones.
        let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        while !line.starts_with("saved") {
            line.clear();
            if std::io::BufRead::read_line(&mut out, &mut line).unwrap() == 0 {
                break;
            }
        }
        std::thread::sleep(Duration::from_millis(rng.next_u64() % 150));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        if !path.exists() {
            continue; // Killed before its first save finished.
        }
        let s = Session::load(&path).unwrap_or_else(|e| panic!("round {round}: {e}"));
        assert!(s.tree.validate().is_ok());
        assert!(
            s.tree.len() >= best,
            "round {round}: {} turns after {best}",
            s.tree.len()
        );
        best = s.tree.len();
    }
    assert!(best > 1, "the child saved at least once");
}
