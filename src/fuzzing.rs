//! What the fuzz targets (`fuzz/`) check, kept in the library so the
//! regression tests (`tests/fuzz_corpora.rs`) replay the committed corpora
//! through exactly the same code without cargo-fuzz. Each function takes
//! arbitrary bytes, must never panic, and asserts what must hold for
//! whatever the parser accepts.

use std::path::Path;

use crate::config::Config;
use crate::lm::Vocab;
use crate::review::transcript::parse_transcript;
use crate::story::Session;

/// A session file: rejected with an error, or loaded into a tree that is
/// consistent, draws, exports, and survives a save/load round trip.
pub fn session_file(data: &[u8]) {
    let path = Path::new("fuzz.json");
    let Ok(session) = Session::from_json(path, data) else {
        return;
    };
    assert!(session.tree.validate().is_ok(), "loaded an invalid tree");
    assert!(
        crate::story::session::check_id(&session.id).is_ok(),
        "loaded an id that is not a plain file name"
    );
    let _ = session.tree.branch();
    let _ = session.export_markdown();
    let _ = session.export_text();
    let again = Session::from_json(path, &session.to_json());
    assert!(again.is_ok(), "a loaded session does not reload: {again:?}");
}

/// A plain-text transcript: rejected, or imported into a valid tree.
pub fn transcript(data: &[u8]) {
    if let Ok(session) = parse_transcript(Path::new("fuzz.txt"), data) {
        assert!(session.tree.validate().is_ok(), "imported an invalid tree");
        let _ = session.export_text();
    }
}

/// A config file: rejected with an error naming the file, or a config
/// that validates.
pub fn config(data: &[u8]) {
    match Config::from_bytes(Path::new("fuzz.toml"), data) {
        Ok(cfg) => assert!(cfg.validate().is_ok(), "accepted an invalid config"),
        Err(e) => assert!(e.to_string().starts_with("fuzz.toml"), "{e}"),
    }
}

/// The vocabulary: built from one part of the input, it encodes any other
/// text to in-range ids (one per character) and decodes its own text back
/// exactly; stored entries are accepted only when they are one character
/// each and distinct.
pub fn vocab(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let mid = text
        .char_indices()
        .nth(text.chars().count() / 2)
        .map_or(text.len(), |(i, _)| i);
    let (known, other) = text.split_at(mid);
    let cap = data.first().map_or(8, |&b| b as usize + 1);

    let capped = Vocab::from_texts([known], 1, cap);
    assert!(capped.len() <= cap.max(1));
    let ids = capped.encode(other);
    assert_eq!(ids.len(), other.chars().count());
    assert!(ids.iter().all(|&i| (i as usize) < capped.len()));

    let full = Vocab::from_texts([known], 1, usize::MAX);
    if !known.contains(char::REPLACEMENT_CHARACTER) {
        assert_eq!(full.decode(&full.encode(known)), known);
    }

    let entries: Vec<String> = other.split('\n').map(str::to_string).collect();
    if let Ok(stored) = Vocab::from_entries(&entries) {
        assert_eq!(stored.entries(), entries);
        for entry in &entries {
            let ids = stored.encode(entry);
            assert_eq!(stored.decode(&ids), *entry);
        }
    }
}
