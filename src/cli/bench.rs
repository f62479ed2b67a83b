//! `fabula bench`: speed and memory figures for the shipped models and the
//! 2x512 reference shape, optionally beside the PyTorch reference measured
//! in the same run. The last line is machine-readable `key=value` pairs.

use std::path::PathBuf;
use std::process::Command;

use anyhow::Context;
use clap::Args;

use crate::lm::bench;
use crate::lm::card::HyperParams;
use crate::lm::weights::WeightFormat;
use crate::lm::InferenceModel;

#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Models to measure besides the reference shape (names or paths).
    #[arg(long, value_delimiter = ',', default_value = "story,lyrics")]
    pub models: Vec<String>,
    /// Tokens sampled per measurement.
    #[arg(long, default_value_t = 3000)]
    pub tokens: usize,
    /// Training steps timed per measurement.
    #[arg(long, default_value_t = 8)]
    pub train_steps: usize,
    /// Also run the PyTorch reference (shared/bench/pytorch_lstm_anchor.py) and print ratios.
    #[arg(long)]
    pub compare: bool,
    /// The PyTorch reference script.
    #[arg(long)]
    pub anchor: Option<PathBuf>,
    /// Python with torch installed (default: the project's .venv).
    #[arg(long)]
    pub python: Option<PathBuf>,
    /// Rounds of the reference measurement (and of the PyTorch run with
    /// --compare), alternating; medians are reported, as this machine's
    /// speed drifts from one second to the next.
    #[arg(long, default_value_t = 3)]
    pub rounds: usize,
    #[arg(long, default_value_t = 2)]
    pub threads: usize,
    #[arg(long, default_value = "cpu")]
    pub device: String,
    /// Measure frame time instead: the story screen at 120x40 (ratatui's
    /// test backend) with a synthetic story; no model is loaded.
    #[arg(long)]
    pub frames: bool,
    /// With --frames: frames timed.
    #[arg(long, default_value_t = 2000, requires = "frames")]
    pub frame_count: usize,
    /// With --frames: turns on the synthetic story's branch.
    #[arg(long, default_value_t = 10_000, requires = "frames")]
    pub turns: usize,
    /// Hidden units of the random-weight reference model (2 layers); 512 is
    /// the PyTorch reference's shape, larger ones show where weights leave
    /// the caches.
    #[arg(long, default_value_t = 512)]
    pub reference_hidden: usize,
    /// Weight formats whose sampling speed is measured (f32, bf16, int8).
    #[arg(long, value_delimiter = ',', default_value = "f32,bf16,int8")]
    pub weights: Vec<WeightFormat>,
    /// With --frames: the review's arc with every other branch overlaid.
    #[arg(long, requires = "frames")]
    pub overlay: bool,
    /// Measure only the picked-choice latency (key to full passage), with
    /// the choices' passages written ahead and without.
    #[arg(long)]
    pub pick: bool,
    /// Choices picked per run for the picked-choice latency.
    #[arg(long, default_value_t = 12)]
    pub picks: usize,
}

/// Sampling speed of one model in one weight format, beside the limit set
/// by reading its weights from where they live.
struct FormatRow {
    model: String,
    format: WeightFormat,
    bytes_per_step: usize,
    batch1: f64,
    batch4: f64,
    /// Read bandwidth measured for a buffer of `bytes_per_step`.
    cache_bandwidth: f64,
}

impl FormatRow {
    fn limit(&self) -> f64 {
        self.cache_bandwidth / self.bytes_per_step as f64
    }
}

/// Batch-1 and batch-4 sampling of `path` in each of `args.weights`.
fn measure_formats(name: &str, path: &std::path::Path, args: &BenchArgs) -> Vec<FormatRow> {
    let kernels = *crate::lm::kernels::Kernels::active();
    let mut rows = Vec::new();
    for &format in &args.weights {
        let model = match InferenceModel::load_as(path, kernels, format) {
            Ok(m) => m,
            Err(e) => {
                println!("  {name} {format}: skipped ({e})");
                continue;
            }
        };
        let net = &model.net;
        let bytes = net.weight_bytes_per_step();
        let row = FormatRow {
            model: name.to_string(),
            format,
            bytes_per_step: bytes,
            batch1: bench::batch1_tokens_per_second(net, &model.vocab, args.tokens),
            batch4: bench::batch_tokens_per_second(net, &model.vocab, 4, args.tokens / 2),
            cache_bandwidth: bench::cache_read_bandwidth(bytes, args.threads.min(2)),
        };
        println!(
            "  {:<5} {:>6.2} MB/token  batch-1 {:>7.0} tok/s ({:.2} of {:>6.0}, {:.0} GB/s at this size)  batch-4 {:>7.0} tok/s",
            format.name(),
            bytes as f64 / 1e6,
            row.batch1,
            row.batch1 / row.limit(),
            row.limit(),
            row.cache_bandwidth / 1e9,
            row.batch4
        );
        rows.push(row);
    }
    rows
}

struct Row {
    name: String,
    params: usize,
    shape: String,
    bytes_per_step: usize,
    batch1: f64,
    batch4: f64,
    restore_ms: f64,
    train: f64,
    limit: f64,
}

fn measure(
    name: &str,
    model: &InferenceModel,
    args: &BenchArgs,
    bandwidth: f64,
    device: tch::Device,
) -> Row {
    let net = &model.net;
    let h = &model.card.hyper;
    let limit = bandwidth / net.weight_bytes_per_step() as f64;
    let batch1 = bench::batch1_tokens_per_second(net, &model.vocab, args.tokens);
    let batch4 = bench::batch_tokens_per_second(net, &model.vocab, 4, args.tokens / 2);
    let restore_ms = bench::restore_to_first_token_seconds(net, &model.vocab, 21) * 1e3;
    let train = bench::training_tokens_per_second(h, 32, 128, args.train_steps, device);
    Row {
        name: name.to_string(),
        params: h.parameter_count(),
        shape: format!(
            "{}x{} LSTM, embed {}, vocab {}",
            h.layers, h.hidden_size, h.embed_dim, h.vocab_size
        ),
        bytes_per_step: net.weight_bytes_per_step(),
        batch1,
        batch4,
        restore_ms,
        train,
        limit,
    }
}

fn print_row(r: &Row) {
    let limit = r.limit;
    println!(
        "{}: {}, {:.2} M parameters, {:.1} MB of weights read per token",
        r.name,
        r.shape,
        r.params as f64 / 1e6,
        r.bytes_per_step as f64 / 1e6
    );
    println!(
        "  batch-1 sampling      {:>9.0} tok/s  ({:.2} of the {limit:.0} tok/s bandwidth limit)",
        r.batch1,
        r.batch1 / limit
    );
    println!(
        "  batch-4 sampling      {:>9.0} tok/s  (all 4 streams; {:.2}x batch 1)",
        r.batch4,
        r.batch4 / r.batch1
    );
    println!("  stored state -> token {:>9.3} ms", r.restore_ms);
    println!("  training (32x128)     {:>9.0} tok/s", r.train);
}

/// The median of each figure over several rounds.
fn median_row(rows: &[Row]) -> Row {
    let med = |f: &dyn Fn(&Row) -> f64| median(rows.iter().map(f).collect());
    let first = &rows[0];
    Row {
        name: first.name.clone(),
        params: first.params,
        shape: first.shape.clone(),
        bytes_per_step: first.bytes_per_step,
        batch1: med(&|r| r.batch1),
        batch4: med(&|r| r.batch4),
        restore_ms: med(&|r| r.restore_ms),
        train: med(&|r| r.train),
        limit: first.limit,
    }
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    match xs.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => xs[n / 2],
        n => (xs[n / 2 - 1] + xs[n / 2]) / 2.0,
    }
}

/// A 2x512 model with random weights, the shape the PyTorch reference uses.
fn reference_model(
    dir: &std::path::Path,
    hidden: usize,
) -> anyhow::Result<(PathBuf, InferenceModel)> {
    let hyper = HyperParams {
        vocab_size: 96,
        embed_dim: 128,
        hidden_size: hidden,
        layers: 2,
        dropout: 0.2,
    };
    let vocab = crate::lm::Vocab::from_texts(
        [(32u8..127).map(char::from).collect::<String>().as_str()],
        1,
        96,
    );
    tch::manual_seed(0);
    let vs = tch::nn::VarStore::new(tch::Device::Cpu);
    let _model = crate::lm::model::LstmLm::new(&vs.root(), &hyper);
    let card = crate::lm::ModelCard {
        format: crate::lm::card::CARD_FORMAT.into(),
        format_version: crate::lm::card::CARD_VERSION,
        name: format!("reference-2x{hidden}"),
        description: "random weights, benchmark shape".into(),
        hyper,
        vocab: vocab.entries(),
        training: Default::default(),
        versions: crate::lm::card::Versions::current(),
    };
    let path = dir.join("reference");
    crate::lm::checkpoint::save(&vs, &card, &path)?;
    let model = InferenceModel::load(&path)?;
    Ok((path, model))
}

fn find_anchor(explicit: Option<&PathBuf>) -> Option<PathBuf> {
    if let Some(p) = explicit {
        return Some(p.clone());
    }
    [
        "../shared/bench/pytorch_lstm_anchor.py",
        "shared/bench/pytorch_lstm_anchor.py",
    ]
    .iter()
    .map(PathBuf::from)
    .find(|p| p.exists())
}

fn run_anchor(args: &BenchArgs) -> anyhow::Result<std::collections::HashMap<String, f64>> {
    let script = find_anchor(args.anchor.as_ref())
        .context("the PyTorch reference script was not found; pass --anchor PATH")?;
    let python = args
        .python
        .clone()
        .unwrap_or_else(|| PathBuf::from(".venv/bin/python"));
    println!(
        "running the PyTorch reference: {} {}",
        python.display(),
        script.display()
    );
    let out = Command::new(&python)
        .arg("-W")
        .arg("ignore")
        .arg(&script)
        .args([
            "--threads",
            &args.threads.to_string(),
            "--gen-tokens",
            &args.tokens.min(2000).to_string(),
        ])
        .output()
        .with_context(|| format!("running {}", python.display()))?;
    anyhow::ensure!(
        out.status.success(),
        "the reference failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    print!("{text}");
    Ok(text
        .split_whitespace()
        .filter_map(|kv| kv.split_once('='))
        .filter_map(|(k, v)| v.parse::<f64>().ok().map(|v| (k.to_string(), v)))
        .collect())
}

/// `--frames`: p50/p99 frame time and resident memory, as `key=value`.
fn run_frames(args: &BenchArgs) -> anyhow::Result<()> {
    use crate::tui::frame_bench;
    let r = frame_bench::measure(args.turns, args.frame_count, args.overlay)?;
    println!(
        "frame time: story screen {}x{} (test backend), {} turns on the branch, {} nodes",
        frame_bench::WIDTH,
        frame_bench::HEIGHT,
        r.turns,
        r.nodes
    );
    println!(
        "  {} frames (scrolling, review selection and jumps, typing, a passage streaming): p50 {:.3} ms, p99 {:.3} ms, max {:.3} ms",
        r.frames, r.p50_ms, r.p99_ms, r.max_ms
    );
    let rss = r.rss_bytes.map_or_else(
        || "unavailable".to_string(),
        |b| format!("{:.0}", b as f64 / 1e6),
    );
    println!(
        "  slowest update between frames {:.3} ms; resident memory: {rss} MB",
        r.update_max_ms
    );
    println!(
        "frame_p50_ms={:.3} frame_p99_ms={:.3} frame_max_ms={:.3} update_max_ms={:.3} frames={} turns={} nodes={} rss_mb={rss}",
        r.p50_ms, r.p99_ms, r.max_ms, r.update_max_ms, r.frames, r.turns, r.nodes
    );
    Ok(())
}

/// The picked-choice latency with the story model, as `key=value` pairs
/// (printed with a readable line too).
fn pick_figures(args: &BenchArgs) -> anyhow::Result<Vec<String>> {
    use super::pick_bench::play;
    let (config, _) = crate::config::Config::load(None)?;
    let path = crate::paths::resolve_model(&config.models.story)?;
    let model = std::sync::Arc::new(InferenceModel::load(&path)?);
    let picks = args.picks.max(1);
    let warm = play(&config, &model, picks, 7, true)?;
    let cold = play(&config, &model, picks, 7, false)?;
    let same = warm
        .passages
        .iter()
        .zip(&cold.passages)
        .filter(|(a, b)| a == b)
        .count();
    let (w, c) = (median(warm.ms.clone()), median(cold.ms.clone()));
    let w_max = warm.ms.iter().copied().fold(0.0, f64::max);
    println!(
        "picked choice, key to full passage drawn ({picks} picks, story model, median): written ahead {w:.3} ms (max {w_max:.3}), written after the pick {c:.1} ms; {same} of {picks} passages identical"
    );
    Ok(vec![
        format!("pick_to_passage_ms={w:.3}"),
        format!("pick_to_passage_max_ms={w_max:.3}"),
        format!("pick_to_passage_ms_cold={c:.3}"),
        format!("pick_identical={same}"),
        format!("picks={picks}"),
    ])
}

pub fn run(args: BenchArgs) -> anyhow::Result<()> {
    if args.frames {
        return run_frames(&args);
    }
    if args.pick {
        super::set_threads(Some(args.threads))?;
        let kv = pick_figures(&args)?;
        println!("{}", kv.join(" "));
        return Ok(());
    }
    super::set_threads(Some(args.threads))?;
    let device = crate::lm::parse_device(&args.device)?;
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!(
        "machine: {cpu}, {cores} cores; libtorch threads {}; kernels {} (of {}; FABULA_SIMD lowers); weights {} (FABULA_WEIGHTS)",
        args.threads,
        crate::lm::kernels::Kernels::active().level(),
        crate::lm::kernels::SimdLevel::detected(),
        WeightFormat::active()
    );
    let one = bench::memory_read_bandwidth(1);
    let all = bench::memory_read_bandwidth(cores.min(2));
    // The limit uses the better of the two: sampling splits its weights over two cores.
    let bandwidth = one.max(all);
    println!(
        "memory read bandwidth (sum of 256 MB): {:.1} GB/s on one thread, {:.1} GB/s on {} threads",
        one / 1e9,
        all / 1e9,
        cores.min(2)
    );
    let mut rows = Vec::new();
    for m in &args.models {
        match crate::paths::resolve_model(m)
            .map_err(anyhow::Error::from)
            .and_then(|p| Ok(InferenceModel::load(&p)?))
        {
            Ok(model) => {
                let row = measure(m, &model, &args, bandwidth, device);
                print_row(&row);
                rows.push(row);
            }
            Err(e) => println!("{m}: skipped ({e:#})"),
        }
    }
    let dir = tempfile_dir()?;
    anyhow::ensure!(
        (1..=4096).contains(&args.reference_hidden),
        "--reference-hidden must be 1 to 4096"
    );
    anyhow::ensure!(
        args.reference_hidden == 512 || !args.compare,
        "--compare measures the 2x512 shape the PyTorch reference runs; leave --reference-hidden at 512"
    );
    let (reference_path, reference) = reference_model(&dir, args.reference_hidden)?;
    let ref_name = format!("reference-2x{}", args.reference_hidden);
    // Each format's speed beside the read bandwidth at its own size: weights
    // that fit in a cache are limited by that cache, not by DRAM.
    let mut format_rows = Vec::new();
    if !args.weights.is_empty() {
        println!("weight formats (products widen to f32 in registers):");
        let mut paths: Vec<(String, PathBuf)> = args
            .models
            .iter()
            .filter_map(|m| Some((m.clone(), crate::paths::resolve_model(m).ok()?)))
            .collect();
        paths.push((ref_name.clone(), reference_path.clone()));
        for (name, path) in &paths {
            println!("{name}:");
            format_rows.extend(measure_formats(name, path, &args));
        }
    }
    // The reference and PyTorch alternate, so both see the same drift.
    let rounds = args.rounds.max(1);
    let mut reference_rows = Vec::with_capacity(rounds);
    let mut torch_runs = Vec::new();
    for round in 1..=rounds {
        if rounds > 1 {
            eprintln!("round {round} of {rounds}");
        }
        reference_rows.push(measure(&ref_name, &reference, &args, bandwidth, device));
        if args.compare {
            torch_runs.push(run_anchor(&args)?);
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    let reference_row = median_row(&reference_rows);
    // Batch 4 over batch 1 within each round (measured seconds apart), then
    // the median: steadier than a ratio of medians on a drifting machine.
    let batch_ratio = median(reference_rows.iter().map(|r| r.batch4 / r.batch1).collect());
    print_row(&reference_row);
    if rounds > 1 {
        println!(
            "  (medians of {rounds} rounds; batch 4 over batch 1 within a round: {batch_ratio:.2}x)"
        );
    }
    let mut kv = vec![
        format!("bandwidth_gb_s={:.2}", bandwidth / 1e9),
        format!("ref_batch1_tok_s={:.0}", reference_row.batch1),
        format!("ref_batch4_tok_s={:.0}", reference_row.batch4),
        format!("ref_restore_ms={:.3}", reference_row.restore_ms),
        format!("ref_train_tok_s={:.0}", reference_row.train),
        format!("ref_limit_tok_s={:.0}", reference_row.limit),
        format!(
            "ref_batch1_of_limit={:.2}",
            reference_row.batch1 / reference_row.limit
        ),
        format!("ref_batch4_over_batch1={batch_ratio:.2}"),
    ];
    for r in &rows {
        kv.push(format!("{}_batch1_tok_s={:.0}", r.name, r.batch1));
        kv.push(format!("{}_batch4_tok_s={:.0}", r.name, r.batch4));
        kv.push(format!("{}_restore_ms={:.3}", r.name, r.restore_ms));
        kv.push(format!("{}_train_tok_s={:.0}", r.name, r.train));
    }
    for r in &format_rows {
        let model = if r.model == ref_name { "ref" } else { &r.model };
        let key = format!("{model}_{}", r.format);
        kv.push(format!("{key}_batch1_tok_s={:.0}", r.batch1));
        kv.push(format!("{key}_batch4_tok_s={:.0}", r.batch4));
        kv.push(format!("{key}_limit_tok_s={:.0}", r.limit()));
    }
    if args.compare {
        let get = |k: &str| {
            median(
                torch_runs
                    .iter()
                    .map(|py| py.get(k).copied().unwrap_or(f64::NAN))
                    .collect(),
            )
        };
        let (gen, cell, train) = (
            get("gen_tok_per_s"),
            get("cell_gen_tok_per_s"),
            get("train_tok_per_s"),
        );
        println!("ratios against PyTorch, same machine, same run (2x512):");
        println!(
            "  batch-1 sampling vs nn.LSTM        {:.2}x",
            reference_row.batch1 / gen
        );
        println!(
            "  batch-1 sampling vs fused cell     {:.2}x",
            reference_row.batch1 / cell
        );
        println!(
            "  training vs PyTorch                {:.2}x",
            reference_row.train / train
        );
        kv.push(format!("torch_gen_tok_s={gen:.0}"));
        kv.push(format!("torch_cell_tok_s={cell:.0}"));
        kv.push(format!("torch_train_tok_s={train:.0}"));
        kv.push(format!(
            "ratio_batch1_vs_cell={:.2}",
            reference_row.batch1 / cell
        ));
        kv.push(format!(
            "ratio_train_vs_torch={:.2}",
            reference_row.train / train
        ));
    }
    match pick_figures(&args) {
        Ok(figures) => kv.extend(figures),
        Err(e) => println!("picked choice latency: skipped ({e:#})"),
    }
    if let Some(peak) = bench::peak_rss_bytes() {
        println!("peak memory (resident): {:.0} MB", peak as f64 / 1e6);
        kv.push(format!("peak_rss_mb={:.0}", peak as f64 / 1e6));
    }
    println!("{}", kv.join(" "));
    Ok(())
}

fn tempfile_dir() -> anyhow::Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!("fabula-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    Ok(dir)
}
