//! A character's reply, as quoted speech. When the player speaks to a
//! character (`ask the guard about the ship`, see [`super::address`]), the
//! app writes the speech frame, the character's name and an opening quote
//! (`The guard looks up. "`), and the model continues from it: the words of
//! the reply up to its closing quote, then at most a short tail ("he
//! says."). The frame is the app's, the words are the model's. Should the
//! model not close the quote, the reply is cut back to its last sentence
//! end and the app closes it: that closing mark is the frame's too.
//!
//! Candidates are sampled after each of a few frames (the model answers
//! some frames in the voice of the parser games it learnt from, others in
//! that of nineteenth-century novels) and chosen by [`score`]: the model's
//! likelihood, plus a reply that is a complete quoted sentence, takes up a
//! word of the question, and is not handed to another speaker.

use crate::lm::generate::{feed, generate_guided, Guide, Guided, StopReason};
use crate::lm::{InferenceModel, LstmState, SamplingConfig, Scratch, Vocab};

use super::characters::Character;
use super::guide::{at_sentence_end, last_sentence_end, WordBias, PLAYER_MARK};
use super::rerank::{self, Score};
use super::{words, Candidate, Narration, Plan};

/// What a reply in a character's voice needs: who speaks, and what the
/// player asked (the content words a reply should take up).
#[derive(Clone, Debug, PartialEq)]
pub struct Speech {
    pub speaker: Character,
    pub question: Vec<String>,
    /// "he" or "she" when the story has said.
    pub pronoun: Option<String>,
    /// The keys of the story's characters: a name in a reply that is not
    /// among them comes from the model's novels ("Mr. Collins").
    pub known: Vec<String>,
}

/// The frames a reply is sampled after; `{}` is the speaker ("The guard").
/// An action beat before the quote reads like the parser games the model
/// learnt from ("The keeper looks up. "Can I help you?" he says."); "says,"
/// alone pulls it toward novels.
pub const FRAMES: &[&str] = &[
    "{} looks up. \"",
    "{} looks at you. \"",
    "{} nods. \"",
    "{} says, \"",
];

/// The longest reply inside the quote, in characters.
pub const MAX_QUOTE_CHARS: usize = 200;
/// The longest tail after the closing quote ("he says, and turns away.").
pub const MAX_TAIL_CHARS: usize = 80;

/// Verbs that attribute speech.
const SPEECH_VERBS: &[&str] = &[
    "added",
    "adds",
    "answered",
    "answers",
    "asked",
    "asks",
    "called",
    "calls",
    "continued",
    "continues",
    "cried",
    "cries",
    "exclaimed",
    "muttered",
    "mutters",
    "replied",
    "replies",
    "said",
    "says",
    "shouted",
    "shouts",
    "told",
    "whispered",
    "whispers",
];

/// Pronouns a reply may attribute itself with ("he says").
const PRONOUNS: &[&str] = &["he", "she", "they", "it"];

pub fn frame(index: usize, speaker: &Character) -> String {
    FRAMES[index % FRAMES.len()].replace("{}", &speaker.subject())
}

fn is_quote(c: char) -> bool {
    matches!(c, '"' | '“' | '”')
}

/// Steers a batch of replies sampled after a frame: the reply starts with
/// a capital letter, stays on its line, never writes a player line, leans
/// toward the question's words while inside the quote, and ends after its
/// closing quote and at most one short sentence of tail.
pub struct SpeechGuide {
    bias: WordBias,
    /// Ids that may not start a reply: blanks, quotes, lower-case letters.
    not_first: Vec<u32>,
    /// Ids never written inside the quote: line breaks and the player's mark.
    not_inside: Vec<u32>,
    mark: Option<u32>,
}

impl SpeechGuide {
    pub fn new(vocab: &Vocab, question: &[String], bias: f32, streams: usize) -> Self {
        let id = |c: char| vocab.contains(c).then(|| vocab.token(c));
        let mut not_first: Vec<u32> = [' ', '\n', '\t', '"', '“', '”', '\'', PLAYER_MARK]
            .into_iter()
            .filter_map(id)
            .collect();
        not_first.extend(('a'..='z').filter_map(id));
        let not_inside = ['\n', PLAYER_MARK].into_iter().filter_map(id).collect();
        SpeechGuide {
            bias: WordBias::new(vocab, question, bias, streams),
            not_first,
            not_inside,
            mark: id(PLAYER_MARK),
        }
    }
}

fn forbid(logits: &mut [f32], ids: &[u32]) {
    for &id in ids {
        if let Some(l) = logits.get_mut(id as usize) {
            *l = f32::NEG_INFINITY;
        }
    }
}

/// Where to cut a reply at `at`, whose closing quote ends at byte
/// `close_end`: at the last sentence end after it, else right after it.
fn cut_after_close(text: &str, at: usize, close_end: usize) -> usize {
    let head = text[..at].trim_end();
    match last_sentence_end(head) {
        Some(e) if e >= close_end => e,
        _ => close_end,
    }
}

impl Guide for SpeechGuide {
    fn adjust(&mut self, stream: usize, text: &str, logits: &mut [f32]) {
        if text.is_empty() {
            forbid(logits, &self.not_first);
        }
        if text.contains(is_quote) {
            forbid(logits, self.mark.as_slice());
        } else {
            forbid(logits, &self.not_inside);
            self.bias.adjust(stream, text, logits);
        }
    }

    fn end(&mut self, stream: usize, text: &str) -> Option<usize> {
        self.bias.observe(stream, text);
        let Some(close) = text.find(is_quote) else {
            // No closing quote yet: at the ceiling, keep whole sentences
            // (the quote is closed for it afterwards).
            return (text.chars().count() >= MAX_QUOTE_CHARS)
                .then(|| super::guide::cut_point(text, text.len()));
        };
        let close_end = close + text[close..].chars().next().map_or(1, char::len_utf8);
        let tail = &text[close_end..];
        if tail.ends_with(is_quote) || tail.ends_with('\n') {
            // Another line of speech, or the paragraph ends: the reply is done.
            let last = tail.chars().last().map_or(0, char::len_utf8);
            return Some(cut_after_close(text, text.len() - last, close_end));
        }
        if tail.chars().count() >= MAX_TAIL_CHARS {
            return Some(cut_after_close(text, text.len(), close_end));
        }
        let t = tail.trim();
        if tail.ends_with(char::is_whitespace) && !t.is_empty() && at_sentence_end(t) {
            return Some(text.trim_end().len());
        }
        None
    }

    fn is_boundary(&self, text: &str) -> bool {
        at_sentence_end(text) || text.ends_with(is_quote)
    }
}

/// The parts of a reply a player reads.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Reply {
    /// It holds quoted speech: an opening and a closing quote around words.
    pub quoted: bool,
    /// The speech is the addressee's: named in the sentence before the
    /// quote ("The guard looks up. "...) or by a speech verb after it
    /// (`"..." says the guard`).
    pub attributed: bool,
    /// Someone else is said to speak: another name or person, or the
    /// player ("said you").
    pub other_speaker: bool,
    /// The quoted words name a content word of the question.
    pub takes_up: bool,
    /// The quoted words.
    pub words: String,
}

/// Byte ranges of quoted passages in `text` (an unclosed quote runs to the end).
fn quotes(text: &str) -> Vec<(usize, usize, bool)> {
    let mut out = Vec::new();
    let mut open: Option<usize> = None;
    for (i, c) in text.char_indices() {
        if is_quote(c) {
            match open.take() {
                Some(o) => out.push((o, i + c.len_utf8(), true)),
                None => open = Some(i),
            }
        }
    }
    if let Some(o) = open {
        out.push((o, text.len(), false));
    }
    out
}

/// Who the speech verbs outside the quotes say speaks: the word before the
/// verb ("the guard says", "he said") or after it ("said Emma", "said the
/// guard"), lower case.
fn speakers(outside: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    for seg in outside {
        let ws: Vec<String> = words::words(seg).collect();
        for (i, w) in ws.iter().enumerate() {
            if !SPEECH_VERBS.contains(&w.as_str()) {
                continue;
            }
            let before = i.checked_sub(1).map(|j| ws[j].clone());
            let after = ws[i + 1..]
                .iter()
                .find(|w| !matches!(w.as_str(), "the" | "a" | "an" | "old" | "young"))
                .cloned();
            let subject = match before {
                Some(b) if !words::is_function_word(&b) || is_person_word(&b) => Some(b),
                _ => after.filter(|a| !words::is_function_word(a) || is_person_word(a)),
            };
            out.extend(subject);
        }
    }
    out
}

fn is_person_word(w: &str) -> bool {
    PRONOUNS.contains(&w) || matches!(w, "you" | "i" | "we")
}

/// Reads a reply (the whole passage) to words that spoke to `to`.
pub fn judge(passage: &str, to: &Character, question: &[String]) -> Reply {
    let qs = quotes(passage);
    let Some(&(open, close, closed)) = qs.first() else {
        return Reply::default();
    };
    let inner = &passage[open..close];
    let words_said: String = inner
        .trim_matches(|c: char| is_quote(c) || c.is_whitespace())
        .to_string();
    let quoted = closed && words::words(&words_said).next().is_some();
    // The sentence before the quote.
    let before = passage[..open].trim_end();
    let before_sentence = before
        .trim_end_matches(['.', '!', '?', ','])
        .rsplit(['.', '!', '?'])
        .next()
        .unwrap_or("");
    let names = |s: &str| words::words(s).any(|w| to.is_named_by(&w));
    let mut outside: Vec<&str> = Vec::new();
    let mut at = 0;
    for &(o, c, _) in &qs {
        outside.push(&passage[at..o]);
        at = c;
    }
    outside.push(&passage[at..]);
    // The attribution right after the first quote: up to its sentence end.
    let after = &passage[close..];
    let after_sentence = &after[..after.find(['.', '!', '?']).unwrap_or(after.len())];
    let said_after = speakers(&[after_sentence]);
    let attributed =
        quoted && (names(before_sentence) || said_after.iter().any(|s| to.is_named_by(s)));
    let other_speaker = speakers(&outside)
        .iter()
        .any(|s| !to.is_named_by(s) && !PRONOUNS.contains(&s.as_str()));
    let takes_up = !question.is_empty() && words::uptake(&words_said, question) > 0.0;
    Reply {
        quoted,
        attributed,
        other_speaker,
        takes_up,
        words: words_said,
    }
}

/// Whether the words outside the quotes call the speaker by the other
/// pronoun than `pronoun` ("he" or "she").
fn wrong_pronoun(full: &str, pronoun: &str) -> bool {
    let other: &[&str] = match pronoun {
        "he" => &["she", "her"],
        "she" => &["he", "his", "him"],
        _ => return false,
    };
    let mut outside = String::new();
    for (i, part) in full.split(is_quote).enumerate() {
        if i % 2 == 0 {
            outside.push_str(part);
            outside.push(' ');
        }
    }
    let wrong = words::words(&outside).any(|w| other.contains(&w.as_str()));
    wrong
}

/// Score of a reply: `full` is the frame and the model's words, `sampled`
/// the model's words alone (what the likelihood and the register are
/// measured on). Besides the narrator's terms for likelihood, dictionary
/// words, repetition, archaic register and mood:
///
/// ```text
///   − 1.0 when the model did not close the quote (the app closed it)
///   − 0.5 when the reply ends mid-sentence ("Thank you,")
///   + 0.6 × the share of the question's content words the quoted words name
///   − 1.0 when another speaker is named (`," replied Jane`, "said you")
///   + 0.4 when the words name a thing of the player's story
///   − 0.5 when the tail calls the speaker "she" and the story "he", or back
///   − 0.5 per name in the quoted words the story never named (at most 1.0)
/// ```
pub fn score(
    full: &str,
    sampled: &str,
    model_closed: bool,
    mean_log_prob: f64,
    speech: &Speech,
    cx: &rerank::RerankContext,
) -> Score {
    let base = rerank::score(
        sampled,
        mean_log_prob,
        &rerank::RerankContext {
            action_words: &[],
            world: cx.world,
            recent: cx.recent.clone(),
            mood: cx.mood,
        },
    );
    let reply = judge(full, &speech.speaker, &speech.question);
    // The narrator's score counts a story word and a missing sentence end;
    // a reply's own terms replace them.
    let mut total = base.total;
    if words::ends_mid_sentence(sampled) {
        total += 1.0;
    }
    if !model_closed {
        total -= 1.0;
    }
    if words::ends_mid_sentence(full) {
        total -= 0.5;
    }
    let uptake = if speech.question.is_empty() {
        0.0
    } else {
        words::uptake(&reply.words, &speech.question)
    };
    total += 0.6 * f64::from(uptake);
    if reply.other_speaker {
        total -= 1.0;
    }
    if let Some(p) = &speech.pronoun {
        if wrong_pronoun(full, p) {
            total -= 0.5;
        }
    }
    let strangers = super::characters::named_in(&reply.words)
        .iter()
        .filter(|c| c.name.starts_with(char::is_uppercase))
        .filter(|c| c.key != speech.speaker.key && !speech.known.contains(&c.key))
        .count();
    total -= (0.5 * strangers as f64).min(1.0);
    if !reply.quoted {
        total = f64::NEG_INFINITY;
    }
    Score {
        total,
        uptake,
        ..base
    }
}

/// Writes a character's reply after `start` (the state after the player's
/// line): candidates after each frame, the best kept.
pub fn narrate(
    model: &InferenceModel,
    start: &LstmState,
    plan: &Plan,
    speech: &Speech,
    sampling: &SamplingConfig,
    seed: u64,
    mut keep_going: impl FnMut() -> bool + Send,
) -> Narration {
    let n = plan.candidates.max(1);
    // One frame per candidate at most; each frame's candidates in one batch.
    let frames = FRAMES.len().min(n);
    let recent = super::confidence::Seen::of(&plan.recent);
    let cx = rerank::RerankContext {
        action_words: &speech.question,
        world: &plan.world,
        recent,
        mood: plan.mood,
    };
    let config = SamplingConfig {
        max_tokens: MAX_QUOTE_CHARS + MAX_TAIL_CHARS,
        ..sampling.clone()
    };
    let mut scratch = Scratch::default();
    let mut tokens = 0;
    let mut cancelled = false;
    // Per candidate: the frame's text, its start state, and what was sampled.
    let mut drawn: Vec<(String, LstmState, Guided)> = Vec::new();
    for f in 0..frames {
        if cancelled {
            break;
        }
        let per = n / frames + usize::from(f < n % frames);
        let framed = frame(f, &speech.speaker);
        let mut state = start.clone();
        feed(&model.net, &model.vocab, &framed, &mut state, &mut scratch);
        let mut guide = SpeechGuide::new(&model.vocab, &speech.question, plan.rules.bias, per);
        let outs = generate_guided(
            &model.net,
            &model.vocab,
            &state,
            per,
            &config,
            seed.wrapping_add(1000 * f as u64),
            &mut guide,
            &mut keep_going,
        );
        for g in outs {
            tokens += g.tokens;
            cancelled |= g.reason == StopReason::Cancelled;
            drawn.push((framed.clone(), state.clone(), g));
        }
    }
    let candidates: Vec<Candidate> = drawn
        .iter_mut()
        .map(|(framed, _, g)| {
            let closed = g.text.contains(is_quote);
            if !closed {
                // Unclosed at the ceiling or when stopped: whole sentences,
                // then the frame's closing quote.
                let cut = super::guide::cut_point(&g.text, g.text.len());
                g.text.truncate(cut);
                g.state = None;
            }
            let sampled = g.text.trim_end().to_string();
            let full = if closed || sampled.is_empty() {
                format!("{framed}{sampled}")
            } else {
                format!("{framed}{sampled}\"")
            };
            let mean = if g.scored == 0 {
                f64::NEG_INFINITY
            } else {
                g.log_prob / g.scored as f64
            };
            let full = super::scene::fill_object(&full, plan.object.as_deref());
            let s = score(&full, &sampled, closed, mean, speech, &cx);
            Candidate {
                text: full,
                score: s,
            }
        })
        .collect();
    let scores: Vec<Score> = candidates.iter().map(|c| c.score.clone()).collect();
    let chosen = rerank::best(&scores).unwrap_or(0);
    let (text, state) = match drawn.get_mut(chosen) {
        Some((framed, from, g)) if !g.text.trim().is_empty() => {
            let text = candidates[chosen].text.clone();
            let state = match g
                .state
                .take()
                .filter(|_| g.text.len() == g.text.trim_end().len())
            {
                Some(mut s) => {
                    feed(&model.net, &model.vocab, "\n\n", &mut s, &mut scratch);
                    s
                }
                None => {
                    // Cut between kept states, or closed by the app: read
                    // the kept words again after the frame.
                    let mut s = from.clone();
                    let rest = &text[framed.len()..];
                    feed(
                        &model.net,
                        &model.vocab,
                        &format!("{rest}\n\n"),
                        &mut s,
                        &mut scratch,
                    );
                    s
                }
            };
            (text, state)
        }
        _ => (String::new(), start.clone()),
    };
    // Measured on the words the model wrote, not the app's frame.
    let confidence = super::kept_confidence(&candidates, chosen);
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

#[cfg(test)]
mod tests {
    use super::*;

    fn guard() -> Character {
        Character {
            name: "the guard".into(),
            key: "guard".into(),
        }
    }

    fn ship() -> Vec<String> {
        vec!["ship".into()]
    }

    #[test]
    fn frames_name_the_speaker_and_open_a_quote() {
        assert_eq!(frame(0, &guard()), "The guard looks up. \"");
        assert_eq!(frame(3, &guard()), "The guard says, \"");
    }

    #[test]
    fn replies_are_read_for_quotes_speakers_and_uptake() {
        let good = judge(
            "The guard looks up. \"The ship sailed at dawn,\" he says.",
            &guard(),
            &ship(),
        );
        assert!(good.quoted && good.attributed && good.takes_up && !good.other_speaker);
        assert_eq!(good.words, "The ship sailed at dawn,");
        let after = judge("\"Go away,\" says the guard.", &guard(), &ship());
        assert!(after.quoted && after.attributed && !after.takes_up);
        let jane = judge(
            "The guard nods. \"At last,\" replied Jane, and left.",
            &guard(),
            &ship(),
        );
        assert!(jane.attributed && jane.other_speaker);
        let you = judge("\"Keep away,\" said you.", &guard(), &ship());
        assert!(you.other_speaker && !you.attributed);
        let narration = judge("You look at the ship. Nothing happens.", &guard(), &ship());
        assert!(!narration.quoted && !narration.attributed && !narration.takes_up);
        let open = judge("The guard says, \"The ship is", &guard(), &ship());
        assert!(!open.quoted);
        let someone = judge("Mara says, \"Hello.\"", &guard(), &ship());
        assert!(someone.quoted && !someone.attributed && someone.other_speaker);
    }

    #[test]
    fn the_score_prefers_a_whole_reply_about_the_question() {
        let speech = Speech {
            speaker: guard(),
            question: ship(),
            pronoun: Some("he".into()),
            known: vec!["guard".into(), "mara".into()],
        };
        let cx = rerank::RerankContext {
            action_words: &speech.question,
            world: &[],
            recent: Default::default(),
            mood: None,
        };
        let s = |full: &str, closed: bool| {
            let sampled = full.split_once('"').map_or(full, |x| x.1);
            score(full, sampled, closed, -1.2, &speech, &cx).total
        };
        let best = s(
            "The guard looks up. \"The ship left at dawn.\" He turns away.",
            true,
        );
        let off = s(
            "The guard looks up. \"The night is cold.\" He turns away.",
            true,
        );
        let unclosed = s("The guard looks up. \"The ship left at dawn.\"", false);
        let half = s("The guard looks up. \"The ship left,\"", true);
        let drift = s(
            "The guard looks up. \"The ship left at dawn,\" replied Jane.",
            true,
        );
        let she = s(
            "The guard looks up. \"The ship left at dawn.\" She turns away.",
            true,
        );
        let novel = s(
            "The guard looks up. \"The ship left at dawn, Mr. Collins.\" He turns away.",
            true,
        );
        let mara = s(
            "The guard looks up. \"The ship left at dawn, Mara.\" He turns away.",
            true,
        );
        assert!(mara > novel);
        for worse in [off, unclosed, half, drift, she, novel] {
            assert!(best > worse, "{best} vs {worse}");
        }
        assert_eq!(s("The guard looks up.", true), f64::NEG_INFINITY);
    }

    #[test]
    fn the_guide_ends_after_the_quote_and_a_short_tail() {
        let v = Vocab::from_texts(
            ["abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ .,!?\"'>\n"],
            1,
            1000,
        );
        let mut g = SpeechGuide::new(&v, &ship(), 2.0, 1);
        let mut logits = vec![0.0; v.len()];
        g.adjust(0, "", &mut logits);
        assert_eq!(logits[v.token('a') as usize], f32::NEG_INFINITY);
        assert_eq!(logits[v.token('"') as usize], f32::NEG_INFINITY);
        assert_eq!(logits[v.token('T') as usize], 0.0);
        let mut logits = vec![0.0; v.len()];
        g.adjust(0, "The sh", &mut logits);
        assert_eq!(logits[v.token('\n') as usize], f32::NEG_INFINITY);
        assert_eq!(logits[v.token('i') as usize], 2.0);
        assert_eq!(g.end(0, "The ship left."), None);
        let t = "The ship left,\" he says. ";
        assert_eq!(
            g.end(0, t).map(|c| &t[..c]),
            Some("The ship left,\" he says.")
        );
        let t = "Go.\" He waits. \"";
        // The tail's sentence ended before the new quote.
        assert_eq!(g.end(0, t).map(|c| &t[..c]), Some("Go.\" He waits."));
        let t = "Go,\" he says and\n";
        assert_eq!(g.end(0, t).map(|c| &t[..c]), Some("Go,\""));
        // Curly quotes are several bytes: cuts stay on characters.
        let t = "Go.” He waits. “";
        assert_eq!(g.end(0, t).map(|c| &t[..c]), Some("Go.” He waits."));
    }
}
