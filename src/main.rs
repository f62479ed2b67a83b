use clap::Parser;

use fabula::cli::{self, Cli, Command};

fn main() {
    let args = Cli::parse();
    let result = match args.command {
        Some(Command::Train(a)) => cli::train::run(a),
        Some(Command::Generate(a)) => cli::generate::run(a),
        Some(Command::Eval(a)) => cli::eval::run(a),
        None => cli::generate::run(cli::generate::GenerateArgs {
            model: "story".into(),
            prompt: String::new(),
            temperature: 0.8,
            top_k: 0,
            top_p: 0.95,
            repetition_penalty: 1.0,
            max_tokens: 500,
            stop: Vec::new(),
            seed: None,
        }),
    };
    if let Err(e) = result {
        eprintln!("fabula: {e:#}");
        std::process::exit(1);
    }
}
