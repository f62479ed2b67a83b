//! `fabula generate`: streams sampled text to stdout as it is produced.

use std::io::Write;
use std::ops::ControlFlow;

use clap::Args;

use crate::lm::generate::{feed, generate};
use crate::lm::{InferenceModel, SamplingConfig, Scratch};

/// Settings not given as flags come from the config's `[sampling]` and
/// `[models]` (the defaults when there is no config file).
#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Model name (story, lyrics) or path [default: the config's story model].
    #[arg(short, long)]
    pub model: Option<String>,
    /// Text that primes the model's state (printed before the continuation).
    #[arg(short, long, default_value = "")]
    pub prompt: String,
    /// [default: the config's, 0.8]
    #[arg(long, allow_negative_numbers = true)]
    pub temperature: Option<f32>,
    /// Keep only the k most likely characters (0: off) [default: the config's, 0].
    #[arg(long)]
    pub top_k: Option<usize>,
    /// [default: the config's, 0.95]
    #[arg(long, allow_negative_numbers = true)]
    pub top_p: Option<f32>,
    /// [default: the config's, 1]
    #[arg(long, allow_negative_numbers = true)]
    pub repetition_penalty: Option<f32>,
    /// [default: the config's, 500]
    #[arg(long)]
    pub max_tokens: Option<usize>,
    /// End generation at this string (not printed); repeatable.
    #[arg(long)]
    pub stop: Vec<String>,
    /// Same seed, same model, same prompt: same text. Random when absent.
    #[arg(long)]
    pub seed: Option<u64>,
}

pub fn run(args: GenerateArgs, config_path: Option<&std::path::Path>) -> anyhow::Result<()> {
    let (config, _) = crate::config::Config::load(config_path)?;
    let base = config.sampling;
    let sampling = SamplingConfig {
        temperature: args.temperature.unwrap_or(base.temperature),
        top_k: args.top_k.unwrap_or(base.top_k),
        top_p: args.top_p.unwrap_or(base.top_p),
        repetition_penalty: args.repetition_penalty.unwrap_or(base.repetition_penalty),
        max_tokens: args.max_tokens.unwrap_or(base.max_tokens),
        ..base
    };
    sampling.validate()?;
    let name = args.model.unwrap_or(config.models.story);
    let path = crate::paths::resolve_model(&name)?;
    let model = InferenceModel::load(&path)?;
    let seed = args.seed.unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64)
    });
    let mut state = model.net.zero_state();
    let mut scratch = Scratch::default();
    // An empty prompt starts as a fresh paragraph would.
    let prompt = if args.prompt.is_empty() {
        "\n"
    } else {
        args.prompt.as_str()
    };
    feed(&model.net, &model.vocab, prompt, &mut state, &mut scratch);
    // Not locked: sampling runs on a compute thread, which writes each piece.
    let mut out = std::io::stdout();
    write!(out, "{}", args.prompt)?;
    out.flush()?;
    let mut write_error = None;
    generate(
        &model.net,
        &model.vocab,
        state,
        &sampling,
        &args.stop,
        seed,
        |piece| match write!(out, "{piece}").and_then(|_| out.flush()) {
            Ok(()) => ControlFlow::Continue(()),
            Err(e) => {
                write_error = Some(e);
                ControlFlow::Break(())
            }
        },
    );
    match write_error {
        // A closed pipe (`| head`) is a normal way to stop reading.
        Some(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Some(e) => Err(e.into()),
        None => {
            writeln!(out)?;
            Ok(())
        }
    }
}
