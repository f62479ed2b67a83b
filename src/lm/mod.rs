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
pub mod narrow_kernels;
pub mod sample;
pub mod state;
pub mod train;
pub mod vocab;
pub mod weights;

pub use card::{HyperParams, InvalidSetting, ModelCard};
pub use checkpoint::{ModelError, ModelFiles};
pub use infer::{FastLstm, InferenceModel, Scratch};
pub use sample::{Sampler, SamplingConfig};
pub use state::LstmState;
pub use vocab::Vocab;

/// A `--device` value that names no usable device.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum DeviceError {
    #[error("--device cuda: no CUDA device is available")]
    NoCuda,
    #[error("--device must be auto, cpu or cuda, got {0:?}")]
    Unknown(String),
}

/// Resolves `auto|cpu|cuda` to a libtorch device.
pub fn parse_device(name: &str) -> Result<tch::Device, DeviceError> {
    match name {
        "auto" => Ok(tch::Device::cuda_if_available()),
        "cpu" => Ok(tch::Device::Cpu),
        "cuda" => {
            if tch::Cuda::is_available() {
                Ok(tch::Device::Cuda(0))
            } else {
                Err(DeviceError::NoCuda)
            }
        }
        other => Err(DeviceError::Unknown(other.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_device_is_named() {
        assert_eq!(parse_device("cpu").ok(), Some(tch::Device::Cpu));
        let err = parse_device("tpu").unwrap_err();
        assert_eq!(err, DeviceError::Unknown("tpu".into()));
        assert_eq!(
            err.to_string(),
            "--device must be auto, cpu or cuda, got \"tpu\""
        );
    }
}
