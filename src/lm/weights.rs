//! Weight matrices of the inference path in f32, bf16 or int8.
//!
//! Sampling one stream is bound by reading every weight once per token, so
//! fewer bytes per weight is speed: bf16 halves the traffic, int8 (one
//! scale per row, symmetric) quarters it. Products still accumulate in f32
//! with f32 inputs; only the stored weights are narrowed, so the loss in
//! accuracy is the rounding of each weight and nothing else. f32 stays the
//! reference every other format is measured against.

use std::str::FromStr;
use std::sync::OnceLock;

/// How the inference weights are stored.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum WeightFormat {
    #[default]
    F32,
    /// The upper 16 bits of each f32, rounded to nearest even.
    Bf16,
    /// `w = scale[row] * q`, `q` in -127..=127, `scale = max|w| / 127`.
    Int8,
}

impl WeightFormat {
    pub const ALL: [WeightFormat; 3] = [WeightFormat::F32, WeightFormat::Bf16, WeightFormat::Int8];

    pub fn name(self) -> &'static str {
        match self {
            WeightFormat::F32 => "f32",
            WeightFormat::Bf16 => "bf16",
            WeightFormat::Int8 => "int8",
        }
    }

    /// The format `FABULA_WEIGHTS` names (unset or blank: f32).
    pub fn from_env() -> Result<WeightFormat, UnknownWeightFormat> {
        match std::env::var(WEIGHTS_VAR) {
            Ok(v) if !v.trim().is_empty() => v.parse(),
            _ => Ok(WeightFormat::F32),
        }
    }

    /// The format models of this process load in, decided on first use
    /// from `FABULA_WEIGHTS`. A bad value is reported on stderr and f32
    /// used here; `fabula` itself checks it first ([`WeightFormat::init_from_env`])
    /// and refuses to start.
    pub fn active() -> WeightFormat {
        *ACTIVE.get_or_init(|| {
            WeightFormat::from_env().unwrap_or_else(|e| {
                eprintln!("fabula: {WEIGHTS_VAR}: {e}; using f32");
                WeightFormat::F32
            })
        })
    }

    /// Decides the process's format from `FABULA_WEIGHTS` now, so a bad
    /// value is an error before any work starts.
    pub fn init_from_env() -> Result<WeightFormat, UnknownWeightFormat> {
        let format = WeightFormat::from_env()?;
        Ok(*ACTIVE.get_or_init(|| format))
    }
}

static ACTIVE: OnceLock<WeightFormat> = OnceLock::new();

/// The environment variable that chooses the inference weights' format.
pub const WEIGHTS_VAR: &str = "FABULA_WEIGHTS";

impl std::fmt::Display for WeightFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a weight format; use f32, bf16 or int8")]
pub struct UnknownWeightFormat(pub String);

impl FromStr for WeightFormat {
    type Err = UnknownWeightFormat;
    fn from_str(s: &str) -> Result<WeightFormat, UnknownWeightFormat> {
        WeightFormat::ALL
            .into_iter()
            .find(|f| f.name().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| UnknownWeightFormat(s.to_string()))
    }
}

/// A row-major `rows x cols` weight matrix in one of the formats.
#[derive(Clone, Debug)]
pub struct Matrix {
    rows: usize,
    cols: usize,
    data: Data,
}

#[derive(Clone, Debug)]
enum Data {
    F32(Vec<f32>),
    Bf16(Vec<u16>),
    Int8 { q: Vec<i8>, scale: Vec<f32> },
}

/// A borrowed run of whole rows of a [`Matrix`]; what the kernels take.
#[derive(Clone, Copy, Debug)]
pub enum Rows<'a> {
    F32(&'a [f32]),
    Bf16(&'a [u16]),
    Int8 { q: &'a [i8], scale: &'a [f32] },
}

impl Matrix {
    /// Stores `w` (`rows x cols`, row-major) in `format`.
    pub fn new(w: &[f32], rows: usize, cols: usize, format: WeightFormat) -> Matrix {
        assert_eq!(w.len(), rows * cols, "weights are not rows x cols");
        let data = match format {
            WeightFormat::F32 => Data::F32(w.to_vec()),
            WeightFormat::Bf16 => Data::Bf16(w.iter().map(|&x| to_bf16(x)).collect()),
            WeightFormat::Int8 => {
                let mut q = Vec::with_capacity(w.len());
                let mut scale = Vec::with_capacity(rows);
                for row in w.chunks_exact(cols.max(1)).take(rows) {
                    let (s, qs) = quantize_row(row);
                    scale.push(s);
                    q.extend(qs);
                }
                Data::Int8 { q, scale }
            }
        };
        Matrix { rows, cols, data }
    }

    pub fn rows(&self) -> usize {
        self.rows
    }

    pub fn cols(&self) -> usize {
        self.cols
    }

    pub fn format(&self) -> WeightFormat {
        match self.data {
            Data::F32(_) => WeightFormat::F32,
            Data::Bf16(_) => WeightFormat::Bf16,
            Data::Int8 { .. } => WeightFormat::Int8,
        }
    }

    /// Bytes a product reads: the weights and, for int8, the row scales.
    pub fn bytes(&self) -> usize {
        match &self.data {
            Data::F32(w) => 4 * w.len(),
            Data::Bf16(w) => 2 * w.len(),
            Data::Int8 { q, scale } => q.len() + 4 * scale.len(),
        }
    }

    /// Rows `start..end`.
    pub fn rows_range(&self, start: usize, end: usize) -> Rows<'_> {
        assert!(start <= end && end <= self.rows, "rows out of range");
        let (a, b) = (start * self.cols, end * self.cols);
        match &self.data {
            Data::F32(w) => Rows::F32(&w[a..b]),
            Data::Bf16(w) => Rows::Bf16(&w[a..b]),
            Data::Int8 { q, scale } => Rows::Int8 {
                q: &q[a..b],
                scale: &scale[start..end],
            },
        }
    }

    pub fn all_rows(&self) -> Rows<'_> {
        self.rows_range(0, self.rows)
    }

    /// The weight at `(r, c)` as the products see it (after rounding).
    pub fn get(&self, r: usize, c: usize) -> f32 {
        let i = r * self.cols + c;
        match &self.data {
            Data::F32(w) => w[i],
            Data::Bf16(w) => from_bf16(w[i]),
            Data::Int8 { q, scale } => scale[r] * q[i] as f32,
        }
    }
}

impl<'a> Rows<'a> {
    /// Splits after `rows` rows of `cols` values.
    pub fn split_at(self, rows: usize, cols: usize) -> (Rows<'a>, Rows<'a>) {
        match self {
            Rows::F32(w) => {
                let (a, b) = w.split_at(rows * cols);
                (Rows::F32(a), Rows::F32(b))
            }
            Rows::Bf16(w) => {
                let (a, b) = w.split_at(rows * cols);
                (Rows::Bf16(a), Rows::Bf16(b))
            }
            Rows::Int8 { q, scale } => {
                let (qa, qb) = q.split_at(rows * cols);
                let (sa, sb) = scale.split_at(rows);
                (
                    Rows::Int8 { q: qa, scale: sa },
                    Rows::Int8 { q: qb, scale: sb },
                )
            }
        }
    }

    /// Rows `start..start + n` of `cols` values.
    pub fn sub(self, start: usize, n: usize, cols: usize) -> Rows<'a> {
        let (_, rest) = self.split_at(start, cols);
        rest.split_at(n, cols).0
    }
}

/// f32 to bf16, rounded to nearest, ties to even.
pub fn to_bf16(x: f32) -> u16 {
    let bits = x.to_bits();
    if x.is_nan() {
        return ((bits >> 16) | 0x40) as u16;
    }
    let round = 0x7fff + ((bits >> 16) & 1);
    (bits.wrapping_add(round) >> 16) as u16
}

pub fn from_bf16(b: u16) -> f32 {
    f32::from_bits((b as u32) << 16)
}

/// One row's scale and values: `max|w| / 127`, each weight rounded to the
/// nearest multiple. An all-zero row has scale 0.
fn quantize_row(row: &[f32]) -> (f32, impl Iterator<Item = i8> + '_) {
    let max = row.iter().fold(0.0f32, |m, &x| m.max(x.abs()));
    let scale = max / 127.0;
    let inv = if scale > 0.0 { 1.0 / scale } else { 0.0 };
    let q = row
        .iter()
        .map(move |&x| (x * inv).round().clamp(-127.0, 127.0) as i8);
    (scale, q)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_parse_by_name_and_unknown_ones_are_named() {
        for f in WeightFormat::ALL {
            assert_eq!(f.name().parse::<WeightFormat>(), Ok(f));
        }
        assert_eq!("INT8".parse::<WeightFormat>(), Ok(WeightFormat::Int8));
        let err = "fp16".parse::<WeightFormat>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "\"fp16\" is not a weight format; use f32, bf16 or int8"
        );
    }

    #[test]
    fn bf16_rounds_to_nearest_even() {
        assert_eq!(from_bf16(to_bf16(1.0)), 1.0);
        assert_eq!(from_bf16(to_bf16(-2.5)), -2.5);
        // 1 + 2^-8 lies halfway between 1 and 1 + 2^-7: ties go to the even 1.
        assert_eq!(from_bf16(to_bf16(1.0 + 1.0 / 256.0)), 1.0);
        // Just above halfway rounds up.
        let up = f32::from_bits((1.0f32 + 1.0 / 256.0).to_bits() + 1);
        assert_eq!(from_bf16(to_bf16(up)), 1.0 + 1.0 / 128.0);
        assert!(from_bf16(to_bf16(f32::NAN)).is_nan());
        for x in [0.1f32, -3.7, 123.456, 1e-5] {
            assert!((from_bf16(to_bf16(x)) - x).abs() <= x.abs() / 256.0);
        }
    }

    #[test]
    fn int8_rows_keep_their_largest_weight_and_round_the_rest() {
        let w = [
            0.5, -1.0, 0.25, 0.0, 0.0, 0.0, 0.0, 0.0, 3.0, 1.0, -1.5, 0.01,
        ];
        let m = Matrix::new(&w, 3, 4, WeightFormat::Int8);
        assert_eq!(m.bytes(), 12 + 12);
        assert_eq!(m.get(0, 1), -1.0);
        assert_eq!(m.get(2, 0), 3.0);
        // An all-zero row stays zero.
        assert!((0..4).all(|c| m.get(1, c) == 0.0));
        for r in 0..3 {
            let step = w[r * 4..r * 4 + 4]
                .iter()
                .fold(0.0f32, |a, x| a.max(x.abs()))
                / 127.0;
            for c in 0..4 {
                assert!((m.get(r, c) - w[r * 4 + c]).abs() <= step / 2.0 + 1e-7);
            }
        }
    }

    #[test]
    fn row_ranges_split_weights_and_scales_together() {
        let w: Vec<f32> = (0..24).map(|i| i as f32 - 11.0).collect();
        for f in WeightFormat::ALL {
            let m = Matrix::new(&w, 6, 4, f);
            let (top, bottom) = m.all_rows().split_at(2, 4);
            let len = |r: Rows| match r {
                Rows::F32(w) => (w.len(), 0),
                Rows::Bf16(w) => (w.len(), 0),
                Rows::Int8 { q, scale } => (q.len(), scale.len()),
            };
            let scales = if f == WeightFormat::Int8 { 2 } else { 0 };
            assert_eq!(len(top), (8, scales));
            assert_eq!(len(bottom), (16, 2 * scales));
            assert_eq!(len(m.rows_range(1, 4)), len(m.all_rows().sub(1, 3, 4)));
        }
    }
}
