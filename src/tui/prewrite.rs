//! Choices written before they are picked. While the player reads, each
//! offered choice's passage is written by the same narrate request a pick
//! would send, with the seed the pick would draw. The results wait here,
//! outside the story tree, keyed by everything that shapes them; a pick
//! whose request equals a key takes that result (or adopts the job still
//! writing it) instead of asking the engine again. Nothing here changes the
//! story: a result becomes a turn only through the app's usual passage path.

use crate::engine::{CancelToken, Event, JobId};
use crate::lm::{LstmState, SamplingConfig};
use crate::narrator::confidence::Confidence;
use crate::narrator::Plan;
use crate::story::NodeId;

/// Everything a narrate request reads: equal inputs write the same passage.
#[derive(Clone, Debug)]
pub struct PassageInputs {
    pub state: Option<LstmState>,
    pub context: String,
    pub prefix: String,
    pub plan: Plan,
    pub sampling: SamplingConfig,
    pub seed: u64,
}

/// The story as text is read only when there is no stored state (the
/// app's states are always its model's: a story from another model is
/// read anew without them), so with a state it is not compared, and a
/// passage written ahead need not build it.
impl PartialEq for PassageInputs {
    fn eq(&self, other: &Self) -> bool {
        self.state == other.state
            && (self.state.is_some() || self.context == other.context)
            && self.prefix == other.prefix
            && self.plan == other.plan
            && self.sampling == other.sampling
            && self.seed == other.seed
    }
}

/// Which passage an entry is: the turn the choice is taken at, the
/// choice's text and the request's inputs.
#[derive(Clone, Debug, PartialEq)]
pub struct Key {
    pub at: NodeId,
    pub choice: String,
    pub inputs: PassageInputs,
}

/// A passage written to its end, as the engine reported it.
#[derive(Clone, Debug)]
pub struct Written {
    pub text: String,
    pub state: LstmState,
    pub tokens: usize,
    pub seconds: f32,
}

/// What a pick finds for its request.
#[derive(Debug)]
pub enum Found {
    /// Written: the events a passage job would have received.
    Ready {
        fed: Option<LstmState>,
        measured: Option<Confidence>,
        written: Written,
    },
    /// Still being written by `job`; its remaining events follow.
    Running {
        job: JobId,
        cancel: CancelToken,
        fed: Option<LstmState>,
        measured: Option<Confidence>,
    },
}

#[derive(Debug)]
struct Entry {
    key: Key,
    job: JobId,
    cancel: CancelToken,
    /// The state after the choice's line, once the engine has read it.
    fed: Option<LstmState>,
    /// The passage's surprisal and repetition, sent just before its end.
    measured: Option<Confidence>,
    written: Option<Written>,
}

/// The passages written ahead for the choices on screen.
#[derive(Debug, Default)]
pub struct Prewrites {
    entries: Vec<Entry>,
}

impl Prewrites {
    pub fn contains(&self, key: &Key) -> bool {
        self.entries.iter().any(|e| &e.key == key)
    }

    /// Remembers a request sent for `key`.
    pub fn started(&mut self, key: Key, job: JobId, cancel: CancelToken) {
        self.entries.push(Entry {
            key,
            job,
            cancel,
            fed: None,
            measured: None,
            written: None,
        });
    }

    /// Cancels and forgets every entry `keep` rejects: stale ones.
    pub fn retain(&mut self, mut keep: impl FnMut(&Key) -> bool) {
        self.entries.retain(|e| {
            let kept = keep(&e.key);
            if !kept {
                e.cancel.cancel();
            }
            kept
        });
    }

    /// Stops every passage still being written (the player wants the
    /// engine); those already written stay until they are stale.
    pub fn cancel_running(&mut self) {
        self.entries.retain(|e| {
            if e.written.is_none() {
                e.cancel.cancel();
            }
            e.written.is_some()
        });
    }

    pub fn clear(&mut self) {
        self.retain(|_| false);
    }

    /// The passage for `key`, taken out of the store.
    pub fn take(&mut self, key: &Key) -> Option<Found> {
        let at = self.entries.iter().position(|e| &e.key == key)?;
        let e = self.entries.swap_remove(at);
        Some(match e.written {
            Some(written) => Found::Ready {
                fed: e.fed,
                measured: e.measured,
                written,
            },
            None => Found::Running {
                job: e.job,
                cancel: e.cancel,
                fed: e.fed,
                measured: e.measured,
            },
        })
    }

    /// Takes the engine's event when it is for a passage written ahead;
    /// any other event is given back.
    pub fn on_event(&mut self, event: Event) -> Option<Event> {
        let job = event.job();
        let Some(at) = self.entries.iter().position(|e| e.job == job) else {
            return Some(event);
        };
        match event {
            Event::Fed { state, .. } => self.entries[at].fed = Some(state),
            Event::Measured { confidence, .. } => self.entries[at].measured = Some(confidence),
            Event::Done {
                text,
                state,
                tokens,
                seconds,
                cancelled,
                ..
            } => {
                if cancelled {
                    // Cut short: not the passage the pick would write.
                    self.entries.swap_remove(at);
                } else {
                    self.entries[at].written = Some(Written {
                        text,
                        state,
                        tokens,
                        seconds,
                    });
                }
            }
            Event::Error { .. } => {
                self.entries.swap_remove(at);
            }
            // The whole passage comes with Done.
            Event::Token { .. } | Event::Candidates { .. } | Event::Song { .. } => {}
        }
        None
    }

    /// Whether `job` writes a passage ahead.
    pub fn is_ahead(&self, job: JobId) -> bool {
        self.entries.iter().any(|e| e.job == job)
    }

    /// (written, being written) among the entries.
    pub fn counts(&self) -> (usize, usize) {
        let written = self.entries.iter().filter(|e| e.written.is_some()).count();
        (written, self.entries.len() - written)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::StoryConfig;
    use crate::story::prompt::action_plan;
    use crate::story::StoryTree;

    fn key(choice: &str, seed: u64) -> Key {
        let tree = StoryTree::new("You wake.");
        Key {
            at: 0,
            choice: choice.into(),
            inputs: PassageInputs {
                state: None,
                context: "You wake.\n\n".into(),
                prefix: format!("> {choice}\n\n"),
                plan: action_plan(&tree, 0, Some(choice), &StoryConfig::default(), None),
                sampling: SamplingConfig::default(),
                seed,
            },
        }
    }

    fn done(job: JobId, text: &str, cancelled: bool) -> Event {
        Event::Done {
            job,
            text: text.into(),
            state: LstmState::zeros(1, 2),
            tokens: 9,
            seconds: 0.1,
            cancelled,
        }
    }

    #[test]
    fn a_written_passage_is_found_only_by_its_own_key() {
        let mut p = Prewrites::default();
        p.started(key("look", 1), 7, CancelToken::default());
        p.started(key("wait", 1), 8, CancelToken::default());
        assert!(p
            .on_event(Event::Fed {
                job: 7,
                state: LstmState::zeros(1, 2)
            })
            .is_none());
        let measured = Confidence {
            surprisal_bits_per_char: Some(0.4),
            repetition: 0.0,
        };
        assert!(p
            .on_event(Event::Measured {
                job: 7,
                confidence: measured
            })
            .is_none());
        assert!(p.on_event(done(7, "You look.", false)).is_none());
        assert_eq!(p.counts(), (1, 1));
        // Another job's event is not taken.
        assert!(p.on_event(done(99, "x", false)).is_some());
        // Another seed is another passage.
        assert!(p.take(&key("look", 2)).is_none());
        match p.take(&key("look", 1)) {
            Some(Found::Ready {
                fed,
                measured: m,
                written,
            }) => {
                assert!(fed.is_some());
                assert_eq!(m, Some(measured));
                assert_eq!(written.text, "You look.");
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            p.take(&key("wait", 1)),
            Some(Found::Running { job: 8, .. })
        ));
        assert_eq!(p.counts(), (0, 0));
    }

    #[test]
    fn with_a_stored_state_the_key_does_not_need_the_story_text() {
        use crate::story::prompt::{action_starts, passage_plan, passage_start};
        use crate::story::Role;
        let story = StoryConfig::default();
        let mut t = StoryTree::new("You wake.");
        let a = t.push(0, Role::Player, "stand up").unwrap();
        let p = t.push(a, Role::Narration, "You stand.").unwrap();
        t.node_mut(p).unwrap().state = Some(LstmState::zeros(1, 2));
        let ahead = action_starts(&t, p, &["look"]).remove(0);
        assert!(ahead.context.is_empty() && ahead.state.is_some());
        let inputs = |start: crate::story::prompt::PassageStart, plan| PassageInputs {
            state: start.state,
            context: start.context,
            prefix: start.prefix,
            plan,
            sampling: SamplingConfig::default(),
            seed: 4,
        };
        let written = inputs(ahead, action_plan(&t, p, Some("look"), &story, None));
        let b = t.push(p, Role::Player, "look").unwrap();
        let picked = inputs(
            passage_start(&t, b, true),
            passage_plan(&t, b, &story, None),
        );
        assert!(!picked.context.is_empty());
        assert_eq!(written, picked);
        // Without a state the text is what the model reads: compared.
        let mut other = picked.clone();
        other.state = None;
        let mut other_text = other.clone();
        other_text.context.push('x');
        assert_ne!(other, other_text);
    }

    #[test]
    fn stale_and_cut_short_passages_are_dropped_and_stopped() {
        let mut p = Prewrites::default();
        let (a, b) = (CancelToken::default(), CancelToken::default());
        p.started(key("look", 1), 1, a.clone());
        p.started(key("wait", 1), 2, b.clone());
        p.on_event(done(2, "You wait", true));
        assert!(
            p.take(&key("wait", 1)).is_none(),
            "a cancelled passage is not kept"
        );
        p.cancel_running();
        assert!(a.is_cancelled());
        assert_eq!(p.counts(), (0, 0));
        let c = CancelToken::default();
        p.started(key("look", 3), 3, c.clone());
        p.on_event(done(3, "You look.", false));
        p.retain(|k| k.inputs.seed != 3);
        assert!(c.is_cancelled() && p.take(&key("look", 3)).is_none());
    }
}
