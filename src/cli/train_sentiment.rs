//! `fabula train-sentiment`: trains the Embedding → LSTM → Dense sentiment
//! classifier of one language on a labelled TSV and saves it as a model
//! (`NAME.safetensors` + `NAME.json`).

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use clap::Args;

use crate::sentiment::lang::Lang;
use crate::sentiment::train::{self, TrainSettings};

#[derive(Debug, Args)]
pub struct TrainSentimentArgs {
    /// Language of the classifier: en or zh.
    #[arg(long, default_value = "en")]
    pub lang: String,
    /// Labelled data, `label<TAB>text` (default: the shipped set of the language).
    #[arg(long)]
    pub data: Option<PathBuf>,
    /// Output stem (default: models/sentiment-LANG).
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    #[arg(long)]
    pub epochs: Option<usize>,
    #[arg(long)]
    pub embed: Option<usize>,
    #[arg(long)]
    pub hidden: Option<usize>,
    #[arg(long)]
    pub max_vocab: Option<usize>,
    /// Tokens read per text.
    #[arg(long)]
    pub max_tokens: Option<usize>,
    #[arg(long)]
    pub batch_size: Option<usize>,
    #[arg(long)]
    pub lr: Option<f64>,
    #[arg(long)]
    pub dropout: Option<f64>,
    #[arg(long)]
    pub seed: Option<u64>,
    /// Licence of the data, recorded in the card.
    #[arg(long)]
    pub licence: Option<String>,
    /// auto, cpu or cuda.
    #[arg(long, default_value = "cpu")]
    pub device: String,
    /// Do not start the embedding from the lexicon (English starts from it).
    #[arg(long)]
    pub no_lexicon_init: bool,
    /// libtorch intra-op threads.
    #[arg(long)]
    pub threads: Option<usize>,
}

pub fn run(args: TrainSentimentArgs) -> anyhow::Result<()> {
    super::set_threads(args.threads)?;
    let lang = Lang::parse(&args.lang)
        .ok_or_else(|| anyhow::anyhow!("--lang must be en or zh, got {:?}", args.lang))?;
    let device = crate::lm::parse_device(&args.device)?;
    let data = match args.data {
        Some(p) => p,
        None => train::find_asset(train::default_data(lang)).ok_or_else(|| {
            anyhow::anyhow!("{} not found; pass --data FILE", train::default_data(lang))
        })?,
    };
    let output = args
        .output
        .unwrap_or_else(|| PathBuf::from(format!("models/sentiment-{}", lang.code())));
    crate::lm::checkpoint::check_writable(&output)?;
    let examples = train::read_examples(&data)?;
    let mut s = TrainSettings::new(lang);
    s.name = output
        .file_stem()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or(s.name);
    // Unset options keep the language's defaults (TrainSettings::new).
    s.epochs = args.epochs.unwrap_or(s.epochs);
    s.embed_dim = args.embed.unwrap_or(s.embed_dim);
    s.hidden_size = args.hidden.unwrap_or(s.hidden_size);
    s.max_vocab = args.max_vocab.unwrap_or(s.max_vocab);
    s.max_tokens = args.max_tokens.unwrap_or(s.max_tokens);
    s.batch_size = args.batch_size.unwrap_or(s.batch_size);
    s.learning_rate = args.lr.unwrap_or(s.learning_rate);
    s.dropout = args.dropout.unwrap_or(s.dropout);
    s.seed = args.seed.unwrap_or(s.seed);
    s.device = device;
    s.licence = args.licence;
    s.lexicon_init &= !args.no_lexicon_init;
    s.validate()?;

    let stop = Arc::new(AtomicBool::new(false));
    {
        let stop = stop.clone();
        // Ctrl-C ends the epoch early; the best epoch so far is saved.
        let _ = ctrlc::set_handler(move || stop.store(true, std::sync::atomic::Ordering::Relaxed));
    }
    eprintln!(
        "training {} on {} ({} rows)",
        s.name,
        data.display(),
        examples.len()
    );
    let (card, files) = train::train(&examples, &data, &s, &output, &stop, |r| {
        eprintln!(
            "epoch {}/{}: loss {:.4}, dev accuracy {:.3} ({:.0} s)",
            r.epoch, r.epochs, r.train_loss, r.dev_accuracy, r.seconds
        );
    })?;
    let h = &card.heldout;
    println!(
        "saved {} (epoch {}, dev accuracy {:.3}); held-out test n={}: lstm {:.3}, lexicon {:.3}, {} {:.3}",
        files.weights.display(),
        card.training.best_epoch,
        card.training.dev_accuracy,
        h.n,
        h.accuracy,
        h.lexicon_accuracy,
        h.baseline,
        h.baseline_accuracy
    );
    Ok(())
}
