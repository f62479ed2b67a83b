//! What the model reads for a story turn: the story so far as text, the
//! state to start from, the plan that shapes a passage, and what the
//! player can see when choices are sampled.

use crate::config::StoryConfig;
use crate::lm::{LstmState, SamplingConfig};
use crate::narrator::address::address;
use crate::narrator::characters::{self, Character};
use crate::narrator::scene::{action_object, head_of, slot_object, Scene};
use crate::narrator::speech::Speech;
use crate::narrator::words::{extend_world, named_things};
use crate::narrator::{action_line, model_text, model_text_with_scene, PassageRules, Plan};

use super::mood::Mood;
use super::provenance::PlanSettings;
use super::tree::{Node, NodeId, Role, StoryTree};

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
    walk_scenes(tree, &tree.path_to(id), |node, scene, action| {
        text.push_str(&turn_text(node, scene, action));
    });
    text
}

/// Walks `ids` in story order, calling `visit` with each node, the scene
/// before it and the action it answers (for a passage); returns the scene
/// after the last.
fn walk_scenes(
    tree: &StoryTree,
    ids: &[NodeId],
    mut visit: impl FnMut(&Node, &Scene, Option<&str>),
) -> Scene {
    let mut scene = Scene::default();
    let mut action: Option<&str> = None;
    for &n in ids {
        let Some(node) = tree.node(n) else { continue };
        visit(node, &scene, action);
        match node.role {
            Role::Player => action = Some(&node.text),
            _ => {
                scene = node_scene(node, &scene, action);
                action = None;
            }
        }
    }
    scene
}

/// A node's text as the model reads it, given the scene before it and the
/// action it answers: an action after its scene line, a passage with the
/// action's object as the slot.
fn turn_text(node: &Node, scene: &Scene, action: Option<&str>) -> String {
    match node.role {
        Role::Player => model_text_with_scene(Role::Player, &node.text, &scene.line()),
        role => {
            let object = action.and_then(|a| action_object(&action_line(a)));
            match object {
                Some(o) => model_text(role, &slot_object(&node.text, &o)),
                None => model_text(role, &node.text),
            }
        }
    }
}

/// The scene after a passage or opening: stored, or read from its text.
fn node_scene(node: &Node, before: &Scene, action: Option<&str>) -> Scene {
    if let Some(s) = &node.scene {
        return (**s).clone();
    }
    match node.role {
        Role::Opening => Scene::from_opening(&node.text),
        Role::Narration => before.after_turn(action.map(action_line).as_deref(), &node.text),
        Role::Player => before.clone(),
    }
}

/// The scene at `id`: after its passage (or, for an action, after the
/// passage it answers). Read from the nearest stored scene up the branch.
pub fn scene_after(tree: &StoryTree, id: NodeId) -> Scene {
    let path = tree.path_to(id);
    let from = path
        .iter()
        .rposition(|&n| tree.node(n).is_some_and(|x| x.scene.is_some()))
        .unwrap_or(0);
    walk_scenes(tree, &path[from..], |_, _, _| {})
}

/// Adds the head of each name of `scene` to `words`, lower case, once.
fn push_scene_heads(words: &mut Vec<String>, scene: &Scene) {
    for name in scene.names() {
        let head = head_of(&name).to_lowercase();
        if !words.contains(&head) {
            words.push(head);
        }
    }
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
    let Some(node) = tree.node(parent) else {
        return PassageStart {
            state: None,
            context: String::new(),
            prefix: String::new(),
            fed: Some(parent),
        };
    };
    let before = node
        .parent
        .map(|p| scene_after(tree, p))
        .unwrap_or_default();
    let text = match node.role {
        Role::Player => turn_text(node, &before, None),
        _ => model_text(node.role, &node.text),
    };
    let mut start = read_after(tree, node.parent, &text);
    start.fed = Some(parent);
    start
}

/// The start of a passage answering `action` taken at `at`, before the
/// action is in the tree: what [`passage_start`] gives once it is (a
/// choice written before it is picked starts exactly here).
pub fn action_start(tree: &StoryTree, at: NodeId, action: &str) -> PassageStart {
    let line = scene_after(tree, at).line();
    read_after(
        tree,
        Some(at),
        &model_text_with_scene(Role::Player, action, &line),
    )
}

/// [`action_start`] for several actions at `at`, reading the story once;
/// with a stored state at `at` the story's text is left empty (the model
/// reads it only when there is no state).
pub fn action_starts(tree: &StoryTree, at: NodeId, actions: &[&str]) -> Vec<PassageStart> {
    let before = match state_of(tree, at) {
        Some(state) => PassageStart {
            state: Some(state),
            context: String::new(),
            prefix: String::new(),
            fed: None,
        },
        None => read_after(tree, Some(at), ""),
    };
    let line = scene_after(tree, at).line();
    actions
        .iter()
        .map(|action| PassageStart {
            prefix: model_text_with_scene(Role::Player, action, &line),
            ..before.clone()
        })
        .collect()
}

/// Reads `prefix` after `before` (from its stored state, or the story up
/// to it as text), or from nothing when there is no `before`.
fn read_after(tree: &StoryTree, before: Option<NodeId>, prefix: &str) -> PassageStart {
    let (state, context) = match before {
        Some(g) => (state_of(tree, g), context_until(tree, g)),
        None => (None, String::new()),
    };
    PassageStart {
        state,
        context,
        prefix: prefix.to_string(),
        fed: None,
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
        speech: story.speech_frames,
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
    match tree.node(parent) {
        Some(n) if n.role == Role::Player => match n.parent {
            Some(at) => settled_plan(tree, at, Some(&n.text), settings),
            None => settled_plan(tree, parent, None, settings),
        },
        _ => settled_plan(tree, parent, None, settings),
    }
}

/// The plan of a passage answering `action` taken at `at` (none: going on
/// from `at` itself), before the action is in the tree.
pub fn action_plan(
    tree: &StoryTree,
    at: NodeId,
    action: Option<&str>,
    story: &StoryConfig,
    mood: Option<Mood>,
) -> Plan {
    settled_plan(tree, at, action, plan_settings(story, mood))
}

fn settled_plan(
    tree: &StoryTree,
    at: NodeId,
    action: Option<&str>,
    settings: PlanSettings,
) -> Plan {
    let speech = settings.speech;
    with_action(tree, at, plan_at(tree, at, settings), action, speech)
}

/// [`action_plan`] for several actions at `at`, reading the story once.
pub fn action_plans(
    tree: &StoryTree,
    at: NodeId,
    actions: &[&str],
    story: &StoryConfig,
    mood: Option<Mood>,
) -> Vec<Plan> {
    let settings = plan_settings(story, mood);
    let speech = settings.speech;
    let base = plan_at(tree, at, settings);
    actions
        .iter()
        .map(|&action| with_action(tree, at, base.clone(), Some(action), speech))
        .collect()
}

/// The plan at `at` with no action yet.
fn plan_at(tree: &StoryTree, at: NodeId, settings: PlanSettings) -> Plan {
    let path = tree.path_to(at);
    let mut world = Vec::new();
    for node in path.iter().filter_map(|&id| tree.node(id)) {
        match node.role {
            Role::Opening => extend_world(&mut world, &node.text, false),
            Role::Player => extend_world(&mut world, &node.text, true),
            Role::Narration => {}
        }
    }
    let scene = scene_after(tree, at);
    push_scene_heads(&mut world, &scene);
    Plan {
        candidates: settings.candidates,
        rules: settings.rules,
        action: None,
        recent: recent_passages(tree, at),
        world,
        mood: settings.mood,
        speech: None,
        object: None,
        scene: Box::new(scene),
    }
}

/// `plan` answering `action` taken at `at`: its words join the story's
/// things, and an action that speaks to a character is answered in their
/// voice, among the characters named before it.
fn with_action(
    tree: &StoryTree,
    at: NodeId,
    mut plan: Plan,
    action: Option<&str>,
    speech_frames: bool,
) -> Plan {
    let Some(action) = action else {
        return plan;
    };
    extend_world(&mut plan.world, action, true);
    plan.action = Some(action.to_string());
    plan.object = action_object(&action_line(action)).map(|o| plan.scene.name_for(&o));
    if speech_frames {
        let cast = cast_of(tree, at);
        if let Some(a) = address(action, &cast) {
            let path = cast_window(tree, at);
            let texts = path
                .iter()
                .filter_map(|&id| tree.node(id))
                .map(|n| n.text.as_str())
                .chain(std::iter::once(action));
            plan.speech = Some(Speech {
                pronoun: characters::pronoun(texts, &a.to).map(String::from),
                known: cast.into_iter().map(|c| c.key).collect(),
                speaker: a.to,
                question: a.question,
            });
        }
    }
    plan
}

/// How many turns back the cast is read: a character not named in that
/// many turns has left the scene, and reading a 10,000-turn story whole
/// for every action (and every choice written ahead) would stall the app.
pub const CAST_TURNS: usize = 120;

/// The opening and the last [`CAST_TURNS`] turns up to `node`, in order.
fn cast_window(tree: &StoryTree, node: NodeId) -> Vec<NodeId> {
    let path = tree.path_to(node);
    let recent = path.len().saturating_sub(CAST_TURNS).max(1);
    path.iter()
        .take(1)
        .chain(path.get(recent..).unwrap_or_default())
        .copied()
        .collect()
}

/// The characters of the story up to `node` (its opening and its last
/// [`CAST_TURNS`] passages and actions), the most recently named first,
/// except that the one the player spoke to in their last three actions
/// comes first: a line of speech with no addressee goes on with the
/// conversation.
pub fn cast_of(tree: &StoryTree, node: NodeId) -> Vec<Character> {
    let path = cast_window(tree, node);
    let mut cast = characters::of_story(
        path.iter()
            .filter_map(|&id| tree.node(id))
            .map(|n| n.text.as_str()),
    );
    let spoken_to = path
        .iter()
        .rev()
        .filter_map(|&id| tree.node(id))
        .filter(|n| n.role == Role::Player)
        .take(3)
        .find_map(|n| address(&n.text, &cast).map(|a| a.to.key));
    if let Some(at) = spoken_to.and_then(|k| cast.iter().position(|c| c.key == k)) {
        let c = cast.remove(at);
        cast.insert(0, c);
    }
    cast
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
    let scene = scene_after(tree, node);
    let line = scene.line();
    // The scene line first, as before every action the model has read.
    let prefix = if line.is_empty() {
        CHOICE_PREFIX.to_string()
    } else {
        format!("{line}\n{CHOICE_PREFIX}")
    };
    let mut steer = named_things(&scene_of(tree, node));
    push_scene_heads(&mut steer, &scene);
    ChoiceAsk {
        state: state_of(tree, node),
        context: context_until(tree, node),
        prefix,
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
        steer,
        steer_bias: story.action_bias,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cast_is_read_from_the_opening_and_the_recent_turns_only() {
        let mut t = StoryTree::new("You wake on the ship. The captain watches you.");
        let mut at = 0;
        at = t.push(at, Role::Player, "look").unwrap();
        at = t
            .push(at, Role::Narration, "Mara waits by the rail.")
            .unwrap();
        for _ in 0..CAST_TURNS {
            at = t.push(at, Role::Player, "wait").unwrap();
            at = t.push(at, Role::Narration, "The sea is calm.").unwrap();
        }
        let names = |t: &StoryTree, at| -> Vec<String> {
            cast_of(t, at).into_iter().map(|c| c.name).collect()
        };
        let early = t.branch()[2];
        assert!(names(&t, early).iter().any(|n| n == "Mara"));
        // Mara was named more than CAST_TURNS turns ago; the opening's
        // captain is always known.
        let late = names(&t, at);
        assert!(!late.iter().any(|n| n == "Mara"), "{late:?}");
        assert!(late.iter().any(|n| n.contains("captain")), "{late:?}");
        at = t.push(at, Role::Narration, "Mara comes back.").unwrap();
        assert!(names(&t, at).iter().any(|n| n == "Mara"));
    }

    #[test]
    fn an_action_not_yet_taken_starts_and_plans_as_one_in_the_tree() {
        let story = StoryConfig::default();
        let mut t = StoryTree::new("You stand at the gate. A lamp burns.");
        let a = t.push(0, Role::Player, "light the lamp").unwrap();
        let p = t.push(a, Role::Narration, "The lamp glows.").unwrap();
        for mood in [None, Some(Mood::Dark)] {
            let start = action_start(&t, p, "open the gate");
            let plan = action_plan(&t, p, Some("open the gate"), &story, mood);
            let mut taken = t.clone();
            let b = taken.push(p, Role::Player, "open the gate").unwrap();
            let mut after = passage_start(&taken, b, true);
            assert_eq!(after.fed, Some(b));
            after.fed = None;
            assert_eq!(start, after);
            assert_eq!(plan, passage_plan(&taken, b, &story, mood));
            assert!(plan.world.iter().any(|w| w == "gate"), "{:?}", plan.world);
            let both = ["open the gate", "wait"];
            // No state stored at `p`: the story is read as text.
            assert_eq!(action_starts(&t, p, &both)[0], start);
            assert_eq!(action_plans(&t, p, &both, &story, mood)[0], plan);
            assert_eq!(
                action_plans(&t, p, &both, &story, mood)[1],
                action_plan(&t, p, Some("wait"), &story, mood)
            );
        }
        // Going on from a passage (retry) has no action.
        assert_eq!(passage_plan(&t, p, &story, None).action, None);
    }
}
