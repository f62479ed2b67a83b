//! The engine thread driven with a tiny model: streamed tokens add up to
//! the passage, cancellation stops it, the UI thread never blocks.

mod common;

use std::time::{Duration, Instant};

use common::{train_tiny, SENTENCE};
use fabula::engine::{self, CancelToken, Event, ModelSlot, Models, Request};
use fabula::lm::{InferenceModel, SamplingConfig};

fn engine_with_tiny_model() -> (
    engine::EngineHandle,
    tokio::sync::mpsc::UnboundedReceiver<Event>,
    tempfile::TempDir,
) {
    let dir = tempfile::tempdir().unwrap();
    let stem = train_tiny(dir.path(), &SENTENCE.repeat(300), 300);
    let model = InferenceModel::load(&stem).unwrap();
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let handle = engine::spawn(Models::story(std::sync::Arc::new(model)), tx);
    (handle, rx, dir)
}

fn continue_request(job: u64, max_tokens: usize, cancel: CancelToken) -> Request {
    Request::Continue {
        job,
        slot: ModelSlot::Story,
        state: None,
        context: String::new(),
        prefix: "The quick".into(),
        sampling: SamplingConfig {
            temperature: 0.0,
            max_tokens,
            ..SamplingConfig::default()
        },
        stops: vec![". ".into()],
        min_chars: 60,
        seed: 1,
        cancel,
    }
}

#[test]
fn streamed_tokens_make_up_the_passage() {
    let (engine, mut rx, _dir) = engine_with_tiny_model();
    assert!(engine.send(continue_request(1, 500, CancelToken::default())));
    let mut streamed = String::new();
    let mut fed = false;
    loop {
        match rx.blocking_recv().expect("engine alive") {
            Event::Fed { job, .. } => {
                assert_eq!(job, 1);
                fed = true;
            }
            Event::Token { text, .. } => streamed.push_str(&text),
            Event::Done {
                text,
                cancelled,
                tokens,
                ..
            } => {
                assert!(fed && !cancelled);
                assert_eq!(text, streamed);
                // Paragraph rounds continue past the stop string until min_chars.
                assert!(
                    text.starts_with(" brown fox jumps over the lazy dog\n\nThe quick brown fox"),
                    "{text:?}"
                );
                assert!(text.chars().count() >= 60 && tokens >= 60);
                break;
            }
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn cancel_stops_generation_and_keeps_text() {
    let (engine, mut rx, _dir) = engine_with_tiny_model();
    let cancel = CancelToken::default();
    let mut req = continue_request(2, 1_000_000, cancel.clone());
    if let Request::Continue { stops, .. } = &mut req {
        stops.clear();
    }
    engine.send(req);
    let mut streamed = String::new();
    loop {
        match rx.blocking_recv().unwrap() {
            Event::Token { text, .. } => {
                streamed.push_str(&text);
                if streamed.len() > 100 {
                    cancel.cancel();
                }
            }
            Event::Done {
                text, cancelled, ..
            } => {
                assert!(cancelled);
                assert!(text.len() < 10_000, "stopped promptly");
                assert_eq!(text, streamed);
                break;
            }
            _ => {}
        }
    }
}

/// While the engine generates, a UI loop on another thread keeps taking
/// "keys" (here: messages on a channel) with no wait on the model.
#[test]
fn ui_loop_never_waits_on_the_model() {
    let (engine, mut rx, _dir) = engine_with_tiny_model();
    let cancel = CancelToken::default();
    let mut req = continue_request(3, 20_000, cancel.clone());
    if let Request::Continue { stops, .. } = &mut req {
        stops.clear();
    }
    engine.send(req);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    let (key_tx, mut key_rx) = tokio::sync::mpsc::unbounded_channel::<Instant>();
    std::thread::spawn(move || {
        for _ in 0..50 {
            if key_tx.send(Instant::now()).is_err() {
                break;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    });
    let mut waits = runtime.block_on(async {
        let mut waits = Vec::new();
        let mut keys = 0;
        let mut tokens = 0;
        while keys < 50 {
            tokio::select! {
                Some(sent) = key_rx.recv() => { waits.push(sent.elapsed()); keys += 1; }
                Some(ev) = rx.recv() => if let Event::Token { .. } = ev { tokens += 1; },
            }
        }
        cancel.cancel();
        assert!(tokens > 0, "tokens streamed while keys were handled");
        waits
    });
    // One frame at 60 Hz, for 9 keys in 10: the rest allows for a busy CI machine
    // descheduling the test itself.
    waits.sort();
    let p90 = waits[waits.len() * 9 / 10];
    assert!(p90 < Duration::from_millis(16), "keys waited {waits:?}");
}

/// Lyrics are written on the engine thread with the lyrics model; a
/// request for a model that is not loaded is answered with an error, so
/// no screen waits for ever.
#[test]
fn lyrics_jobs_need_the_lyrics_model_and_return_the_song() {
    use fabula::lyrics::write::WriteSettings;
    use fabula::lyrics::{LyricsTask, RhymeScheme, SectionKind, Song};
    let mut song = Song::new("");
    song.add_section(SectionKind::Verse, RhymeScheme::parse("free").unwrap());
    let request = |job| Request::Lyrics {
        job,
        task: LyricsTask::NextLine { section: 0 },
        song: Box::new(song.clone()),
        settings: WriteSettings {
            batch: 4,
            max_batches: 2,
            temperature: 0.8,
        },
        seed: 1,
        cancel: CancelToken::default(),
    };
    let (story_engine, mut rx, dir) = engine_with_tiny_model();
    assert!(story_engine.send(request(1)));
    match rx.blocking_recv().unwrap() {
        Event::Error { job, message } => {
            assert_eq!(job, 1);
            assert!(message.contains("lyrics"), "{message}");
        }
        other => panic!("{other:?}"),
    }

    // The same tiny model, loaded as the lyrics model.
    let lyrics = InferenceModel::load(&dir.path().join("tiny")).unwrap();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let engine = engine::spawn(Models::lyrics(std::sync::Arc::new(lyrics)), tx);
    assert!(engine.send(request(2)));
    match rx.blocking_recv().unwrap() {
        Event::Song {
            job,
            song: written,
            cancelled,
        } => {
            assert_eq!(job, 2);
            assert!(!cancelled);
            assert_eq!(written.sections[0].lines.len(), 1, "{written:?}");
        }
        other => panic!("{other:?}"),
    }
    // A job stopped before it starts gives the song back as it was.
    let stopped = request(3);
    if let Request::Lyrics { cancel, .. } = &stopped {
        cancel.cancel();
    }
    assert!(engine.send(stopped));
    match rx.blocking_recv().unwrap() {
        Event::Song {
            song: back,
            cancelled,
            ..
        } => {
            assert!(cancelled);
            assert_eq!(*back, song);
        }
        other => panic!("{other:?}"),
    }
}
