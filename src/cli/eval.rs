//! `fabula eval`: bits per character of a model on a text file, or
//! (`--play`) how well the narrator answers a script of actions.

use std::path::PathBuf;

use clap::Args;

use crate::lm::{checkpoint, eval};

#[derive(Debug, Args)]
pub struct EvalArgs {
    /// The text to score (UTF-8).
    #[arg(long, required_unless_present_any = ["play", "talk"], conflicts_with_all = ["play", "talk"])]
    pub text: Option<PathBuf>,
    /// A play script: `= opening paragraph` starts a story, every other
    /// line is an action, `#` starts a comment. Each story is played with
    /// every seed and variant; quality figures are printed per variant.
    #[arg(long, conflicts_with = "talk")]
    pub play: Option<PathBuf>,
    /// A conversation script, in the form of a play script: each line that
    /// speaks to a character (`ask the guard about the ship`, `Mara, where
    /// is the key?`, `"Who are you?"`) is a reply measured for quoted
    /// speech attributed to that character and for taking up a word of the
    /// question; other lines are played as actions.
    #[arg(long)]
    pub talk: Option<PathBuf>,
    /// Seeds for --play, comma-separated.
    #[arg(long, default_value = "1,2,3", value_delimiter = ',')]
    pub seeds: Vec<u64>,
    /// Variants for --play: single (one sample, no bias), bias (one sample,
    /// action bias), rerank (best of the candidates, no bias), shipped
    /// (best of the candidates with the bias: what the game does); all four
    /// when absent. For --talk: narrator (no speech frame: the narrator
    /// answers as it answers any action), frame (the frame, one sample),
    /// shipped (the frames, best of the candidates); all three when absent.
    #[arg(long, value_delimiter = ',')]
    pub variants: Vec<String>,
    /// With --play: write each variant's transcripts here, to read them.
    #[arg(long)]
    pub transcripts: Option<PathBuf>,
    /// Configuration file (the story settings of the variants come from it).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Model name (story, lyrics) or path.
    #[arg(short, long, default_value = "story")]
    pub model: String,
    /// Parallel streams the file is cut into.
    #[arg(long, default_value_t = 16)]
    pub streams: usize,
    /// Characters per scored window.
    #[arg(long, default_value_t = 256)]
    pub window: usize,
    /// Score on the inference path instead of libtorch, once per weight
    /// format given (f32, bf16, int8; comma-separated).
    #[arg(long, value_delimiter = ',', conflicts_with = "play")]
    pub weights: Vec<crate::lm::weights::WeightFormat>,
    #[arg(long, default_value = "auto")]
    pub device: String,
    #[arg(long)]
    pub threads: Option<usize>,
}

pub fn run(args: EvalArgs) -> anyhow::Result<()> {
    if let Some(script) = &args.play {
        return play(&args, script);
    }
    if let Some(script) = &args.talk {
        return super::eval_talk::run(&args, script);
    }
    let Some(text) = args.text.clone() else {
        anyhow::bail!("give --text FILE or --play SCRIPT");
    };
    anyhow::ensure!(
        args.streams >= 1 && args.window >= 2,
        "--streams must be at least 1 and --window at least 2"
    );
    super::set_threads(args.threads)?;
    let path = crate::paths::resolve_model(&args.model)?;
    if !args.weights.is_empty() {
        return score_formats(&args, &path, &text);
    }
    let device = crate::lm::parse_device(&args.device)?;
    let loaded = checkpoint::load(&path, device)?;
    let report = eval::evaluate_file(
        &loaded.model,
        &loaded.vocab,
        &text,
        args.streams,
        args.window,
    )?;
    println!("model={}", loaded.files.weights.display());
    println!("text={}", text.display());
    println!("characters_scored={}", report.predicted);
    println!("unknown_characters={}", report.unknown);
    println!("bits_per_char={:.3}", report.bits_per_char);
    Ok(())
}

/// `--weights`: the file scored on the inference path in each format.
fn score_formats(
    args: &EvalArgs,
    model: &std::path::Path,
    text: &std::path::Path,
) -> anyhow::Result<()> {
    let kernels = *crate::lm::kernels::Kernels::active();
    println!("model={}", model.display());
    println!("text={}", text.display());
    println!("kernels={}", kernels.level());
    for &format in &args.weights {
        let m = crate::lm::InferenceModel::load_as(model, kernels, format)?;
        let report = eval::evaluate_file_fast(&m.net, &m.vocab, text, args.streams, args.window)?;
        if format == args.weights[0] {
            println!("characters_scored={}", report.predicted);
            println!("unknown_characters={}", report.unknown);
        }
        println!("bits_per_char_{format}={:.4}", report.bits_per_char);
    }
    Ok(())
}

/// One story of a play script.
#[derive(Debug)]
pub(super) struct Story {
    pub opening: String,
    pub actions: Vec<String>,
}

pub(super) fn parse_script(text: &str) -> anyhow::Result<Vec<Story>> {
    let mut stories: Vec<Story> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(opening) = line.strip_prefix('=') {
            stories.push(Story {
                opening: opening.trim().to_string(),
                actions: Vec::new(),
            });
        } else if let Some(s) = stories.last_mut() {
            s.actions.push(line.to_string());
        } else {
            anyhow::bail!(
                "line {}: an action before the first `= opening` line",
                i + 1
            );
        }
    }
    anyhow::ensure!(!stories.is_empty(), "no `= opening` line in the script");
    Ok(stories)
}

/// A play script's stories, the configuration the variants start from, and
/// the model; prints the model's file and makes the transcripts folder.
pub(super) fn load_script(
    args: &EvalArgs,
    script: &std::path::Path,
) -> anyhow::Result<(
    Vec<Story>,
    crate::config::Config,
    std::sync::Arc<crate::lm::InferenceModel>,
)> {
    let text = crate::fsutil::read_text_file(script, 16 << 20)
        .map_err(|e| anyhow::anyhow!("{}: {e}", script.display()))?;
    let stories = parse_script(&text).map_err(|e| anyhow::anyhow!("{}: {e}", script.display()))?;
    let (mut config, _) = crate::config::Config::load(args.config.as_deref())?;
    // A script types its actions: passages written ahead for the choices
    // would only take time from the passages measured.
    config.story.prewrite_choices = false;
    let path = crate::paths::resolve_model(&args.model)?;
    let model = std::sync::Arc::new(crate::lm::InferenceModel::load(&path)?);
    println!("model={}", model.files.weights.display());
    if let Some(dir) = &args.transcripts {
        std::fs::create_dir_all(dir).map_err(|e| anyhow::anyhow!("{}: {e}", dir.display()))?;
    }
    Ok((stories, config, model))
}

/// Writes a variant's transcript into `--transcripts`, when given.
pub(super) fn save_transcript(
    args: &EvalArgs,
    name: &str,
    transcript: &[u8],
) -> anyhow::Result<()> {
    if let Some(dir) = &args.transcripts {
        let file = dir.join(name);
        std::fs::write(&file, transcript)
            .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    }
    Ok(())
}

fn play(args: &EvalArgs, script: &std::path::Path) -> anyhow::Result<()> {
    use std::sync::Arc;

    use super::headless::{Headless, Opening};
    use crate::narrator::quality::Quality;
    use crate::narrator::scene::Scene;
    use crate::narrator::words::extend_world;

    let (stories, config, model) = load_script(args, script)?;
    let default_variants = ["single", "bias", "rerank", "shipped"].map(String::from);
    let variants = if args.variants.is_empty() {
        &default_variants[..]
    } else {
        &args.variants[..]
    };
    for variant in variants {
        let mut cfg = config.clone();
        match variant.as_str() {
            "single" => {
                cfg.story.candidates = 1;
                cfg.story.action_bias = 0.0;
            }
            "bias" => cfg.story.candidates = 1,
            "rerank" => cfg.story.action_bias = 0.0,
            "shipped" => {}
            other => {
                anyhow::bail!("unknown variant {other:?}: use single, bias, rerank or shipped")
            }
        }
        let mut quality = Quality::default();
        let started = std::time::Instant::now();
        let mut transcript: Vec<u8> = Vec::new();
        for &seed in &args.seeds {
            for story in &stories {
                let mut game = Headless::new(cfg.clone(), Arc::clone(&model), seed, false);
                let (opening, first) = game.start(&Opening::Text(story.opening.clone()))?;
                let mut world = Vec::new();
                extend_world(&mut world, &opening, false);
                quality.add(None, &world, &first.passage, &first.choices);
                transcript.extend_from_slice(format!("# seed {seed}\n\n{opening}\n\n").as_bytes());
                super::plain::write_turn(&mut transcript, &first)?;
                let mut scene = Scene::from_opening(&opening);
                let mut seen = opening.clone();
                for action in &story.actions {
                    extend_world(&mut world, action, true);
                    seen.push_str(&format!("\n{action}\n"));
                    if let Some(turn) = game.act(action)? {
                        quality.add(turn.action.as_deref(), &world, &turn.passage, &turn.choices);
                        quality.add_scene(&scene, &seen, action, &turn.passage, &turn.choices);
                        scene = scene.after_turn(Some(action), &turn.passage);
                        seen.push_str(&turn.passage);
                        super::plain::write_turn(&mut transcript, &turn)?;
                    }
                }
            }
        }
        let seconds = started.elapsed().as_secs_f64() / quality.passages.max(1) as f64;
        println!(
            "variant={variant} candidates={} action_bias={} {} {} seconds_per_passage={seconds:.3}",
            cfg.story.candidates,
            cfg.story.action_bias,
            quality.line(),
            quality.scene_line()
        );
        save_transcript(args, &format!("{variant}.txt"), &transcript)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_parse_into_stories() {
        let s = parse_script("# test\n= You wake.\nlook\n\nopen door\n= Dark.\nn\n").unwrap();
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].actions, ["look", "open door"]);
        assert_eq!(s[1].opening, "Dark.");
        assert!(parse_script("look\n= x")
            .unwrap_err()
            .to_string()
            .contains("line 1"));
        assert!(parse_script("# only\n").is_err());
    }
}
