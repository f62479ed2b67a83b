//! Bits per character of a model on a text file, streamed in constant
//! memory: the file is cut into byte ranges read as parallel streams, each
//! scored window by window with its recurrent state carried along.

use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use tch::Tensor;

use super::infer::{FastLstm, Scratch};
use super::model::LstmLm;
use super::state::LstmState;
use super::vocab::{Vocab, UNK};

#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: not UTF-8 text: invalid byte sequence at byte {offset}")]
    NotUtf8 { path: PathBuf, offset: u64 },
    #[error("{path}: too little text to score (at least two characters are needed)")]
    TooShort { path: PathBuf },
}

#[derive(Clone, Debug, PartialEq)]
pub struct EvalReport {
    pub bits_per_char: f64,
    /// Characters predicted (the first character of each stream has no prediction).
    pub predicted: u64,
    /// Characters outside the model's vocabulary (scored as the unknown token).
    pub unknown: u64,
    pub streams: usize,
}

/// Characters of one byte range of a file, decoded as they are read.
struct RangeReader {
    reader: BufReader<File>,
    path: PathBuf,
    /// Absolute offset of the next byte to read.
    pos: u64,
    end: u64,
    pending: Vec<u8>,
    pending_start: u64,
    first: bool,
    finished: bool,
}

impl RangeReader {
    fn open(path: &Path, start: u64, end: u64) -> Result<RangeReader, EvalError> {
        let io = |source| EvalError::Io {
            path: path.to_path_buf(),
            source,
        };
        let mut file = File::open(path).map_err(io)?;
        file.seek(SeekFrom::Start(start)).map_err(io)?;
        Ok(RangeReader {
            reader: BufReader::with_capacity(1 << 16, file),
            path: path.to_path_buf(),
            pos: start,
            end,
            pending: Vec::new(),
            pending_start: start,
            first: start > 0,
            finished: false,
        })
    }

    /// Appends up to about `want` tokens to `out`; returns false once the range is done.
    fn read_tokens(
        &mut self,
        vocab: &Vocab,
        want: usize,
        out: &mut Vec<u32>,
    ) -> Result<bool, EvalError> {
        let target = out.len() + want;
        let mut block = [0u8; 4096];
        while out.len() < target && !self.finished {
            // Past the range end only the bytes that finish a started character are read.
            let limit = if self.pos < self.end {
                ((self.end - self.pos) as usize).min(block.len())
            } else if !self.pending.is_empty() {
                1
            } else {
                self.finished = true;
                break;
            };
            let n = self
                .reader
                .read(&mut block[..limit])
                .map_err(|source| EvalError::Io {
                    path: self.path.clone(),
                    source,
                })?;
            if n == 0 {
                if !self.pending.is_empty() {
                    return Err(EvalError::NotUtf8 {
                        path: self.path.clone(),
                        offset: self.pending_start,
                    });
                }
                self.finished = true;
                break;
            }
            let mut bytes = &block[..n];
            if self.first {
                // A range that starts inside a character leaves it to the previous range.
                let skip = bytes.iter().take_while(|&&b| b & 0xC0 == 0x80).count();
                self.pos += skip as u64;
                bytes = &bytes[skip..];
                if !bytes.is_empty() {
                    self.first = false;
                }
            }
            if self.pending.is_empty() {
                self.pending_start = self.pos;
            }
            self.pending.extend_from_slice(bytes);
            self.pos += bytes.len() as u64;
            match std::str::from_utf8(&self.pending) {
                Ok(s) => {
                    out.extend(s.chars().map(|c| vocab.token(c)));
                    self.pending.clear();
                }
                Err(e) => {
                    if e.error_len().is_some() {
                        return Err(EvalError::NotUtf8 {
                            path: self.path.clone(),
                            offset: self.pending_start + e.valid_up_to() as u64,
                        });
                    }
                    let valid = e.valid_up_to();
                    // Checked just above: the prefix up to `valid` is UTF-8.
                    let s = std::str::from_utf8(&self.pending[..valid]).unwrap_or_default();
                    out.extend(s.chars().map(|c| vocab.token(c)));
                    self.pending.drain(..valid);
                    self.pending_start += valid as u64;
                }
            }
        }
        Ok(!(self.finished && self.pending.is_empty()))
    }
}

/// Scores `path` with `model`. `streams` byte ranges are scored side by side
/// in windows of `window` characters.
pub fn evaluate_file(
    model: &LstmLm,
    vocab: &Vocab,
    path: &Path,
    streams: usize,
    window: usize,
) -> Result<EvalReport, EvalError> {
    let mut state = None;
    evaluate_windows(vocab, path, streams, window, |xs, ys, streams, t| {
        let x = Tensor::from_slice(xs)
            .view([streams as i64, t as i64])
            .to_device(model.device());
        let y = Tensor::from_slice(ys).view([-1]).to_device(model.device());
        tch::no_grad(|| {
            let from = state
                .take()
                .unwrap_or_else(|| model.zero_state(streams as i64));
            let (logits, next) = model.forward(&x, &from, false);
            state = Some(next);
            logits
                .view([-1, vocab.len() as i64])
                .cross_entropy_loss::<Tensor>(&y, None, tch::Reduction::Sum, -100, 0.0)
                .double_value(&[])
        })
    })
}

/// [`evaluate_file`] on the inference path ([`FastLstm`]), so weights in
/// bf16 or int8 are scored exactly as they sample.
pub fn evaluate_file_fast(
    net: &FastLstm,
    vocab: &Vocab,
    path: &Path,
    streams: usize,
    window: usize,
) -> Result<EvalReport, EvalError> {
    let mut states: Vec<LstmState> = Vec::new();
    let mut logits: Vec<Vec<f32>> = Vec::new();
    let mut scratch = Scratch::default();
    let mut tokens = Vec::new();
    evaluate_windows(vocab, path, streams, window, |xs, ys, streams, t| {
        if states.is_empty() {
            states = (0..streams).map(|_| net.zero_state()).collect();
            logits = vec![vec![0.0; net.vocab_size()]; streams];
        }
        let mut nats = 0.0f64;
        for k in 0..t {
            tokens.clear();
            tokens.extend((0..streams).map(|i| xs[i * t + k] as u32));
            net.step_batch(&tokens, &mut states, &mut logits, &mut scratch);
            for (i, l) in logits.iter().enumerate() {
                // -100 marks a finished stream (as cross-entropy's ignore index).
                if let Ok(y) = usize::try_from(ys[i * t + k]) {
                    nats += log_sum_exp(l) - l[y] as f64;
                }
            }
        }
        nats
    })
}

fn log_sum_exp(xs: &[f32]) -> f64 {
    let max = xs.iter().copied().fold(f32::NEG_INFINITY, f32::max) as f64;
    max + xs.iter().map(|&x| (x as f64 - max).exp()).sum::<f64>().ln()
}

/// Cuts `path` into `streams` byte ranges read side by side; `score` gets
/// each window as row-major `[streams, t]` inputs and targets (-100 where a
/// stream has no target) and returns the summed negative log-likelihood in
/// nats, carrying its own state from one window to the next.
fn evaluate_windows(
    vocab: &Vocab,
    path: &Path,
    streams: usize,
    window: usize,
    mut score: impl FnMut(&[i64], &[i64], usize, usize) -> f64,
) -> Result<EvalReport, EvalError> {
    // A regular file only: a FIFO would block, a device never end.
    let (_, size) =
        crate::fsutil::open_regular(path, u64::MAX).map_err(|source| EvalError::Io {
            path: path.to_path_buf(),
            source,
        })?;
    // Short files get fewer streams so each has real context to carry.
    let streams = (streams as u64).min(size / 4096).max(1) as usize;
    let window = window.max(1);
    let mut readers = (0..streams as u64)
        .map(|i| {
            RangeReader::open(
                path,
                size * i / streams as u64,
                size * (i + 1) / streams as u64,
            )
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mut queues: Vec<Vec<u32>> = vec![Vec::new(); streams];
    let mut alive = vec![true; streams];
    let (mut nats, mut predicted, mut unknown) = (0.0f64, 0u64, 0u64);
    loop {
        for i in 0..streams {
            if alive[i] && queues[i].len() < window + 1 {
                let need = window + 1 - queues[i].len();
                alive[i] = readers[i].read_tokens(vocab, need, &mut queues[i])?;
            }
        }
        if queues.iter().all(|q| q.len() < 2) {
            break;
        }
        let t = queues
            .iter()
            .map(|q| q.len().saturating_sub(1))
            .max()
            .unwrap_or(0)
            .min(window);
        let mut xs = vec![0i64; streams * t];
        let mut ys = vec![-100i64; streams * t];
        for (i, q) in queues.iter_mut().enumerate() {
            if q.len() < 2 {
                continue;
            }
            let n = q.len().saturating_sub(1).min(t);
            for k in 0..n {
                xs[i * t + k] = q[k] as i64;
                ys[i * t + k] = q[k + 1] as i64;
            }
            // Each character is a target exactly once, so unknowns are counted there.
            unknown += q[1..n + 1].iter().filter(|&&id| id == UNK).count() as u64;
            q.drain(..n);
            predicted += n as u64;
        }
        nats += score(&xs, &ys, streams, t);
    }
    if predicted == 0 {
        return Err(EvalError::TooShort {
            path: path.to_path_buf(),
        });
    }
    Ok(EvalReport {
        bits_per_char: nats / predicted as f64 / std::f64::consts::LN_2,
        predicted,
        unknown,
        streams,
    })
}
