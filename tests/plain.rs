//! `fabula --plain` with the shipped story model: the game as a transcript
//! on stdout, driven by lines on stdin, as scripts and screen readers use it.

mod common;

use std::io::Write;
use std::process::Stdio;

use common::fabula;

fn play(data: &std::path::Path, args: &[&str], input: &str) -> (i32, String, String) {
    let mut child = fabula()
        .arg("--plain")
        .args(args)
        .env("FABULA_DATA", data)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run fabula --plain");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The choices offered last before `line_no` (lines `1. choice`).
fn choices_before(lines: &[&str], line_no: usize) -> Vec<String> {
    let mut found = Vec::new();
    for l in lines[..line_no].iter().rev() {
        if let Some((n, text)) = l.split_once(". ") {
            if n.parse::<usize>().is_ok() {
                found.push(text.to_string());
                continue;
            }
        }
        if !found.is_empty() {
            break;
        }
    }
    found.reverse();
    found
}

#[test]
fn plain_play_is_a_transcript_of_the_players_turns() {
    let dir = tempfile::tempdir().unwrap();
    let (code, out, err) = play(
        dir.path(),
        &["--seed", "5", "--opening", "2"],
        "1\nopen the door\n\nlook at the letter\n",
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("The letter was waiting"), "{out}");
    let lines: Vec<&str> = out.lines().collect();
    let player: Vec<usize> = (0..lines.len())
        .filter(|&i| lines[i].starts_with('>'))
        .collect();
    assert_eq!(
        player.len(),
        3,
        "only the player's lines start with '>':\n{out}"
    );
    // The first turn picked choice 1: its line is that choice's text.
    let offered = choices_before(&lines, player[0]);
    assert!(!offered.is_empty(), "choices were offered:\n{out}");
    assert_eq!(lines[player[0]], format!("> {}", offered[0]));
    assert_eq!(lines[player[1]], "> open the door");
    assert_eq!(lines[player[2]], "> look at the letter");
    // Every passage ends at the end of a sentence.
    for &p in &player {
        let passage: Vec<&str> = lines[p + 1..]
            .iter()
            .take_while(|l| !l.starts_with('>') && !l.starts_with("1. "))
            .filter(|l| !l.trim().is_empty())
            .copied()
            .collect();
        let last = passage.last().expect("a passage follows each action");
        let end = last.trim_end().trim_end_matches(['"', '\'', ')']);
        assert!(
            end.ends_with(['.', '!', '?']),
            "ends mid-sentence: {last:?}"
        );
    }
    // Saved like a TUI story.
    let saved = std::fs::read_dir(dir.path().join("sessions"))
        .unwrap()
        .count();
    assert!(saved >= 1, "{err}");
    assert!(err.contains("Story saved"), "{err}");
}

#[test]
fn the_same_seed_tells_the_same_story() {
    let dir = tempfile::tempdir().unwrap();
    let args = [
        "--seed",
        "11",
        "--opening-text",
        "You stand on a pier at night. A boat is waiting.",
    ];
    // The same play history too: the first run's turns reorder the second's choices.
    let other = tempfile::tempdir().unwrap();
    let a = play(dir.path(), &args, "get in the boat\n2\n");
    let b = play(other.path(), &args, "get in the boat\n2\n");
    assert_eq!(a.0, 0, "{}", a.2);
    assert_eq!(a.1, b.1);
    let c = play(
        dir.path(),
        &["--seed", "12", "--opening-text", args[3]],
        "get in the boat\n2\n",
    );
    assert_ne!(a.1, c.1, "another seed, another story");
}

#[test]
fn bad_picks_and_openings_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let (code, out, err) = play(dir.path(), &["--seed", "1", "--opening", "3"], "9\n");
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("no choice 9"), "{err}");
    assert!(!out.contains("> "), "nothing was played:\n{out}");
    let (code, _, err) = play(dir.path(), &["--opening", "99"], "");
    assert_ne!(code, 0);
    assert!(err.contains("--opening must be between 1 and"), "{err}");
    let out = fabula().args(["--seed", "3"]).output().unwrap();
    assert_ne!(out.status.code(), Some(0), "--seed needs --plain");
}

#[test]
fn a_story_that_cannot_be_saved_says_so() {
    let dir = tempfile::tempdir().unwrap();
    // A file where the sessions folder should be.
    std::fs::write(dir.path().join("sessions"), "not a folder").unwrap();
    let (code, _, err) = play(
        dir.path(),
        &["--seed", "2", "--opening", "1"],
        "look around\n",
    );
    assert_ne!(code, 0, "{err}");
    assert!(err.contains("NOT saved"), "{err}");
    assert!(!err.contains("Story saved"), "{err}");
}
