//! The narrator: how a story turn becomes model text and how a passage is
//! written from it. The model reads and writes one transcript form,
//!
//! ```text
//! <opening or passage>
//!
//! > <the player's action, lower case>
//!
//! <the narrator's response>
//! ```
//!
//! For each turn several candidates are sampled in one batch, steered by
//! [`guide::PassageGuide`] (sentence ends, no player lines, a modest bias
//! toward the action's words) and the best is kept by [`rerank::score`].
//! Every character of a passage is sampled from the model; the narrator
//! biases, chooses and cuts, and never writes words itself.

pub mod address;
pub mod annotate;
pub mod characters;
pub mod choices;
pub mod confidence;
pub mod guide;
pub mod lexicon;
pub mod quality;
pub mod rerank;
pub mod scene;
pub mod speech;
pub mod words;

use crate::lm::generate::{feed, generate_guided, Guided, StopReason};
use crate::lm::{InferenceModel, LstmState, SamplingConfig, Scratch};
use crate::story::Role;

pub use guide::PassageRules;

/// How a turn's text is read by the model (see the module doc).
pub fn model_text(role: Role, text: &str) -> String {
    model_text_with_scene(role, text, "")
}

/// [`model_text`] with the scene line the model reads before an action
/// ([`scene::Scene::line`]; nothing when it is empty).
pub fn model_text_with_scene(role: Role, text: &str, scene_line: &str) -> String {
    match role {
        Role::Player if scene_line.is_empty() => format!("> {}\n\n", action_line(text)),
        Role::Player => format!("{scene_line}\n> {}\n\n", action_line(text)),
        _ => format!("{}\n\n", text.trim()),
    }
}

/// A player's action as a transcript command: one line, single spaces, no
/// closing full stop, lower case unless it is quoted speech.
pub fn action_line(action: &str) -> String {
    let one: String = action
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .trim_start_matches('>')
        .trim()
        .to_string();
    let one = one.trim_end_matches('.').to_string();
    if one.starts_with(['"', '“', '\'']) {
        one
    } else {
        one.to_lowercase()
    }
}

/// Everything that shapes one passage besides the sampling settings.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    /// Candidates sampled together; the best is kept.
    pub candidates: usize,
    pub rules: PassageRules,
    /// The player's action this passage answers (none after an opening).
    pub action: Option<String>,
    /// Recent passages, for the repetition score.
    pub recent: Vec<String>,
    /// What the opening and the player's actions named (`words::extend_world`):
    /// a passage that names one of them stays in the player's story.
    pub world: Vec<String>,
    /// Target sentiment when a mood is set.
    pub mood: Option<f32>,
    /// When the action speaks to a character: the reply is theirs, as
    /// quoted speech after a frame that names them ([`speech`]).
    pub speech: Option<speech::Speech>,
    /// What fills the object slot the model writes (the action's object,
    /// in the scene's words); `None`: the model may not write the slot.
    pub object: Option<String>,
    /// The scene the action is taken in (boxed: a request stays small).
    pub scene: Box<scene::Scene>,
}

/// One candidate, as scored.
#[derive(Clone, Debug)]
pub struct Candidate {
    pub text: String,
    pub score: rerank::Score,
}

/// The passage kept for a turn.
#[derive(Clone, Debug)]
pub struct Narration {
    pub text: String,
    /// State after the text and the paragraph break that closes it, ready
    /// for the next `> action` line.
    pub state: LstmState,
    /// Characters sampled over all candidates.
    pub tokens: usize,
    pub cancelled: bool,
    /// Index of the kept candidate in `candidates`.
    pub chosen: usize,
    pub candidates: Vec<Candidate>,
    /// The kept passage's surprisal and repetition.
    pub confidence: confidence::Confidence,
}

/// Writes the passage that follows `start` (the state after the opening or
/// the player's line). `keep_going` is asked between steps and can cancel:
/// the best candidate so far is kept, cut back to a sentence end.
pub fn narrate(
    model: &InferenceModel,
    start: &LstmState,
    plan: &Plan,
    sampling: &SamplingConfig,
    seed: u64,
    keep_going: impl FnMut() -> bool + Send,
) -> Narration {
    if let Some(s) = &plan.speech {
        return speech::narrate(model, start, plan, s, sampling, seed, keep_going);
    }
    let action_words = plan
        .action
        .as_deref()
        .map(words::content_words)
        .unwrap_or_default();
    let n = plan.candidates.max(1);
    let mut guide = guide::PassageGuide::new(&model.vocab, plan.rules.clone(), &action_words, n);
    if plan.object.is_none() {
        guide = guide.banning(&model.vocab, scene::OBJECT_SLOT);
    }
    let config = SamplingConfig {
        max_tokens: plan.rules.ceiling_chars.max(1),
        ..sampling.clone()
    };
    let outs = generate_guided(
        &model.net,
        &model.vocab,
        start,
        n,
        &config,
        seed,
        &mut guide,
        keep_going,
    );
    let cancelled = outs.iter().any(|g| g.reason == StopReason::Cancelled);
    let recent = confidence::Seen::of(&plan.recent);
    let cx = rerank::RerankContext {
        action_words: &action_words,
        world: &plan.world,
        recent,
        mood: plan.mood,
    };
    let tokens = outs.iter().map(|g| g.tokens).sum();
    let mut outs: Vec<Guided> = outs
        .into_iter()
        .map(|mut g| {
            if g.reason != StopReason::StopString {
                // Cancelled or at the ceiling: still end on a sentence.
                let cut = guide::cut_point(&g.text, g.text.len());
                if cut < g.text.len() {
                    g.text.truncate(cut);
                    g.state = None;
                }
            }
            g
        })
        .collect();
    let candidates: Vec<Candidate> = outs
        .iter()
        .map(|g| {
            let mean = if g.scored == 0 {
                f64::NEG_INFINITY
            } else {
                g.log_prob / g.scored as f64
            };
            let text = scene::fill_object(g.text.trim(), plan.object.as_deref());
            let mut score = rerank::score(&text, mean, &cx);
            rerank::keep_to_scene(&mut score, &plan.scene, plan.action.as_deref(), &text);
            Candidate { score, text }
        })
        .collect();
    let scores: Vec<rerank::Score> = candidates.iter().map(|c| c.score.clone()).collect();
    let chosen = rerank::best(&scores).unwrap_or(0);
    let mut scratch = Scratch::default();
    let (text, state) = match outs.get_mut(chosen) {
        Some(g) => {
            let state = match g.state.take() {
                Some(mut s) => {
                    feed(&model.net, &model.vocab, "\n\n", &mut s, &mut scratch);
                    s
                }
                None => {
                    // The cut fell between kept states: read the kept text again.
                    let mut s = start.clone();
                    feed(
                        &model.net,
                        &model.vocab,
                        &format!("{}\n\n", g.text),
                        &mut s,
                        &mut scratch,
                    );
                    s
                }
            };
            (candidates[chosen].text.clone(), state)
        }
        None => (String::new(), start.clone()),
    };
    let confidence = kept_confidence(&candidates, chosen);
    Narration {
        text,
        state,
        tokens,
        cancelled,
        chosen,
        candidates,
        confidence,
    }
}

/// The surprisal and repetition of the kept candidate.
fn kept_confidence(candidates: &[Candidate], chosen: usize) -> confidence::Confidence {
    let kept = candidates.get(chosen);
    confidence::Confidence {
        surprisal_bits_per_char: kept.and_then(|c| confidence::bits_per_char(c.score.log_prob)),
        repetition: kept.map_or(0.0, |c| c.score.repetition),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn turns_read_as_a_transcript() {
        assert_eq!(
            model_text(Role::Player, "  Open   the Door. "),
            "> open the door\n\n"
        );
        assert_eq!(
            model_text(Role::Player, "\"Who are you?\""),
            "> \"Who are you?\"\n\n"
        );
        assert_eq!(model_text(Role::Player, "> look"), "> look\n\n");
        assert_eq!(
            model_text(Role::Narration, " The hall is dark.\n"),
            "The hall is dark.\n\n"
        );
        assert_eq!(model_text(Role::Opening, "You wake."), "You wake.\n\n");
    }
}
