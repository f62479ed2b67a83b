//! What kind of choice a choice is, as the ranker sees it: its sentiment,
//! its length, its verb and the verb's family (talking, moving, looking,
//! taking, fighting). Each feature has a sentence for the reason shown
//! beside a ranked choice.

/// Verb families: a player who asks people things also talks and tells.
const FAMILIES: [(&str, &[&str]); 5] = [
    (
        "talk",
        &[
            "ask",
            "talk",
            "say",
            "tell",
            "speak",
            "shout",
            "call",
            "greet",
            "answer",
            "whisper",
            "yell",
            "reply",
            "thank",
            "introduce",
        ],
    ),
    (
        "move",
        &[
            "go", "walk", "run", "climb", "enter", "leave", "follow", "return", "head", "swim",
            "jump", "cross", "descend", "step", "move", "sail", "flee", "escape",
        ],
    ),
    (
        "look",
        &[
            "look", "examine", "search", "read", "listen", "watch", "inspect", "check", "study",
            "smell", "touch", "wait", "think",
        ],
    ),
    (
        "get",
        &[
            "take", "open", "get", "grab", "pick", "use", "unlock", "pull", "push", "lift",
            "light", "drink", "eat", "wear", "put", "give",
        ],
    ),
    (
        "fight",
        &[
            "attack", "kill", "hit", "fight", "stab", "break", "kick", "burn", "destroy", "strike",
            "shoot", "smash", "throw",
        ],
    ),
];

/// A named feature and its value.
pub type Feature = (String, f32);

/// The verb of a command: its first word, lower case.
pub fn verb(choice: &str) -> String {
    choice
        .split_whitespace()
        .next()
        .unwrap_or("")
        .to_lowercase()
}

pub fn family(verb: &str) -> Option<&'static str> {
    FAMILIES
        .iter()
        .find(|(_, verbs)| verbs.contains(&verb))
        .map(|(name, _)| *name)
}

/// The lexicon's sentiment of a choice (VADER: microseconds, so every
/// offered choice is scored).
pub fn sentiment(choice: &str) -> f32 {
    crate::sentiment::Scorer::builtin().score(choice).score
}

/// The features of one choice.
pub fn features(choice: &str) -> Vec<Feature> {
    let words = choice.split_whitespace().count();
    let score = sentiment(choice);
    let mood = if score <= -0.05 {
        "neg"
    } else if score >= 0.05 {
        "pos"
    } else {
        "neu"
    };
    let length = match words {
        0..=1 => "1",
        2 => "2",
        3 => "3",
        _ => "4+",
    };
    let verb = verb(choice);
    let mut f = vec![
        (format!("sent:{mood}"), 1.0),
        ("sentiment".to_string(), score),
        (format!("len:{length}"), 1.0),
        ("words".to_string(), words.min(8) as f32 / 4.0),
    ];
    if let Some(family) = family(&verb) {
        f.push((format!("kind:{family}"), 1.0));
    }
    if !verb.is_empty() {
        f.push((format!("verb:{verb}"), 1.0));
    }
    f
}

/// Why a player would like choices with feature `name` pushed up (weight
/// `weight` > 0), in the words shown beside the choice.
pub fn reason(name: &str, weight: f32) -> Option<String> {
    let said = match name {
        "sent:neg" => "you often pick dark choices".into(),
        "sent:pos" => "you often pick hopeful choices".into(),
        "sent:neu" => "you often pick plain, calm choices".into(),
        "sentiment" if weight > 0.0 => "you often pick hopeful choices".into(),
        "sentiment" => "you often pick dark choices".into(),
        "len:1" | "len:2" => "you often pick short choices".into(),
        "words" if weight < 0.0 => "you often pick short choices".into(),
        "len:4+" | "words" => "you often pick long choices".into(),
        "len:3" => "you often pick three-word choices".into(),
        "kind:talk" => "you often talk to people".into(),
        "kind:move" => "you often move on".into(),
        "kind:look" => "you often look around first".into(),
        "kind:get" => "you often take and open things".into(),
        "kind:fight" => "you often fight".into(),
        _ => match name.strip_prefix("verb:") {
            Some(v) => format!("you often pick \"{v} …\""),
            None => return None,
        },
    };
    Some(said)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn has(f: &[Feature], name: &str) -> bool {
        f.iter().any(|(n, _)| n == name)
    }

    #[test]
    fn a_choice_is_described_by_sentiment_length_and_verb() {
        let f = features("kill the evil guard");
        assert!(has(&f, "sent:neg"), "{f:?}");
        assert!(has(&f, "len:4+") && has(&f, "kind:fight") && has(&f, "verb:kill"));
        let f = features("Ask the guard");
        assert!(has(&f, "sent:neu") && has(&f, "len:3") && has(&f, "kind:talk"));
        assert!(has(&f, "verb:ask"), "{f:?}");
        let f = features("smile");
        assert!(has(&f, "sent:pos") && has(&f, "len:1") && !has(&f, "kind:talk"));
        assert!(features("").iter().all(|(n, _)| !n.starts_with("verb:")));
    }

    #[test]
    fn every_feature_with_a_family_has_a_reason() {
        for (name, _) in FAMILIES {
            assert!(reason(&format!("kind:{name}"), 1.0).is_some());
        }
        assert_eq!(
            reason("verb:take", 1.0).unwrap(),
            "you often pick \"take …\""
        );
        assert_eq!(
            reason("words", -1.0).unwrap(),
            "you often pick short choices"
        );
    }
}
