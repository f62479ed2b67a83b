//! The inference path: the same LSTM as `model.rs`, stepped one token at a
//! time in plain Rust from the same safetensors weights. libtorch's per-op
//! overhead dominates single-token steps; here a step is four matrix-vector
//! products with every weight read once, for one stream or several. Once
//! its [`Scratch`] has grown to the batch size, a step allocates nothing.

use std::path::Path;

use super::card::{HyperParams, ModelCard};
use super::checkpoint::{read_card, CheckedWeights, ModelError, ModelFiles};
use super::kernels::{blocked_row, empty_slices, Kernels, LayerStep, MAX_BATCH};
use super::state::LstmState;
use super::vocab::Vocab;
use super::weights::{Matrix, WeightFormat};

/// Gate rows of every layer are stored in the kernels' blocked order
/// ([`blocked_row`]), so each core computes whole units and updates their
/// cells itself; `h` and `c` keep PyTorch's unit order.
struct Layer {
    /// `[4H, in + H]`: the input and recurrent weights of each gate row side
    /// by side, so a row is one dot product with `[x; h]`.
    w: Matrix,
    bias: Vec<f32>,
}

pub struct FastLstm {
    pub hyper: HyperParams,
    /// Layer 0's input contribution precomputed for every token:
    /// `[V, 4H]` = embedding · W_ih0ᵀ + b_ih0 + b_hh0.
    token_gates: Vec<f32>,
    /// Layer 0's recurrent weights `[4H, H]`.
    layer0_hh: Matrix,
    /// Layer 0's bias is folded into `token_gates`; its product uses this.
    zero_bias: Vec<f32>,
    upper: Vec<Layer>,
    proj_w: Matrix,
    proj_b: Vec<f32>,
    /// The instruction set the steps run on, decided at load.
    kernels: Kernels,
}

/// Reusable buffers for stepping: they grow to the largest batch seen and
/// are kept, so later steps allocate nothing.
#[derive(Default)]
pub struct Scratch {
    gates: Vec<Vec<f32>>,
    inputs: Vec<Vec<f32>>,
    /// The streams [`super::generate::step_streams`] moves into a batch.
    pub(super) batch_states: Vec<LstmState>,
    pub(super) batch_logits: Vec<Vec<f32>>,
}

/// A model ready for generation: card, vocabulary and the inference weights.
pub struct InferenceModel {
    pub card: ModelCard,
    pub vocab: Vocab,
    pub net: FastLstm,
    pub files: ModelFiles,
    /// [`CheckedWeights::digest`] of the weights loaded.
    pub weights_digest: String,
}

impl InferenceModel {
    /// Loads a model to run on this process's kernels ([`Kernels::active`])
    /// with its weights in this process's format ([`WeightFormat::active`]).
    pub fn load(path: &Path) -> Result<InferenceModel, ModelError> {
        InferenceModel::load_as(path, *Kernels::active(), WeightFormat::active())
    }

    /// Loads a model to run on the given kernels with f32 weights (tests
    /// compare kernels).
    pub fn load_with(path: &Path, kernels: Kernels) -> Result<InferenceModel, ModelError> {
        InferenceModel::load_as(path, kernels, WeightFormat::F32)
    }

    /// Loads a model with its weights stored in `format`.
    pub fn load_as(
        path: &Path,
        kernels: Kernels,
        format: WeightFormat,
    ) -> Result<InferenceModel, ModelError> {
        let files = ModelFiles::new(path);
        let (card, vocab) = read_card(&files.card)?;
        let weights = CheckedWeights::read(&files.weights, &card)?;
        let net = FastLstm::from_weights(&card.hyper, &weights, kernels, format)?;
        Ok(InferenceModel {
            card,
            vocab,
            net,
            files,
            weights_digest: weights.digest(),
        })
    }
}

impl FastLstm {
    pub fn from_weights(
        hyper: &HyperParams,
        weights: &CheckedWeights,
        kernels: Kernels,
        format: WeightFormat,
    ) -> Result<FastLstm, ModelError> {
        let (v, e, h) = (hyper.vocab_size, hyper.embed_dim, hyper.hidden_size);
        let embed = weights.values("embed.weight")?;
        let mut token_gates = vec![0.0; v * 4 * h];
        let mut layer0_hh = None;
        let mut upper = Vec::new();
        // Row r = q*H + j of a PyTorch gate matrix goes to blocked_row(q, j).
        let order: Vec<usize> = (0..4 * h).map(|r| blocked_row(r / h, r % h, h)).collect();
        let reorder_rows = |m: &[f32], cols: usize| {
            let mut out = vec![0.0; m.len()];
            for (r, &to) in order.iter().enumerate() {
                out[to * cols..(to + 1) * cols].copy_from_slice(&m[r * cols..(r + 1) * cols]);
            }
            out
        };
        for layer in 0..hyper.layers {
            let w_ih = weights.values(&format!("lstm.weight_ih_l{layer}"))?;
            let w_hh = weights.values(&format!("lstm.weight_hh_l{layer}"))?;
            let b_ih = weights.values(&format!("lstm.bias_ih_l{layer}"))?;
            let b_hh = weights.values(&format!("lstm.bias_hh_l{layer}"))?;
            let bias: Vec<f32> = b_ih.iter().zip(&b_hh).map(|(a, b)| a + b).collect();
            let bias = reorder_rows(&bias, 1);
            if layer == 0 {
                let w_ih = reorder_rows(&w_ih, e);
                let embeds: Vec<&[f32]> = embed.chunks_exact(e).collect();
                let mut outs: Vec<&mut [f32]> = token_gates.chunks_exact_mut(4 * h).collect();
                kernels.gemv_rows(&w_ih, e, &bias, &embeds, &mut outs);
                layer0_hh = Some(Matrix::new(&reorder_rows(&w_hh, h), 4 * h, h, format));
            } else {
                let cols = 2 * h;
                let mut w = Vec::with_capacity(4 * h * cols);
                for r in 0..4 * h {
                    w.extend_from_slice(&w_ih[r * h..(r + 1) * h]);
                    w.extend_from_slice(&w_hh[r * h..(r + 1) * h]);
                }
                upper.push(Layer {
                    w: Matrix::new(&reorder_rows(&w, cols), 4 * h, cols, format),
                    bias,
                });
            }
        }
        let layer0_hh = layer0_hh.unwrap_or_else(|| Matrix::new(&[], 0, h, format));
        let proj_w = weights.values("proj.weight")?;
        Ok(FastLstm {
            hyper: hyper.clone(),
            token_gates,
            layer0_hh,
            zero_bias: vec![0.0; 4 * h],
            upper,
            proj_w: Matrix::new(&proj_w, v, h, format),
            proj_b: weights.values("proj.bias")?,
            kernels,
        })
    }

    /// The kernels this model's steps run on.
    pub fn kernels(&self) -> &Kernels {
        &self.kernels
    }

    pub fn zero_state(&self) -> LstmState {
        LstmState::zeros(self.hyper.layers, self.hyper.hidden_size)
    }

    pub fn vocab_size(&self) -> usize {
        self.hyper.vocab_size
    }

    /// The format the weights of the products are stored in.
    pub fn weight_format(&self) -> WeightFormat {
        self.proj_w.format()
    }

    /// Bytes of weights read per step (the memory traffic that bounds
    /// speed): the products' weights and the f32 biases and token row.
    pub fn weight_bytes_per_step(&self) -> usize {
        self.layer0_hh.bytes()
            + 4 * 4 * self.hyper.hidden_size
            + self
                .upper
                .iter()
                .map(|l| l.w.bytes() + 4 * l.bias.len())
                .sum::<usize>()
            + self.proj_w.bytes()
            + 4 * self.proj_b.len()
    }

    /// One step of one stream: feeds `token`, updates `state`, writes the
    /// next-token logits.
    pub fn step(
        &self,
        token: u32,
        state: &mut LstmState,
        logits: &mut [f32],
        scratch: &mut Scratch,
    ) {
        self.step_batch(
            std::slice::from_ref(&token),
            std::slice::from_mut(state),
            &mut [logits],
            scratch,
        );
    }

    /// One step of several streams at once; weights are read once for every
    /// four. Token ids out of range are fed as the unknown token (id 0).
    pub fn step_batch(
        &self,
        tokens: &[u32],
        states: &mut [LstmState],
        logits: &mut [impl AsMut<[f32]>],
        scratch: &mut Scratch,
    ) {
        assert!(
            states.len() == tokens.len() && logits.len() == tokens.len(),
            "one state and one logits buffer per token"
        );
        // The per-stream views of a chunk fit on the stack; MAX_BATCH is a
        // multiple of the kernel width, so each stream meets the same
        // kernel as in one undivided batch.
        for ((tokens, states), logits) in tokens
            .chunks(MAX_BATCH)
            .zip(states.chunks_mut(MAX_BATCH))
            .zip(logits.chunks_mut(MAX_BATCH))
        {
            self.step_chunk(tokens, states, logits, scratch);
        }
    }

    /// [`FastLstm::step_batch`] for at most [`MAX_BATCH`] streams.
    fn step_chunk(
        &self,
        tokens: &[u32],
        states: &mut [LstmState],
        logits: &mut [impl AsMut<[f32]>],
        scratch: &mut Scratch,
    ) {
        let n = tokens.len();
        let h = self.hyper.hidden_size;
        // Grown, never shrunk: a smaller batch later reuses the buffers.
        if scratch.gates.len() < n {
            scratch.gates.resize_with(n, Vec::new);
            scratch.inputs.resize_with(n, Vec::new);
        }
        for b in 0..n {
            scratch.gates[b].resize(4 * h, 0.0);
            scratch.inputs[b].resize(2 * h, 0.0);
        }
        let mut token_rows: [&[f32]; MAX_BATCH] = [&[]; MAX_BATCH];
        for (row, &tok) in token_rows.iter_mut().zip(tokens) {
            // Out-of-range ids are fed as the unknown token.
            let tok = if (tok as usize) < self.hyper.vocab_size {
                tok as usize
            } else {
                0
            };
            *row = &self.token_gates[tok * 4 * h..(tok + 1) * 4 * h];
        }
        for layer in 0..self.hyper.layers {
            let off = layer * h;
            // The inputs are copied out first: the cells overwrite `h` while
            // the other core may still be reading it.
            for (input, s) in scratch.inputs.iter_mut().zip(states.iter()) {
                if layer == 0 {
                    input[..h].copy_from_slice(&s.h[..h]);
                } else {
                    input[..h].copy_from_slice(&s.h[off - h..off]);
                    input[h..].copy_from_slice(&s.h[off..off + h]);
                }
            }
            let mut xs: [&[f32]; MAX_BATCH] = [&[]; MAX_BATCH];
            for (x, input) in xs.iter_mut().zip(&scratch.inputs[..n]) {
                *x = input.as_slice();
            }
            let xs = &xs[..n];
            let step = if layer == 0 {
                // The bias is folded into the token rows, added as `extra`.
                LayerStep {
                    kernels: &self.kernels,
                    w: self.layer0_hh.all_rows(),
                    cols: h,
                    bias: &self.zero_bias,
                    xs,
                    extra: Some(&token_rows[..n]),
                }
            } else {
                let l = &self.upper[layer - 1];
                LayerStep {
                    kernels: &self.kernels,
                    w: l.w.all_rows(),
                    cols: l.w.cols(),
                    bias: &l.bias,
                    xs,
                    extra: None,
                }
            };
            let (mut cs, mut hs) = (empty_slices(), empty_slices());
            for ((c, hh), s) in cs.iter_mut().zip(hs.iter_mut()).zip(states.iter_mut()) {
                *c = &mut s.c[off..off + h];
                *hh = &mut s.h[off..off + h];
            }
            step.run(&mut scratch.gates, &mut cs[..n], &mut hs[..n]);
        }
        let top = (self.hyper.layers - 1) * h;
        let mut hs: [&[f32]; MAX_BATCH] = [&[]; MAX_BATCH];
        for (x, s) in hs.iter_mut().zip(states.iter()) {
            *x = &s.h[top..top + h];
        }
        let mut outs = empty_slices();
        for (o, l) in outs.iter_mut().zip(logits.iter_mut()) {
            *o = l.as_mut();
        }
        self.kernels.product(
            self.proj_w.all_rows(),
            h,
            &self.proj_b,
            &hs[..n],
            &mut outs[..n],
        );
    }

    /// Next-token logits of a state: they depend only on the top layer's `h`,
    /// so any stored state can be resumed without re-reading its text.
    pub fn logits(&self, state: &LstmState, logits: &mut [f32]) {
        let h = self.hyper.hidden_size;
        let top = (self.hyper.layers - 1) * h;
        self.kernels.product(
            self.proj_w.all_rows(),
            h,
            &self.proj_b,
            &[&state.h[top..top + h]],
            &mut [logits],
        );
    }

    /// Feeds `tokens` in order from `state`; returns the logits after the last.
    pub fn prime(&self, tokens: &[u32], state: &mut LstmState, scratch: &mut Scratch) -> Vec<f32> {
        let mut logits = vec![0.0; self.vocab_size()];
        for &t in tokens {
            self.step(t, state, &mut logits, scratch);
        }
        logits
    }
}
