//! bf16 and int8 weights on the shipped story model: bits per character on
//! held-out text stay within 0.01 (bf16) and 0.03 (int8) of f32, and the
//! f32 inference path scores exactly as libtorch does.

use std::io::Write;
use std::path::{Path, PathBuf};

use fabula::lm::checkpoint;
use fabula::lm::eval::{evaluate_file, evaluate_file_fast};
use fabula::lm::kernels::Kernels;
use fabula::lm::weights::WeightFormat;
use fabula::lm::InferenceModel;

fn story_model() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("models/story")
}

/// The first 8 KB of the held-out game transcripts (in no corpus), cut at
/// a line end: enough text to separate the formats, quick to score.
fn heldout_sample(dir: &Path) -> PathBuf {
    let full = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/heldout/if_games_heldout.txt"),
    )
    .unwrap();
    let cut = full[..8_000].rfind('\n').unwrap();
    let path = dir.join("heldout.txt");
    std::fs::File::create(&path)
        .unwrap()
        .write_all(&full.as_bytes()[..cut])
        .unwrap();
    path
}

fn bits(format: WeightFormat, text: &Path) -> f64 {
    let m = InferenceModel::load_as(&story_model(), *Kernels::active(), format).unwrap();
    assert_eq!(m.net.weight_format(), format);
    evaluate_file_fast(&m.net, &m.vocab, text, 4, 256)
        .unwrap()
        .bits_per_char
}

#[test]
fn narrow_weights_score_held_out_text_within_their_tolerance() {
    let dir = tempfile::tempdir().unwrap();
    let text = heldout_sample(dir.path());
    let f32_bits = bits(WeightFormat::F32, &text);
    let bf16 = bits(WeightFormat::Bf16, &text);
    let int8 = bits(WeightFormat::Int8, &text);
    assert!(f32_bits > 1.0 && f32_bits < 3.0, "f32 {f32_bits}");
    assert!(
        (bf16 - f32_bits).abs() <= 0.01,
        "bf16 {bf16} vs f32 {f32_bits}"
    );
    assert!(
        (int8 - f32_bits).abs() <= 0.03,
        "int8 {int8} vs f32 {f32_bits}"
    );
    // The formats do change the numbers: a product that ignored the format
    // (or the int8 scales) would score identically or wildly off.
    assert_ne!(bf16, f32_bits);
    assert_ne!(int8, f32_bits);
}

#[test]
fn the_inference_path_scores_like_libtorch() {
    let dir = tempfile::tempdir().unwrap();
    let text = heldout_sample(dir.path());
    let loaded = checkpoint::load(&story_model(), tch::Device::Cpu).unwrap();
    let torch = evaluate_file(&loaded.model, &loaded.vocab, &text, 4, 256).unwrap();
    let m = InferenceModel::load_as(&story_model(), *Kernels::active(), WeightFormat::F32).unwrap();
    let fast = evaluate_file_fast(&m.net, &m.vocab, &text, 4, 256).unwrap();
    assert_eq!(torch.predicted, fast.predicted);
    assert!(
        (torch.bits_per_char - fast.bits_per_char).abs() < 1e-3,
        "libtorch {} vs inference path {}",
        torch.bits_per_char,
        fast.bits_per_char
    );
}

#[test]
fn weight_bytes_per_step_shrink_with_the_format() {
    let load = |f| {
        InferenceModel::load_as(&story_model(), *Kernels::active(), f)
            .unwrap()
            .net
            .weight_bytes_per_step()
    };
    let (f32_bytes, bf16, int8) = (
        load(WeightFormat::F32),
        load(WeightFormat::Bf16),
        load(WeightFormat::Int8),
    );
    // Biases and the token row stay f32, so the ratios are a little above
    // one half and one quarter.
    assert!(bf16 * 2 > f32_bytes && (bf16 as f64) < 0.52 * f32_bytes as f64);
    assert!(int8 * 4 > f32_bytes && (int8 as f64) < 0.27 * f32_bytes as f64);
}
