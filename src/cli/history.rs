//! `fabula history`: what the play history holds and what it recommends,
//! `--forget` to delete it, `--eval` to measure the recommender, and
//! `--record-sets` to record the story model's choice sets it is measured on.

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::config::Config;
use crate::history::eval::{self, ChoiceSets, Methods, RecordedSet, Report, Rng};
use crate::history::{Event, Recommender, Store, ABANDONED_TURNS, FINISHED_TURNS};
use crate::story::openings::OPENINGS;
use crate::text_safety::printable_line;

use super::headless::{Headless, Opening};

/// Where the recorded choice sets ship.
pub const DEFAULT_SETS: &str = "assets/eval/choice-sets.jsonl";

#[derive(Debug, clap::Args)]
pub struct HistoryArgs {
    /// Delete the play history (asks first; --yes does not).
    #[arg(long, conflicts_with_all = ["eval", "record_sets", "all"])]
    pub forget: bool,
    /// With --forget: delete without asking.
    #[arg(long, requires = "forget")]
    pub yes: bool,
    /// Print every event, not only the last 20.
    #[arg(long)]
    pub all: bool,
    /// Measure how well the recommender predicts the next pick: simulated
    /// players on recorded choice sets (or the histories given with --from).
    #[arg(long, conflicts_with = "record_sets")]
    pub eval: bool,
    /// With --eval: the recorded choice sets (default: assets/eval/choice-sets.jsonl).
    #[arg(long, requires = "eval")]
    pub sets: Option<PathBuf>,
    /// With --eval: simulated players per taste.
    #[arg(long, default_value_t = 6, requires = "eval")]
    pub players: usize,
    /// With --eval: stories each simulated player plays.
    #[arg(long, default_value_t = 30, requires = "eval")]
    pub stories: usize,
    /// Seed of the simulated players, or of the recording.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// With --eval: measure on these history files instead, each one
    /// player (popularity is what the others picked).
    #[arg(long, requires = "eval", num_args = 1..)]
    pub from: Vec<PathBuf>,
    /// Play the story model with a random player and write each turn's
    /// offered choices to FILE (what --eval replays).
    #[arg(long, value_name = "FILE")]
    pub record_sets: Option<PathBuf>,
    /// With --record-sets: stories per built-in opening.
    #[arg(long, default_value_t = 4, requires = "record_sets")]
    pub record_stories: usize,
    /// With --record-sets: turns per story.
    #[arg(long, default_value_t = 12, requires = "record_sets")]
    pub record_turns: usize,
    /// With --record-sets: the story model (name or path).
    #[arg(long, requires = "record_sets")]
    pub model: Option<String>,
}

pub fn run(args: HistoryArgs, config: Option<&Path>) -> anyhow::Result<()> {
    if let Some(out) = &args.record_sets {
        return record_sets(&args, config, out);
    }
    if args.eval {
        return if args.from.is_empty() {
            eval_simulated(&args)
        } else {
            eval_files(&args.from)
        };
    }
    Config::load(config)?;
    let store = Store::in_data_dir();
    if args.forget {
        return forget(&store, args.yes);
    }
    show(&store, args.all)
}

fn show(store: &Store, all: bool) -> anyhow::Result<()> {
    let loaded = store.load()?;
    let path = printable_line(&store.path.display().to_string()).into_owned();
    let mut out = String::new();
    if loaded.events.is_empty() {
        out.push_str(&format!(
            "No play history yet ({path}). It is kept on this machine only and starts with your first story.\n"
        ));
    } else {
        out.push_str(&format!(
            "Play history: {path} ({} events, {} bytes; kept on this machine only; `fabula history --forget` deletes it)\n\n",
            loaded.events.len(),
            loaded.bytes
        ));
    }
    let r = Recommender::from_events(&loaded.events);
    for line in r.summary() {
        out.push_str(&format!("  {line}\n"));
    }
    let names: Vec<&str> = OPENINGS.iter().map(|o| o.name).collect();
    let ranked = r.rank_openings(&names);
    out.push_str(&format!(
        "  openings in the order the start screen shows them: {}{}\n",
        ranked.apply(&names).join(", "),
        ranked
            .reason
            .map(|why| format!(" ({why})"))
            .unwrap_or_default()
    ));
    if !loaded.events.is_empty() {
        let skip = if all {
            0
        } else {
            loaded.events.len().saturating_sub(20)
        };
        out.push_str(&format!(
            "\n{} events{}:\n",
            if skip > 0 { "The last 20" } else { "All" },
            if skip > 0 {
                " (--all for every one)"
            } else {
                ""
            }
        ));
        for e in &loaded.events[skip..] {
            out.push_str(&printable_line(&describe(e)));
            out.push('\n');
        }
    }
    super::print_stdout(&out)?;
    for s in &loaded.skipped {
        eprintln!("fabula: {path}: skipped {}", printable_line(s));
    }
    if loaded.torn_tail {
        eprintln!("fabula: {path}: the last line was cut short (skipped)");
    }
    Ok(())
}

/// One event as a line of `fabula history`.
fn describe(e: &Event) -> String {
    let (at, what) = match e {
        Event::Started { at, opening, .. } => (at, format!("started: {opening}")),
        Event::Turn {
            at,
            offered,
            picked: Some(i),
            ..
        } => (
            at,
            format!(
                "picked {:?} ({} of {} in the model's order)",
                offered.get(*i).map_or("", String::as_str),
                i + 1,
                offered.len()
            ),
        ),
        Event::Turn {
            at, offered, typed, ..
        } => (
            at,
            format!(
                "typed {:?} ({} choices offered)",
                typed.as_deref().unwrap_or(""),
                offered.len()
            ),
        ),
        Event::Mood { at, mood, .. } => (at, format!("mood: {}", mood.map_or("off", |m| m.name()))),
        Event::Ended { at, turns, .. } => (
            at,
            format!(
                "closed after {turns} actions{}",
                if *turns >= FINISHED_TURNS {
                    " (played through)"
                } else if *turns < ABANDONED_TURNS {
                    " (left early)"
                } else {
                    ""
                }
            ),
        ),
    };
    format!("  {}  {:<20}  {what}", utc(*at), e.story())
}

/// Seconds since 1970 as `YYYY-MM-DD HH:MM` UTC.
fn utc(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Howard Hinnant's civil-from-days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}",
        rem / 3600,
        rem % 3600 / 60
    )
}

fn forget(store: &Store, yes: bool) -> anyhow::Result<()> {
    let path = printable_line(&store.path.display().to_string()).into_owned();
    if !store.path.exists() {
        println!("No play history at {path}; nothing was deleted.");
        return Ok(());
    }
    if !yes {
        anyhow::ensure!(
            std::io::stdin().is_terminal(),
            "fabula history --forget asks before deleting; with no terminal to ask on, add --yes"
        );
        print!("Delete the play history {path}? Your saved stories are not touched. [y/N] ");
        std::io::stdout().flush()?;
        let mut answer = String::new();
        std::io::stdin().lock().read_line(&mut answer)?;
        if !matches!(answer.trim(), "y" | "Y" | "yes") {
            println!("Nothing was deleted.");
            return Ok(());
        }
    }
    match store.forget()? {
        None => println!("No play history at {path}; nothing was deleted."),
        Some(gone) => {
            let stories = gone
                .events
                .iter()
                .filter(|e| matches!(e, Event::Started { .. }))
                .count();
            println!(
                "Deleted {path}: {} events ({stories} stories started, {} turns) in {} bytes. Your saved stories were not touched; fabula recommends from nothing now.",
                gone.events.len(),
                gone.events
                    .iter()
                    .filter(|e| matches!(e, Event::Turn { .. }))
                    .count(),
                gone.bytes
            );
        }
    }
    Ok(())
}

/// The shipped choice sets: beside the executable's repository, or in the
/// working directory.
fn default_sets() -> PathBuf {
    if let Ok(exe) = std::env::current_exe() {
        for up in exe.ancestors().skip(1).take(4) {
            let p = up.join(DEFAULT_SETS);
            if p.is_file() {
                return p;
            }
        }
    }
    PathBuf::from(DEFAULT_SETS)
}

fn eval_simulated(args: &HistoryArgs) -> anyhow::Result<()> {
    anyhow::ensure!(
        (1..=1000).contains(&args.players),
        "--players must be 1-1000"
    );
    anyhow::ensure!(
        (1..=10_000).contains(&args.stories),
        "--stories must be 1-10000"
    );
    let path = args.sets.clone().unwrap_or_else(default_sets);
    let sets = ChoiceSets::load(&path)?;
    let started = std::time::Instant::now();
    let reports = eval::run_simulation(&sets, args.players, args.stories, args.seed);
    let mut out = format!(
        "Simulated players: {} per taste, {} stories each (seed {}), on {} choice sets of the story model recorded in {}.\n\
         Each prediction uses the player's past only. hit@1 / MRR; random is its exact expectation; \
         popularity ranks by what the other players and this one so far picked most (exact choice, then verb).\n",
        args.players,
        args.stories,
        args.seed,
        sets.turns(),
        printable_line(&path.display().to_string())
    );
    out.push_str(&tables(&reports));
    out.push_str(&format!("\n({:.1} s)\n", started.elapsed().as_secs_f64()));
    super::print_stdout(&out)
}

fn eval_files(files: &[PathBuf]) -> anyhow::Result<()> {
    let mut histories = Vec::new();
    for f in files {
        let loaded = Store::at(f).load()?;
        for s in &loaded.skipped {
            eprintln!("fabula: {}: skipped {s}", f.display());
        }
        histories.push(loaded.events);
    }
    let mut reports: Vec<(String, Report)> = Vec::new();
    for (me, h) in histories.iter().enumerate() {
        let others: Vec<&[Event]> = histories
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != me)
            .map(|(_, h)| h.as_slice())
            .collect();
        let report = eval::evaluate(h, eval::Popularity::of(&others));
        // history.jsonl files are told apart by their folder.
        let path = &files[me];
        let named = if path.file_stem().is_some_and(|s| s == "history") {
            path.parent().and_then(|p| p.file_name())
        } else {
            path.file_stem()
        };
        let name = named.map_or_else(
            || format!("{}", me + 1),
            |s| s.to_string_lossy().into_owned(),
        );
        reports.push((printable_line(&name).into_owned(), report));
    }
    let named: Vec<(&str, Report)> = reports
        .iter()
        .map(|(n, r)| (n.as_str(), r.clone()))
        .collect();
    let mut out = String::from(
        "Recorded histories, each file one player; each prediction uses that player's past only.\n",
    );
    out.push_str(&tables(&named));
    super::print_stdout(&out)
}

fn row(name: &str, m: &Methods, n: usize, mrr: bool) -> String {
    let cell = |s: &eval::Score| {
        if mrr {
            format!("{:.3} / {:.3}", s.hit_at_1(), s.mrr())
        } else {
            format!("{:.3}", s.hit_at_1())
        }
    };
    format!(
        "{name:<12} {n:>6}  {:>13}  {:>13}  {:>13}  {:>13}\n",
        cell(&m.ranker),
        cell(&m.popularity),
        cell(&m.today),
        cell(&m.random)
    )
}

fn tables(reports: &[(&str, Report)]) -> String {
    let mut out = String::new();
    let head = |what: &str, count: &str| {
        format!(
            "\n{what}\n{:<12} {count:>6}  {:>13}  {:>13}  {:>13}  {:>13}\n",
            "player", "recommender", "popularity", "today's order", "random"
        )
    };
    let mut all = Report::default();
    out.push_str(&head("Next choice picked (hit@1 / MRR)", "picks"));
    for (name, r) in reports {
        out.push_str(&row(name, &r.choices, r.choices.ranker.n, true));
        all.merge(r);
    }
    out.push_str(&row("all", &all.choices, all.choices.ranker.n, true));
    out.push_str(&head("Opening picked (hit@1 / MRR)", "starts"));
    for (name, r) in reports {
        out.push_str(&row(name, &r.openings, r.openings.ranker.n, true));
    }
    out.push_str(&row("all", &all.openings, all.openings.ranker.n, true));
    out.push_str(&head(
        "Mood the story ends with, suggested at its start (hit rate; today: none suggested)",
        "starts",
    ));
    for (name, r) in reports {
        out.push_str(&row(name, &r.moods, r.moods.ranker.n, false));
    }
    out.push_str(&row("all", &all.moods, all.moods.ranker.n, false));
    out
}

fn record_sets(args: &HistoryArgs, config: Option<&Path>, out: &Path) -> anyhow::Result<()> {
    let (config, _) = Config::load(config)?;
    let model = Arc::new(super::play::load_story_model(
        &config,
        args.model.as_deref(),
    )?);
    let mut rng = Rng::new(args.seed);
    let mut lines = String::new();
    let started = std::time::Instant::now();
    let mut turns = 0;
    for (o, opening) in OPENINGS.iter().enumerate() {
        for story in 0..args.record_stories {
            let seed = rng.next_u64();
            let mut game = Headless::new(config.clone(), Arc::clone(&model), seed, false);
            let (_, mut turn) = game.start(&Opening::Builtin(o + 1))?;
            for t in 0..args.record_turns {
                let set = RecordedSet {
                    opening: opening.name.to_string(),
                    story,
                    turn: t,
                    choices: turn.choices.clone(),
                };
                lines.push_str(&serde_json::to_string(&set)?);
                lines.push('\n');
                turns += 1;
                // A random player: any choice, or its own action when none is offered.
                let action = if turn.choices.is_empty() {
                    "look around".to_string()
                } else {
                    (rng.below(turn.choices.len()) + 1).to_string()
                };
                match game.act(&action)? {
                    Some(next) => turn = next,
                    None => break,
                }
            }
            eprintln!(
                "fabula: {} story {}: {turns} turns recorded ({:.0} s)",
                opening.name,
                story + 1,
                started.elapsed().as_secs_f64()
            );
        }
    }
    crate::fsutil::write_atomic(out, lines.as_bytes())
        .map_err(|e| anyhow::anyhow!("{}: {e}", out.display()))?;
    eprintln!("fabula: wrote {turns} choice sets to {}", out.display());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_read_as_utc_dates() {
        assert_eq!(utc(0), "1970-01-01 00:00");
        assert_eq!(utc(1_700_000_000), "2023-11-14 22:13");
        assert_eq!(utc(951_782_400), "2000-02-29 00:00");
    }
}
