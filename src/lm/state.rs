//! Recurrent state of one stream: the whole context of a character LSTM in
//! a few kilobytes, cheap to clone, store on a story node and restore.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LstmState {
    pub layers: usize,
    pub hidden: usize,
    /// `layers * hidden` values, layer by layer.
    pub h: Vec<f32>,
    pub c: Vec<f32>,
}

impl LstmState {
    pub fn zeros(layers: usize, hidden: usize) -> LstmState {
        LstmState {
            layers,
            hidden,
            h: vec![0.0; layers * hidden],
            c: vec![0.0; layers * hidden],
        }
    }

    /// True when the vectors have the lengths the shape promises and hold
    /// only finite values (a stored state read from disk must pass this).
    pub fn is_consistent(&self) -> bool {
        let n = self.layers * self.hidden;
        self.h.len() == n
            && self.c.len() == n
            && self.h.iter().chain(&self.c).all(|v| v.is_finite())
    }

    pub fn fits(&self, layers: usize, hidden: usize) -> bool {
        self.layers == layers && self.hidden == hidden && self.is_consistent()
    }

    pub fn h_layer(&self, layer: usize) -> &[f32] {
        &self.h[layer * self.hidden..(layer + 1) * self.hidden]
    }

    /// Size in bytes of the stored values.
    pub fn byte_size(&self) -> usize {
        (self.h.len() + self.c.len()) * 4
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn consistency_catches_wrong_lengths_and_nan() {
        let mut s = LstmState::zeros(2, 4);
        assert!(s.is_consistent() && s.fits(2, 4) && !s.fits(1, 4));
        s.h.pop();
        assert!(!s.is_consistent());
        let mut s = LstmState::zeros(1, 2);
        s.c[1] = f32::NAN;
        assert!(!s.is_consistent());
    }
}
