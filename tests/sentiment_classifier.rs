//! The trained sentiment classifier: training on a small fixture reaches an
//! accuracy floor, files round-trip and the Rust path equals libtorch's,
//! broken files are errors, the shipped models beat the other scorers on
//! held-out text, and reviews pick the scorer by each turn's language.

mod common;

use std::io::Write;
use std::path::Path;
use std::process::Stdio;
use std::sync::atomic::AtomicBool;

use fabula::lm::checkpoint::{copy_into, CheckedWeights, ModelFiles};
use fabula::review::summary::summarize;
use fabula::review::transcript::open_for_review;
use fabula::sentiment::classifier::{expected_tensors, Classifier, Net};
use fabula::sentiment::lang::Lang;
use fabula::sentiment::train::{self, split, Example, Split, TrainSettings};
use fabula::sentiment::{Label, ScorerName};

/// A deterministic fixture: short reviews whose polarity is carried by one
/// of a few words (in English and Chinese), amid neutral filler.
fn fixture() -> Vec<Example> {
    let good = [
        "great",
        "lovely",
        "superb",
        "wonderful",
        "好",
        "满意",
        "喜欢",
    ];
    let bad = [
        "awful", "broken", "terrible", "useless", "差", "失望", "垃圾",
    ];
    let filler = [
        "the", "book", "phone", "arrived", "today", "and", "it", "is", "这", "本", "书", "的",
        "手机", "很",
    ];
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    (0..1200)
        .map(|i| {
            let positive = i % 2 == 0;
            let words = if positive { &good } else { &bad };
            let mut parts: Vec<&str> = (0..3 + next(5))
                .map(|_| filler[next(filler.len())])
                .collect();
            let at = next(parts.len() + 1);
            parts.insert(at, words[next(words.len())]);
            Example {
                label: if positive {
                    Label::Positive
                } else {
                    Label::Negative
                },
                text: format!("{} {i}", parts.join(" ")),
            }
        })
        .collect()
}

fn small_settings() -> TrainSettings {
    let mut s = TrainSettings::new(Lang::Chinese);
    s.name = "fixture".into();
    s.embed_dim = 16;
    s.hidden_size = 16;
    s.epochs = 5;
    s.learning_rate = 1e-2;
    s.dropout = 0.1;
    s.lexicon_init = false;
    s
}

#[test]
fn trains_on_a_fixture_round_trips_and_matches_libtorch() {
    tch::set_num_threads(1);
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("fixture.tsv");
    let examples = fixture();
    let tsv: String = examples
        .iter()
        .map(|e| format!("{}\t{}\n", e.label, e.text))
        .collect();
    std::fs::write(&data, tsv).unwrap();
    let out = dir.path().join("fixture");
    let stop = AtomicBool::new(false);
    let mut epochs = 0;
    let (card, files) = train::train(&examples, &data, &small_settings(), &out, &stop, |_| {
        epochs += 1
    })
    .unwrap();
    assert_eq!(epochs, 5);
    assert!(files.weights.is_file() && files.card.is_file());
    assert_eq!(card.labels, [Label::Negative, Label::Positive]);

    // Accuracy floor on the fixture's test split, by the Rust path as loaded.
    let loaded = Classifier::load(&out).unwrap();
    assert_eq!(loaded.card, card, "the card reads back as written");
    let test = split(&examples, Split::Test);
    assert!(test.len() > 60, "{}", test.len());
    let right = test
        .iter()
        .filter(|e| loaded.score(&e.text).label == e.label)
        .count();
    let accuracy = right as f64 / test.len() as f64;
    assert!(accuracy >= 0.9, "fixture test accuracy {accuracy}");
    assert!((card.heldout.accuracy - accuracy).abs() < 1e-9);
    assert_eq!(card.heldout.n, test.len());

    // The Rust forward pass equals libtorch's on the same weights.
    let expected = expected_tensors(&card.hyper, card.labels.len());
    let weights = CheckedWeights::read_expected(&files.weights, &expected).unwrap();
    let mut vs = tch::nn::VarStore::new(tch::Device::Cpu);
    let net = Net::new(&vs.root(), &card.hyper, card.labels.len());
    copy_into(&mut vs, &weights, &expected).unwrap();
    for e in test.iter().take(20) {
        let ids = loaded.encode(&e.text);
        let rust = loaded.probabilities_of(&ids).unwrap();
        let x: Vec<i64> = ids.iter().map(|&i| i as i64).collect();
        let n = x.len() as i64;
        let torch = tch::no_grad(|| {
            net.forward(
                &tch::Tensor::from_slice(&x).view([1, n]),
                &tch::Tensor::from_slice(&[n]),
                false,
            )
            .softmax(-1, tch::Kind::Float)
        });
        let torch = Vec::<f32>::try_from(torch.view([-1])).unwrap();
        for (a, b) in rust.iter().zip(&torch) {
            assert!(
                (a - b).abs() < 1e-4,
                "{:?}: rust {rust:?} torch {torch:?}",
                e.text
            );
        }
    }
}

#[test]
fn broken_files_are_errors_that_name_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let stem = dir.path().join("bad");
    let files = ModelFiles::new(&stem);
    let missing = Classifier::load(&stem).unwrap_err().to_string();
    assert!(missing.contains("bad.json"), "{missing}");

    // A language model's card is not a classifier's.
    let shipped = fabula::paths::resolve_model("sentiment-zh").unwrap();
    let good = ModelFiles::new(&shipped);
    let card = std::fs::read_to_string(&good.card).unwrap();
    std::fs::write(
        &files.card,
        card.replace("fabula-sentiment-lstm", "fabula-char-lstm"),
    )
    .unwrap();
    std::fs::copy(&good.weights, &files.weights).unwrap();
    let e = Classifier::load(&stem).unwrap_err().to_string();
    assert!(e.contains("format") && e.contains("bad.json"), "{e}");

    // A card whose vocabulary disagrees with its shape.
    let mut json: serde_json::Value = serde_json::from_str(&card).unwrap();
    json["vocab"].as_array_mut().unwrap().pop();
    std::fs::write(&files.card, json.to_string()).unwrap();
    let e = Classifier::load(&stem).unwrap_err().to_string();
    assert!(e.contains("vocab"), "{e}");

    // Weights cut short.
    std::fs::write(&files.card, &card).unwrap();
    let bytes = std::fs::read(&good.weights).unwrap();
    std::fs::write(&files.weights, &bytes[..bytes.len() / 2]).unwrap();
    let e = Classifier::load(&stem).unwrap_err().to_string();
    assert!(e.contains("bad.safetensors"), "{e}");
    std::fs::write(&files.weights, &bytes).unwrap();
    assert!(Classifier::load(&stem).is_ok());
}

fn shipped_examples(lang: Lang) -> Vec<Example> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(train::default_data(lang));
    train::read_examples(&path).unwrap()
}

#[test]
fn shipped_classifiers_beat_the_other_scorers_on_held_out_text() {
    for (lang, floor) in [(Lang::English, 0.67), (Lang::Chinese, 0.80)] {
        let path = fabula::paths::resolve_model(&format!("sentiment-{}", lang.code())).unwrap();
        let model = Classifier::load(&path).unwrap();
        assert_eq!(model.language(), lang);
        let f = train::measure(&shipped_examples(lang), &model);
        assert!(f.n > 1000, "{lang}: {f:?}");
        assert!(f.classifier >= floor, "{lang}: {f:?}");
        assert!(
            f.classifier > f.lexicon && f.classifier > f.baseline,
            "{lang}: {f:?}"
        );
        // The card's figures are the ones measured now.
        assert!((model.card.heldout.accuracy - f.classifier).abs() < 1e-9);
        assert!((model.card.heldout.lexicon_accuracy - f.lexicon).abs() < 1e-9);
    }
}

#[test]
fn turns_are_scored_by_their_language_and_say_by_what() {
    let scorer = fabula::sentiment::turn::turn_scorer();
    assert_eq!(scorer.chosen(Lang::Chinese), ScorerName::LstmChinese);
    let zh = fabula::sentiment::score_turn("这本书太差了，非常失望，千万别买");
    assert_eq!(zh.scorer, Some(ScorerName::LstmChinese));
    assert_eq!(zh.label, Label::Negative);
    assert!(zh.score < 0.0);
    let zh = fabula::sentiment::score_turn("质量很好，非常满意，推荐购买");
    assert_eq!(zh.label, Label::Positive);
    let en = fabula::sentiment::score_turn("What a wonderful, happy day!");
    assert_eq!(en.scorer, Some(scorer.chosen(Lang::English)));
    assert_eq!(en.label, Label::Positive);
    let empty = fabula::sentiment::score_turn("");
    assert_eq!(empty.label, Label::Neutral);
}

#[test]
fn a_chinese_transcript_is_reviewed_with_the_chinese_scorer() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("zh.txt");
    std::fs::write(
        &path,
        "你站在城堡门口，天色阴沉。\n> 打开门\n门开了，里面漆黑一片，你非常害怕，感到绝望。\n> look\nYou see a lovely garden full of flowers.\n",
    )
    .unwrap();
    let session = open_for_review(&path).unwrap();
    let json = serde_json::to_value(summarize(&session)).unwrap();
    let rows = json["turns"].as_array().unwrap();
    let scorers: Vec<&str> = rows.iter().map(|r| r["scorer"].as_str().unwrap()).collect();
    let english = fabula::sentiment::turn::turn_scorer()
        .chosen(Lang::English)
        .as_str();
    assert_eq!(scorers, ["lstm-zh", "lstm-zh", "lstm-zh", english, english]);
    assert_eq!(rows[2]["label"], "negative", "{rows:?}");
}

#[test]
fn plain_mode_says_the_story_model_writes_english() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = common::fabula()
        .args(["--plain", "--seed", "3", "--opening", "1"])
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
        .write_all("打开门\n".as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert_eq!(
        stderr.matches("the story model writes English").count(),
        0,
        "case: the notice starts with a capital"
    );
    assert_eq!(
        stderr.matches("The story model writes English").count(),
        1,
        "{stderr}"
    );
}
