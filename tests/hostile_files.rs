//! Hostile files and settings: only regular files are read, sizes and
//! safetensors headers are checked before data is read, every config value
//! and every command's --config is checked, `train` checks its output
//! first, and `--sessions` says why a folder cannot be read. Each case is
//! a one-line error at once: a hang is a failure, not a slow pass.

mod common;

use std::fs;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::{fabula, train_tiny, SENTENCE};

/// Runs fabula with stdin from /dev/null; kills it and fails the test when
/// it has not ended within `limit`.
fn run_within(limit: Duration, data: &Path, args: &[&str]) -> (i32, String) {
    let mut child = fabula()
        .args(args)
        .env("FABULA_DATA", data)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run fabula");
    let start = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("fabula {args:?} still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A one-line error naming `name` and saying `needle`, within seconds.
fn refused(data: &Path, args: &[&str], name: &str, needle: &str) {
    let (code, err) = run_within(Duration::from_secs(20), data, args);
    assert_ne!(code, 0, "{args:?} succeeded: {err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: {err}");
    assert!(
        err.contains(name) && err.contains(needle),
        "{args:?}: wanted {name:?} and {needle:?} in {err:?}"
    );
}

fn mkfifo(path: &Path) {
    let ok = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap()
        .success();
    assert!(ok, "mkfifo {}", path.display());
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn hostile_model_files_are_one_line_errors_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let tiny = train_tiny(dir.path(), &SENTENCE.repeat(40), 3);
    let weights = fs::read(tiny.with_extension("safetensors")).unwrap();
    let card = fs::read(tiny.with_extension("json")).unwrap();
    let model = dir.path().join("m");
    let w = dir.path().join("m.safetensors");
    let c = dir.path().join("m.json");
    let generate = ["generate", "-m", s(&model), "--prompt", "The "];
    let reset = |weights_too: bool| {
        for p in [&w, &c] {
            if fs::symlink_metadata(p).is_ok_and(|m| m.is_dir()) {
                fs::remove_dir(p).unwrap();
            } else if fs::symlink_metadata(p).is_ok() {
                fs::remove_file(p).unwrap();
            }
        }
        fs::write(&c, &card).unwrap();
        if weights_too {
            fs::write(&w, &weights).unwrap();
        }
    };

    // The pair as trained loads.
    reset(true);
    let (code, err) = run_within(Duration::from_secs(60), dir.path(), &generate);
    assert_eq!(code, 0, "{err}");

    // A 3 GB sparse weights file: refused from its length, not read.
    reset(true);
    fs::File::options()
        .write(true)
        .open(&w)
        .unwrap()
        .set_len(3 << 30)
        .unwrap();
    refused(dir.path(), &generate, "m.safetensors", "allowed");

    // Data beyond what the header describes: found from the header alone.
    reset(true);
    fs::File::options()
        .write(true)
        .open(&w)
        .unwrap()
        .set_len(weights.len() as u64 + (1 << 30))
        .unwrap();
    refused(
        dir.path(),
        &generate,
        "m.safetensors",
        "its header describes",
    );

    // A header that claims more than the file holds.
    reset(false);
    let mut lying = weights.clone();
    lying[..8].copy_from_slice(&(1u64 << 40).to_le_bytes());
    fs::write(&w, &lying).unwrap();
    refused(dir.path(), &generate, "m.safetensors", "header length");

    // Things that are not regular files.
    reset(false);
    std::os::unix::fs::symlink("/dev/zero", &w).unwrap();
    refused(dir.path(), &generate, "m.safetensors", "character device");
    reset(false);
    mkfifo(&w);
    refused(dir.path(), &generate, "m.safetensors", "FIFO");
    reset(false);
    fs::create_dir(&w).unwrap();
    refused(dir.path(), &generate, "m.safetensors", "directory");
    reset(true);
    fs::remove_file(&c).unwrap();
    mkfifo(&c);
    refused(dir.path(), &generate, "m.json", "FIFO");
    fs::remove_file(&c).unwrap();
    std::os::unix::fs::symlink("/dev/zero", &c).unwrap();
    refused(dir.path(), &generate, "m.json", "character device");
}

#[test]
fn hostile_input_files_are_one_line_errors_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let fifo = d.join("fifo");
    mkfifo(&fifo);
    let f = s(&fifo);
    // Config, session or transcript, training text, evaluation text.
    refused(d, &["--config", f, "--sessions"], "fifo", "FIFO");
    refused(d, &["lyrics", "--print", "--config", f], "fifo", "FIFO");
    refused(d, &["review", f, "--summary"], "fifo", "FIFO");
    refused(
        d,
        &["review", "/dev/zero", "--summary"],
        "/dev/zero",
        "device",
    );
    refused(d, &["review", s(d), "--summary"], s(d), "directory");
    let out = d.join("out");
    refused(d, &["train", f, "-o", s(&out)], "fifo", "FIFO");
    refused(
        d,
        &["train", "/dev/zero", "-o", s(&out)],
        "/dev/zero",
        "device",
    );
    refused(d, &["eval", "--text", f], "fifo", "FIFO");
    refused(d, &["eval", "--text", "/dev/zero"], "/dev/zero", "device");
}

#[test]
fn train_checks_its_output_before_the_first_step() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("c.txt");
    fs::write(&corpus, SENTENCE.repeat(60)).unwrap();
    // A file where the output folder should be: nothing can be saved there.
    let blocker = dir.path().join("blocker");
    fs::write(&blocker, "a file").unwrap();
    let output = blocker.join("model");
    let args = [
        "train",
        s(&corpus),
        "-o",
        s(&output),
        "--steps",
        "1000000",
        "--hidden",
        "32",
        "--threads",
        "1",
        "--device",
        "cpu",
    ];
    refused(dir.path(), &args, "blocker", "output cannot be written");
    // An output that is a folder.
    fs::create_dir(dir.path().join("m.safetensors")).unwrap();
    let m = dir.path().join("m");
    let args = ["train", s(&corpus), "-o", s(&m), "--steps", "1000000"];
    refused(dir.path(), &args, "m.safetensors", "not a regular file");
}

#[test]
fn every_command_checks_the_config_it_is_given() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let corpus = d.join("c.txt");
    fs::write(&corpus, SENTENCE.repeat(10)).unwrap();
    for (name, text) in [
        ("nan.toml", "[lyrics]\ntemperature = nan\n"),
        ("huge.toml", "[lyrics]\ntemperature = 1e30\n"),
        ("negative.toml", "[lyrics]\ntemperature = -5.0\n"),
        ("long.toml", "[story]\nmax_passage_chars = 1000000000000\n"),
    ] {
        let config = d.join(name);
        fs::write(&config, text).unwrap();
        let c = s(&config);
        let out = d.join("out");
        for args in [
            vec!["--config", c, "--sessions"],
            vec!["--config", c, "lyrics", "--print"],
            vec!["--config", c, "generate", "--prompt", "x"],
            vec!["--config", c, "eval", "--text", s(&corpus)],
            vec!["--config", c, "sentiment"],
            vec!["--config", c, "train", s(&corpus), "-o", s(&out)],
            vec!["--config", c, "review", s(&corpus), "--summary"],
        ] {
            refused(d, &args, name, "must be");
        }
    }
    refused(
        d,
        &[
            "eval",
            "--text",
            s(&corpus),
            "--streams",
            "0",
            "--window",
            "0",
        ],
        "--streams",
        "at least",
    );
}

#[test]
fn sessions_says_why_it_cannot_read_the_folder() {
    let dir = tempfile::tempdir().unwrap();
    // No folder yet: nothing saved, which is not an error.
    let (code, err) = run_within(Duration::from_secs(20), dir.path(), &["--sessions"]);
    assert_eq!(code, 0, "{err}");
    // A file where the sessions folder should be.
    fs::write(dir.path().join("sessions"), "not a folder").unwrap();
    refused(dir.path(), &["--sessions"], "sessions", "not a folder");
}

#[test]
fn a_second_fabula_on_the_same_story_is_refused() {
    use fabula::story::session::{ModelStamp, SessionLock};
    use fabula::story::Session;
    if std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("skipped: `script` (util-linux) is needed for a terminal");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let sessions = dir.path().join("sessions");
    fs::create_dir_all(&sessions).unwrap();
    let path = sessions.join("1700000000-1.json");
    Session::new("g", "Once upon a time.", ModelStamp::default())
        .save(&path)
        .unwrap();
    // fabula in a terminal (script gives it one); a model that does not
    // exist makes it stop right after the session is taken.
    let resume = || {
        let command = format!(
            "{} --resume 1700000000-1 --model /no/such/model",
            env!("CARGO_BIN_EXE_fabula")
        );
        let out = std::process::Command::new("script")
            .args(["-qec", &command, "/dev/null"])
            .env("FABULA_DATA", dir.path())
            .stdin(Stdio::null())
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    // The first player holds the story: the second is refused.
    let first = SessionLock::acquire(&path).unwrap();
    let said = resume();
    assert!(
        said.contains("open in another fabula") && !said.contains("/no/such/model"),
        "{said}"
    );
    // Once the first has quit, the story opens (and fails only on the model).
    drop(first);
    let said = resume();
    assert!(
        said.contains("/no/such/model") && !said.contains("another fabula"),
        "{said}"
    );
}
