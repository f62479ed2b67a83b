//! The background engine: owns the models on its own thread (libtorch and
//! the inference path never run on the UI thread), takes requests, and
//! streams events back over a channel the UI loop awaits.

use std::ops::ControlFlow;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::thread;
use std::time::Instant;

use tokio::sync::mpsc::UnboundedSender;

use crate::lm::generate::{feed, generate, generate_candidates, generate_guided, StopReason};
use crate::lm::{InferenceModel, LstmState, SamplingConfig, Scratch};
use crate::lyrics::write::WriteSettings;
use crate::lyrics::{LyricsTask, Song};
use crate::narrator::confidence::Confidence;
use crate::narrator::guide::CommandGuide;
use crate::narrator::{narrate, Plan};

pub type JobId = u64;

/// Which of the loaded models a request is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ModelSlot {
    Story,
    Lyrics,
}

impl ModelSlot {
    pub fn name(self) -> &'static str {
        match self {
            ModelSlot::Story => "story",
            ModelSlot::Lyrics => "lyrics",
        }
    }
}

/// A request for a model this engine was not given.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("no {} model is loaded", .0.name())]
pub struct NotLoaded(pub ModelSlot);

/// A cancellation flag shared by the UI and one job.
#[derive(Clone, Debug, Default)]
pub struct CancelToken(Arc<AtomicBool>);

impl CancelToken {
    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

#[derive(Debug)]
pub enum Request {
    /// Feed `prefix` into `state`, then sample paragraphs until at least
    /// `min_chars` characters (or `sampling.max_tokens`), each ending at a
    /// stop string.
    Continue {
        job: JobId,
        slot: ModelSlot,
        state: Option<LstmState>,
        /// Text to read before `prefix` when there is no state (a story
        /// loaded without states, or an imported transcript).
        context: String,
        prefix: String,
        sampling: SamplingConfig,
        stops: Vec<String>,
        min_chars: usize,
        seed: u64,
        cancel: CancelToken,
    },
    /// Write a story passage: read `prefix` (the opening or the player's
    /// line) from `state`, then let the narrator sample, steer and choose
    /// among `plan.candidates` passages (see [`crate::narrator`]).
    Narrate {
        job: JobId,
        state: Option<LstmState>,
        context: String,
        prefix: String,
        /// Boxed: the other requests stay small.
        plan: Box<Plan>,
        sampling: SamplingConfig,
        seed: u64,
        cancel: CancelToken,
    },
    /// Sample `n` short continuations of `state` + `prefix` in one batch.
    Candidates {
        job: JobId,
        slot: ModelSlot,
        state: Option<LstmState>,
        context: String,
        prefix: String,
        n: usize,
        sampling: SamplingConfig,
        stops: Vec<String>,
        /// Player commands steered toward these words (the scene's
        /// things) with this bias; the command ends at its line end and
        /// `stops` are not used. Empty: plain sampling.
        steer: Vec<String>,
        steer_bias: f32,
        seed: u64,
        cancel: CancelToken,
    },
    /// Write lyrics on `song` (a copy of the editor's) with the lyrics
    /// model; the changed song comes back in [`Event::Song`].
    Lyrics {
        job: JobId,
        task: LyricsTask,
        song: Box<Song>,
        settings: WriteSettings,
        seed: u64,
        cancel: CancelToken,
    },
    Shutdown,
}

#[derive(Debug)]
pub enum Event {
    /// The state after the request's context and prefix were read.
    Fed {
        job: JobId,
        state: LstmState,
    },
    Token {
        job: JobId,
        text: String,
    },
    Done {
        job: JobId,
        text: String,
        state: LstmState,
        tokens: usize,
        seconds: f32,
        cancelled: bool,
    },
    Candidates {
        job: JobId,
        texts: Vec<String>,
        states: Vec<LstmState>,
    },
    /// A narrated passage's surprisal and repetition, sent before its
    /// `Done`.
    Measured {
        job: JobId,
        confidence: Confidence,
    },
    /// The song after a [`Request::Lyrics`]; a cancelled job sends back
    /// the song it was given, unchanged.
    Song {
        job: JobId,
        song: Box<Song>,
        cancelled: bool,
    },
    /// The job could not be done (no model for it, a song it cannot write).
    Error {
        job: JobId,
        message: String,
    },
}

impl Event {
    /// The request this event answers.
    pub fn job(&self) -> JobId {
        match self {
            Event::Fed { job, .. }
            | Event::Token { job, .. }
            | Event::Done { job, .. }
            | Event::Candidates { job, .. }
            | Event::Measured { job, .. }
            | Event::Song { job, .. }
            | Event::Error { job, .. } => *job,
        }
    }
}

/// The UI's handle on the engine thread.
pub struct EngineHandle {
    requests: mpsc::Sender<Request>,
    thread: Option<thread::JoinHandle<()>>,
}

impl EngineHandle {
    pub fn send(&self, request: Request) -> bool {
        self.requests.send(request).is_ok()
    }
}

impl Drop for EngineHandle {
    fn drop(&mut self) {
        let _ = self.requests.send(Request::Shutdown);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// The models the engine holds: each screen loads only the one it uses.
#[derive(Default)]
pub struct Models {
    pub story: Option<Arc<InferenceModel>>,
    pub lyrics: Option<Arc<InferenceModel>>,
}

impl Models {
    pub fn story(model: Arc<InferenceModel>) -> Models {
        Models {
            story: Some(model),
            lyrics: None,
        }
    }

    pub fn lyrics(model: Arc<InferenceModel>) -> Models {
        Models {
            story: None,
            lyrics: Some(model),
        }
    }

    fn get(&self, slot: ModelSlot) -> Result<&InferenceModel, NotLoaded> {
        let model = match slot {
            ModelSlot::Story => &self.story,
            ModelSlot::Lyrics => &self.lyrics,
        };
        model.as_deref().ok_or(NotLoaded(slot))
    }
}

/// Starts the engine thread. Events go to `events`; the thread ends when
/// the handle is dropped.
pub fn spawn(models: Models, events: UnboundedSender<Event>) -> EngineHandle {
    let (tx, rx) = mpsc::channel::<Request>();
    let thread = thread::Builder::new()
        .name("fabula-engine".into())
        .spawn(move || run(models, rx, events))
        .ok();
    EngineHandle {
        requests: tx,
        thread,
    }
}

/// The state to generate from: the stored one when it fits the model (no
/// re-reading), else `context` read from scratch; then `prefix` is read.
fn start_state(
    model: &InferenceModel,
    state: Option<LstmState>,
    context: &str,
    prefix: &str,
    scratch: &mut Scratch,
) -> LstmState {
    let mut s = match state.filter(|s| s.fits(model.net.hyper.layers, model.net.hyper.hidden_size))
    {
        Some(s) => s,
        None => {
            let mut s = model.net.zero_state();
            feed(&model.net, &model.vocab, context, &mut s, scratch);
            s
        }
    };
    feed(&model.net, &model.vocab, prefix, &mut s, scratch);
    s
}

/// The job a request is for (none for shutdown).
fn job_of(request: &Request) -> Option<JobId> {
    match request {
        Request::Continue { job, .. }
        | Request::Narrate { job, .. }
        | Request::Candidates { job, .. }
        | Request::Lyrics { job, .. } => Some(*job),
        Request::Shutdown => None,
    }
}

/// The model a request needs.
fn slot_of(request: &Request) -> ModelSlot {
    match request {
        Request::Continue { slot, .. } | Request::Candidates { slot, .. } => *slot,
        Request::Lyrics { .. } => ModelSlot::Lyrics,
        Request::Narrate { .. } | Request::Shutdown => ModelSlot::Story,
    }
}

fn run(models: Models, rx: mpsc::Receiver<Request>, events: UnboundedSender<Event>) {
    let mut scratch = Scratch::default();
    while let Ok(request) = rx.recv() {
        // A request for a model that is not loaded is answered, not dropped:
        // the screen waiting on it would wait for ever.
        let model = match (job_of(&request), models.get(slot_of(&request))) {
            (None, _) => break,
            (Some(_), Ok(model)) => model,
            (Some(job), Err(e)) => {
                let message = e.to_string();
                let _ = events.send(Event::Error { job, message });
                continue;
            }
        };
        match request {
            Request::Shutdown => break,
            Request::Continue {
                job,
                slot: _,
                state,
                context,
                prefix,
                sampling,
                stops,
                min_chars,
                seed,
                cancel,
            } => {
                let started = Instant::now();
                let mut state = start_state(model, state, &context, &prefix, &mut scratch);
                let _ = events.send(Event::Fed {
                    job,
                    state: state.clone(),
                });
                let mut text = String::new();
                let mut tokens = 0;
                let mut round = 0u64;
                let cancelled = loop {
                    let budget = sampling.max_tokens.saturating_sub(tokens);
                    if budget == 0 {
                        break false;
                    }
                    let cfg = SamplingConfig {
                        max_tokens: budget,
                        ..sampling.clone()
                    };
                    // Paragraph breaks between rounds are part of the text.
                    if !text.is_empty() {
                        text.push_str("\n\n");
                        let _ = events.send(Event::Token {
                            job,
                            text: "\n\n".into(),
                        });
                    }
                    let out = generate(
                        &model.net,
                        &model.vocab,
                        state,
                        &cfg,
                        &stops,
                        seed.wrapping_add(round),
                        |piece| {
                            let _ = events.send(Event::Token {
                                job,
                                text: piece.to_string(),
                            });
                            if cancel.is_cancelled() {
                                ControlFlow::Break(())
                            } else {
                                ControlFlow::Continue(())
                            }
                        },
                    );
                    text.push_str(&out.text);
                    tokens += out.tokens;
                    state = out.state;
                    round += 1;
                    match out.reason {
                        StopReason::Cancelled => break true,
                        StopReason::MaxTokens => break false,
                        StopReason::StopString if text.trim().chars().count() >= min_chars => {
                            break false
                        }
                        StopReason::StopString => {}
                    }
                };
                let _ = events.send(Event::Done {
                    job,
                    text,
                    state,
                    tokens,
                    seconds: started.elapsed().as_secs_f32(),
                    cancelled,
                });
            }
            Request::Narrate {
                job,
                state,
                context,
                prefix,
                plan,
                sampling,
                seed,
                cancel,
            } => {
                // Stopped before it began (a passage written ahead that the
                // player overtook): nothing is read or sampled.
                if cancel.is_cancelled() {
                    let _ = events.send(Event::Done {
                        job,
                        text: String::new(),
                        state: state.unwrap_or_else(|| model.net.zero_state()),
                        tokens: 0,
                        seconds: 0.0,
                        cancelled: true,
                    });
                    continue;
                }
                let started = Instant::now();
                let state = start_state(model, state, &context, &prefix, &mut scratch);
                let _ = events.send(Event::Fed {
                    job,
                    state: state.clone(),
                });
                let n = narrate(model, &state, &plan, &sampling, seed, || {
                    !cancel.is_cancelled()
                });
                let _ = events.send(Event::Measured {
                    job,
                    confidence: n.confidence,
                });
                let _ = events.send(Event::Token {
                    job,
                    text: n.text.clone(),
                });
                let _ = events.send(Event::Done {
                    job,
                    text: n.text,
                    state: n.state,
                    tokens: n.tokens,
                    seconds: started.elapsed().as_secs_f32(),
                    cancelled: n.cancelled,
                });
            }
            Request::Candidates {
                job,
                slot: _,
                state,
                context,
                prefix,
                n,
                sampling,
                stops,
                steer,
                steer_bias,
                seed,
                cancel,
            } => {
                let state = start_state(model, state, &context, &prefix, &mut scratch);
                if !steer.is_empty() {
                    let mut guide = CommandGuide::new(&model.vocab, &steer, steer_bias, n);
                    let outs = generate_guided(
                        &model.net,
                        &model.vocab,
                        &state,
                        n,
                        &sampling,
                        seed,
                        &mut guide,
                        || !cancel.is_cancelled(),
                    );
                    let texts = outs.into_iter().map(|g| g.text).collect();
                    let _ = events.send(Event::Candidates {
                        job,
                        texts,
                        states: Vec::new(),
                    });
                    continue;
                }
                let outs = generate_candidates(
                    &model.net,
                    &model.vocab,
                    &state,
                    n,
                    &sampling,
                    &stops,
                    seed,
                    || !cancel.is_cancelled(),
                );
                let (texts, states) = outs.into_iter().map(|g| (g.text, g.state)).unzip();
                let _ = events.send(Event::Candidates { job, texts, states });
            }
            Request::Lyrics {
                job,
                task,
                mut song,
                settings,
                seed,
                cancel,
            } => {
                // A job is stopped before it starts or between lines; a
                // result that arrives after a cancel is not kept.
                if cancel.is_cancelled() {
                    let _ = events.send(Event::Song {
                        job,
                        song,
                        cancelled: true,
                    });
                    continue;
                }
                let event = match crate::lyrics::job::write(
                    model,
                    &mut song,
                    &task,
                    &settings,
                    seed,
                    &|| cancel.is_cancelled(),
                ) {
                    Ok(()) => Event::Song {
                        job,
                        song,
                        cancelled: cancel.is_cancelled(),
                    },
                    Err(e) => Event::Error {
                        job,
                        message: e.to_string(),
                    },
                };
                let _ = events.send(event);
            }
        }
    }
}
