//! What produced a narration passage, stored with it so the passage can be
//! written again exactly (`fabula replay`): the model (its name and a hash
//! of its weights), the kernels' instruction set, the seed, the sampling
//! settings and the narrator's settings. The rest of what the narrator
//! reads (the start state, the action, the recent passages, the story's
//! things) follows from the path to the passage's parent.

use serde::{Deserialize, Serialize};

use crate::lm::{InferenceModel, SamplingConfig};
use crate::narrator::PassageRules;

/// The model a passage was written with.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelId {
    /// The card's name.
    pub name: String,
    /// `sha256:` and the start of the weights file's hash.
    pub weights: String,
    /// The kernels' instruction set (`avx512`, `avx2`, `portable`): sums
    /// round differently on each, so a passage replays exactly only on the
    /// same one.
    pub kernels: String,
    /// How the weights were stored (`f32`, `bf16`, `int8`; `FABULA_WEIGHTS`):
    /// each rounds them differently, so it is part of the model.
    #[serde(default = "f32_name")]
    pub format: String,
}

fn f32_name() -> String {
    "f32".into()
}

impl ModelId {
    pub fn of(model: &InferenceModel) -> ModelId {
        ModelId {
            name: model.card.name.clone(),
            weights: model.weights_digest.clone(),
            kernels: model.net.kernels().level().name().to_string(),
            format: model.net.weight_format().name().to_string(),
        }
    }
}

/// The narrator's own settings for one passage (see [`crate::narrator::Plan`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlanSettings {
    /// Candidates sampled together; the best is kept.
    pub candidates: usize,
    pub rules: PassageRules,
    /// The target sentiment of the mood steered toward, if any.
    #[serde(default)]
    pub mood: Option<f32>,
    /// Whether an action that speaks to a character was answered as their
    /// speech (`story.speech_frames`).
    #[serde(default)]
    pub speech: bool,
}

/// Everything that produced a passage besides the story before it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Provenance {
    pub model: ModelId,
    pub seed: u64,
    pub sampling: SamplingConfig,
    pub plan: PlanSettings,
    /// The player stopped the narrator: when is not recorded, so the
    /// passage cannot be written again.
    #[serde(default)]
    pub stopped: bool,
}

/// Why a stored record cannot be replayed as it is.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum BadRecord {
    #[error("its sampling settings are invalid: {0}")]
    Sampling(#[from] crate::lm::sample::SamplingError),
    #[error("it asks for {0} candidates (1 to {MAX_CANDIDATES})")]
    Candidates(usize),
    #[error("its passage limits are invalid ({0})")]
    Rules(String),
}

/// The most candidates a record may ask for (the config allows far fewer).
pub const MAX_CANDIDATES: usize = 256;
/// The longest passage ceiling a record may ask for, in characters (the
/// config allows passages of 20,000, so ceilings of 26,666).
pub const MAX_CEILING: usize = 30_000;

impl Provenance {
    /// Checks the settings a session file gives before anything is
    /// generated from them: a hand-edited or hostile record is an error,
    /// never a passage of a million candidates.
    pub fn check(&self) -> Result<(), BadRecord> {
        self.sampling.validate()?;
        if !(1..=MAX_CANDIDATES).contains(&self.plan.candidates) {
            return Err(BadRecord::Candidates(self.plan.candidates));
        }
        let r = &self.plan.rules;
        if r.ceiling_chars == 0 || r.ceiling_chars > MAX_CEILING || !r.bias.is_finite() {
            return Err(BadRecord::Rules(format!(
                "ceiling {} characters, bias {}",
                r.ceiling_chars, r.bias
            )));
        }
        if self.plan.mood.is_some_and(|m| !m.is_finite()) {
            return Err(BadRecord::Rules("the mood target is not a number".into()));
        }
        Ok(())
    }
}
