//! Compact on-disk form of a stored model state: the f32 values as
//! little-endian bytes in base64 (a third of the size of JSON numbers, and
//! exact).

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::lm::LstmState;

#[derive(Serialize, Deserialize)]
struct Encoded {
    layers: usize,
    hidden: usize,
    h: String,
    c: String,
}

fn encode(values: &[f32]) -> String {
    let bytes: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
    STANDARD.encode(bytes)
}

/// Why a stored state cannot be read back.
#[derive(Debug, thiserror::Error)]
enum DecodeError {
    #[error("state is not base64: {0}")]
    NotBase64(#[from] base64::DecodeError),
    #[error("state holds {bytes} bytes, expected {expected}")]
    WrongLength { bytes: usize, expected: usize },
}

fn decode(text: &str, expected: usize) -> Result<Vec<f32>, DecodeError> {
    let bytes = STANDARD.decode(text)?;
    if bytes.len() != expected * 4 {
        return Err(DecodeError::WrongLength {
            bytes: bytes.len(),
            expected: expected * 4,
        });
    }
    Ok(bytes
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect())
}

pub fn serialize<S: Serializer>(state: &Option<LstmState>, s: S) -> Result<S::Ok, S::Error> {
    state
        .as_ref()
        .map(|st| Encoded {
            layers: st.layers,
            hidden: st.hidden,
            h: encode(&st.h),
            c: encode(&st.c),
        })
        .serialize(s)
}

pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<LstmState>, D::Error> {
    let Some(e) = Option::<Encoded>::deserialize(d)? else {
        return Ok(None);
    };
    let n = e
        .layers
        .checked_mul(e.hidden)
        .filter(|&n| n <= 1 << 24)
        .ok_or_else(|| serde::de::Error::custom("state shape is too large"))?;
    let h = decode(&e.h, n).map_err(serde::de::Error::custom)?;
    let c = decode(&e.c, n).map_err(serde::de::Error::custom)?;
    let state = LstmState {
        layers: e.layers,
        hidden: e.hidden,
        h,
        c,
    };
    if !state.is_consistent() {
        return Err(serde::de::Error::custom("state holds non-finite values"));
    }
    Ok(Some(state))
}
