//! Measurements for `fabula bench`: sampling speed at batch 1 and batch N,
//! time from a stored state to the first token, training throughput, memory
//! bandwidth (the limit for single-stream sampling) and peak memory.

use std::ops::ControlFlow;
use std::time::Instant;

use tch::{nn, nn::OptimizerConfig, Device, Kind, Tensor};

use super::card::HyperParams;
use super::generate::{generate, generate_candidates};
use super::infer::FastLstm;
use super::model::LstmLm;
use super::sample::SamplingConfig;
use super::vocab::Vocab;

fn sampling(tokens: usize) -> SamplingConfig {
    SamplingConfig {
        temperature: 0.8,
        top_p: 1.0,
        max_tokens: tokens,
        ..SamplingConfig::default()
    }
}

/// Tokens per second sampling one stream (sampling included, as a user sees it).
pub fn batch1_tokens_per_second(net: &FastLstm, vocab: &Vocab, tokens: usize) -> f64 {
    let warm = generate(net, vocab, net.zero_state(), &sampling(50), &[], 1, |_| {
        ControlFlow::Continue(())
    });
    let t = Instant::now();
    let out = generate(net, vocab, warm.state, &sampling(tokens), &[], 2, |_| {
        ControlFlow::Continue(())
    });
    out.tokens as f64 / t.elapsed().as_secs_f64()
}

/// Tokens per second over all `n` streams sampled together.
pub fn batch_tokens_per_second(net: &FastLstm, vocab: &Vocab, n: usize, tokens: usize) -> f64 {
    let state = net.zero_state();
    generate_candidates(net, vocab, &state, n, &sampling(20), &[], 1, || true);
    let t = Instant::now();
    let outs = generate_candidates(net, vocab, &state, n, &sampling(tokens), &[], 3, || true);
    outs.iter().map(|g| g.tokens).sum::<usize>() as f64 / t.elapsed().as_secs_f64()
}

/// Seconds from a stored state (a story node) to the first sampled token:
/// what rewinding or branching costs. Median of `reps`.
pub fn restore_to_first_token_seconds(net: &FastLstm, vocab: &Vocab, reps: usize) -> f64 {
    let stored = generate(net, vocab, net.zero_state(), &sampling(200), &[], 5, |_| {
        ControlFlow::Continue(())
    })
    .state;
    let mut times: Vec<f64> = (0..reps.max(1))
        .map(|i| {
            let t = Instant::now();
            let restored = stored.clone();
            generate(net, vocab, restored, &sampling(1), &[], i as u64, |_| {
                ControlFlow::Continue(())
            });
            t.elapsed().as_secs_f64()
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

/// Training tokens per second of a model with `hyper` on random tokens:
/// batch `batch`, BPTT `bptt`, Adam, gradient clipping, as `fabula train` does.
pub fn training_tokens_per_second(
    hyper: &HyperParams,
    batch: i64,
    bptt: i64,
    steps: usize,
    device: Device,
) -> f64 {
    tch::manual_seed(0);
    let vs = nn::VarStore::new(device);
    let model = LstmLm::new(&vs.root(), hyper);
    let Ok(mut opt) = nn::Adam::default().build(&vs, 2e-3) else {
        return 0.0;
    };
    let v = hyper.vocab_size as i64;
    let x = Tensor::randint(v, [batch, bptt], (Kind::Int64, device));
    let y = Tensor::randint(v, [batch, bptt], (Kind::Int64, device));
    let _reuse = super::heap::HeapReuse::begin();
    let mut step = || {
        let (logits, _) = model.forward(&x, &model.zero_state(batch), true);
        let loss = logits.view([-1, v]).cross_entropy_for_logits(&y.view([-1]));
        opt.backward_step_clip_norm(&loss, 5.0);
    };
    step();
    step();
    let t = Instant::now();
    for _ in 0..steps {
        step();
    }
    if let Device::Cuda(_) = device {
        tch::Cuda::synchronize(0);
    }
    (steps as i64 * batch * bptt) as f64 / t.elapsed().as_secs_f64()
}

/// Read bandwidth in bytes per second: summing a buffer much larger than
/// the caches, split over `threads` threads as the sampling kernels split
/// their weights. Best of five.
pub fn memory_read_bandwidth(threads: usize) -> f64 {
    cache_read_bandwidth(256 << 20, threads)
}

/// Read bandwidth in bytes per second for a buffer of `bytes`, read again
/// and again as sampling reads its weights every token: the bandwidth of
/// whichever cache level (or DRAM) a buffer that size lives in. Split over
/// `threads` like the kernels; best of five.
pub fn cache_read_bandwidth(bytes: usize, threads: usize) -> f64 {
    let len = (bytes / 4).max(1024);
    let data = vec![1.0f32; len];
    let threads = threads.max(1);
    // Enough passes that one trial reads at least 256 MB.
    let passes = ((256usize << 20) / (len * 4)).max(1);
    let mut best = 0.0f64;
    for _ in 0..5 {
        let t = Instant::now();
        let total: f32 = std::thread::scope(|s| {
            let parts: Vec<_> = data
                .chunks(len.div_ceil(threads))
                .map(|c| {
                    s.spawn(move || {
                        let k = super::kernels::Kernels::active();
                        (0..passes)
                            .map(|_| k.sum(std::hint::black_box(c)))
                            .sum::<f32>()
                    })
                })
                .collect();
            parts.into_iter().map(|p| p.join().unwrap_or(0.0)).sum()
        });
        let secs = t.elapsed().as_secs_f64();
        std::hint::black_box(total);
        best = best.max((len * 4 * passes) as f64 / secs);
    }
    best
}

/// Peak resident memory of this process in bytes (Linux; None elsewhere).
pub fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}
