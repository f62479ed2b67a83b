//! The character language model: vocabulary, LSTM on libtorch, the Rust
//! inference path, sampling, training and evaluation. Knows nothing of
//! stories or terminals.

pub mod bench;
pub mod card;
pub mod checkpoint;
pub mod corpus;
pub mod eval;
pub mod generate;
pub mod heap;
pub mod infer;
pub mod kernels;
pub mod model;
pub mod sample;
pub mod state;
pub mod train;
pub mod vocab;

pub use card::{HyperParams, ModelCard};
pub use checkpoint::{ModelError, ModelFiles};
pub use infer::{FastLstm, InferenceModel, Scratch};
pub use sample::{Sampler, SamplingConfig};
pub use state::LstmState;
pub use vocab::Vocab;

/// Resolves `auto|cpu|cuda` to a libtorch device.
pub fn parse_device(name: &str) -> Result<tch::Device, String> {
    match name {
        "auto" => Ok(tch::Device::cuda_if_available()),
        "cpu" => Ok(tch::Device::Cpu),
        "cuda" => {
            if tch::Cuda::is_available() {
                Ok(tch::Device::Cuda(0))
            } else {
                Err("--device cuda: no CUDA device is available".into())
            }
        }
        other => Err(format!("--device must be auto, cpu or cuda, got {other:?}")),
    }
}
