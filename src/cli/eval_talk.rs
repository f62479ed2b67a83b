//! `fabula eval --talk`: how characters answer when spoken to. A script of
//! openings and lines is played through the same game as `--plain`; each
//! line that speaks to a character (see [`crate::narrator::address`]) is a
//! reply, read for quoted speech attributed to that character, another
//! speaker, and taking up a content word of the question.

use std::path::Path;
use std::sync::Arc;

use super::eval::{load_script, save_transcript, EvalArgs};
use super::headless::{Headless, Opening};
use crate::narrator::address::address;
use crate::narrator::quality::share;
use crate::narrator::speech::judge;
use crate::narrator::words;
use crate::story::prompt::cast_of;

/// Tallies over the replies of played conversations.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TalkQuality {
    /// Lines that spoke to a character.
    pub addresses: usize,
    /// Replies with quoted speech (opened and closed around words).
    pub quoted: usize,
    /// ...attributed to the character spoken to, and to no one else.
    pub quoted_attributed: usize,
    /// Replies that name another speaker (`replied Jane`, `said you`).
    pub other_speaker: usize,
    /// Addresses whose question has content words, and replies whose
    /// quoted words take one up.
    pub with_question: usize,
    pub takes_up: usize,
    pub mid_sentence: usize,
    pub words: usize,
    pub dictionary_words: usize,
}

impl TalkQuality {
    pub fn add(
        &mut self,
        passage: &str,
        to: &crate::narrator::characters::Character,
        question: &[String],
    ) {
        self.addresses += 1;
        let r = judge(passage, to, question);
        self.quoted += usize::from(r.quoted);
        self.quoted_attributed += usize::from(r.quoted && r.attributed && !r.other_speaker);
        self.other_speaker += usize::from(r.other_speaker);
        if !question.is_empty() {
            self.with_question += 1;
            self.takes_up += usize::from(r.takes_up);
        }
        self.mid_sentence += usize::from(words::ends_mid_sentence(passage));
        for w in words::words(passage) {
            self.words += 1;
            self.dictionary_words += usize::from(words::is_dictionary_word(&w));
        }
    }

    /// `key=value` pairs, one line.
    pub fn line(&self) -> String {
        format!(
            "addresses={} quoted={:.3} quoted_attributed={:.3} other_speaker={:.3} questions={} takes_up_word={:.3} mid_sentence={:.3} dictionary={:.3}",
            self.addresses,
            share(self.quoted, self.addresses),
            share(self.quoted_attributed, self.addresses),
            share(self.other_speaker, self.addresses),
            self.with_question,
            share(self.takes_up, self.with_question),
            share(self.mid_sentence, self.addresses),
            share(self.dictionary_words, self.words),
        )
    }
}

pub fn run(args: &EvalArgs, script: &Path) -> anyhow::Result<()> {
    let (stories, config, model) = load_script(args, script)?;
    let default_variants = ["narrator", "frame", "shipped"].map(String::from);
    let variants = if args.variants.is_empty() {
        &default_variants[..]
    } else {
        &args.variants[..]
    };
    for variant in variants {
        let mut cfg = config.clone();
        match variant.as_str() {
            "narrator" => cfg.story.speech_frames = false,
            "frame" => cfg.story.candidates = 1,
            "shipped" => {}
            other => {
                anyhow::bail!("unknown --talk variant {other:?}: use narrator, frame or shipped")
            }
        }
        let mut quality = TalkQuality::default();
        let started = std::time::Instant::now();
        let mut transcript: Vec<u8> = Vec::new();
        for &seed in &args.seeds {
            for story in &stories {
                let mut game = Headless::new(cfg.clone(), Arc::clone(&model), seed, false);
                let (opening, first) = game.start(&Opening::Text(story.opening.clone()))?;
                transcript.extend_from_slice(format!("# seed {seed}\n\n{opening}\n\n").as_bytes());
                super::plain::write_turn(&mut transcript, &first)?;
                for line in &story.actions {
                    let tree = &game.app.session.tree;
                    let spoken = address(line, &cast_of(tree, tree.current()));
                    if let Some(turn) = game.act(line)? {
                        if let Some(a) = &spoken {
                            quality.add(&turn.passage, &a.to, &a.question);
                        }
                        super::plain::write_turn(&mut transcript, &turn)?;
                    }
                }
            }
        }
        let seconds = started.elapsed().as_secs_f64() / quality.addresses.max(1) as f64;
        println!(
            "variant={variant} candidates={} speech_frames={} {} seconds_per_line={seconds:.3}",
            cfg.story.candidates,
            cfg.story.speech_frames,
            quality.line()
        );
        save_transcript(args, &format!("talk-{variant}.txt"), &transcript)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::narrator::characters::Character;

    #[test]
    fn replies_are_tallied() {
        let guard = Character {
            name: "the guard".into(),
            key: "guard".into(),
        };
        let mut q = TalkQuality::default();
        q.add(
            "The guard looks up. \"The ship left.\" He waits.",
            &guard,
            &["ship".into()],
        );
        q.add("You open the gate.", &guard, &["ship".into()]);
        q.add("Mara says, \"Go", &guard, &[]);
        q.add("\"Hush,\" said Jane.", &guard, &[]);
        assert_eq!(q.addresses, 4);
        assert_eq!((q.quoted, q.quoted_attributed, q.other_speaker), (2, 1, 2));
        assert_eq!((q.with_question, q.takes_up), (2, 1));
        assert_eq!(q.mid_sentence, 1);
        assert!(q
            .line()
            .starts_with("addresses=4 quoted=0.500 quoted_attributed=0.250 other_speaker=0.500"));
    }
}
