//! The inference path: the same LSTM as `model.rs`, stepped one token at a
//! time in plain Rust from the same safetensors weights. libtorch's per-op
//! overhead dominates single-token steps; here a step is four matrix-vector
//! products with every weight read once, for one stream or several.

use std::path::Path;

use super::card::{HyperParams, ModelCard};
use super::checkpoint::{read_card, CheckedWeights, ModelError, ModelFiles};
use super::kernels::{gemv_rows, lstm_cell};
use super::state::LstmState;
use super::vocab::Vocab;

struct Layer {
    /// `[4H, in + H]`: the input and recurrent weights of each gate row side
    /// by side, so a row is one dot product with `[x; h]`.
    w: Vec<f32>,
    bias: Vec<f32>,
    cols: usize,
}

pub struct FastLstm {
    pub hyper: HyperParams,
    /// Layer 0's input contribution precomputed for every token:
    /// `[V, 4H]` = embedding · W_ih0ᵀ + b_ih0 + b_hh0.
    token_gates: Vec<f32>,
    /// Layer 0's recurrent weights `[4H, H]`.
    layer0_hh: Vec<f32>,
    /// Layer 0's bias is folded into `token_gates`; its product uses this.
    zero_bias: Vec<f32>,
    upper: Vec<Layer>,
    proj_w: Vec<f32>,
    proj_b: Vec<f32>,
}

/// Reusable buffers for stepping, so a step allocates nothing.
#[derive(Default)]
pub struct Scratch {
    gates: Vec<Vec<f32>>,
    inputs: Vec<Vec<f32>>,
}

/// A model ready for generation: card, vocabulary and the inference weights.
pub struct InferenceModel {
    pub card: ModelCard,
    pub vocab: Vocab,
    pub net: FastLstm,
    pub files: ModelFiles,
}

impl InferenceModel {
    pub fn load(path: &Path) -> Result<InferenceModel, ModelError> {
        let files = ModelFiles::new(path);
        let (card, vocab) = read_card(&files.card)?;
        let weights = CheckedWeights::read(&files.weights, &card)?;
        let net = FastLstm::from_weights(&card.hyper, &weights)?;
        Ok(InferenceModel {
            card,
            vocab,
            net,
            files,
        })
    }
}

impl FastLstm {
    pub fn from_weights(
        hyper: &HyperParams,
        weights: &CheckedWeights,
    ) -> Result<FastLstm, ModelError> {
        let (v, e, h) = (hyper.vocab_size, hyper.embed_dim, hyper.hidden_size);
        let embed = weights.values("embed.weight")?;
        let mut token_gates = vec![0.0; v * 4 * h];
        let mut layer0_hh = Vec::new();
        let mut upper = Vec::new();
        for layer in 0..hyper.layers {
            let w_ih = weights.values(&format!("lstm.weight_ih_l{layer}"))?;
            let w_hh = weights.values(&format!("lstm.weight_hh_l{layer}"))?;
            let b_ih = weights.values(&format!("lstm.bias_ih_l{layer}"))?;
            let b_hh = weights.values(&format!("lstm.bias_hh_l{layer}"))?;
            let bias: Vec<f32> = b_ih.iter().zip(&b_hh).map(|(a, b)| a + b).collect();
            if layer == 0 {
                let embeds: Vec<&[f32]> = embed.chunks_exact(e).collect();
                let mut outs: Vec<&mut [f32]> = token_gates.chunks_exact_mut(4 * h).collect();
                gemv_rows(&w_ih, e, &bias, &embeds, &mut outs);
                layer0_hh = w_hh;
            } else {
                let cols = 2 * h;
                let mut w = Vec::with_capacity(4 * h * cols);
                for r in 0..4 * h {
                    w.extend_from_slice(&w_ih[r * h..(r + 1) * h]);
                    w.extend_from_slice(&w_hh[r * h..(r + 1) * h]);
                }
                upper.push(Layer { w, bias, cols });
            }
        }
        Ok(FastLstm {
            hyper: hyper.clone(),
            token_gates,
            layer0_hh,
            zero_bias: vec![0.0; 4 * h],
            upper,
            proj_w: weights.values("proj.weight")?,
            proj_b: weights.values("proj.bias")?,
        })
    }

    pub fn zero_state(&self) -> LstmState {
        LstmState::zeros(self.hyper.layers, self.hyper.hidden_size)
    }

    pub fn vocab_size(&self) -> usize {
        self.hyper.vocab_size
    }

    /// Bytes of weights read per step (the memory traffic that bounds speed).
    pub fn weight_bytes_per_step(&self) -> usize {
        4 * (self.layer0_hh.len()
            + 4 * self.hyper.hidden_size
            + self
                .upper
                .iter()
                .map(|l| l.w.len() + l.bias.len())
                .sum::<usize>()
            + self.proj_w.len()
            + self.proj_b.len())
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

    /// One step of several streams at once; weights are read once for all.
    /// Token ids out of range are fed as the unknown token (id 0).
    pub fn step_batch(
        &self,
        tokens: &[u32],
        states: &mut [LstmState],
        logits: &mut [&mut [f32]],
        scratch: &mut Scratch,
    ) {
        let n = tokens.len();
        assert!(
            states.len() == n && logits.len() == n,
            "one state and one logits buffer per token"
        );
        let h = self.hyper.hidden_size;
        scratch.gates.resize_with(n, Vec::new);
        scratch.inputs.resize_with(n, Vec::new);
        for b in 0..n {
            scratch.gates[b].resize(4 * h, 0.0);
            scratch.inputs[b].resize(2 * h, 0.0);
        }
        for layer in 0..self.hyper.layers {
            let off = layer * h;
            if layer == 0 {
                let hs: Vec<&[f32]> = states.iter().map(|s| &s.h[0..h]).collect();
                let mut outs: Vec<&mut [f32]> =
                    scratch.gates.iter_mut().map(|g| g.as_mut_slice()).collect();
                // Token contributions are added below, so the bias here is zero.
                gemv_rows(&self.layer0_hh, h, &self.zero_bias, &hs, &mut outs);
                for (b, &tok) in tokens.iter().enumerate() {
                    let tok = if (tok as usize) < self.hyper.vocab_size {
                        tok as usize
                    } else {
                        0
                    };
                    let row = &self.token_gates[tok * 4 * h..(tok + 1) * 4 * h];
                    for (g, t) in scratch.gates[b].iter_mut().zip(row) {
                        *g += t;
                    }
                }
            } else {
                let l = &self.upper[layer - 1];
                for (input, s) in scratch.inputs.iter_mut().zip(states.iter()) {
                    input[..h].copy_from_slice(&s.h[off - h..off]);
                    input[h..].copy_from_slice(&s.h[off..off + h]);
                }
                let xs: Vec<&[f32]> = scratch.inputs.iter().map(|x| x.as_slice()).collect();
                let mut outs: Vec<&mut [f32]> =
                    scratch.gates.iter_mut().map(|g| g.as_mut_slice()).collect();
                gemv_rows(&l.w, l.cols, &l.bias, &xs, &mut outs);
            }
            for (s, gates) in states.iter_mut().zip(&scratch.gates) {
                lstm_cell(gates, &mut s.c[off..off + h], &mut s.h[off..off + h]);
            }
        }
        let top = (self.hyper.layers - 1) * h;
        let hs: Vec<&[f32]> = states.iter().map(|s| &s.h[top..top + h]).collect();
        gemv_rows(&self.proj_w, h, &self.proj_b, &hs, logits);
    }

    /// Next-token logits of a state: they depend only on the top layer's `h`,
    /// so any stored state can be resumed without re-reading its text.
    pub fn logits(&self, state: &LstmState, logits: &mut [f32]) {
        let h = self.hyper.hidden_size;
        let top = (self.hyper.layers - 1) * h;
        gemv_rows(
            &self.proj_w,
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
