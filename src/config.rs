//! Configuration: one TOML file found through `directories` (or
//! `--config PATH`), every key optional with a documented default.
//! `config.example.toml` documents every key and is tested to parse.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::lm::SamplingConfig;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub models: ModelsConfig,
    pub sampling: SamplingConfig,
    pub story: StoryConfig,
    pub lyrics: LyricsConfig,
    pub colors: ColorsConfig,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ModelsConfig {
    /// Model name (looked up in the models folders) or path of the story model.
    pub story: String,
    pub lyrics: String,
}

impl Default for ModelsConfig {
    fn default() -> Self {
        ModelsConfig {
            story: "story".into(),
            lyrics: "lyrics".into(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StoryConfig {
    /// Suggested choices offered after each passage.
    pub choices: usize,
    /// A passage does not end before this many characters.
    pub min_passage_chars: usize,
    /// From this length a passage ends at the next sentence end (a third
    /// more is the hard ceiling, cut back to a sentence end).
    pub max_passage_chars: usize,
    /// Temperature used for the suggested choices.
    pub choice_temperature: f32,
    /// Candidate passages sampled together for each turn; the best is kept.
    pub candidates: usize,
    /// Logits added toward the words of the player's action (0: off).
    pub action_bias: f32,
    /// Candidates when a target mood is set (at least `candidates`).
    pub steering_candidates: usize,
    /// Write each offered choice's passage while the player reads, so a
    /// picked choice shows at once (the same passage as written after).
    pub prewrite_choices: bool,
    /// Answer an action that speaks to a character ("ask the guard about
    /// the ship") as that character's quoted speech, after a frame that
    /// names them; off: the narrator answers it like any action.
    pub speech_frames: bool,
}

impl Default for StoryConfig {
    fn default() -> Self {
        StoryConfig {
            choices: 3,
            // Short answers to an action read best: the model answers in a
            // sentence or two, and drifts when made to go on.
            min_passage_chars: 30,
            max_passage_chars: 240,
            choice_temperature: 0.7,
            candidates: 16,
            action_bias: 2.5,
            steering_candidates: 16,
            prewrite_choices: true,
            speech_frames: true,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LyricsConfig {
    /// Candidates sampled per line (one batch) to meet rhyme and syllables.
    pub candidates: usize,
    pub temperature: f32,
}

impl Default for LyricsConfig {
    fn default() -> Self {
        LyricsConfig {
            candidates: 8,
            temperature: 0.8,
        }
    }
}

/// Colours by name (`red`, `lightblue`, `#rrggbb`, ...), as ratatui reads them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ColorsConfig {
    pub accent: String,
    pub player: String,
    pub positive: String,
    pub negative: String,
    pub neutral: String,
}

impl Default for ColorsConfig {
    fn default() -> Self {
        ColorsConfig {
            accent: "cyan".into(),
            player: "yellow".into(),
            positive: "green".into(),
            negative: "red".into(),
            neutral: "gray".into(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: line {line}: {message}")]
    Parse {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error("{path}: {message}")]
    Invalid { path: PathBuf, message: String },
    #[error("{path}: {source}")]
    Value {
        path: PathBuf,
        source: InvalidConfig,
    },
}

/// A setting that parses but is out of range: which section and key, and
/// what it must be.
#[derive(Debug, thiserror::Error)]
pub enum InvalidConfig {
    #[error("[sampling] {0}")]
    Sampling(#[from] crate::lm::sample::SamplingError),
    #[error("[{section}] {key} {rule}")]
    Value {
        section: &'static str,
        key: &'static str,
        rule: String,
    },
    #[error("[colors] {key}: {value:?} is not a colour name or #rrggbb")]
    Colour { key: &'static str, value: String },
}

impl Config {
    /// Parses a config file's bytes: UTF-8 (an error names the first bad
    /// byte), then TOML.
    pub fn from_bytes(path: &Path, bytes: &[u8]) -> Result<Config, ConfigError> {
        let text = std::str::from_utf8(bytes).map_err(|e| ConfigError::Invalid {
            path: path.to_path_buf(),
            message: format!(
                "not UTF-8 text: invalid byte sequence at byte {}",
                e.valid_up_to()
            ),
        })?;
        Config::parse(path, text)
    }

    /// Parses TOML text; errors name the line and the key.
    pub fn parse(path: &Path, text: &str) -> Result<Config, ConfigError> {
        let cfg: Config = toml::from_str(text).map_err(|e| {
            let line = e.span().map_or(0, |s| {
                text[..s.start.min(text.len())].matches('\n').count() + 1
            });
            ConfigError::Parse {
                path: path.to_path_buf(),
                line,
                message: e.message().trim().to_string(),
            }
        })?;
        cfg.validate().map_err(|source| ConfigError::Value {
            path: path.to_path_buf(),
            source,
        })?;
        Ok(cfg)
    }

    pub fn validate(&self) -> Result<(), InvalidConfig> {
        self.sampling.validate()?;
        let s = &self.story;
        let out_of = |section, key, rule: String| InvalidConfig::Value { section, key, rule };
        if !(1..=9).contains(&s.choices) {
            let rule = format!("must be between 1 and 9, got {}", s.choices);
            return Err(out_of("story", "choices", rule));
        }
        if s.min_passage_chars > s.max_passage_chars || s.max_passage_chars == 0 {
            let rule = "must not exceed max_passage_chars (which must be positive)".into();
            return Err(out_of("story", "min_passage_chars", rule));
        }
        if !(0.0..=10.0).contains(&s.choice_temperature) {
            let rule = "must be between 0 and 10".into();
            return Err(out_of("story", "choice_temperature", rule));
        }
        if s.max_passage_chars > 20_000 {
            let rule = format!("must be at most 20000, got {}", s.max_passage_chars);
            return Err(out_of("story", "max_passage_chars", rule));
        }
        if !(1..=64).contains(&s.candidates) {
            let rule = "must be between 1 and 64".into();
            return Err(out_of("story", "candidates", rule));
        }
        if !(s.action_bias.is_finite() && (0.0..=10.0).contains(&s.action_bias)) {
            let rule = "must be between 0 and 10".into();
            return Err(out_of("story", "action_bias", rule));
        }
        if !(1..=64).contains(&s.steering_candidates) {
            let rule = "must be between 1 and 64".into();
            return Err(out_of("story", "steering_candidates", rule));
        }
        if !(1..=64).contains(&self.lyrics.candidates) {
            let rule = "must be between 1 and 64".into();
            return Err(out_of("lyrics", "candidates", rule));
        }
        let t = self.lyrics.temperature;
        if !(t.is_finite() && (0.0..=10.0).contains(&t)) {
            let rule = format!("must be between 0 and 10, got {t}");
            return Err(out_of("lyrics", "temperature", rule));
        }
        for (key, value) in [
            ("accent", &self.colors.accent),
            ("player", &self.colors.player),
            ("positive", &self.colors.positive),
            ("negative", &self.colors.negative),
            ("neutral", &self.colors.neutral),
        ] {
            if value.parse::<ratatui::style::Color>().is_err() {
                return Err(InvalidConfig::Colour {
                    key,
                    value: value.clone(),
                });
            }
        }
        Ok(())
    }

    /// `explicit` when given (it must exist), else the user's config file if
    /// there is one, else the defaults.
    pub fn load(explicit: Option<&Path>) -> Result<(Config, Option<PathBuf>), ConfigError> {
        let path = match explicit {
            Some(p) => Some(p.to_path_buf()),
            None => default_path().filter(|p| p.exists()),
        };
        match path {
            Some(p) => {
                let bytes = crate::fsutil::read_file(&p, MAX_CONFIG_BYTES).map_err(|source| {
                    ConfigError::Io {
                        path: p.clone(),
                        source,
                    }
                })?;
                Ok((Config::from_bytes(&p, &bytes)?, Some(p)))
            }
            None => Ok((Config::default(), None)),
        }
    }
}

/// The largest config file read.
pub const MAX_CONFIG_BYTES: u64 = 1 << 20;

/// `config.toml` in the user's config folder.
pub fn default_path() -> Option<PathBuf> {
    crate::paths::project_dirs().map(|d| d.config_dir().join("config.toml"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn example_file_parses_and_matches_the_defaults() {
        let text = include_str!("../config.example.toml");
        let cfg = Config::parse(Path::new("config.example.toml"), text).unwrap();
        assert_eq!(cfg, Config::default());
    }

    #[test]
    fn a_config_that_is_not_utf8_names_the_byte() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("c.toml");
        std::fs::write(&p, b"[story]\nchoices = \xff\n").unwrap();
        let err = Config::load(Some(&p)).unwrap_err().to_string();
        assert!(err.contains("c.toml") && err.contains("byte 18"), "{err}");
        assert!(Config::load(Some(&dir.path().join("missing.toml"))).is_err());
    }

    #[test]
    fn errors_name_the_line_and_key() {
        let p = Path::new("c.toml");
        let err = Config::parse(p, "[story]\nchoices = 3\nchoise = 4\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("line 3") && err.contains("choise"), "{err}");
        let err = Config::parse(p, "[sampling]\ntemperature = \"hot\"\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("line 2"), "{err}");
        let err = Config::parse(p, "[sampling]\ntop_p = 3.0\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("top-p"), "{err}");
        let err = Config::parse(p, "[colors]\naccent = \"blurple\"\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("accent"), "{err}");
        let err = Config::parse(p, "[story\n").unwrap_err().to_string();
        assert!(err.contains("line 1"), "{err}");
    }

    #[test]
    fn an_out_of_range_value_says_its_section_and_key() {
        let p = Path::new("c.toml");
        let err = Config::parse(p, "[lyrics]\ntemperature = 11.0\n").unwrap_err();
        match err {
            ConfigError::Value {
                source:
                    InvalidConfig::Value {
                        section: "lyrics",
                        key: "temperature",
                        ..
                    },
                ..
            } => {}
            other => panic!("{other:?}"),
        }
        let err = Config::parse(p, "[colors]\naccent = \"blurple\"\n").unwrap_err();
        assert!(matches!(
            err,
            ConfigError::Value {
                source: InvalidConfig::Colour { key: "accent", .. },
                ..
            }
        ));
        let err = Config::parse(p, "[sampling]\ntop_p = 0.0\n").unwrap_err();
        assert!(matches!(
            err,
            ConfigError::Value {
                source: InvalidConfig::Sampling(_),
                ..
            }
        ));
    }

    #[test]
    fn every_number_is_checked() {
        let p = Path::new("c.toml");
        for (text, needle) in [
            ("[lyrics]\ntemperature = 1e30\n", "[lyrics] temperature"),
            ("[lyrics]\ntemperature = nan\n", "[lyrics] temperature"),
            ("[lyrics]\ntemperature = -5.0\n", "[lyrics] temperature"),
            ("[lyrics]\ntemperature = inf\n", "[lyrics] temperature"),
            (
                "[story]\nmax_passage_chars = 1000000000000\n",
                "max_passage_chars",
            ),
            ("[story]\nchoice_temperature = nan\n", "choice_temperature"),
        ] {
            let err = Config::parse(p, text).unwrap_err().to_string();
            assert!(err.contains(needle), "{text:?}: {err}");
        }
        assert!(Config::parse(p, "[lyrics]\ntemperature = 0.5\n").is_ok());
    }

    #[test]
    fn a_config_that_is_not_a_file_is_a_file_type_error() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo.toml");
        let status = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(status.success());
        // Before the check, reading the FIFO blocked forever.
        let err = Config::load(Some(&fifo)).unwrap_err().to_string();
        assert!(err.contains("fifo.toml") && err.contains("FIFO"), "{err}");
        let err = Config::load(Some(dir.path())).unwrap_err().to_string();
        assert!(err.contains("directory"), "{err}");
    }
}
