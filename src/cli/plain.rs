//! `fabula --plain`: the story game on stdin and stdout, for scripts, tests
//! and screen readers. One action per line in; a transcript out: the
//! opening, then for every turn `> action`, the passage and the offered
//! choices as `1. choice`. `/talk` lists the story's characters and
//! `/talk N WORDS` speaks to one. Status and errors go to stderr.

use std::io::{BufRead, Write};
use std::path::Path;
use std::sync::Arc;

use crate::config::Config;
use crate::narrator::address::{cast_list, TalkCommand};
use crate::text_safety::printable;

use super::headless::{opening_from, Headless, Turn};

/// What `--plain` was asked for.
pub struct PlainArgs<'a> {
    pub config: Option<&'a Path>,
    pub model: Option<&'a str>,
    pub seed: Option<u64>,
    pub opening: Option<usize>,
    pub opening_text: Option<String>,
    /// Read and add to the play history.
    pub history: bool,
    pub mood: Option<crate::story::Mood>,
}

pub fn write_turn(out: &mut impl Write, turn: &Turn) -> std::io::Result<()> {
    if let Some(action) = &turn.action {
        writeln!(
            out,
            "> {}\n",
            printable(&crate::narrator::action_line(action))
        )?;
    }
    if !turn.passage.trim().is_empty() {
        writeln!(out, "{}\n", printable(turn.passage.trim()))?;
    }
    for (i, c) in turn.choices.iter().enumerate() {
        writeln!(out, "{}. {}", i + 1, printable(c))?;
    }
    if !turn.choices.is_empty() {
        writeln!(out)?;
    }
    out.flush()
}

/// Why the first choice is first, on stderr so the transcript keeps its form.
fn say_reason(game: &Headless) {
    for said in game.app.recommendation_lines() {
        eprintln!("fabula: {}", printable(&said));
    }
}

/// Ends quietly when the reader of stdout went away.
fn quiet_pipe(r: std::io::Result<()>) -> anyhow::Result<bool> {
    match r {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(false),
        Err(e) => Err(anyhow::Error::new(e).context("writing to stdout")),
    }
}

pub fn run(args: PlainArgs) -> anyhow::Result<()> {
    let (config, _) = Config::load(args.config)?;
    let name = args.model.unwrap_or(&config.models.story).to_string();
    let path = crate::paths::resolve_model(&name)?;
    let model = crate::lm::InferenceModel::load(&path)
        .map_err(|e| anyhow::anyhow!("loading the story model {name:?}: {e}"))?;
    let seed = args.seed.unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(1, |d| d.as_nanos() as u64)
    });
    let mut game = Headless::new(config, Arc::new(model), seed, true);
    if args.history {
        game.app.use_history(crate::history::Store::in_data_dir());
        if game.app.history.is_none() {
            eprintln!("fabula: {}", printable(&game.app.status));
        }
    }
    game.app.mood = args.mood;
    if let Some(notice) = args
        .opening_text
        .as_deref()
        .and_then(crate::sentiment::lang::english_story_notice)
    {
        eprintln!("fabula: {notice}");
    }
    let (opening, first) = game.start(&opening_from(args.opening, args.opening_text))?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut open = quiet_pipe(writeln!(out, "{}\n", printable(opening.trim())))?
        && quiet_pipe(write_turn(&mut out, &first))?;
    say_reason(&game);
    let stdin = std::io::stdin();
    for line in stdin.lock().lines() {
        if !open {
            break;
        }
        let line = line.map_err(|e| anyhow::anyhow!("reading stdin: {e}"))?;
        if let Some(notice) = crate::sentiment::lang::english_story_notice(&line) {
            eprintln!("fabula: {notice}");
        }
        // `/talk` lists the characters (on stdout, as the story's answer)
        // or speaks to one; the transcript shows the action it became.
        let line = match game.app.talk_command(&line) {
            None => line,
            Some(Ok(TalkCommand::Say(action))) => action,
            Some(Ok(TalkCommand::List)) => {
                let list = cast_list(&game.app.cast());
                open = quiet_pipe(writeln!(out, "{}\n", printable(&list)))?;
                continue;
            }
            Some(Err(e)) => {
                eprintln!("fabula: {}", printable(&e));
                continue;
            }
        };
        match game.act(&line)? {
            Some(turn) => {
                open = quiet_pipe(write_turn(&mut out, &turn))?;
                say_reason(&game);
            }
            None if !line.trim().is_empty() => {
                eprintln!(
                    "fabula: no choice {} (this turn offers {})",
                    printable(line.trim()),
                    game.app.choices.len()
                );
            }
            None => {}
        }
    }
    game.app.record_end();
    // A last save, checked: the exit says whether the story is on disk.
    let path = game.app.session_path.clone();
    let last_error = path
        .as_deref()
        .and_then(|p| game.app.session.save(p).err().map(|e| e.to_string()));
    if let Some(message) = crate::tui::exit_report(path.as_deref(), false, last_error)? {
        eprintln!("{}", printable(&message));
    }
    Ok(())
}
