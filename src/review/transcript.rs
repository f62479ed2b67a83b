//! Reading stories to review: fabula's own session files, and plain-text
//! transcripts of interactive fiction, where lines starting with `>` are
//! the player's commands and everything else is narration.

use std::path::Path;

use crate::sentiment::score_turn;
use crate::story::session::ModelStamp;
use crate::story::{Role, Session};

#[derive(Debug, thiserror::Error)]
pub enum TranscriptError {
    #[error("{path}: {source}")]
    Io {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: not a transcript: {reason}")]
    NotTranscript {
        path: std::path::PathBuf,
        reason: String,
    },
    #[error(transparent)]
    Session(#[from] crate::story::SessionError),
}

/// Transcripts larger than this are refused (a review is read whole).
pub const MAX_TRANSCRIPT_BYTES: usize = 64 << 20;

/// Parses a plain-text transcript into a one-branch story. The first
/// narration becomes the opening; blank lines inside narration are kept as
/// paragraph breaks.
pub fn parse_transcript(path: &Path, bytes: &[u8]) -> Result<Session, TranscriptError> {
    let not = |reason: String| TranscriptError::NotTranscript {
        path: path.to_path_buf(),
        reason,
    };
    if bytes.len() > MAX_TRANSCRIPT_BYTES {
        return Err(not(format!(
            "{} bytes is more than the {} MB limit",
            bytes.len(),
            MAX_TRANSCRIPT_BYTES >> 20
        )));
    }
    let text = std::str::from_utf8(bytes)
        .map_err(|e| not(format!("invalid UTF-8 at byte {}", e.valid_up_to())))?;
    let controls = text
        .chars()
        .filter(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        .count();
    if controls * 100 > text.chars().count().max(1) {
        return Err(not(
            "it is binary data (control characters), not text".into()
        ));
    }
    // A Markdown export starts with the story's title as a heading: it is
    // the title, not the first words of the opening.
    let mut title = None;
    let mut text = text;
    if let Some(rest) = text.trim_start().strip_prefix("# ") {
        let (heading, after) = rest.split_once('\n').unwrap_or((rest, ""));
        title = Some(heading.trim().to_string());
        text = after;
    }
    let mut turns: Vec<(Role, String)> = Vec::new();
    let mut narration = String::new();
    let flush = |narration: &mut String, turns: &mut Vec<(Role, String)>| {
        let t = narration.trim();
        if !t.is_empty() {
            turns.push((Role::Narration, t.to_string()));
        }
        narration.clear();
    };
    for line in text.lines() {
        let line = line.trim_end_matches('\r');
        if let Some(cmd) = line.trim_start().strip_prefix('>') {
            flush(&mut narration, &mut turns);
            let cmd = cmd.trim();
            if !cmd.is_empty() {
                turns.push((Role::Player, cmd.to_string()));
            }
        } else {
            narration.push_str(line);
            narration.push('\n');
        }
    }
    flush(&mut narration, &mut turns);
    if !turns.iter().any(|t| t.0 == Role::Player) {
        return Err(not(
            "no player commands (lines starting with '>') were found".into(),
        ));
    }
    let opening = match turns.first() {
        Some((Role::Narration, t)) => t.clone(),
        _ => String::new(),
    };
    let skip = usize::from(!opening.is_empty());
    let name = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut session = Session::new("transcript", &opening, ModelStamp::default());
    session.title = title.filter(|t| !t.is_empty()).unwrap_or(name);
    let mut at = session.tree.root();
    for (role, text) in turns.into_iter().skip(skip) {
        // The root exists and `at` is always a node just pushed, so this cannot fail.
        if let Ok(id) = session.tree.push(at, role, &text) {
            at = id;
        }
    }
    Ok(session)
}

/// The most characters of one turn a review shows. A turn longer than a
/// few screens is not read in a terminal, and wrapping, scoring and drawing
/// a 50 MB line each frame would freeze it.
pub const MAX_REVIEW_TURN_CHARS: usize = 20_000;

/// Cuts every turn longer than [`MAX_REVIEW_TURN_CHARS`] and says so in it.
fn cap_turns(session: &mut Session) {
    for id in 0..session.tree.len() {
        let Some(mut n) = session.tree.node_mut(id) else {
            continue;
        };
        if let Some((cut, _)) = n.text.char_indices().nth(MAX_REVIEW_TURN_CHARS) {
            let total = n.text.chars().count();
            n.text.truncate(cut);
            n.text.push_str(&format!(
                "\n\n[fabula: this turn is cut here; it has {total} characters, a review shows the first {MAX_REVIEW_TURN_CHARS}]"
            ));
            // Its sentiment was of the whole text; score what is shown.
            n.sentiment = None;
        }
    }
}

/// Opens a session file or a transcript (read-only), cuts turns too long to
/// show, and scores every turn that has no sentiment (or no record of its
/// scorer) with the scorer for its language.
pub fn open_for_review(path: &Path) -> Result<Session, TranscriptError> {
    let bytes = crate::fsutil::read_file(path, crate::story::session::MAX_SESSION_BYTES).map_err(
        |source| TranscriptError::Io {
            path: path.to_path_buf(),
            source,
        },
    )?;
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace()).copied();
    let mut session = if first == Some(b'{') {
        Session::from_json(path, &bytes)?
    } else {
        parse_transcript(path, &bytes)?
    };
    cap_turns(&mut session);
    // A turn scored before its scorer was recorded is scored again, so a
    // Chinese turn gets the Chinese scorer and every turn names its scorer.
    use rayon::prelude::*;
    let todo: Vec<(usize, &str)> = session
        .tree
        .nodes()
        .iter()
        .filter(|n| n.sentiment.is_none_or(|s| s.scorer.is_none()))
        .map(|n| (n.id, n.text.as_str()))
        .collect();
    let scored: Vec<_> = todo
        .par_iter()
        .map(|&(id, text)| (id, score_turn(text)))
        .collect();
    for (id, s) in scored {
        if let Some(mut n) = session.tree.node_mut(id) {
            n.sentiment = Some(s);
        }
    }
    Ok(session)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CAVE: &str = "\
West of House
You are standing in an open field west of a white house, with a boarded front door.
There is a small mailbox here.

>open mailbox
Opening the small mailbox reveals a leaflet.

> read leaflet
\"WELCOME TO ZORK!\"

ZORK is a game of adventure, danger, and low cunning.
>
>go north
North of House
You are facing the north side of a white house.
";

    #[test]
    fn a_huge_turn_is_cut_with_a_notice() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("huge.txt");
        let line = "word ".repeat(200_000);
        std::fs::write(&path, format!("{line}\n> look\nA room.\n")).unwrap();
        let s = open_for_review(&path).unwrap();
        let opening = &s.tree.node(0).unwrap().text;
        assert!(opening.chars().count() < MAX_REVIEW_TURN_CHARS + 200);
        assert!(
            opening.contains("it has 999999 characters"),
            "{}",
            &opening[opening.len() - 120..]
        );
        assert_eq!(s.tree.node(2).unwrap().text, "A room.");
    }

    #[test]
    fn reads_an_interactive_fiction_transcript() {
        let s = parse_transcript(Path::new("zork.txt"), CAVE.as_bytes()).unwrap();
        let tree = &s.tree;
        let roles: Vec<Role> = tree
            .branch()
            .iter()
            .map(|&id| tree.node(id).unwrap().role)
            .collect();
        assert_eq!(
            roles,
            vec![
                Role::Opening,
                Role::Player,
                Role::Narration,
                Role::Player,
                Role::Narration,
                Role::Player,
                Role::Narration
            ]
        );
        assert_eq!(tree.node(tree.branch()[3]).unwrap().text, "read leaflet");
        assert!(tree
            .node(tree.branch()[4])
            .unwrap()
            .text
            .contains("\n\nZORK is a game"));
        assert_eq!(s.title, "zork");
    }

    #[test]
    fn an_export_reads_back_as_the_same_turns() {
        let mut story = Session::new("mystery", "The letter came at dusk.", ModelStamp::default());
        let mut at = story
            .tree
            .push(0, Role::Narration, "You open it.\n\nIt names a house.")
            .unwrap();
        for i in 0..14 {
            at = story
                .tree
                .push(at, Role::Player, &format!("walk {i} steps"))
                .unwrap();
            at = story
                .tree
                .push(at, Role::Narration, &format!("Passage {i}."))
                .unwrap();
        }
        let turns = |s: &Session| -> Vec<(Role, String)> {
            s.tree
                .branch()
                .iter()
                .map(|&id| {
                    let n = s.tree.node(id).unwrap();
                    (n.role, n.text.clone())
                })
                .collect()
        };
        assert_eq!(turns(&story).len(), 30);
        let md = parse_transcript(Path::new("x.md"), story.export_markdown().as_bytes()).unwrap();
        assert_eq!(turns(&md), turns(&story), "{}", story.export_markdown());
        assert_eq!(md.title, story.title);
        let txt = parse_transcript(Path::new("x.txt"), story.export_text().as_bytes()).unwrap();
        assert_eq!(turns(&txt), turns(&story));
        assert_eq!(txt.title, "x");
    }

    #[test]
    fn refuses_what_is_not_a_transcript() {
        let p = Path::new("x.bin");
        for (bytes, needle) in [
            (&b"\xff\xfe\x00\x01"[..], "UTF-8 at byte 0"),
            (
                &b"just a story\nwith no commands\n"[..],
                "no player commands",
            ),
            (&b"\x01\x02\x03\x04>a\x05\x06"[..], "binary"),
            (&b""[..], "no player commands"),
        ] {
            let err = parse_transcript(p, bytes).unwrap_err().to_string();
            assert!(err.contains("x.bin") && err.contains(needle), "{err}");
        }
    }
}
