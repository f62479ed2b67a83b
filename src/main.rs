use clap::Parser;

use fabula::cli::{self, Cli, Command};

fn main() {
    let args = Cli::parse();
    // The instruction set is decided once, before any model work; a
    // FABULA_SIMD the processor cannot honour is an error, not a guess.
    if let Err(e) = fabula::lm::kernels::Kernels::init_from_env() {
        eprintln!("fabula: {e}");
        std::process::exit(1);
    }
    if let Err(e) = fabula::lm::weights::WeightFormat::init_from_env() {
        eprintln!("fabula: {}: {e}", fabula::lm::weights::WEIGHTS_VAR);
        std::process::exit(1);
    }
    // Commands that take no settings from it still refuse a bad --config.
    let checked = match (&args.command, &args.config) {
        (
            Some(
                Command::Train(_)
                | Command::Eval(_)
                | Command::Bench(_)
                | Command::Sentiment(_)
                | Command::TrainSentiment(_)
                | Command::Review(_)
                | Command::Replay(_),
            ),
            Some(path),
        ) => fabula::config::Config::load(Some(path)).map(|_| ()),
        _ => Ok(()),
    };
    if let Err(e) = checked {
        eprintln!("fabula: {}", cli::error_message(&e.into()));
        std::process::exit(1);
    }
    let result = match args.command {
        Some(Command::Train(a)) => cli::train::run(a),
        Some(Command::Generate(a)) => cli::generate::run(a, args.config.as_deref()),
        Some(Command::Eval(a)) => cli::eval::run(a),
        Some(Command::Bench(a)) => cli::bench::run(a),
        Some(Command::Lyrics(a)) => cli::lyrics::run(a, args.config.as_deref()),
        Some(Command::Sentiment(a)) => cli::sentiment::run(a),
        Some(Command::TrainSentiment(a)) => cli::train_sentiment::run(a),
        Some(Command::Transcripts(a)) => cli::transcripts::run(a),
        Some(Command::Review(a)) => cli::review::run(a, args.config.as_deref()),
        Some(Command::History(a)) => cli::history::run(a, args.config.as_deref()),
        Some(Command::Replay(a)) => cli::replay::run(a, args.config.as_deref()),
        None if args.print_config_path => match &args.config {
            // The file given is where the configuration is read from: checked like any other.
            Some(p) => fabula::config::Config::load(Some(p))
                .map(|_| println!("{}", p.display()))
                .map_err(Into::into),
            None => {
                match fabula::config::default_path() {
                    Some(p) => println!("{}", p.display()),
                    None => println!("no config folder on this system; use --config PATH"),
                }
                Ok(())
            }
        },
        None if args.sessions => cli::play::print_sessions(args.config.as_deref()),
        None if args.plain => cli::plain::run(cli::plain::PlainArgs {
            config: args.config.as_deref(),
            model: args.model.as_deref(),
            seed: args.seed,
            opening: args.opening,
            opening_text: args.opening_text,
            history: !args.no_history,
            mood: args.mood,
        }),
        None => {
            cli::crash::install_panic_log();
            cli::play::run(
                args.config.as_deref(),
                args.model.as_deref(),
                args.resume.as_deref(),
                !args.no_history,
            )
        }
    };
    if let Err(e) = result {
        eprintln!("fabula: {}", cli::error_message(&e));
        std::process::exit(1);
    }
}
