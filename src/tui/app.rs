//! The application state and its one update path. Rendering reads it;
//! only `App::update` changes it. Requests for the engine are queued in
//! `outbox` for the event loop to send, so tests drive the whole app
//! without a terminal or a model.

use std::path::PathBuf;
use std::time::Instant;

use crate::config::Config;
use crate::engine::{CancelToken, Event, JobId, ModelSlot, Request};
use crate::lm::LstmState;
use crate::lm::SamplingConfig;
use crate::narrator::address::{cast_list, talk_action, talk_command, TalkCommand};
use crate::story::mood::next_mood;
use crate::story::openings::OPENINGS;
use crate::story::prompt::{
    action_plans, action_starts, choice_ask, passage_start, plan_settings, plan_with, state_of,
};
use crate::story::provenance::{ModelId, Provenance};
use crate::story::session::{sessions_dir, ModelStamp};
use crate::story::{NodeId, Role, Session};

use super::action::Action;
use super::keys::{Focus, Mode};
use super::prewrite::{Found, Key, PassageInputs, Prewrites};
use super::shell::Screen;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pane {
    Story,
    Chat,
    Review,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Picking a genre opening or typing one's own first paragraph.
    ChooseOpening,
    Playing,
}

pub use crate::story::Mood;

#[derive(Clone, Debug, PartialEq)]
pub enum JobKind {
    /// Generating the text of a narration node; `fed` is the node whose
    /// text was read first (the opening or the player's action).
    Passage { node: NodeId, fed: Option<NodeId> },
    Choices {
        node: NodeId,
        /// Batches asked for so far (a batch with too few usable choices is
        /// followed by another, up to [`crate::story::choices::CHOICE_ATTEMPTS`]).
        attempt: usize,
    },
}

#[derive(Clone, Debug)]
pub struct Job {
    pub id: JobId,
    pub kind: JobKind,
    pub cancel: CancelToken,
    pub started: Instant,
    pub chars: usize,
}

/// What the play history recommends on the screen now.
#[derive(Clone, Debug, Default)]
pub struct Recommended {
    /// The start screen's openings: indices into `OPENINGS`, in the order shown.
    pub openings: Vec<usize>,
    /// Why the first opening is first.
    pub opening_reason: Option<String>,
    /// Why the first suggested choice is first.
    pub choice_reason: Option<String>,
    /// A mood to steer toward, and why.
    pub mood: Option<(Mood, String)>,
    /// The suggested mood was taken (Ctrl-T cycles as usual after it).
    pub mood_taken: bool,
    /// The choices shown, in the model's order: the history records
    /// picks against it, so it can be measured against today's order.
    pub offered: Vec<String>,
}

pub struct App {
    pub config: Config,
    pub session: Session,
    pub session_path: Option<PathBuf>,
    pub stage: Stage,
    pub focus: Pane,
    pub input: String,
    pub choices: Vec<String>,
    pub job: Option<Job>,
    /// Lines scrolled up from the end of the story (0 follows the end).
    pub story_scroll: usize,
    /// Index into the current branch selected in the review pane.
    pub review_selected: usize,
    pub show_help: bool,
    /// The review's sentiment arc also draws the other branches.
    pub show_branches: bool,
    pub status: String,
    pub should_quit: bool,
    /// The target mood; kept in the session too, so a resumed story keeps it.
    pub mood: Option<Mood>,
    pub model_label: String,
    pub model_stamp: ModelStamp,
    /// The story model's name, weights hash and kernels, recorded with
    /// every passage so it can be replayed.
    pub model_id: ModelId,
    pub tokens_per_second: Option<f32>,
    pub size: (u16, u16),
    pub outbox: Vec<Request>,
    pub read_only: bool,
    /// Where new stories are saved and exports written.
    pub data_dir: PathBuf,
    /// Background autosave; without one (tests) saves are synchronous.
    pub saver: Option<crate::story::saver::Saver>,
    /// Passages written ahead for the choices on screen (outside the tree).
    pub prewrites: Prewrites,
    /// Picks answered by a passage written (or being written) ahead.
    pub written_ahead: usize,
    /// Where this player's play history is kept; none (tests, measuring)
    /// records nothing and recommends nothing.
    pub history: Option<crate::history::Store>,
    pub recommender: crate::history::Recommender,
    pub recommended: Recommended,
    /// The character Ctrl-P last put in the input, and the input it
    /// wrote: pressed again on that input, it moves to the next one.
    pub talk_pick: Option<(usize, String)>,
    next_job: JobId,
    seed: u64,
    /// Repetition counted for passages that stored none, in a read-only
    /// review (see [`crate::review::confidence::count_missing`]).
    pub counted_confidence:
        std::collections::HashMap<NodeId, crate::narrator::confidence::Confidence>,
    /// What the status line says when the passage being written is done
    /// (a re-write names its seed and temperature).
    done_status: Option<String>,
}

/// What read-only review says it offers (also when something is typed).
pub const READ_ONLY_HINT: &str =
    "Read-only review: ↑/↓ select a turn, Enter jumps to it, q quits; nothing is typed here.";

/// Temperatures the re-write key steps through, from the passage's own.
pub const REWRITE_TEMPERATURES: [f32; 4] = [0.5, 0.8, 1.0, 1.2];

/// The temperature after `t` in [`REWRITE_TEMPERATURES`] (wrapping).
pub fn next_rewrite_temperature(t: f32) -> f32 {
    REWRITE_TEMPERATURES
        .iter()
        .copied()
        .find(|&x| x > t + 1e-3)
        .unwrap_or(REWRITE_TEMPERATURES[0])
}

/// The longest input accepted; a larger paste is cut here.
pub const MAX_INPUT_CHARS: usize = 2000;

impl App {
    pub fn new(config: Config, model_label: String, model_stamp: ModelStamp, seed: u64) -> App {
        let mut app = App {
            config,
            session: Session::new("", "", model_stamp.clone()),
            session_path: None,
            stage: Stage::ChooseOpening,
            focus: Pane::Chat,
            input: String::new(),
            choices: OPENINGS.iter().map(|o| o.name.to_string()).collect(),
            job: None,
            story_scroll: 0,
            review_selected: 0,
            show_help: false,
            show_branches: false,
            status: "Type 1-5 and Enter for an opening, or type your own first paragraph.".into(),
            should_quit: false,
            mood: None,
            model_label,
            model_stamp,
            model_id: ModelId::default(),
            tokens_per_second: None,
            size: (80, 24),
            outbox: Vec::new(),
            read_only: false,
            data_dir: sessions_dir(),
            saver: None,
            prewrites: Prewrites::default(),
            written_ahead: 0,
            history: None,
            recommender: Default::default(),
            recommended: Recommended {
                openings: (0..OPENINGS.len()).collect(),
                ..Recommended::default()
            },
            talk_pick: None,
            next_job: 1,
            seed,
            done_status: None,
            counted_confidence: Default::default(),
        };
        app.session.title = "New story".into();
        app
    }

    /// Continues a saved session at its current turn.
    pub fn resume(&mut self, session: Session, path: PathBuf) {
        self.session = session;
        self.session_path = Some(path);
        self.mood = self.session.mood;
        let other_model = self.session.model != self.model_stamp;
        if other_model {
            // States of another model mean nothing to this one: the story
            // is read again from its text when it continues.
            for id in 0..self.session.tree.len() {
                if let Some(mut n) = self.session.tree.node_mut(id) {
                    n.state = None;
                }
            }
            self.session.model = self.model_stamp.clone();
        }
        self.stage = Stage::Playing;
        let current = self.session.tree.current();
        self.show_choices_of(current);
        self.review_selected = self.session.tree.branch().len().saturating_sub(1);
        self.status = format!("Resumed \"{}\".", self.session.title);
        if other_model {
            self.status
                .push_str(" It was written with another model; this one reads it anew.");
        }
        if self.choices.is_empty() && self.node_role(current) != Some(Role::Player) {
            self.request_choices(current);
        }
        self.prewrite_choices();
    }

    /// Shows a story read-only (`fabula review`): nothing is written, the
    /// review pane has focus.
    pub fn open_read_only(&mut self, session: Session) {
        self.read_only = true;
        self.session = session;
        // Passages that stored no confidence get their repetition counted
        // once, so the pane flags a looping one in any story.
        self.counted_confidence = crate::review::confidence::count_missing(&self.session.tree);
        self.mood = self.session.mood;
        self.stage = Stage::Playing;
        self.focus = Pane::Review;
        // Nothing is played here: no openings or choices to pick.
        self.choices.clear();
        self.input.clear();
        self.review_selected = self.session.tree.branch().len().saturating_sub(1);
        self.status = READ_ONLY_HINT.into();
    }

    /// Learns from the play history in `store` and records to it from
    /// now on; the openings are ordered by it. A history that cannot be
    /// read is said in the status line and left as it is.
    pub fn use_history(&mut self, store: crate::history::Store) {
        match store.load() {
            Ok(loaded) => {
                self.recommender = crate::history::Recommender::from_events(&loaded.events);
                self.history = Some(store);
            }
            Err(e) => {
                self.status = format!(
                    "The play history was not read ({e}); nothing is recommended or recorded."
                );
                return;
            }
        }
        self.order_openings();
    }

    /// Orders the start screen's openings and suggests a mood.
    fn order_openings(&mut self) {
        let names: Vec<&str> = OPENINGS.iter().map(|o| o.name).collect();
        let ranked = self.recommender.rank_openings(&names);
        if self.stage == Stage::ChooseOpening {
            self.choices = ranked.order.iter().map(|&i| names[i].to_string()).collect();
        }
        self.recommended.openings = ranked.order;
        self.recommended.opening_reason = ranked.reason;
        self.recommended.mood = self.recommender.suggest_mood();
    }

    /// Shows the choices stored on `id` (in the model's order), ordered by
    /// what this player tends to pick (the model's order when cold).
    fn show_choices_of(&mut self, id: NodeId) {
        let offered = self
            .session
            .tree
            .node(id)
            .map(|n| n.choices.clone())
            .unwrap_or_default();
        let ranked = self.recommender.rank_choices(&offered);
        self.choices = ranked.apply(&offered);
        self.recommended.choice_reason = ranked.reason;
        self.recommended.offered = offered;
    }

    /// Learns from what the player did and appends it to the history.
    fn record(&mut self, event: crate::history::Event) {
        let Some(store) = &self.history else {
            return;
        };
        self.recommender.learn(&event);
        if let Err(e) = store.append(std::slice::from_ref(&event)) {
            self.status = format!("The play history was not saved: {e}");
        }
    }

    /// Records that the story was closed, with how many actions the
    /// player took on its current branch.
    pub fn record_end(&mut self) {
        if self.stage != Stage::Playing || self.read_only {
            return;
        }
        let tree = &self.session.tree;
        let turns = tree
            .branch()
            .iter()
            .filter(|&&id| tree.node(id).is_some_and(|n| n.role == Role::Player))
            .count();
        self.record(crate::history::Event::Ended {
            at: crate::history::now(),
            story: self.session.id.clone(),
            turns,
        });
    }

    /// The recommendation lines the chat pane shows under the list.
    pub fn recommendation_lines(&self) -> Vec<String> {
        let mut lines = Vec::new();
        match self.stage {
            Stage::ChooseOpening => {
                if let Some(why) = &self.recommended.opening_reason {
                    lines.push(format!("1 first: {why}"));
                }
                if let (Some((mood, why)), None) = (&self.recommended.mood, self.mood) {
                    lines.push(format!("Suggested mood: {} (Ctrl-T): {why}", mood.name()));
                }
            }
            Stage::Playing if !self.read_only && !self.choices.is_empty() => {
                if let Some(why) = &self.recommended.choice_reason {
                    lines.push(format!("1 first: {why}"));
                }
            }
            Stage::Playing => {}
        }
        lines
    }

    pub fn generating(&self) -> bool {
        self.job.is_some()
    }

    fn node_role(&self, id: NodeId) -> Option<Role> {
        self.session.tree.node(id).map(|n| n.role)
    }

    fn new_job(&mut self, kind: JobKind) -> (JobId, CancelToken) {
        // The player's work goes first: passages still being written ahead
        // stop (between two model steps), so nothing waits behind them.
        self.stop_running_prewrites();
        let id = self.next_job_id();
        let cancel = CancelToken::default();
        self.start_job(id, kind, cancel.clone());
        (id, cancel)
    }

    /// Stops the passages still being written ahead; those not sent to the
    /// engine yet are not sent at all.
    fn stop_running_prewrites(&mut self) {
        self.prewrites.cancel_running();
        self.drop_cancelled_requests();
    }

    fn drop_cancelled_requests(&mut self) {
        self.outbox.retain(|r| match r {
            Request::Narrate { cancel, .. } => !cancel.is_cancelled(),
            _ => true,
        });
    }

    fn next_job_id(&mut self) -> JobId {
        let id = self.next_job;
        self.next_job += 1;
        id
    }

    fn start_job(&mut self, id: JobId, kind: JobKind, cancel: CancelToken) {
        self.job = Some(Job {
            id,
            kind,
            cancel,
            started: Instant::now(),
            chars: 0,
        });
    }

    fn next_seed(&mut self) -> u64 {
        self.seed = seed_after(self.seed);
        self.seed
    }

    fn state_of(&self, id: NodeId) -> Option<LstmState> {
        state_of(&self.session.tree, id)
    }

    /// Starts generating a narration child of `parent`. When `feed` is set,
    /// the parent's own text is read first (its state was not stored yet).
    /// A new passage draws a new seed. A passage written ahead for exactly
    /// this request is used instead of asking the engine again.
    fn start_passage(&mut self, parent: NodeId, feed_parent: bool) {
        let seed = self.next_seed();
        let sampling = self.config.sampling.clone();
        self.start_passage_with(parent, feed_parent, seed, sampling);
    }

    /// [`Self::start_passage`] with the seed and sampling settings given;
    /// what the passage is written with is recorded on its node.
    fn start_passage_with(
        &mut self,
        parent: NodeId,
        feed_parent: bool,
        seed: u64,
        sampling: SamplingConfig,
    ) {
        let start = passage_start(&self.session.tree, parent, feed_parent);
        let settings = plan_settings(&self.config.story, self.mood);
        let plan = plan_with(&self.session.tree, parent, settings.clone());
        let inputs = PassageInputs {
            state: start.state,
            context: start.context,
            prefix: start.prefix,
            plan,
            sampling: sampling.clone(),
            seed,
        };
        // Written ahead only for a choice answered from its turn.
        let ahead = match (start.fed, self.session.tree.node(parent)) {
            (Some(_), Some(n)) if n.role == Role::Player => n.parent.map(|at| Key {
                at,
                choice: n.text.clone(),
                inputs: inputs.clone(),
            }),
            _ => None,
        };
        let found = ahead.and_then(|key| self.prewrites.take(&key));
        let Ok(node) = self.session.tree.push(parent, Role::Narration, "") else {
            return;
        };
        if let Some(mut n) = self.session.tree.node_mut(node) {
            n.provenance = Some(Box::new(Provenance {
                model: self.model_id.clone(),
                seed,
                sampling,
                plan: settings,
                stopped: false,
            }));
        }
        self.choices.clear();
        self.recommended.choice_reason = None;
        self.story_scroll = 0;
        self.review_selected = self.session.tree.branch().len().saturating_sub(1);
        let kind = JobKind::Passage {
            node,
            fed: start.fed,
        };
        match found {
            Some(Found::Ready {
                fed,
                measured,
                written,
            }) => {
                self.stop_running_prewrites();
                let job = self.next_job_id();
                self.start_job(job, kind, CancelToken::default());
                // The events the engine would send, now: the same path as a
                // passage written after the pick.
                if let Some(state) = fed {
                    self.on_engine(Event::Fed { job, state });
                }
                if let Some(confidence) = measured {
                    self.on_engine(Event::Measured { job, confidence });
                }
                self.on_engine(Event::Token {
                    job,
                    text: written.text.clone(),
                });
                self.on_engine(Event::Done {
                    job,
                    text: written.text,
                    state: written.state,
                    tokens: written.tokens,
                    seconds: written.seconds,
                    cancelled: false,
                });
                self.written_ahead += 1;
                if self.status.is_empty() {
                    self.status = "Written while you read.".into();
                }
            }
            Some(Found::Running {
                job,
                cancel,
                fed,
                measured,
            }) => {
                // Still being written: that job becomes this passage's.
                self.stop_running_prewrites();
                self.start_job(job, kind, cancel);
                self.written_ahead += 1;
                if let Some(state) = fed {
                    self.on_engine(Event::Fed { job, state });
                }
                if let Some(confidence) = measured {
                    self.on_engine(Event::Measured { job, confidence });
                }
            }
            None => {
                let (job, cancel) = self.new_job(kind);
                self.outbox.push(Request::Narrate {
                    job,
                    state: inputs.state,
                    context: inputs.context,
                    prefix: inputs.prefix,
                    plan: Box::new(inputs.plan),
                    sampling: inputs.sampling,
                    seed: inputs.seed,
                    cancel,
                });
            }
        }
    }

    /// Writes ahead the passage of every choice offered at the current
    /// turn, with the request and seed a pick would use; drops (and stops)
    /// passages written for anything else. Only while the engine is idle.
    pub fn prewrite_choices(&mut self) {
        let at = self.session.tree.current();
        let wanted: Vec<Key> = if self.config.story.prewrite_choices
            && !self.read_only
            && self.stage == Stage::Playing
            && self.job.is_none()
            && self.node_role(at).is_some_and(|r| r != Role::Player)
        {
            let seed = seed_after(self.seed);
            let choices: Vec<&str> = self
                .choices
                .iter()
                .map(|c| c.trim())
                .filter(|c| !c.is_empty())
                .collect();
            // The story is read once for all the choices.
            let tree = &self.session.tree;
            let starts = action_starts(tree, at, &choices);
            let plans = action_plans(tree, at, &choices, &self.config.story, self.mood);
            choices
                .iter()
                .zip(starts.into_iter().zip(plans))
                .map(|(choice, (start, plan))| Key {
                    at,
                    choice: choice.to_string(),
                    inputs: PassageInputs {
                        state: start.state,
                        context: start.context,
                        prefix: start.prefix,
                        plan,
                        sampling: self.config.sampling.clone(),
                        seed,
                    },
                })
                .collect()
        } else {
            Vec::new()
        };
        self.prewrites.retain(|k| wanted.contains(k));
        self.drop_cancelled_requests();
        for key in wanted {
            if self.prewrites.contains(&key) {
                continue;
            }
            let job = self.next_job_id();
            let cancel = CancelToken::default();
            let i = &key.inputs;
            self.outbox.push(Request::Narrate {
                job,
                state: i.state.clone(),
                context: i.context.clone(),
                prefix: i.prefix.clone(),
                plan: Box::new(i.plan.clone()),
                sampling: i.sampling.clone(),
                seed: i.seed,
                cancel: cancel.clone(),
            });
            self.prewrites.started(key, job, cancel);
        }
    }

    fn request_choices(&mut self, node: NodeId) {
        self.request_choices_attempt(node, 1);
    }

    fn request_choices_attempt(&mut self, node: NodeId, attempt: usize) {
        let ask = choice_ask(
            &self.session.tree,
            node,
            &self.config.story,
            &self.config.sampling,
        );
        let (job, cancel) = self.new_job(JobKind::Choices { node, attempt });
        let seed = self.next_seed();
        self.outbox.push(Request::Candidates {
            job,
            slot: ModelSlot::Story,
            state: ask.state,
            context: ask.context,
            prefix: ask.prefix,
            n: ask.n,
            sampling: ask.sampling,
            // Steered commands end at their line end.
            stops: vec!["\n".into()],
            steer: ask.steer,
            steer_bias: ask.steer_bias,
            seed,
            cancel,
        });
    }

    fn busy(&mut self) -> bool {
        if self.generating() {
            self.status = "Still writing… press Esc to stop it first.".into();
            true
        } else {
            false
        }
    }

    /// The characters of the story so far, the most recently named first.
    pub fn cast(&self) -> Vec<crate::narrator::characters::Character> {
        crate::story::prompt::cast_of(&self.session.tree, self.session.tree.current())
    }

    /// A `/talk` or `/characters` line read against this story's
    /// characters; `None` for any other line.
    /// (Before a story starts there is no one: the line is answered, not
    /// taken for an opening.)
    pub fn talk_command(&self, line: &str) -> Option<Result<TalkCommand, String>> {
        let cast = match self.stage {
            Stage::Playing => self.cast(),
            Stage::ChooseOpening => Vec::new(),
        };
        talk_command(line, &cast)
    }

    /// Ctrl-P: puts an address to the next character into the input
    /// (`ask the guard about `, or `Mara, ` before words already typed)
    /// and lists them all in the status line.
    fn pick_character(&mut self) {
        if self.stage != Stage::Playing || self.read_only {
            return;
        }
        let cast = self.cast();
        if cast.is_empty() {
            self.status = cast_list(&cast);
            return;
        }
        // Pressed again on what it wrote: the next character, same words.
        let (at, typed) = match &self.talk_pick {
            Some((i, wrote)) if *wrote == self.input => {
                let prev = &cast[*i % cast.len()];
                let typed = wrote
                    .strip_prefix(&format!("ask {} about ", prev.name))
                    .map(|_| String::new())
                    .or_else(|| {
                        wrote
                            .strip_prefix(&format!("{}, ", prev.subject()))
                            .map(String::from)
                    })
                    .unwrap_or_default();
                ((i + 1) % cast.len(), typed)
            }
            _ => (0, self.input.clone()),
        };
        let c = &cast[at];
        self.input = talk_action(c, &typed);
        self.talk_pick = Some((at, self.input.clone()));
        self.focus = Pane::Chat;
        let names: Vec<String> = cast
            .iter()
            .enumerate()
            .map(|(i, c)| {
                if i == at {
                    format!("[{}]", c.name)
                } else {
                    c.name.clone()
                }
            })
            .collect();
        self.status = format!(
            "Talk to: {}. Ctrl-P: next; type your words, Enter.",
            names.join(" · ")
        );
    }

    fn submit_text(&mut self, text: String) {
        let text = text.trim().to_string();
        if text.is_empty() || self.read_only || self.busy() {
            return;
        }
        let text = match self.talk_command(&text) {
            None => text,
            Some(Ok(TalkCommand::Say(action))) => action,
            Some(Ok(TalkCommand::List)) => {
                self.status = format!("{}. /talk N WORDS speaks to one", cast_list(&self.cast()));
                return;
            }
            Some(Err(e)) => {
                self.status = e;
                return;
            }
        };
        match self.stage {
            Stage::ChooseOpening => self.start_story("custom", &text),
            Stage::Playing => {
                let current = self.session.tree.current();
                let Ok(player) = self.session.tree.push(current, Role::Player, &text) else {
                    return;
                };
                let same = self.recommended.offered.len() == self.choices.len()
                    && self
                        .choices
                        .iter()
                        .all(|c| self.recommended.offered.contains(c));
                let offered = if same {
                    &self.recommended.offered
                } else {
                    &self.choices
                };
                let turn = crate::history::turn_event(&self.session.id, offered, &text);
                self.record(turn);
                self.score(player);
                self.start_passage(player, true);
                self.autosave();
            }
        }
        // Chinese in, English out: said, not left to surprise.
        if let Some(notice) = crate::sentiment::lang::english_story_notice(&text) {
            self.status = notice.to_string();
        }
    }

    fn start_story(&mut self, genre: &str, opening: &str) {
        self.session = Session::new(genre, opening, self.model_stamp.clone());
        self.session.mood = self.mood;
        // A new session's id is generated (digits and a dash), so it is
        // always a valid file name; `None` would only turn autosave off.
        self.session_path = crate::paths::session_file(&self.data_dir, &self.session.id).ok();
        self.stage = Stage::Playing;
        self.score(0);
        // As in a text adventure, the opening sets the scene and the player
        // moves first: the narrator answers actions (it writes poorly with
        // nothing to answer). Ctrl-R asks it to go on from the opening.
        self.request_choices(0);
        self.status = format!(
            "A new {genre} story. Type what you do or pick a choice; Ctrl-R lets the narrator go on; ? lists every key."
        );
        // Recorded after the status is set, so a history that cannot be saved is said.
        self.record(crate::history::Event::Started {
            at: crate::history::now(),
            story: self.session.id.clone(),
            opening: genre.to_string(),
        });
        if self.mood.is_some() {
            self.record(crate::history::Event::Mood {
                at: crate::history::now(),
                story: self.session.id.clone(),
                mood: self.mood,
            });
        }
        self.autosave();
    }

    fn score(&mut self, id: NodeId) {
        if let Some(mut node) = self.session.tree.node_mut(id) {
            node.sentiment = Some(crate::sentiment::score_turn(&node.text));
        }
    }

    pub fn autosave(&mut self) {
        if self.read_only {
            return;
        }
        let Some(path) = self.session_path.clone() else {
            return;
        };
        if let Some(saver) = &self.saver {
            saver.save(path, self.session.clone());
        } else if let Err(e) = self.session.save(&path) {
            self.status = format!("Autosave failed: {e}");
        }
    }

    pub fn update(&mut self, action: Action) {
        if self.read_only
            && matches!(
                action,
                Action::Char(_) | Action::Paste(_) | Action::Submit | Action::Choose(_)
            )
        {
            // Said, so typed text is not dropped without a word.
            self.status = READ_ONLY_HINT.into();
            return;
        }
        match action {
            Action::Char(c) => {
                if !c.is_control() && self.input.chars().count() < MAX_INPUT_CHARS {
                    self.input.push(c);
                }
            }
            Action::Backspace => {
                self.input.pop();
            }
            Action::Paste(text) => {
                let room = MAX_INPUT_CHARS.saturating_sub(self.input.chars().count());
                // A line break (terminals paste it as \r, \r\n or \n) is one
                // space; other control characters never reach the screen.
                let text = text.replace("\r\n", "\n");
                let lines: Vec<&str> = text.split(['\n', '\r']).collect();
                let joined = lines
                    .iter()
                    .enumerate()
                    .map(|(i, line)| {
                        if i + 1 < lines.len() {
                            line.trim_end()
                        } else {
                            line
                        }
                    })
                    .filter(|line| !line.is_empty())
                    .collect::<Vec<_>>()
                    .join(" ")
                    .replace('\t', " ");
                let clean: String = joined.chars().filter(|c| !c.is_control()).collect();
                let cleaned = clean.len() < joined.len();
                let cut = clean.chars().count() > room;
                self.input.extend(clean.chars().take(room));
                match (cleaned, cut) {
                    (true, true) => {
                        self.status =
                            "Pasted text was cleaned of control characters and cut to fit.".into()
                    }
                    (true, false) => {
                        self.status = "Pasted text was cleaned of control characters.".into()
                    }
                    (false, true) => {
                        self.status =
                            format!("Pasted text was cut to fit ({MAX_INPUT_CHARS} characters).")
                    }
                    (false, false) => {}
                }
            }
            Action::Submit => {
                if let Some(n) = self.typed_choice() {
                    let count = match self.stage {
                        Stage::ChooseOpening => OPENINGS.len(),
                        Stage::Playing => self.choices.len(),
                    };
                    if n > count {
                        self.status = format!("There is no choice {n}.");
                    } else if !self.busy() {
                        self.input.clear();
                        self.update(Action::Choose(n - 1));
                    }
                    return;
                }
                let text = std::mem::take(&mut self.input);
                if self.generating() {
                    self.input = text;
                    self.busy();
                } else {
                    self.submit_text(text);
                }
            }
            Action::Choose(i) => {
                if self.busy() {
                    return;
                }
                match self.stage {
                    Stage::ChooseOpening => {
                        let shown = self.recommended.openings.get(i).copied();
                        if let Some(o) = shown.and_then(|k| OPENINGS.get(k)) {
                            self.start_story(o.name, o.text.trim());
                        }
                    }
                    Stage::Playing => {
                        if let Some(choice) = self.choices.get(i).cloned() {
                            self.submit_text(choice);
                        }
                    }
                }
            }
            Action::Cancel => {
                if let Some(job) = &self.job {
                    job.cancel.cancel();
                    self.status = "Stopping…".into();
                } else if self.show_help {
                    self.show_help = false;
                } else {
                    self.input.clear();
                }
            }
            Action::Retry => self.retry(),
            Action::Rewrite => self.rewrite_selected(),
            Action::Undo => self.undo(),
            Action::Sibling(delta) => self.switch_sibling(delta),
            Action::FocusNext | Action::FocusPrev => {
                let order = [Pane::Chat, Pane::Story, Pane::Review];
                let at = order.iter().position(|&p| p == self.focus).unwrap_or(0);
                let step = if matches!(action, Action::FocusNext) {
                    1
                } else {
                    2
                };
                self.focus = order[(at + step) % 3];
            }
            Action::Scroll(delta) => match self.focus {
                Pane::Review => self.select(delta),
                _ => {
                    self.story_scroll = if delta < 0 {
                        self.story_scroll.saturating_add(delta.unsigned_abs())
                    } else {
                        self.story_scroll.saturating_sub(delta as usize)
                    };
                }
            },
            Action::ScrollToEnd => self.story_scroll = 0,
            Action::Select(delta) => self.select(delta),
            Action::JumpToSelected => self.jump_to_selected(),
            Action::ToggleHelp => self.show_help = !self.show_help,
            Action::ToggleBranches => {
                self.show_branches = !self.show_branches;
                self.status = if self.show_branches {
                    let others = crate::review::branches::other_leaves(&self.session.tree);
                    format!("The arc also shows the other branches ({others}); Ctrl-B hides them.")
                } else {
                    "The arc shows the current branch.".into()
                };
            }
            Action::TalkTo => self.pick_character(),
            Action::CycleMood => {
                // The first press offers the mood the history suggests.
                let suggested = match (&self.recommended.mood, self.mood) {
                    (Some((m, why)), None) if !self.recommended.mood_taken => {
                        Some((*m, why.clone()))
                    }
                    _ => None,
                };
                self.mood = match &suggested {
                    Some((m, _)) => Some(*m),
                    None => next_mood(self.mood),
                };
                self.recommended.mood_taken = true;
                self.status = match (self.mood, suggested) {
                    (Some(m), Some((_, why))) => format!(
                        "Steering the story toward a {} mood (suggested: {why}); Ctrl-T again cycles.",
                        m.name()
                    ),
                    (Some(m), None) => format!("Steering the story toward a {} mood.", m.name()),
                    (None, _) => "Mood steering off.".into(),
                };
                self.session.mood = self.mood;
                if self.stage == Stage::Playing && !self.read_only {
                    self.record(crate::history::Event::Mood {
                        at: crate::history::now(),
                        story: self.session.id.clone(),
                        mood: self.mood,
                    });
                }
                self.autosave();
                // The mood shapes passages: those written ahead are redone.
                self.prewrite_choices();
            }
            Action::Export => self.export(),
            Action::Quit => {
                if let Some(job) = &self.job {
                    job.cancel.cancel();
                }
                self.prewrites.clear();
                self.drop_cancelled_requests();
                self.record_end();
                self.autosave();
                self.should_quit = true;
            }
            Action::Resize(w, h) => self.size = (w, h),
            Action::Resume(session, path) => self.resume(*session, path),
            Action::OpenReadOnly(session) => self.open_read_only(*session),
            Action::Engine(event) => self.on_engine(event),
            Action::Tick => {
                if let Some(e) = self.saver.as_ref().and_then(|s| s.take_error()) {
                    self.status = format!("Autosave failed: {e}");
                }
            }
            // The lyrics editor's own actions.
            Action::SelectSection(_)
            | Action::WriteNextLine
            | Action::WriteSection
            | Action::RewriteLine
            | Action::ToggleLock
            | Action::EditLine
            | Action::InsertLine
            | Action::DeleteLine
            | Action::MoveLine(_)
            | Action::CycleScheme
            | Action::Syllables(_)
            | Action::AddSection
            | Action::Redo
            | Action::Title => {}
        }
    }

    /// The choice a number typed alone names (1-based): Enter picks it, as
    /// a line holding just a number does in `--plain`.
    pub fn typed_choice(&self) -> Option<usize> {
        let t = self.input.trim();
        let digits = !t.is_empty() && t.len() <= 2 && t.bytes().all(|b| b.is_ascii_digit());
        digits.then(|| t.parse().ok()).flatten().filter(|&n| n > 0)
    }

    fn select(&mut self, delta: isize) {
        // Past the current turn too: after a rewind the later turns stay reachable.
        let len = self.session.tree.trail().len();
        let at = self.review_selected as isize + delta;
        self.review_selected = at.clamp(0, len.saturating_sub(1) as isize) as usize;
    }

    fn selected_node(&self) -> Option<NodeId> {
        self.session.tree.trail().get(self.review_selected).copied()
    }

    fn retry(&mut self) {
        if self.stage != Stage::Playing || self.read_only || self.busy() {
            return;
        }
        let current = self.session.tree.current();
        match self.node_role(current) {
            // A new sibling of the current passage, from the same state.
            Some(Role::Narration) => {
                if let Some(parent) = self.session.tree.node(current).and_then(|n| n.parent) {
                    self.start_passage(parent, false);
                    self.status =
                        "Retrying: a new version beside the old one (Alt-←/→ to compare).".into();
                }
            }
            // Continue from a player's action or the opening, reading its
            // text first when its state was never stored (a new story).
            Some(_) => self.start_passage(current, self.state_of(current).is_none()),
            None => {}
        }
    }

    /// Writes the selected passage again with its own seed and the next
    /// temperature of [`REWRITE_TEMPERATURES`], beside it as an
    /// alternative: the same draw of chance, hotter or cooler.
    fn rewrite_selected(&mut self) {
        if self.stage != Stage::Playing || self.read_only || self.busy() {
            return;
        }
        let selected = self.selected_node().unwrap_or(self.session.tree.current());
        let Some(node) = self.session.tree.node(selected) else {
            return;
        };
        if node.role != Role::Narration {
            self.status =
                "Select a passage of the narrator's (↑/↓ in the review pane) to re-write it."
                    .into();
            return;
        }
        let Some(parent) = node.parent else {
            return;
        };
        let turn = self.session.tree.path_to(selected).len();
        let Some(made) = node.provenance.clone() else {
            self.status = format!(
                "Turn {turn} has no stored seed (written before passages kept one); Ctrl-R writes a new version."
            );
            return;
        };
        let from = made.sampling.temperature;
        let to = next_rewrite_temperature(from);
        let sampling = SamplingConfig {
            temperature: to,
            ..made.sampling
        };
        // The parent's state is stored once a passage followed it.
        let feed_parent = self.state_of(parent).is_none();
        self.start_passage_with(parent, feed_parent, made.seed, sampling);
        self.status =
            format!("Re-writing turn {turn}: its seed, temperature {to:.1} (was {from:.1})…");
        self.done_status = Some(format!(
            "Turn {turn} re-written: its seed at temperature {to:.1} (was {from:.1})."
        ));
    }

    fn undo(&mut self) {
        if self.stage != Stage::Playing || self.busy() {
            return;
        }
        let Some(target) = crate::story::turns::undo_target(&self.session.tree) else {
            self.status = "Nothing to undo: this is the opening.".into();
            return;
        };
        self.go_to(target);
        self.status =
            "Rewound one turn; the undone turns stay in the review pane (Enter there returns)."
                .into();
    }

    fn switch_sibling(&mut self, delta: isize) {
        if self.stage != Stage::Playing || self.busy() {
            return;
        }
        let target = self.selected_node().unwrap_or(self.session.tree.current());
        match self.session.tree.switch_sibling(target, delta) {
            Ok(now) => {
                let pos = self.session.tree.path_to(target).len().saturating_sub(1);
                self.go_to(now);
                self.review_selected = pos;
                let (sibs, at) = self.session.tree.siblings(self.session.tree.branch()[pos]);
                self.status = format!("Alternative {} of {}.", at + 1, sibs.len());
            }
            Err(_) => self.status = "This turn has no alternatives.".into(),
        }
    }

    fn jump_to_selected(&mut self) {
        if self.stage != Stage::Playing || self.busy() {
            return;
        }
        if let Some(id) = self.selected_node() {
            self.go_to(id);
            let turn = self.review_selected + 1;
            self.status = if self.read_only {
                format!("At turn {turn} (read-only).")
            } else {
                format!("Back at turn {turn}; continue from here to start a new branch.")
            };
        }
    }

    /// Makes `id` current: restores its stored choices (no model work for a
    /// rewind), or asks for new ones if it has none.
    fn go_to(&mut self, id: NodeId) {
        if self.session.tree.set_current(id).is_err() {
            return;
        }
        self.story_scroll = 0;
        self.review_selected = self.session.tree.branch().len().saturating_sub(1);
        if !self.read_only {
            self.show_choices_of(id);
        }
        if self.node_role(id) == Some(Role::Player) {
            self.status = "At a player's action: press Ctrl-R to continue from it.".into();
        } else if self.choices.is_empty() && !self.read_only {
            self.request_choices(id);
        }
        self.prewrite_choices();
        self.autosave();
    }

    /// A passage stopped before any text is not kept as an empty turn: the
    /// story goes back to where it was, and an action that got no answer
    /// returns to the input to be changed or sent again.
    fn drop_empty_passage(&mut self, node: NodeId) {
        let Some(dropped) = crate::story::turns::drop_empty_passage(&mut self.session.tree, node)
        else {
            return;
        };
        let back_to = dropped.back_to;
        let mut said = "Stopped before the narrator wrote anything.";
        if let Some(action) = dropped.unanswered {
            if self.input.is_empty() {
                self.input = action;
            }
            said = "Stopped before the narrator wrote anything; your action is back in the input.";
        }
        if back_to == self.session.tree.root()
            && self
                .session
                .tree
                .node(back_to)
                .is_some_and(|n| n.children.is_empty())
        {
            // The opening's own choices come back; none are asked for, as
            // the player just stopped the model.
            let _ = self.session.tree.set_current(back_to);
            self.show_choices_of(back_to);
            self.review_selected = 0;
            self.autosave();
            self.prewrite_choices();
            self.status = format!("{said} Ctrl-R writes the first passage.");
            return;
        }
        self.go_to(back_to);
        self.status = said.into();
    }

    fn export(&mut self) {
        let dir = crate::paths::exports_dir(&self.data_dir);
        self.status = match crate::story::export::export(&self.session, &dir) {
            // The file name first: a long folder is what the status line cuts.
            Ok(()) => format!(
                "Exported {}.md and .txt to {}",
                self.session.id,
                dir.display()
            ),
            Err(e) => format!("Export failed: {e}"),
        };
    }

    fn job_is(&self, id: JobId) -> bool {
        self.job.as_ref().is_some_and(|j| j.id == id)
    }

    fn on_engine(&mut self, event: Event) {
        let Some(event) = self.prewrites.on_event(event) else {
            return;
        };
        match event {
            Event::Fed { job, state } => {
                if let Some(Job {
                    kind: JobKind::Passage { fed: Some(fed), .. },
                    ..
                }) = self.job.clone().filter(|j| j.id == job)
                {
                    if let Some(mut n) = self.session.tree.node_mut(fed) {
                        n.state = Some(state);
                    }
                }
            }
            Event::Measured { job, confidence } => {
                if let Some(Job {
                    kind: JobKind::Passage { node, .. },
                    ..
                }) = self.job.clone().filter(|j| j.id == job)
                {
                    if let Some(mut n) = self.session.tree.node_mut(node) {
                        n.confidence = Some(confidence);
                    }
                }
            }
            Event::Token { job, text } => {
                if let Some(Job {
                    kind: JobKind::Passage { node, .. },
                    ..
                }) = self.job.clone().filter(|j| j.id == job)
                {
                    if let Some(mut n) = self.session.tree.node_mut(node) {
                        n.text.push_str(&text);
                    }
                    if let Some(j) = self.job.as_mut() {
                        j.chars += text.chars().count();
                        let secs = j.started.elapsed().as_secs_f32();
                        if secs > 0.2 {
                            self.tokens_per_second = Some(j.chars as f32 / secs);
                        }
                    }
                }
            }
            Event::Done {
                job,
                text,
                state,
                tokens,
                seconds,
                cancelled,
            } => {
                let Some(Job {
                    kind: JobKind::Passage { node, .. },
                    ..
                }) = self.job.clone().filter(|j| j.id == job)
                else {
                    return;
                };
                self.job = None;
                let done_status = self.done_status.take();
                if cancelled && text.trim().is_empty() {
                    self.drop_empty_passage(node);
                    return;
                }
                if let Some(mut n) = self.session.tree.node_mut(node) {
                    n.text = text;
                    n.state = Some(state);
                    n.tokens = tokens;
                    n.seconds = seconds;
                    if let Some(p) = n.provenance.as_mut() {
                        p.stopped = cancelled;
                    }
                }
                // The scene after this passage, kept with it: rewinds and
                // branches read the scene of their own turn.
                let scene = crate::story::prompt::scene_after(&self.session.tree, node);
                if let Some(mut n) = self.session.tree.node_mut(node) {
                    n.scene = Some(Box::new(scene));
                }
                if seconds > 0.0 {
                    self.tokens_per_second = Some(tokens as f32 / seconds);
                }
                self.score(node);
                let before = self.session.tree.node(node).and_then(|n| n.parent);
                let before = before.and_then(|p| self.session.tree.node(p));
                self.status = if cancelled {
                    "Stopped. What was written is kept; Ctrl-R writes another version.".into()
                } else if let Some(said) = done_status {
                    said
                } else {
                    // The notice for a Chinese action stays beside its English passage.
                    before
                        .and_then(|p| crate::sentiment::lang::english_story_notice(&p.text))
                        .unwrap_or_default()
                        .to_string()
                };
                self.autosave();
                self.request_choices(node);
            }
            Event::Candidates { job, texts, .. } => {
                let Some(Job {
                    kind: JobKind::Choices { node, attempt },
                    ..
                }) = self.job.clone().filter(|j| j.id == job)
                else {
                    return;
                };
                self.job = None;
                let offer = crate::story::choices::offer(
                    &self.session.tree,
                    node,
                    attempt,
                    texts,
                    self.config.story.choices,
                );
                if let Some(mut n) = self.session.tree.node_mut(node) {
                    n.choices = offer.choices.clone();
                }
                if offer.ask_again {
                    self.request_choices_attempt(node, attempt + 1);
                    return;
                }
                if self.session.tree.current() == node {
                    self.show_choices_of(node);
                }
                self.autosave();
                self.prewrite_choices();
            }
            // The lyrics editor's results.
            Event::Song { .. } => {}
            Event::Error { job, message } => {
                if self.job_is(job) {
                    self.job = None;
                }
                self.status = format!("The model failed: {message}");
            }
        }
    }
}

/// The seed the app draws after `seed` (a linear congruential step): a
/// choice written ahead uses the one its pick will draw.
fn seed_after(seed: u64) -> u64 {
    seed.wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407)
}

impl Screen for App {
    fn mode(&self) -> Mode {
        if self.read_only {
            Mode::Review
        } else {
            Mode::Story
        }
    }

    fn focus(&self) -> Focus {
        match self.focus {
            Pane::Chat => Focus::Chat {
                empty: self.input.is_empty(),
            },
            Pane::Story => Focus::Story,
            Pane::Review => Focus::Review,
        }
    }

    fn update(&mut self, action: Action) {
        App::update(self, action);
    }

    fn render(&self, frame: &mut ratatui::Frame) {
        super::render::render(self, frame);
    }

    fn take_requests(&mut self) -> Vec<Request> {
        std::mem::take(&mut self.outbox)
    }

    fn engine_stopped(&mut self) {
        self.status = "The model engine stopped; your story is saved.".into();
    }

    fn should_quit(&self) -> bool {
        self.should_quit
    }

    fn close(&mut self) -> anyhow::Result<Option<String>> {
        let last_save_error = self.saver.take().and_then(|s| s.finish());
        super::exit_report(
            self.session_path.as_deref(),
            self.read_only,
            last_save_error,
        )
    }
}
