//! The character LSTM language model on libtorch: embedding, stacked LSTM
//! layers with dropout between them, projection to the vocabulary.
//!
//! Variables are named as PyTorch names them (`lstm.weight_ih_l0`, ...), so a
//! checkpoint reads the same in Python and in the Rust inference path.

use tch::{nn, Device, Kind, Tensor};

use super::card::HyperParams;

/// Recurrent state as libtorch tensors, each `[layers, batch, hidden]`.
pub struct TensorState {
    pub h: Tensor,
    pub c: Tensor,
}

impl TensorState {
    pub fn detach(&self) -> TensorState {
        TensorState {
            h: self.h.detach(),
            c: self.c.detach(),
        }
    }
}

pub struct LstmLm {
    pub hyper: HyperParams,
    embed: nn::Embedding,
    /// Per layer: weight_ih, weight_hh, bias_ih, bias_hh (the order `Tensor::lstm` wants).
    lstm_weights: Vec<Tensor>,
    proj: nn::Linear,
    device: Device,
}

/// Names and shapes of every variable of a model with these sizes, in a
/// fixed order. Loading checks a file against this list.
pub fn expected_tensors(h: &HyperParams) -> Vec<(String, Vec<i64>)> {
    let (v, e, hid) = (
        h.vocab_size as i64,
        h.embed_dim as i64,
        h.hidden_size as i64,
    );
    let mut out = vec![("embed.weight".to_string(), vec![v, e])];
    for layer in 0..h.layers {
        let input = if layer == 0 { e } else { hid };
        out.push((format!("lstm.weight_ih_l{layer}"), vec![4 * hid, input]));
        out.push((format!("lstm.weight_hh_l{layer}"), vec![4 * hid, hid]));
        out.push((format!("lstm.bias_ih_l{layer}"), vec![4 * hid]));
        out.push((format!("lstm.bias_hh_l{layer}"), vec![4 * hid]));
    }
    out.push(("proj.weight".to_string(), vec![v, hid]));
    out.push(("proj.bias".to_string(), vec![v]));
    out
}

impl LstmLm {
    /// Creates the variables under `root` with PyTorch's default initialisation.
    pub fn new(root: &nn::Path, hyper: &HyperParams) -> LstmLm {
        let embed = nn::embedding(
            root / "embed",
            hyper.vocab_size as i64,
            hyper.embed_dim as i64,
            Default::default(),
        );
        let lstm = root / "lstm";
        let hid = hyper.hidden_size as i64;
        let bound = 1.0 / (hyper.hidden_size as f64).sqrt();
        let init = nn::Init::Uniform {
            lo: -bound,
            up: bound,
        };
        let mut lstm_weights = Vec::with_capacity(4 * hyper.layers);
        for layer in 0..hyper.layers {
            let input = if layer == 0 {
                hyper.embed_dim as i64
            } else {
                hid
            };
            lstm_weights.push(lstm.var(&format!("weight_ih_l{layer}"), &[4 * hid, input], init));
            lstm_weights.push(lstm.var(&format!("weight_hh_l{layer}"), &[4 * hid, hid], init));
            lstm_weights.push(lstm.var(&format!("bias_ih_l{layer}"), &[4 * hid], init));
            lstm_weights.push(lstm.var(&format!("bias_hh_l{layer}"), &[4 * hid], init));
        }
        let proj = nn::linear(
            root / "proj",
            hid,
            hyper.vocab_size as i64,
            Default::default(),
        );
        LstmLm {
            hyper: hyper.clone(),
            embed,
            lstm_weights,
            proj,
            device: root.device(),
        }
    }

    pub fn device(&self) -> Device {
        self.device
    }

    pub fn zero_state(&self, batch: i64) -> TensorState {
        let shape = [
            self.hyper.layers as i64,
            batch,
            self.hyper.hidden_size as i64,
        ];
        TensorState {
            h: Tensor::zeros(shape, (Kind::Float, self.device)),
            c: Tensor::zeros(shape, (Kind::Float, self.device)),
        }
    }

    /// Runs `tokens` (`[batch, time]`, int64) from `state`; returns logits
    /// `[batch, time, vocab]` and the state after the last step. Dropout is
    /// applied only when `train` is set.
    pub fn forward(
        &self,
        tokens: &Tensor,
        state: &TensorState,
        train: bool,
    ) -> (Tensor, TensorState) {
        let x = tokens.apply(&self.embed);
        let x = if train && self.hyper.dropout > 0.0 {
            x.dropout(self.hyper.dropout, true)
        } else {
            x
        };
        let (y, h, c) = Tensor::lstm(
            &x,
            &[&state.h, &state.c],
            &self.lstm_weights.iter().collect::<Vec<_>>(),
            true,
            self.hyper.layers as i64,
            self.hyper.dropout,
            train,
            false,
            true,
        );
        let y = if train && self.hyper.dropout > 0.0 {
            y.dropout(self.hyper.dropout, true)
        } else {
            y
        };
        (y.apply(&self.proj), TensorState { h, c })
    }
}
