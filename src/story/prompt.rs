//! What the model reads for a story turn: the story so far as text, the
//! state to start from, the plan that shapes a passage, and what the
//! player can see when choices are sampled.

use crate::config::StoryConfig;
use crate::lm::{LstmState, SamplingConfig};
use crate::narrator::words::{extend_world, named_things};
use crate::narrator::{action_line, model_text, PassageRules, Plan};

use super::mood::Mood;
use super::provenance::PlanSettings;
use super::tree::{NodeId, Role, StoryTree};

/// Prefix after which choices are sampled: the start of a player's line,
/// so a choice is what the model predicts a player types next.
pub const CHOICE_PREFIX: &str = "> ";
/// Predictions sampled per choice offered (one batch; cheap, they are short).
pub const CHOICE_OVERSAMPLE: usize = 10;
/// The longest choice sampled, in characters.
const CHOICE_MAX_CHARS: usize = 48;

/// The story up to `id`, as the model reads it (used when a stored state
/// is missing, e.g. after switching models).
pub fn context_until(tree: &StoryTree, id: NodeId) -> String {
    let mut text = String::new();
    for n in tree.path_to(id) {
        if let Some(node) = tree.node(n) {
            text.push_str(&model_text(node.role, &node.text));
        }
    }
    text
}

pub fn state_of(tree: &StoryTree, id: NodeId) -> Option<LstmState> {
    tree.node(id).and_then(|n| n.state.clone())
}

/// Where a passage answering `parent` starts reading.
#[derive(Clone, Debug, PartialEq)]
pub struct PassageStart {
    pub state: Option<LstmState>,
    /// Read first when `state` is missing or does not fit the model.
    pub context: String,
    /// Read after the state: the parent's own text when it was never read.
    pub prefix: String,
    /// The node whose text `prefix` is, to store the state after it.
    pub fed: Option<NodeId>,
}

/// The start of a passage after `parent`. With `feed_parent`, the parent's
/// text is read first (its state was not stored yet: a new action, or an
/// opening never continued).
pub fn passage_start(tree: &StoryTree, parent: NodeId, feed_parent: bool) -> PassageStart {
    if !feed_parent {
        return PassageStart {
            state: state_of(tree, parent),
            context: context_until(tree, parent),
            prefix: String::new(),
            fed: None,
        };
    }
    let prefix = tree
        .node(parent)
        .map(|n| model_text(n.role, &n.text))
        .unwrap_or_default();
    let (state, context) = match tree.node(parent).and_then(|n| n.parent) {
        Some(g) => (state_of(tree, g), context_until(tree, g)),
        None => (None, String::new()),
    };
    PassageStart {
        state,
        context,
        prefix,
        fed: Some(parent),
    }
}

/// The narrator's settings from the config and the mood: what a passage's
/// record keeps (see [`super::provenance`]).
pub fn plan_settings(story: &StoryConfig, mood: Option<Mood>) -> PlanSettings {
    let candidates = if mood.is_some() {
        story.candidates.max(story.steering_candidates)
    } else {
        story.candidates
    };
    PlanSettings {
        candidates,
        rules: PassageRules {
            min_chars: story.min_passage_chars,
            max_chars: story.max_passage_chars,
            ceiling_chars: story.max_passage_chars + story.max_passage_chars / 3,
            bias: story.action_bias,
        },
        mood: mood.map(Mood::target),
    }
}

/// What shapes the passage that answers `parent`: the action it follows,
/// the recent passages it should not repeat, the things of the story, the
/// mood.
pub fn passage_plan(
    tree: &StoryTree,
    parent: NodeId,
    story: &StoryConfig,
    mood: Option<Mood>,
) -> Plan {
    plan_with(tree, parent, plan_settings(story, mood))
}

/// The passages a passage after `parent` should not repeat: the last three
/// that are not the player's (the opening counts).
pub fn recent_passages(tree: &StoryTree, parent: NodeId) -> Vec<String> {
    // Up the parent links, not along the whole path: the review asks this
    // for every row it draws.
    let mut recent = Vec::new();
    let mut at = tree.node(parent);
    while let Some(n) = at {
        if recent.len() == 3 {
            break;
        }
        if n.role != Role::Player {
            recent.push(n.text.clone());
        }
        at = n.parent.and_then(|p| tree.node(p));
    }
    recent
}

/// [`passage_plan`] with settings given (a stored record's, on replay).
pub fn plan_with(tree: &StoryTree, parent: NodeId, settings: PlanSettings) -> Plan {
    let action = tree
        .node(parent)
        .filter(|n| n.role == Role::Player)
        .map(|n| n.text.clone());
    let path = tree.path_to(parent);
    let mut world = Vec::new();
    for node in path.iter().filter_map(|&id| tree.node(id)) {
        match node.role {
            Role::Opening => extend_world(&mut world, &node.text, false),
            Role::Player => extend_world(&mut world, &node.text, true),
            Role::Narration => {}
        }
    }
    Plan {
        candidates: settings.candidates,
        rules: settings.rules,
        action,
        recent: recent_passages(tree, parent),
        world,
        mood: settings.mood,
    }
}

/// What the player can see at `node`, for grounding choices: its own
/// text, the two passages before it and the opening.
pub fn scene_of(tree: &StoryTree, node: NodeId) -> String {
    let mut parts: Vec<&str> = tree
        .path_to(node)
        .iter()
        .rev()
        .filter_map(|&id| tree.node(id))
        .filter(|n| n.role == Role::Narration)
        .take(3)
        .map(|n| n.text.as_str())
        .collect();
    parts.extend(tree.node(0).map(|n| n.text.as_str()));
    parts.join("\n\n")
}

/// The action the player took just before `node`, if any.
pub fn action_before(tree: &StoryTree, node: NodeId) -> Option<String> {
    let parent = tree.node(node)?.parent?;
    tree.node(parent)
        .filter(|n| n.role == Role::Player)
        .map(|n| action_line(&n.text))
}

/// How the choices after `node` are sampled.
#[derive(Clone, Debug, PartialEq)]
pub struct ChoiceAsk {
    pub state: Option<LstmState>,
    pub context: String,
    pub prefix: String,
    pub n: usize,
    pub sampling: SamplingConfig,
    /// The scene's things, which choices are steered toward.
    pub steer: Vec<String>,
    pub steer_bias: f32,
}

pub fn choice_ask(
    tree: &StoryTree,
    node: NodeId,
    story: &StoryConfig,
    sampling: &SamplingConfig,
) -> ChoiceAsk {
    ChoiceAsk {
        state: state_of(tree, node),
        context: context_until(tree, node),
        prefix: CHOICE_PREFIX.into(),
        // Oversample: long, odd or repeated predictions are dropped, and
        // those about things in the scene go first.
        n: story.choices * CHOICE_OVERSAMPLE,
        sampling: SamplingConfig {
            temperature: story.choice_temperature,
            max_tokens: CHOICE_MAX_CHARS,
            ..sampling.clone()
        },
        // Toward the things the player can see, as passages are toward the
        // action's words: the model alone rarely names them.
        steer: named_things(&scene_of(tree, node)),
        steer_bias: story.action_bias,
    }
}
