//! The command line as a user meets it: bad flags and bad files give a
//! clear message and a non-zero exit, training is reproducible.

mod common;

use std::fs;

use common::{fabula, train_tiny, SENTENCE};

fn run(args: &[&str]) -> (i32, String, String) {
    let out = fabula().args(args).output().expect("run fabula");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn sampling_settings_out_of_range_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let stem = train_tiny(dir.path(), &SENTENCE.repeat(20), 2);
    let m = stem.to_str().unwrap();
    for (flag, value, needle) in [
        ("--temperature", "-1", "temperature"),
        ("--top-p", "1.5", "top-p"),
        ("--top-p", "0", "top-p"),
        ("--repetition-penalty", "0.5", "repetition penalty"),
        ("--max-tokens", "0", "max tokens"),
    ] {
        let (code, _, err) = run(&["generate", "-m", m, flag, value]);
        assert_ne!(code, 0, "{flag} {value}");
        assert!(err.contains(needle), "{flag} {value}: {err}");
    }
    let (code, _, err) = run(&["generate", "-m", m, "--top-k", "many"]);
    assert_ne!(code, 0);
    assert!(err.contains("--top-k"), "{err}");
    let (code, _, err) = run(&["generate", "--no-such-flag"]);
    assert_ne!(code, 0);
    assert!(err.contains("--no-such-flag"), "{err}");
}

#[test]
fn generate_streams_and_same_seed_gives_same_text() {
    let dir = tempfile::tempdir().unwrap();
    let stem = train_tiny(dir.path(), &SENTENCE.repeat(100), 60);
    let m = stem.to_str().unwrap();
    let args = [
        "generate",
        "-m",
        m,
        "--prompt",
        "The ",
        "--max-tokens",
        "80",
        "--seed",
        "4",
        "--temperature",
        "1.0",
    ];
    let (code, a, err) = run(&args);
    assert_eq!(code, 0, "{err}");
    assert!(a.starts_with("The "));
    // The prompt, 80 sampled characters (a space or a line break among
    // them), and the line end `generate` adds.
    let body = a.strip_suffix('\n').expect("a closing line end");
    assert_eq!(body.chars().count(), 84, "{a:?}");
    let (_, b, _) = run(&args);
    assert_eq!(a, b);
    let (_, stopped, _) = run(&[
        "generate",
        "-m",
        m,
        "--prompt",
        "The quick",
        "--temperature",
        "0",
        "--stop",
        "fox",
    ]);
    assert_eq!(stopped.trim_end_matches('\n'), "The quick brown ");
}

#[test]
fn generate_takes_its_model_and_sampling_from_the_config() {
    let dir = tempfile::tempdir().unwrap();
    let stem = train_tiny(dir.path(), &SENTENCE.repeat(100), 60);
    let config = dir.path().join("c.toml");
    fs::write(
        &config,
        format!(
            "[models]\nstory = {:?}\n[sampling]\ntemperature = 0.0\nmax_tokens = 12\n",
            stem.to_str().unwrap()
        ),
    )
    .unwrap();
    let c = config.to_str().unwrap();
    let (code, out, err) = run(&["--config", c, "generate", "--prompt", "The "]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out.trim_end_matches('\n').chars().count(),
        4 + 12,
        "{out:?}"
    );
    // A flag still wins over the config.
    let (code, out, err) = run(&[
        "--config",
        c,
        "generate",
        "--prompt",
        "The ",
        "--max-tokens",
        "3",
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.trim_end_matches('\n').chars().count(), 4 + 3, "{out:?}");
    // --print-config-path names the file given, after checking it.
    let (code, out, _) = run(&["--config", c, "--print-config-path"]);
    assert_eq!((code, out.trim()), (0, c));
    let bad = dir.path().join("bad.toml");
    fs::write(&bad, "[story\n").unwrap();
    let (code, _, err) = run(&["--config", bad.to_str().unwrap(), "--print-config-path"]);
    assert_ne!(code, 0);
    assert!(err.contains("bad.toml") && err.contains("line 1"), "{err}");
}

#[test]
fn eval_prints_bits_per_char_last_and_names_bad_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let stem = train_tiny(dir.path(), &SENTENCE.repeat(300), 300);
    let m = stem.to_str().unwrap();
    let text = dir.path().join("held_out.txt");
    fs::write(&text, SENTENCE.repeat(50)).unwrap();
    let (code, out, err) = run(&["eval", "-m", m, "--text", text.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let last = out.lines().last().unwrap();
    let bpc: f64 = last
        .strip_prefix("bits_per_char=")
        .unwrap()
        .parse()
        .unwrap();
    assert!(bpc < 0.3, "{out}");

    let bad = dir.path().join("bad.txt");
    fs::write(&bad, b"The quick brown \xc3\x28 fox").unwrap();
    let (code, _, err) = run(&["eval", "-m", m, "--text", bad.to_str().unwrap()]);
    assert_ne!(code, 0);
    assert!(err.contains("bad.txt") && err.contains("byte 16"), "{err}");
}

#[test]
fn missing_and_corrupt_models_are_one_line_errors() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = run(&["generate", "-m", dir.path().join("nope").to_str().unwrap()]);
    assert_ne!(code, 0);
    assert!(err.contains("nope"), "{err}");
    let card = dir.path().join("junk.json");
    fs::write(&card, "not json").unwrap();
    fs::write(dir.path().join("junk.safetensors"), "x").unwrap();
    let (code, _, err) = run(&["generate", "-m", card.to_str().unwrap()]);
    assert_ne!(code, 0);
    assert!(
        err.contains("junk.json") && err.lines().count() == 1,
        "{err}"
    );
}

#[test]
fn training_with_the_same_seed_gives_the_same_weights() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("c.txt");
    fs::write(&corpus, SENTENCE.repeat(60)).unwrap();
    let train = |out: &str| {
        let (code, _, err) = run(&[
            "train",
            corpus.to_str().unwrap(),
            "-o",
            dir.path().join(out).to_str().unwrap(),
            "--hidden",
            "32",
            "--embed",
            "8",
            "--layers",
            "2",
            "--batch-size",
            "4",
            "--bptt",
            "16",
            "--steps",
            "15",
            "--checkpoint-every",
            "15",
            "--seed",
            "5",
            "--threads",
            "1",
            "--device",
            "cpu",
        ]);
        assert_eq!(code, 0, "{err}");
        fs::read(dir.path().join(format!("{out}.safetensors"))).unwrap()
    };
    assert_eq!(train("a"), train("b"));
}

#[test]
fn training_errors_name_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("latin1.txt");
    fs::write(&bad, b"caf\xe9 au lait").unwrap();
    let (code, _, err) = run(&[
        "train",
        bad.to_str().unwrap(),
        "-o",
        dir.path().join("m").to_str().unwrap(),
    ]);
    assert_ne!(code, 0);
    assert!(
        err.contains("latin1.txt") && err.contains("byte 3"),
        "{err}"
    );
    let (code, _, err) = run(&["train", "/no/such/file.txt", "-o", "x"]);
    assert_ne!(code, 0);
    assert!(err.contains("/no/such/file.txt"), "{err}");
}

#[test]
fn review_summary_of_a_transcript_and_refusal_of_other_files() {
    let dir = tempfile::tempdir().unwrap();
    let t = dir.path().join("play.txt");
    fs::write(&t, "You are in a dark, terrible cave.\n\n> light lamp\nThe lamp glows. What a wonderful, warm light!\n\n> go north\nYou fall into a pit.\n").unwrap();
    let (code, out, err) = run(&["review", t.to_str().unwrap(), "--summary"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("turns: 5 (2 by the player)"), "{out}");
    assert!(out.contains("light lamp"), "{out}");
    let (code, json, _) = run(&["review", t.to_str().unwrap(), "--json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["turns"].as_array().unwrap().len(), 5);
    assert_eq!(v["stats"]["most_positive_turn"], 3);

    let img = dir.path().join("picture.png");
    fs::write(&img, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00").unwrap();
    let (code, _, err) = run(&["review", img.to_str().unwrap(), "--summary"]);
    assert_ne!(code, 0);
    assert!(
        err.contains("picture.png") && err.contains("not a transcript"),
        "{err}"
    );
}

#[test]
fn sentiment_reads_stdin_lines() {
    use std::io::Write;
    let mut child = fabula()
        .arg("sentiment")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"I love it\nnot good at all\n\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let labels: Vec<&str> = text
        .lines()
        .map(|l| l.split('\t').nth(1).unwrap())
        .collect();
    assert_eq!(labels, vec!["positive", "negative", "neutral"]);
}

#[test]
fn the_terminal_screens_without_a_terminal_say_what_to_use() {
    let dir = tempfile::tempdir().unwrap();
    for args in [&[][..], &["lyrics"][..], &["--resume"][..]] {
        let out = fabula()
            .args(args)
            .env("FABULA_DATA", dir.path())
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(
            err.contains("needs a terminal") || err.contains("no saved stories"),
            "{args:?}: {err}"
        );
        assert!(out.stdout.is_empty(), "nothing drawn blind into a pipe");
    }
}

#[test]
fn review_opens_without_a_model() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("skipped: `script` (util-linux) is needed for a terminal");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let story = dir.path().join("story.txt");
    fs::write(
        &story,
        "A dark room.\n\n> light the lamp\n\nThe lamp glows.\n",
    )
    .unwrap();
    let config = dir.path().join("c.toml");
    fs::write(
        &config,
        "[models]\nstory = \"/no/such/model\"\nlyrics = \"/no/such/model\"\n",
    )
    .unwrap();
    let command = format!(
        "stty rows 30 cols 100; exec {} --config {} review {}",
        env!("CARGO_BIN_EXE_fabula"),
        config.display(),
        story.display()
    );
    let mut child = Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .env("FABULA_DATA", dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_secs(2));
    let mut stdin = child.stdin.take().unwrap();
    let _ = stdin.write_all(b"q");
    let started = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if started.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            panic!("review did not end on q");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    drop(stdin);
    let mut out = String::new();
    std::io::Read::read_to_string(&mut child.stdout.take().unwrap(), &mut out).unwrap();
    assert!(status.success(), "{out}");
    assert!(!out.contains("/no/such/model"), "{out}");
    assert!(out.contains("The lamp glows."), "{out}");
}

#[test]
fn bench_frames_prints_its_figures() {
    let out = fabula()
        .args(["bench", "--frames", "--turns", "300", "--frame-count", "40"])
        .output()
        .expect("run fabula");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let last = stdout.lines().last().unwrap_or_default();
    let kv: std::collections::HashMap<&str, &str> = last
        .split_whitespace()
        .filter_map(|p| p.split_once('='))
        .collect();
    for key in ["frame_p50_ms", "frame_p99_ms", "rss_mb"] {
        assert!(kv.contains_key(key), "{key} missing: {last}");
    }
    assert_eq!(kv.get("frames"), Some(&"40"), "{last}");
    assert_eq!(kv.get("turns"), Some(&"300"), "{last}");
    let p50: f64 = kv["frame_p50_ms"].parse().unwrap();
    let p99: f64 = kv["frame_p99_ms"].parse().unwrap();
    assert!(p50 > 0.0 && p99 >= p50, "{last}");
}

#[test]
fn a_weight_format_is_chosen_by_name_and_a_bad_one_stops_fabula() {
    let out = fabula()
        .args([
            "generate",
            "--prompt",
            "You stand",
            "--max-tokens",
            "40",
            "--seed",
            "3",
        ])
        .env("FABULA_WEIGHTS", "fp8")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("FABULA_WEIGHTS") && err.contains("\"fp8\"") && err.contains("int8"),
        "{err}"
    );
    assert!(out.stdout.is_empty());
    // Each format samples from the shipped model; int8 text is its own
    // (weights differ), and is still text.
    for format in ["f32", "bf16", "int8"] {
        let out = fabula()
            .args([
                "generate",
                "--prompt",
                "You stand",
                "--max-tokens",
                "40",
                "--seed",
                "3",
            ])
            .env("FABULA_WEIGHTS", format)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{format}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(String::from_utf8_lossy(&out.stdout).len() > 20, "{format}");
    }
}
