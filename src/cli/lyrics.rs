//! `fabula lyrics`: the lyrics editor in the TUI, or with `--print` a whole
//! song written to stdout (scriptable, reproducible with `--seed`).

use std::path::PathBuf;

use anyhow::Context;
use clap::Args;

use crate::config::Config;
use crate::lm::InferenceModel;
use crate::lyrics::write::write_section;
use crate::lyrics::{check, load_song, Lang, RhymeScheme, SectionKind, Song};

#[derive(Debug, Args)]
pub struct LyricsArgs {
    /// Write a song to stdout instead of opening the editor.
    #[arg(long)]
    pub print: bool,
    /// Rhyme scheme of every section: AABB, ABAB, ABCB, AAAA, free, or any letter pattern.
    #[arg(long, default_value = "ABAB")]
    pub scheme: String,
    /// Lines per section.
    #[arg(long, default_value_t = 4)]
    pub lines: usize,
    /// Syllable target per line (0: none).
    #[arg(long, default_value_t = 8)]
    pub syllables: u8,
    /// Song structure; a section kind named again repeats the first (choruses).
    #[arg(long, value_delimiter = ',', default_value = "verse")]
    pub structure: Vec<String>,
    #[arg(long)]
    pub title: Option<String>,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Show syllables and rhyme group beside each printed line.
    #[arg(long)]
    pub annotate: bool,
    /// Model name or path (default: the lyrics model from the config).
    #[arg(short, long)]
    pub model: Option<String>,
    /// Open a saved song in the editor.
    #[arg(long)]
    pub open: Option<PathBuf>,
    #[command(flatten)]
    pub zh: super::lyrics_zh::ZhArgs,
}

fn section_kind(name: &str) -> anyhow::Result<SectionKind> {
    Ok(
        match name
            .trim()
            .to_lowercase()
            .replace(['-', '_', ' '], "")
            .as_str()
        {
            "verse" => SectionKind::Verse,
            "prechorus" => SectionKind::PreChorus,
            "chorus" => SectionKind::Chorus,
            "bridge" => SectionKind::Bridge,
            "outro" => SectionKind::Outro,
            other => anyhow::bail!(
                "--structure: unknown section {other:?} (verse, pre-chorus, chorus, bridge, outro)"
            ),
        },
    )
}

/// A song skeleton from the structure: repeated choruses (and pre-choruses)
/// repeat the first one, verses are new each time.
pub fn song_skeleton(
    title: &str,
    structure: &[String],
    scheme: &RhymeScheme,
    syllables: Option<u8>,
) -> anyhow::Result<Song> {
    let mut song = Song::new(title);
    let mut firsts: Vec<(SectionKind, usize)> = Vec::new();
    for name in structure {
        let kind = section_kind(name)?;
        let repeats = matches!(kind, SectionKind::Chorus | SectionKind::PreChorus);
        match firsts.iter().find(|(k, _)| *k == kind).filter(|_| repeats) {
            Some(&(_, first)) => {
                song.add_repeat(first)?;
            }
            None => {
                let i = song.add_section(kind, scheme.clone());
                song.set_syllable_target(i, syllables)?;
                firsts.push((kind, i));
            }
        }
    }
    Ok(song)
}

pub fn run(args: LyricsArgs, config_path: Option<&std::path::Path>) -> anyhow::Result<()> {
    // A saved Chinese poem opens in the Chinese editor without --lang zh.
    let opens_poem = match &args.open {
        Some(p) => load_song(p)?.lang == Lang::Zh,
        None => false,
    };
    if args.zh.wants_chinese()? || opens_poem {
        return super::lyrics_zh::run(&args, config_path);
    }
    let (config, _) = Config::load(config_path)?;
    anyhow::ensure!(
        (1..=64).contains(&args.lines),
        "--lines must be between 1 and 64, got {}",
        args.lines
    );
    let scheme = RhymeScheme::parse(&args.scheme).map_err(|e| anyhow::anyhow!("--scheme: {e}"))?;
    let syllables = (args.syllables > 0).then_some(args.syllables);
    let name = args
        .model
        .clone()
        .unwrap_or_else(|| config.models.lyrics.clone());
    if !args.print {
        crate::tui::require_terminal()?;
    }
    let path = crate::paths::resolve_model(&name)?;
    let model = InferenceModel::load(&path)
        .with_context(|| format!("loading the lyrics model {name:?}"))?;
    let title = args.title.clone().unwrap_or_default();
    let mut song = match &args.open {
        Some(p) => load_song(p)?,
        None => song_skeleton(&title, &args.structure, &scheme, syllables)?,
    };
    let settings = crate::lyrics::job::write_settings(&config.lyrics);
    if !args.print {
        crate::cli::crash::install_panic_log();
        let start = crate::tui::lyrics::LyricsStart {
            song,
            open: args.open.clone(),
            lines_per_section: args.lines,
            seed: args.seed,
        };
        return crate::tui::lyrics::run(config, model, start);
    }
    for s in 0..song.sections.len() {
        if song.sections[s].repeat_of.is_none() {
            write_section(
                &model,
                &mut song,
                s,
                args.lines,
                &settings,
                args.seed.wrapping_add(s as u64 * 7919),
            )?;
        }
    }
    if song.title.trim().is_empty() && args.open.is_none() {
        if let Some(title) = song.hook_title() {
            song.set_title(title);
        }
    }
    if !args.annotate {
        print!("{}", song.export_plain_text());
        return Ok(());
    }
    if !song.title.trim().is_empty() {
        println!("{}\n", song.title.trim());
    }
    for (i, header) in song.headers().iter().enumerate() {
        println!("[{header}]");
        let sec = song.content(i)?;
        let texts = sec.texts();
        let report = check(&texts, &sec.scheme);
        for (line, r) in sec.lines.iter().zip(&report.lines) {
            let mark = match r.rhymes_with_partner {
                Some(true) => "rhymes",
                Some(false) => "MISSES",
                None => "",
            };
            let guess = if r.guessed { " guess" } else { "" };
            println!(
                "{:<48} {:>2} syl  {} {mark}{guess}",
                line.text,
                r.syllables,
                r.group.map_or('-', |g| g)
            );
        }
        println!();
    }
    Ok(())
}
