//! `fabula lyrics --lang zh --form NAME --print`: a Chinese poem (诗 or 词)
//! drafted to a form, written to stdout.

use anyhow::Context;
use clap::Args;

use crate::config::Config;
use crate::lm::InferenceModel;
use crate::lyrics::zh::{check, compose, ComposeSettings, FormKind, FormTable, PinyinTable};
use crate::lyrics::{load_song, Lang, Song};

/// The Chinese options of `fabula lyrics`.
#[derive(Debug, Args, Default)]
pub struct ZhArgs {
    /// Language: en (songs) or zh (诗 and 词 to a form; needs --form, or --open of a saved poem).
    #[arg(long, default_value = "en")]
    pub lang: String,
    /// With --lang zh: the form, e.g. 五言绝句, 七言绝句, 五言律诗, 七言律诗, 浣溪沙, 如梦令, 水调歌头.
    #[arg(long)]
    pub form: Option<String>,
    /// With --lang zh: check and show 平仄 without enforcing it.
    #[arg(long)]
    pub free_tones: bool,
}

/// The Chinese model's default name.
pub const DEFAULT_MODEL: &str = "lyrics-zh";

impl ZhArgs {
    /// Whether `--lang` asks for Chinese; an error for other languages and
    /// for Chinese-only options without it.
    pub fn wants_chinese(&self) -> anyhow::Result<bool> {
        match self.lang.trim().to_lowercase().as_str() {
            "zh" | "zh-cn" | "zh-hans" | "cn" | "chinese" | "中文" => Ok(true),
            "en" | "english" => {
                anyhow::ensure!(
                    self.form.is_none() && !self.free_tones,
                    "--form and --free-tones are for --lang zh"
                );
                Ok(false)
            }
            other => anyhow::bail!("--lang must be en or zh, got {other:?}"),
        }
    }
}

/// What `--print` writes: the form's name, a blank line, the poem; with
/// `annotate`, a report line per poem line instead.
pub fn draft(
    model: &InferenceModel,
    form_name: &str,
    seed: u64,
    free_tones: bool,
    annotate: bool,
) -> anyhow::Result<String> {
    let form = FormTable::shipped().find(form_name)?;
    let table = PinyinTable::shipped();
    let settings = ComposeSettings {
        enforce_tones: !free_tones,
        ..ComposeSettings::default()
    };
    let poem = compose(model, form, table, &settings, seed)?;
    if !annotate {
        return Ok(format!("{}\n\n{}", form.name, poem.body(form)));
    }
    let report = check(form, &poem.lines, table);
    let mut out = form.name.clone();
    let kind = match form.kind {
        FormKind::Shi => "诗",
        FormKind::Ci => "词",
    };
    out.push_str(&format!("  ({kind}; {}", form.pattern()));
    if report.set_rhymes.iter().any(Option::is_some) {
        let names: Vec<&str> = report
            .set_rhymes
            .iter()
            .map(|g| g.map_or("?", |g| g.name()))
            .collect();
        out.push_str(&format!("; 韵 {}", names.join("→")));
    }
    if let Some(s) = report.start {
        out.push_str(&format!("; {}起", s.mark()));
    }
    out.push_str(")\n\n");
    let width = form.lines.iter().map(|l| l.chars).max().unwrap_or(0) + 1;
    for (line, spec) in report.lines.iter().zip(&form.lines) {
        let text = format!("{}{}", line.text, spec.punct);
        let pad = "  ".repeat(width.saturating_sub(line.chars + 1));
        let rhyme = match line.rhymes {
            Some(true) => "押韵",
            Some(false) => "失韵",
            None => "    ",
        };
        out.push_str(&format!(
            "{text}{pad}  {:>2}字  {:<5} {rhyme}  {}",
            line.chars,
            line.last_final.as_deref().unwrap_or("?"),
            line.tones
        ));
        if report.start.is_some() {
            let mark = if line.tone_misses.is_empty() {
                "合".to_string()
            } else {
                format!(
                    "不合 {}",
                    line.tone_misses
                        .iter()
                        .map(|p| p.to_string())
                        .collect::<Vec<_>>()
                        .join(",")
                )
            };
            out.push_str(&format!("{}  {}  {mark}", pad, line.prescribed));
        }
        out.push('\n');
    }
    out.push_str(&format!(
        "\n{} lines, characters {}, rhymes {}{}\n",
        report.lines.len(),
        if report.lengths_ok() { "ok" } else { "WRONG" },
        if report.rhymes_ok() { "ok" } else { "MISSED" },
        match report.start {
            Some(_) => format!(", 平仄 mismatches {}", report.tone_misses()),
            None => String::new(),
        }
    ));
    Ok(out)
}

/// `fabula lyrics --lang zh`: with `--print` a poem on stdout, else the
/// lyrics editor on a new poem of `--form` (or the poem of `--open`).
pub fn run(
    args: &super::lyrics::LyricsArgs,
    config_path: Option<&std::path::Path>,
) -> anyhow::Result<()> {
    let forms = FormTable::shipped();
    let opened = match &args.open {
        Some(p) => {
            anyhow::ensure!(!args.print, "--open is for the editor, not --print");
            let song = load_song(p)?;
            anyhow::ensure!(
                song.lang == Lang::Zh,
                "{}: an English song; open it without --lang zh",
                p.display()
            );
            Some(song)
        }
        None => None,
    };
    let name = match (&opened, args.zh.form.as_deref()) {
        (Some(song), _) => song.form.clone().unwrap_or_default(),
        (None, Some(name)) => name.to_string(),
        (None, None) => anyhow::bail!(
            "--lang zh needs --form; the forms are: {}",
            forms.names().join(", ")
        ),
    };
    let form = forms.find(&name)?;
    let (config, _) = Config::load(config_path)?;
    if !args.print {
        crate::tui::require_terminal()?;
    }
    let model_name = args.model.as_deref().unwrap_or(DEFAULT_MODEL);
    let path = crate::paths::resolve_model(model_name).map_err(anyhow::Error::msg)?;
    let model = InferenceModel::load(&path)
        .with_context(|| format!("loading the Chinese lyrics model {model_name:?}"))?;
    if args.print {
        let text = draft(&model, &name, args.seed, args.zh.free_tones, args.annotate)?;
        return super::print_stdout(&text);
    }
    anyhow::ensure!(
        !args.zh.free_tones,
        "--free-tones is for --print; the editor keeps the form's 平仄"
    );
    crate::cli::crash::install_panic_log();
    let song = opened.unwrap_or_else(|| Song::poem(args.title.clone().unwrap_or_default(), form));
    let start = crate::tui::lyrics::LyricsStart {
        song,
        open: args.open.clone(),
        lines_per_section: form.lines.len(),
        seed: args.seed,
    };
    crate::tui::lyrics::run(config, model, start)
}
