//! Stepping the model allocates nothing once its buffers have grown: every
//! allocation in the process is counted while batches are stepped. The
//! only test in its binary, so no other test's allocations are counted.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use fabula::lm::generate::step_streams;
use fabula::lm::kernels::{on_compute_pool, Kernels, SimdLevel, MAX_BATCH};
use fabula::lm::weights::WeightFormat;
use fabula::lm::{InferenceModel, Scratch};

struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards to the system allocator; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static COUNTING: Counting = Counting;

/// An untrained two-layer model, large enough that its layers are split
/// over two cores.
fn model(dir: &std::path::Path, kernels: Kernels, format: WeightFormat) -> InferenceModel {
    let text: String = ('a'..='z').chain(" .,".chars()).collect();
    let vocab = fabula::lm::Vocab::from_texts([text.as_str()], 1, 64);
    let hyper = fabula::lm::HyperParams {
        vocab_size: vocab.len(),
        embed_dim: 16,
        hidden_size: 256,
        layers: 2,
        dropout: 0.0,
    };
    let vs = tch::nn::VarStore::new(tch::Device::Cpu);
    let _net = fabula::lm::model::LstmLm::new(&vs.root(), &hyper);
    let card = fabula::lm::ModelCard {
        format: fabula::lm::card::CARD_FORMAT.into(),
        format_version: fabula::lm::card::CARD_VERSION,
        name: "alloc".into(),
        description: String::new(),
        hyper,
        vocab: vocab.entries(),
        training: Default::default(),
        versions: fabula::lm::card::Versions::current(),
    };
    let stem = dir.join("alloc");
    fabula::lm::checkpoint::save(&vs, &card, &stem).unwrap();
    InferenceModel::load_as(&stem, kernels, format).unwrap()
}

#[test]
fn a_model_step_allocates_nothing_once_its_buffers_have_grown() {
    let dir = tempfile::tempdir().unwrap();
    let formats = WeightFormat::ALL.into_iter();
    for (level, format) in SimdLevel::supported().flat_map(|l| formats.clone().map(move |f| (l, f)))
    {
        let model = model(dir.path(), Kernels::new(level).unwrap(), format);
        let net = &model.net;
        let v = net.vocab_size();
        // 69 streams: more than one stack chunk of MAX_BATCH.
        let n = MAX_BATCH + 5;
        let mut states = vec![net.zero_state(); n];
        let mut logits = vec![vec![0.0f32; v]; n];
        let tokens: Vec<u32> = (0..n as u32).map(|i| i % v as u32).collect();
        let odd: Vec<usize> = (0..n).filter(|i| i % 2 == 1).collect();
        let mut scratch = Scratch::default();
        // Samplers run on the compute pool; so do the steps here, as there
        // the two-core splits hand work over without queueing it.
        let counted = on_compute_pool(|| {
            let mut round = |counted: bool| {
                let before = ALLOCATIONS.load(Ordering::SeqCst);
                for batch in [1, 3, 4, n] {
                    net.step_batch(
                        &tokens[..batch],
                        &mut states[..batch],
                        &mut logits[..batch],
                        &mut scratch,
                    );
                }
                net.step(5, &mut states[0], &mut logits[0], &mut scratch);
                step_streams(
                    net,
                    &odd,
                    &tokens[..odd.len()],
                    &mut states,
                    &mut logits,
                    &mut scratch,
                );
                step_streams(
                    net,
                    &[2],
                    &tokens[..1],
                    &mut states,
                    &mut logits,
                    &mut scratch,
                );
                let after = ALLOCATIONS.load(Ordering::SeqCst);
                if counted {
                    after - before
                } else {
                    0
                }
            };
            // The first rounds grow the buffers (and start the pool's threads).
            round(false);
            round(false);
            (0..5).map(|_| round(true)).sum::<usize>()
        });
        assert_eq!(counted, 0, "{level} {format}: allocations while stepping");
        assert!(logits.iter().flatten().all(|l| l.is_finite()));
    }
}
