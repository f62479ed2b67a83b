//! Replays the fuzzers' committed corpora and every crash reproducer that
//! was fixed (fuzz/corpus, fuzz/regressions) through the same checks the
//! fuzz targets run, so CI guards them without cargo-fuzz or nightly.

use std::path::Path;

type Check = fn(&[u8]);

const TARGETS: [(&str, Check); 4] = [
    ("session_file", fabula::fuzzing::session_file),
    ("transcript", fabula::fuzzing::transcript),
    ("config", fabula::fuzzing::config),
    ("vocab", fabula::fuzzing::vocab),
];

fn replay(kind: &str) -> usize {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz")
        .join(kind);
    let mut replayed = 0;
    for (target, check) in TARGETS {
        let Ok(entries) = std::fs::read_dir(root.join(target)) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            let bytes = std::fs::read(&path).unwrap();
            let outcome = std::panic::catch_unwind(|| check(&bytes));
            assert!(outcome.is_ok(), "{target} fails on {}", path.display());
            replayed += 1;
        }
    }
    replayed
}

#[test]
fn every_corpus_input_passes_its_check() {
    let n = replay("corpus");
    // Seeds for every target at least; the fuzz runs add many more.
    assert!(n >= 4 * 3, "only {n} corpus inputs found");
}

#[test]
fn every_fixed_crash_stays_fixed() {
    replay("regressions");
}
