//! Exact replay and confidence with the shipped story model: a story played
//! headless replays byte for byte from what each passage stored; a changed
//! seed, a missing record or another model is reported, never hidden; and
//! `fabula review --json` reports each passage's confidence.

mod common;

use std::sync::Arc;

use fabula::cli::headless::{Headless, Opening};
use fabula::config::Config;
use fabula::lm::InferenceModel;
use fabula::story::replay::{replay, Outcome, ReplayOptions, Tally};
use fabula::story::{Role, Session};

fn shipped() -> Arc<InferenceModel> {
    let stem = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("models/story");
    Arc::new(InferenceModel::load(&stem).expect("the shipped story model"))
}

/// A story of a few turns played as `--plain` plays it, with a retry.
fn played(model: &Arc<InferenceModel>, data: &std::path::Path) -> Session {
    let mut config = Config::default();
    config.story.choices = 3;
    let mut game = Headless::new(config, model.clone(), 21, true);
    game.app.data_dir = data.join("sessions");
    game.start(&Opening::Builtin(3)).unwrap();
    for line in ["look around", "1", "open the door", "2"] {
        game.act(line).unwrap();
    }
    // A retry draws a new seed: another version beside the last passage.
    game.retry().unwrap();
    let path = game.app.session_path.clone().unwrap();
    game.app.session.save(&path).unwrap();
    Session::load(&path).unwrap()
}

fn narration_ids(s: &Session) -> Vec<usize> {
    s.tree
        .nodes()
        .iter()
        .filter(|n| n.role == Role::Narration)
        .map(|n| n.id)
        .collect()
}

#[test]
fn a_played_story_replays_identically_and_an_edited_seed_does_not() {
    let model = shipped();
    let dir = tempfile::tempdir().unwrap();
    let session = played(&model, dir.path());
    let ids = narration_ids(&session);
    assert!(ids.len() >= 4, "{} passages", ids.len());
    // Every passage stored what wrote it and how sure the model was.
    for &id in &ids {
        let n = session.tree.node(id).unwrap();
        let made = n.provenance.as_ref().expect("a record");
        assert_eq!(made.model.weights, model.weights_digest);
        let c = n.confidence.expect("confidence");
        let bits = c.surprisal_bits_per_char.expect("surprisal");
        assert!(bits > 0.0 && bits < 8.0, "{bits}");
        assert!((0.0..=1.0).contains(&c.repetition));
    }
    // The retry drew a new seed.
    let seeds: Vec<u64> = ids
        .iter()
        .map(|&id| {
            session
                .tree
                .node(id)
                .unwrap()
                .provenance
                .as_ref()
                .unwrap()
                .seed
        })
        .collect();
    let (last, before) = (seeds[seeds.len() - 1], seeds[seeds.len() - 2]);
    assert_ne!(last, before, "a retry draws a new seed");
    let retried = session.tree.node(ids[ids.len() - 1]).unwrap();
    assert_eq!(
        retried.parent,
        session.tree.node(ids[ids.len() - 2]).unwrap().parent
    );

    let results = replay(&model, &session.tree, ReplayOptions::default(), |_| {});
    let tally = Tally::of(&results);
    assert_eq!(tally.identical, ids.len(), "{results:?}");
    assert_eq!(tally.total(), ids.len());

    // Edited seeds write other passages: mismatches, each said where. (The
    // reranker can keep the same passage from other samples, so every seed
    // is edited and at least one must differ.)
    let edited = with_seeds_edited(&session);
    let results = replay(&model, &edited.tree, ReplayOptions::default(), |_| {});
    let tally = Tally::of(&results);
    assert!(tally.mismatched >= 1, "{results:?}");
    assert_eq!(tally.identical + tally.mismatched, ids.len());
    for r in &results {
        if let Outcome::Mismatch { at, replayed, .. } = &r.outcome {
            let stored = &edited.tree.node(r.node).unwrap().text;
            assert_ne!(replayed, stored);
            assert_eq!(
                stored.chars().take(*at).collect::<String>(),
                replayed.chars().take(*at).collect::<String>()
            );
        }
    }
}

fn with_seeds_edited(session: &Session) -> Session {
    let mut edited = session.clone();
    for id in narration_ids(session) {
        let mut n = edited.tree.node_mut(id).unwrap();
        n.provenance.as_mut().unwrap().seed ^= 0x9e37_79b9_7f4a_7c15;
    }
    edited
}

#[test]
fn passages_without_inputs_are_not_replayable_rather_than_mismatched() {
    let model = shipped();
    let dir = tempfile::tempdir().unwrap();
    let mut session = played(&model, dir.path());
    let ids = narration_ids(&session);
    // An older session: no record.
    session.tree.node_mut(ids[0]).unwrap().provenance = None;
    // Stopped by the player: when is not known.
    session
        .tree
        .node_mut(ids[1])
        .unwrap()
        .provenance
        .as_mut()
        .unwrap()
        .stopped = true;
    // Written by other weights.
    session
        .tree
        .node_mut(ids[2])
        .unwrap()
        .provenance
        .as_mut()
        .unwrap()
        .model
        .weights = "sha256:0000000000000000".into();
    // A hostile record: a million candidates is refused, not run.
    session
        .tree
        .node_mut(ids[3])
        .unwrap()
        .provenance
        .as_mut()
        .unwrap()
        .plan
        .candidates = 1_000_000;
    let results = replay(&model, &session.tree, ReplayOptions::default(), |_| {});
    let tally = Tally::of(&results);
    assert_eq!(tally.not_replayable, 4, "{results:?}");
    assert_eq!(tally.mismatched, 0);
    assert_eq!(tally.identical, ids.len() - 4);
    let why = |id: usize| match &results.iter().find(|r| r.node == id).unwrap().outcome {
        Outcome::NotReplayable(why) => why.clone(),
        other => panic!("{other:?}"),
    };
    assert!(why(ids[0]).contains("no stored inputs"));
    assert!(why(ids[1]).contains("stopped"));
    assert!(why(ids[2]).contains("written by model"));
    assert!(why(ids[3]).contains("candidates"));
}

#[test]
fn the_replay_command_reports_each_passage_and_the_review_reports_confidence() {
    let model = shipped();
    let dir = tempfile::tempdir().unwrap();
    let session = played(&model, dir.path());
    let n = narration_ids(&session).len();
    let run = |args: &[&str]| {
        let out = common::fabula()
            .args(args)
            .env("FABULA_DATA", dir.path())
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, out, err) = run(&["replay", &session.id]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(
        out.lines().filter(|l| l.ends_with(": identical")).count(),
        n
    );
    assert_eq!(
        out.lines().last().unwrap(),
        format!("identical={n} total={n}")
    );

    // Seeds edited in the file: exit 1, the passages named.
    let path = dir
        .path()
        .join("sessions")
        .join(format!("{}.json", session.id));
    let edited = with_seeds_edited(&session);
    let expected = Tally::of(&replay(
        &model,
        &edited.tree,
        ReplayOptions::default(),
        |_| {},
    ));
    assert!(expected.mismatched >= 1);
    std::fs::write(&path, edited.to_json()).unwrap();
    let (code, out, err) = run(&["replay", path.to_str().unwrap()]);
    assert_eq!(code, Some(1));
    assert_eq!(
        out.matches(": MISMATCH at character").count(),
        expected.mismatched,
        "{out}"
    );
    assert_eq!(
        out.lines().last().unwrap(),
        format!("identical={} total={n}", expected.identical)
    );
    assert!(err.contains("did not replay identically"), "{err}");

    // A bad id is refused before anything is read.
    let (code, _, err) = run(&["replay", "../../etc/passwd.json"]);
    assert_eq!(code, Some(1));
    assert!(
        err.contains("does not exist") || err.contains("No such file"),
        "{err}"
    );
    let (code, _, err) = run(&["replay", ".hidden"]);
    assert_eq!(code, Some(1));
    assert!(err.contains("is not a session id"), "{err}");

    // review --json: each passage's confidence, null for other turns.
    let (code, out, err) = run(&["review", path.to_str().unwrap(), "--json"]);
    assert_eq!(code, Some(0), "{err}");
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    let turns = json["turns"].as_array().unwrap();
    let mut passages = 0;
    for t in turns {
        let obj = t.as_object().unwrap();
        assert!(obj.contains_key("surprisal_bits_per_char"), "{t}");
        assert!(obj.contains_key("repetition"), "{t}");
        if t["role"] == "narration" {
            passages += 1;
            assert!(t["surprisal_bits_per_char"].as_f64().unwrap() > 0.0);
            assert!(t["repetition"].as_f64().is_some());
        } else {
            assert!(t["surprisal_bits_per_char"].is_null());
        }
    }
    assert!(passages >= 3);
    assert!(json["confidence"]["median_surprisal_bits_per_char"]
        .as_f64()
        .is_some());
    let (code, out, _) = run(&["review", path.to_str().unwrap(), "--summary"]);
    assert_eq!(code, Some(0));
    assert!(out.contains("confidence: median surprisal"), "{out}");
    assert!(out.contains("bits/c"), "{out}");
}
