//! Property tests: every parser fabula points at user files answers any
//! input with a value or an error, never a panic. The parsers' checks are
//! the fuzz targets' own (`fabula::fuzzing`), fed by structured generators.

use fabula::lm::Vocab;
use fabula::story::Session;
use fabula::tui::wrap::{width, wrap};
use proptest::prelude::*;

/// Valid session JSON to mutate: real structure, so mutations reach deep.
fn session_json() -> Vec<u8> {
    let mut s = Session::new("fantasy", "It begins.", Default::default());
    let p = s.tree.push(0, fabula::story::Role::Player, "look").unwrap();
    s.tree
        .push(p, fabula::story::Role::Narration, "You see a door.")
        .unwrap();
    s.tree.node_mut(2).unwrap().state = Some(fabula::lm::LstmState::zeros(1, 3));
    s.to_json()
}

/// 400 cases unless `PROPTEST_CASES` asks for more (long local runs);
/// the seed comes from `PROPTEST_RNG_SEED`, which `make test` fixes.
fn config() -> ProptestConfig {
    let mut config = ProptestConfig::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = 400;
    }
    config
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn session_parser_never_panics_on_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..2000)) {
        fabula::fuzzing::session_file(&bytes);
    }

    #[test]
    fn session_parser_never_panics_on_mutated_sessions(
        cuts in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
        truncate in any::<prop::sample::Index>(),
    ) {
        let mut bytes = session_json();
        for (at, b) in cuts {
            let i = at.index(bytes.len());
            bytes[i] = b;
        }
        let keep = truncate.index(bytes.len() + 1);
        bytes.truncate(keep);
        // Whatever loads validates, draws, exports and reloads after saving.
        fabula::fuzzing::session_file(&bytes);
    }

    #[test]
    fn transcript_importer_never_panics(text in "(>?[ -~\\n\\t物🐉\u{301}\u{202e}]{0,80}\n){0,30}") {
        fabula::fuzzing::transcript(text.as_bytes());
    }

    #[test]
    fn transcript_importer_never_panics_on_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..1000)) {
        fabula::fuzzing::transcript(&bytes);
    }

    #[test]
    fn config_loader_never_panics(text in "(\\[?[a-z_]{0,12}\\]?( = )?(\"[a-z#0-9]{0,8}\"|[0-9.\\-]{0,6}|true)?\n){0,12}") {
        fabula::fuzzing::config(text.as_bytes());
    }

    #[test]
    fn vocab_encoder_round_trips_known_text(text in "\\PC{0,200}") {
        let vocab = Vocab::from_texts([text.as_str()], 1, usize::MAX);
        prop_assert_eq!(vocab.decode(&vocab.encode(&text)), text);
    }

    #[test]
    fn vocab_encoder_never_panics_on_unknown_text(known in "[a-z ]{1,40}", other in "\\PC{0,200}") {
        let vocab = Vocab::from_texts([known.as_str()], 1, 256);
        let ids = vocab.encode(&other);
        prop_assert_eq!(ids.len(), other.chars().count());
        prop_assert!(ids.iter().all(|&i| (i as usize) < vocab.len()));
    }

    #[test]
    fn wrap_respects_width_for_any_text(text in "\\PC{0,300}", max in 2usize..60) {
        for line in wrap(&text, max) {
            // A single character may be wider than a tiny line (U+17D8 is
            // three columns); it then stands alone and the frame clips it.
            prop_assert!(
                width(&line) <= max || line.chars().count() == 1,
                "{:?} wider than {}", line, max
            );
        }
    }
}
