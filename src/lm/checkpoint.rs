//! Saving and loading a model: `NAME.safetensors` (weights) beside
//! `NAME.json` (the card). Every way a pair of files can disagree is a clear
//! error naming the file and the mismatch; nothing here panics on bad input.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use safetensors::tensor::{Dtype, SafeTensors, TensorView};
use tch::{nn, Device, Tensor};

use super::card::{ModelCard, CARD_FORMAT, CARD_VERSION};
use super::model::{expected_tensors, LstmLm};
use super::vocab::Vocab;

#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: not a valid model card: {message}")]
    Card { path: PathBuf, message: String },
    #[error("{path}: not a valid safetensors file: {message}")]
    Weights { path: PathBuf, message: String },
    #[error("{path}: tensor `{tensor}` is missing")]
    MissingTensor { path: PathBuf, tensor: String },
    #[error("{path}: unexpected tensor `{tensor}` (not part of a model with the card's shape)")]
    UnexpectedTensor { path: PathBuf, tensor: String },
    #[error("{path}: tensor `{tensor}` has shape {found:?}, the card says {expected:?}")]
    ShapeMismatch {
        path: PathBuf,
        tensor: String,
        expected: Vec<i64>,
        found: Vec<usize>,
    },
    #[error("{path}: tensor `{tensor}` is {found}, expected F32")]
    DtypeMismatch {
        path: PathBuf,
        tensor: String,
        found: String,
    },
    #[error("{path}: libtorch failed: {message}")]
    Torch { path: PathBuf, message: String },
}

/// The two files of a model. Accepts the stem (`models/story`) or either file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModelFiles {
    pub weights: PathBuf,
    pub card: PathBuf,
}

impl ModelFiles {
    pub fn new(path: &Path) -> ModelFiles {
        let ext = path.extension().and_then(|e| e.to_str());
        let stem = match ext {
            Some("safetensors") | Some("json") => path.with_extension(""),
            _ => path.to_path_buf(),
        };
        let with = |e: &str| {
            let mut s = stem.clone().into_os_string();
            s.push(".");
            s.push(e);
            PathBuf::from(s)
        };
        ModelFiles {
            weights: with("safetensors"),
            card: with("json"),
        }
    }
}

/// The largest model card read (the vocabulary is most of it).
pub const MAX_CARD_BYTES: u64 = 16 << 20;
/// The largest weights file read (far above any model fabula trains).
pub const MAX_WEIGHTS_BYTES: u64 = 2 << 30;
/// The largest safetensors header, as the safetensors crate allows.
const MAX_HEADER_BYTES: u64 = 100_000_000;

/// Reads a JSON card of any kind (at most [`MAX_CARD_BYTES`]); a parse
/// error names the line and column.
pub fn read_json_card<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, ModelError> {
    let text =
        crate::fsutil::read_text_file(path, MAX_CARD_BYTES).map_err(|source| ModelError::Io {
            path: path.to_path_buf(),
            source,
        })?;
    serde_json::from_str(&text).map_err(|e| ModelError::Card {
        path: path.to_path_buf(),
        message: format!("line {} column {}: {e}", e.line(), e.column()),
    })
}

/// Parses and checks a card: format, version, hyper-parameters, vocabulary.
pub fn read_card(path: &Path) -> Result<(ModelCard, Vocab), ModelError> {
    let card_err = |message: String| ModelError::Card {
        path: path.to_path_buf(),
        message,
    };
    let card: ModelCard = read_json_card(path)?;
    if card.format != CARD_FORMAT {
        return Err(card_err(format!(
            "format is {:?}, expected {CARD_FORMAT:?}",
            card.format
        )));
    }
    if card.format_version != CARD_VERSION {
        return Err(card_err(format!(
            "format_version is {}, this fabula reads version {CARD_VERSION}",
            card.format_version
        )));
    }
    card.hyper
        .validate()
        .map_err(|e| card_err(format!("hyper: {e}")))?;
    let vocab = Vocab::from_entries(&card.vocab).map_err(|e| card_err(format!("vocab: {e}")))?;
    if vocab.len() != card.hyper.vocab_size {
        return Err(card_err(format!(
            "vocab has {} entries (plus the unknown token) but hyper.vocab_size is {}",
            vocab.len() - 1,
            card.hyper.vocab_size
        )));
    }
    Ok((card, vocab))
}

/// Weights checked against the card: every expected tensor present, F32,
/// with the expected shape, and nothing else.
pub struct CheckedWeights {
    bytes: Vec<u8>,
    path: PathBuf,
}

impl CheckedWeights {
    /// Reads the weights at `path`: a regular file of at most
    /// [`MAX_WEIGHTS_BYTES`], whose header is read and checked against the
    /// card (names, dtypes, shapes, and a file length that matches them)
    /// before any tensor data is read.
    pub fn read(path: &Path, card: &ModelCard) -> Result<CheckedWeights, ModelError> {
        Self::read_expected(path, &expected_tensors(&card.hyper))
    }

    /// [`CheckedWeights::read`] against any list of tensor names and shapes
    /// (another network kept in the same format).
    pub fn read_expected(
        path: &Path,
        expected: &[(String, Vec<i64>)],
    ) -> Result<CheckedWeights, ModelError> {
        use std::io::{Read, Seek, SeekFrom};
        let io = |source| ModelError::Io {
            path: path.to_path_buf(),
            source,
        };
        let bad = |message: String| ModelError::Weights {
            path: path.to_path_buf(),
            message,
        };
        let (mut file, len) = crate::fsutil::open_regular(path, MAX_WEIGHTS_BYTES).map_err(io)?;
        let mut n = [0u8; 8];
        file.read_exact(&mut n)
            .map_err(|_| bad(format!("{len} bytes, too short for a header")))?;
        let n = u64::from_le_bytes(n);
        if n > MAX_HEADER_BYTES || 8 + n > len {
            return Err(bad(format!(
                "header length {n} does not fit in a file of {len} bytes"
            )));
        }
        let mut header = vec![0u8; n as usize];
        file.read_exact(&mut header).map_err(io)?;
        let metadata: safetensors::tensor::Metadata =
            serde_json::from_slice(&header).map_err(|e| bad(format!("header: {e}")))?;
        check_tensors(
            path,
            expected,
            |name| metadata.info(name).map(|i| (i.dtype, i.shape.clone())),
            metadata.tensors().into_keys().collect(),
        )?;
        let described = 8 + n + metadata.data_len() as u64;
        if described != len {
            return Err(bad(format!(
                "the file is {len} bytes, its header describes {described}"
            )));
        }
        file.seek(SeekFrom::Start(0)).map_err(io)?;
        let mut bytes = Vec::with_capacity(len as usize);
        file.take(len).read_to_end(&mut bytes).map_err(io)?;
        let checked = CheckedWeights {
            bytes,
            path: path.to_path_buf(),
        };
        checked.check(expected)?;
        Ok(checked)
    }

    fn parse(&self) -> Result<SafeTensors<'_>, ModelError> {
        SafeTensors::deserialize(&self.bytes).map_err(|e| ModelError::Weights {
            path: self.path.clone(),
            message: e.to_string(),
        })
    }

    fn check(&self, expected: &[(String, Vec<i64>)]) -> Result<(), ModelError> {
        let st = self.parse()?;
        check_tensors(
            &self.path,
            expected,
            |name| {
                st.tensor(name)
                    .ok()
                    .map(|v| (v.dtype(), v.shape().to_vec()))
            },
            st.names().into_iter().map(String::from).collect(),
        )
    }

    /// The named tensor as little-endian f32 values. Only valid names reach
    /// here: `check` ran when the weights were read.
    pub fn values(&self, name: &str) -> Result<Vec<f32>, ModelError> {
        let st = self.parse()?;
        let view = st.tensor(name).map_err(|_| ModelError::MissingTensor {
            path: self.path.clone(),
            tensor: name.to_string(),
        })?;
        Ok(view
            .data()
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect())
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// `sha256:` and the first 16 hex digits of the file's SHA-256: names
    /// these exact weights, so a passage's record says which model wrote it.
    pub fn digest(&self) -> String {
        use sha2::{Digest, Sha256};
        let hash = Sha256::digest(&self.bytes);
        let hex: String = hash[..8].iter().map(|b| format!("{b:02x}")).collect();
        format!("sha256:{hex}")
    }
}

/// Every tensor the card expects is present (`lookup` gives its dtype and
/// shape), F32, with the expected shape, and `names` holds nothing else.
fn check_tensors(
    path: &Path,
    expected: &[(String, Vec<i64>)],
    lookup: impl Fn(&str) -> Option<(Dtype, Vec<usize>)>,
    names: Vec<String>,
) -> Result<(), ModelError> {
    for (name, shape) in expected {
        let (dtype, found) = lookup(name).ok_or_else(|| ModelError::MissingTensor {
            path: path.to_path_buf(),
            tensor: name.clone(),
        })?;
        if dtype != Dtype::F32 {
            return Err(ModelError::DtypeMismatch {
                path: path.to_path_buf(),
                tensor: name.clone(),
                found: format!("{dtype:?}"),
            });
        }
        if found.len() != shape.len() || found.iter().zip(shape).any(|(&f, &e)| f as i64 != e) {
            return Err(ModelError::ShapeMismatch {
                path: path.to_path_buf(),
                tensor: name.clone(),
                expected: shape.clone(),
                found,
            });
        }
    }
    let known: HashMap<&str, ()> = expected.iter().map(|(n, _)| (n.as_str(), ())).collect();
    let mut names = names;
    names.sort();
    if let Some(extra) = names.into_iter().find(|n| !known.contains_key(n.as_str())) {
        return Err(ModelError::UnexpectedTensor {
            path: path.to_path_buf(),
            tensor: extra,
        });
    }
    Ok(())
}

/// A model ready to run on libtorch.
pub struct LoadedModel {
    pub card: ModelCard,
    pub vocab: Vocab,
    pub vs: nn::VarStore,
    pub model: LstmLm,
    pub files: ModelFiles,
}

/// Loads a model for libtorch (training, evaluation, the reference path).
pub fn load(path: &Path, device: Device) -> Result<LoadedModel, ModelError> {
    let files = ModelFiles::new(path);
    let (card, vocab) = read_card(&files.card)?;
    let weights = CheckedWeights::read(&files.weights, &card)?;
    let mut vs = nn::VarStore::new(device);
    let model = LstmLm::new(&vs.root(), &card.hyper);
    copy_into(&mut vs, &weights, &expected_tensors(&card.hyper))?;
    Ok(LoadedModel {
        card,
        vocab,
        vs,
        model,
        files,
    })
}

/// Copies checked weights into the variables of `vs` named in `expected`.
pub fn copy_into(
    vs: &mut nn::VarStore,
    weights: &CheckedWeights,
    expected: &[(String, Vec<i64>)],
) -> Result<(), ModelError> {
    let torch_err = |e: tch::TchError| ModelError::Torch {
        path: weights.path.clone(),
        message: e.to_string(),
    };
    let vars = vs.variables();
    tch::no_grad(|| {
        for (name, shape) in expected {
            let values = weights.values(name)?;
            let var = vars.get(name).ok_or_else(|| ModelError::MissingTensor {
                path: weights.path.clone(),
                tensor: name.clone(),
            })?;
            let src = Tensor::from_slice(&values)
                .f_view(shape.as_slice())
                .map_err(torch_err)?;
            var.shallow_clone().f_copy_(&src).map_err(torch_err)?;
        }
        Ok(())
    })
}

/// Checks that a model can be saved at `path` before any work is done
/// for it: the folder exists or can be made, neither file is a folder or
/// another non-file, and a file can be created and removed in the folder.
pub fn check_writable(path: &Path) -> Result<ModelFiles, ModelError> {
    let files = ModelFiles::new(path);
    let io = |p: &Path| {
        let p = p.to_path_buf();
        move |source| ModelError::Io { path: p, source }
    };
    let dir = files
        .weights
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(dir).map_err(io(dir))?;
    for file in [&files.weights, &files.card] {
        if let Ok(meta) = fs::symlink_metadata(file) {
            if !meta.is_file() {
                return Err(ModelError::Io {
                    path: file.clone(),
                    source: std::io::Error::new(
                        std::io::ErrorKind::InvalidInput,
                        "exists and is not a regular file",
                    ),
                });
            }
        }
    }
    let probe = dir.join(format!(".fabula-write-check-{}", std::process::id()));
    fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)
        .map_err(io(dir))?;
    let _ = fs::remove_file(&probe);
    Ok(files)
}

/// Writes weights and card atomically: each file goes to a temporary name,
/// is synced, then renamed over the old one.
pub fn save(vs: &nn::VarStore, card: &ModelCard, path: &Path) -> Result<ModelFiles, ModelError> {
    save_with(vs, &expected_tensors(&card.hyper), CARD_FORMAT, card, path)
}

/// [`save`] for any network: the variables named in `expected` go to the
/// weights file (its metadata `format` is `format`), `card` to the JSON.
pub fn save_with(
    vs: &nn::VarStore,
    expected: &[(String, Vec<i64>)],
    format: &str,
    card: &impl serde::Serialize,
    path: &Path,
) -> Result<ModelFiles, ModelError> {
    let files = ModelFiles::new(path);
    let io = |p: &Path| {
        let p = p.to_path_buf();
        move |source| ModelError::Io { path: p, source }
    };
    if let Some(dir) = files.weights.parent().filter(|d| !d.as_os_str().is_empty()) {
        fs::create_dir_all(dir).map_err(io(dir))?;
    }
    let vars = vs.variables();
    let mut buffers: Vec<(String, Vec<usize>, Vec<u8>)> = Vec::new();
    for (name, shape) in expected {
        let var = vars.get(name).ok_or_else(|| ModelError::MissingTensor {
            path: files.weights.clone(),
            tensor: name.clone(),
        })?;
        let flat = var.detach().to_device(Device::Cpu).flatten(0, -1);
        let values = Vec::<f32>::try_from(&flat).map_err(|e| ModelError::Torch {
            path: files.weights.clone(),
            message: e.to_string(),
        })?;
        let bytes = values.iter().flat_map(|v| v.to_le_bytes()).collect();
        buffers.push((
            name.clone(),
            shape.iter().map(|&d| d as usize).collect(),
            bytes,
        ));
    }
    let views: Vec<(String, TensorView<'_>)> = buffers
        .iter()
        .map(|(name, shape, bytes)| {
            TensorView::new(Dtype::F32, shape.clone(), bytes)
                .map(|v| (name.clone(), v))
                .map_err(|e| ModelError::Weights {
                    path: files.weights.clone(),
                    message: e.to_string(),
                })
        })
        .collect::<Result<_, _>>()?;
    let metadata: HashMap<String, String> = [("format".to_string(), format.to_string())]
        .into_iter()
        .collect();
    let data =
        safetensors::tensor::serialize(views, Some(metadata)).map_err(|e| ModelError::Weights {
            path: files.weights.clone(),
            message: e.to_string(),
        })?;
    crate::fsutil::write_atomic(&files.weights, &data).map_err(io(&files.weights))?;
    let json = serde_json::to_vec_pretty(card).map_err(|e| ModelError::Card {
        path: files.card.clone(),
        message: e.to_string(),
    })?;
    crate::fsutil::write_atomic(&files.card, &json).map_err(io(&files.card))?;
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn model_files_accept_stem_or_either_file() {
        let expect = ModelFiles {
            weights: PathBuf::from("models/story.safetensors"),
            card: PathBuf::from("models/story.json"),
        };
        assert_eq!(ModelFiles::new(Path::new("models/story")), expect);
        assert_eq!(ModelFiles::new(Path::new("models/story.json")), expect);
        assert_eq!(
            ModelFiles::new(Path::new("models/story.safetensors")),
            expect
        );
        assert_eq!(
            ModelFiles::new(Path::new("my.model")).card,
            PathBuf::from("my.model.json")
        );
    }
}
