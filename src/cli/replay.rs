//! `fabula replay SESSION`: writes every narration passage of a saved story
//! again from what it stored (model, seed, sampling and narrator settings)
//! and says, per passage, whether the text is byte-identical. The story is
//! read, never changed.

use clap::Args;

use crate::lm::InferenceModel;
use crate::review::transcript::open_for_review;
use crate::story::replay::{replay, Outcome, PassageReplay, ReplayOptions, Tally};
use crate::story::session::{resume_path, sessions_dir, ResumeError};
use crate::story::Session;
use crate::text_safety::printable_line;

#[derive(Debug, Args)]
pub struct ReplayArgs {
    /// A session id (as `fabula --sessions` lists) or a path with a `/`
    /// (a session file, or a transcript, whose passages cannot be replayed).
    pub session: String,
    /// Story model to replay with (name or path) [default: the config's].
    #[arg(short, long)]
    pub model: Option<String>,
    /// Read the story before each passage from its text instead of using
    /// the stored model states.
    #[arg(long)]
    pub recompute_states: bool,
}

/// A short, printable piece of `text` from character `at`.
fn around(text: &str, at: usize) -> String {
    let piece: String = text.chars().skip(at).take(40).collect();
    printable_line(&piece).into_owned()
}

fn line(r: &PassageReplay, stored: &str) -> String {
    let head = format!("turn {} (node {}): ", r.turn, r.node);
    match &r.outcome {
        Outcome::Identical => format!("{head}identical"),
        Outcome::Mismatch {
            at,
            replayed,
            other_kernels,
        } => {
            let kernels = other_kernels.as_ref().map_or(String::new(), |k| {
                format!(" (written on {k} kernels, replayed on others)")
            });
            format!(
                "{head}MISMATCH at character {at}: stored {:?}, replayed {:?}{kernels}",
                around(stored, *at),
                around(replayed, *at)
            )
        }
        Outcome::NotReplayable(why) => format!("{head}not replayable: {why}"),
    }
}

pub fn run(args: ReplayArgs, config_path: Option<&std::path::Path>) -> anyhow::Result<()> {
    let path = resume_path(&sessions_dir(), &args.session).map_err(|e| match e {
        ResumeError::Missing { shown, source } => {
            anyhow::anyhow!("{shown}: {source} (a session id has no '/'; a path must exist)")
        }
        other => other.into(),
    })?;
    // A session is read whole (review cuts very long turns); a transcript
    // as review reads it: its passages stored nothing, so none replays.
    let is_json = crate::fsutil::read_file(&path, crate::story::session::MAX_SESSION_BYTES)
        .map(|b| b.iter().find(|c| !c.is_ascii_whitespace()) == Some(&b'{'))
        .unwrap_or(true);
    let session = if is_json {
        Session::load(&path)?
    } else {
        open_for_review(&path)?
    };
    let (config, _) = crate::config::Config::load(config_path)?;
    let name = args.model.unwrap_or(config.models.story);
    let model_path = crate::paths::resolve_model(&name)?;
    let model = InferenceModel::load(&model_path)
        .map_err(|e| anyhow::anyhow!("loading the story model {name:?}: {e}"))?;
    let options = ReplayOptions {
        recompute_states: args.recompute_states,
    };
    let results = replay(&model, &session.tree, options, |r| {
        let stored = session.tree.node(r.node).map_or("", |n| n.text.as_str());
        // Each passage as it is done; a closed pipe ends quietly.
        let _ = super::print_stdout(&(line(r, stored) + "\n"));
    });
    let t = Tally::of(&results);
    super::print_stdout(&format!(
        "mismatched={} not_replayable={}\nidentical={} total={}\n",
        t.mismatched,
        t.not_replayable,
        t.identical,
        t.total()
    ))?;
    anyhow::ensure!(
        t.mismatched == 0,
        "{} of {} passages did not replay identically",
        t.mismatched,
        t.total()
    );
    Ok(())
}
