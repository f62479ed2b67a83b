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

fn decode(text: &str, expected: usize) -> Result<Vec<f32>, String> {
    let bytes = STANDARD
        .decode(text)
        .map_err(|e| format!("state is not base64: {e}"))?;
    if bytes.len() != expected * 4 {
        return Err(format!(
            "state holds {} bytes, expected {}",
            bytes.len(),
            expected * 4
        ));
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
