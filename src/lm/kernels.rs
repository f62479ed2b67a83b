//! Matrix-vector kernels for the inference path: each weight row is read
//! once and multiplied with up to four input vectors, so sampling N streams
//! together costs little more memory traffic than one.
//!
//! The portable loops are written with eight independent accumulators so
//! the compiler vectorises them; explicit AVX-512 and AVX2+FMA versions (and
//! of the LSTM cell) are used where the processor has them. Which set runs
//! is decided once per process ([`Kernels::active`]): the best the
//! processor has, or a lower one named by `FABULA_SIMD` (`avx512`, `avx2`,
//! `portable`), so the lower paths can be run and compared on any machine.
//! A layer step ([`LayerStep`]) splits its units over two cores, each core
//! computing the gates of its units and then their cell update.

use std::sync::OnceLock;

use super::narrow_kernels::{self as narrow, GemvBf16Fn, GemvI8Fn};
use super::weights::Rows;

/// The instruction sets the kernels are written for, lowest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SimdLevel {
    /// Plain loops the compiler vectorises for the build target.
    Portable,
    /// AVX2 with FMA (x86-64).
    Avx2,
    /// AVX-512F (x86-64).
    Avx512,
}

impl SimdLevel {
    pub const ALL: [SimdLevel; 3] = [SimdLevel::Portable, SimdLevel::Avx2, SimdLevel::Avx512];

    /// The name `FABULA_SIMD` takes.
    pub fn name(self) -> &'static str {
        match self {
            SimdLevel::Portable => "portable",
            SimdLevel::Avx2 => "avx2",
            SimdLevel::Avx512 => "avx512",
        }
    }

    /// The highest level this processor runs.
    pub fn detected() -> SimdLevel {
        #[cfg(target_arch = "x86_64")]
        {
            if std::is_x86_feature_detected!("avx512f") {
                return SimdLevel::Avx512;
            }
            if std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma") {
                return SimdLevel::Avx2;
            }
        }
        SimdLevel::Portable
    }

    /// Every level this processor runs, lowest first.
    pub fn supported() -> impl Iterator<Item = SimdLevel> {
        let top = SimdLevel::detected();
        SimdLevel::ALL.into_iter().filter(move |&l| l <= top)
    }

    /// The level to use given `FABULA_SIMD`'s value (`None` or blank: the
    /// processor's best). Only a level the processor runs is accepted.
    pub fn choose(requested: Option<&str>, detected: SimdLevel) -> Result<SimdLevel, SimdError> {
        let Some(value) = requested.map(str::trim).filter(|v| !v.is_empty()) else {
            return Ok(detected);
        };
        let asked = SimdLevel::ALL
            .into_iter()
            .find(|l| l.name().eq_ignore_ascii_case(value))
            .ok_or_else(|| SimdError::Unknown(value.to_string()))?;
        if asked > detected {
            return Err(SimdError::Unsupported { asked, detected });
        }
        Ok(asked)
    }
}

impl std::fmt::Display for SimdLevel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A `FABULA_SIMD` value that cannot be used.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SimdError {
    #[error("FABULA_SIMD={0:?} is not an instruction set; use avx512, avx2 or portable")]
    Unknown(String),
    #[error(
        "FABULA_SIMD={asked}: this processor runs at most {detected} \
         (the variable can only lower the instruction set)"
    )]
    Unsupported {
        asked: SimdLevel,
        detected: SimdLevel,
    },
}

/// The environment variable that lowers the instruction set.
pub const SIMD_VAR: &str = "FABULA_SIMD";

type GemvFn = unsafe fn(&[f32], usize, &[f32], &[&[f32]], &mut [&mut [f32]]);
type CellFn = unsafe fn(&[f32], Option<&[f32]>, &mut [f32], &mut [f32]);
type SumFn = unsafe fn(&[f32]) -> f32;

/// One instruction set's kernels. Made only for a level the processor
/// runs ([`Kernels::new`]), which is what makes calling them safe.
#[derive(Clone, Copy, Debug)]
pub struct Kernels {
    level: SimdLevel,
    gemv: GemvFn,
    gemv_bf16: GemvBf16Fn,
    gemv_i8: GemvI8Fn,
    cell: CellFn,
    sum: SumFn,
}

static ACTIVE: OnceLock<Kernels> = OnceLock::new();

/// The plain loops, which every processor runs.
const PORTABLE: Kernels = Kernels {
    level: SimdLevel::Portable,
    gemv: gemv_rows_generic,
    gemv_bf16: narrow::gemv_bf16_generic,
    gemv_i8: narrow::gemv_i8_generic,
    cell: lstm_cell_generic,
    sum: sum_generic,
};

impl Kernels {
    /// The kernels of `level`; `None` when this processor lacks it.
    pub fn new(level: SimdLevel) -> Option<Kernels> {
        if level > SimdLevel::detected() {
            return None;
        }
        Some(match level {
            SimdLevel::Portable => PORTABLE,
            #[cfg(target_arch = "x86_64")]
            SimdLevel::Avx2 => Kernels {
                level,
                gemv: gemv_rows_avx2,
                gemv_bf16: narrow::gemv_bf16_avx2,
                gemv_i8: narrow::gemv_i8_avx2,
                cell: lstm_cell_avx2,
                sum: sum_avx2,
            },
            #[cfg(target_arch = "x86_64")]
            SimdLevel::Avx512 => Kernels {
                level,
                gemv: gemv_rows_avx512,
                gemv_bf16: narrow::gemv_bf16_avx2,
                gemv_i8: narrow::gemv_i8_avx2,
                cell: lstm_cell_avx512,
                sum: sum_avx2,
            },
            // Elsewhere `detected` is always Portable, so this is not reached.
            #[cfg(not(target_arch = "x86_64"))]
            _ => return None,
        })
    }

    /// The kernels of this process, decided on first use: the processor's
    /// best or the lower level `FABULA_SIMD` names. A value that cannot be
    /// used is reported on stderr and ignored here; `fabula` itself checks
    /// it first ([`Kernels::init_from_env`]) and refuses to start.
    pub fn active() -> &'static Kernels {
        ACTIVE.get_or_init(|| {
            let detected = SimdLevel::detected();
            let level = SimdLevel::choose(std::env::var(SIMD_VAR).ok().as_deref(), detected)
                .unwrap_or_else(|e| {
                    eprintln!("fabula: {e}; using {detected}");
                    detected
                });
            Kernels::for_supported(level)
        })
    }

    /// Decides the process's kernels from `FABULA_SIMD` now, so a bad value
    /// is an error before any work starts.
    pub fn init_from_env() -> Result<SimdLevel, SimdError> {
        let level = SimdLevel::choose(
            std::env::var(SIMD_VAR).ok().as_deref(),
            SimdLevel::detected(),
        )?;
        Ok(ACTIVE.get_or_init(|| Kernels::for_supported(level)).level)
    }

    fn for_supported(level: SimdLevel) -> Kernels {
        // `choose` only returns levels up to the detected one, so the
        // fallback is never taken.
        Kernels::new(level).unwrap_or(PORTABLE)
    }

    pub fn level(&self) -> SimdLevel {
        self.level
    }

    /// `out[b][r] = bias[r] + dot(w[r], xs[b])` for every row `r` of the
    /// row-major matrix `w` (`rows x cols`), on this core only.
    pub fn gemv_rows_single(
        &self,
        w: &[f32],
        cols: usize,
        bias: &[f32],
        xs: &[&[f32]],
        out: &mut [&mut [f32]],
    ) {
        self.product_single(Rows::F32(w), cols, bias, xs, out);
    }

    /// [`Kernels::gemv_rows_single`] for weights in any format.
    pub fn product_single(
        &self,
        w: Rows,
        cols: usize,
        bias: &[f32],
        xs: &[&[f32]],
        out: &mut [&mut [f32]],
    ) {
        // SAFETY: a `Kernels` exists only for a level the processor runs.
        unsafe {
            match w {
                Rows::F32(w) => (self.gemv)(w, cols, bias, xs, out),
                Rows::Bf16(w) => (self.gemv_bf16)(w, cols, bias, xs, out),
                Rows::Int8 { q, scale } => (self.gemv_i8)(q, scale, cols, bias, xs, out),
            }
        }
    }

    /// One LSTM cell update for a block of units, PyTorch gate order (input,
    /// forget, cell, output): `c = f*c + i*g`, `h = o*tanh(c)`. `extra`, when
    /// given, is added to the gates first (layer 0's per-token input term).
    pub fn lstm_cell(&self, gates: &[f32], extra: Option<&[f32]>, c: &mut [f32], h: &mut [f32]) {
        // SAFETY: as in `product_single`.
        unsafe { (self.cell)(gates, extra, c, h) }
    }

    /// Sum of a slice, vectorised like the products (used to measure bandwidth).
    pub fn sum(&self, xs: &[f32]) -> f32 {
        // SAFETY: as in `product_single`.
        unsafe { (self.sum)(xs) }
    }

    /// `out[b][r] = bias[r] + dot(w[r], xs[b])` for every row `r` of the
    /// row-major matrix `w` (`rows x cols`).
    pub fn gemv_rows(
        &self,
        w: &[f32],
        cols: usize,
        bias: &[f32],
        xs: &[&[f32]],
        out: &mut [&mut [f32]],
    ) {
        self.product(Rows::F32(w), cols, bias, xs, out);
    }

    /// [`Kernels::gemv_rows`] for weights in any format.
    pub fn product(
        &self,
        w: Rows,
        cols: usize,
        bias: &[f32],
        xs: &[&[f32]],
        out: &mut [&mut [f32]],
    ) {
        debug_assert_eq!(xs.len(), out.len());
        let rows = bias.len();
        // Large products are split in two halves of rows run on two cores: one
        // core alone cannot pull the weights through the cache hierarchy fast
        // enough. Small ones are not worth the hand-off.
        if rows >= 64 && rows * cols >= PARALLEL_MIN_WEIGHTS && rayon::current_num_threads() > 1 {
            let half = rows / 2;
            let (w_top, w_bottom) = w.split_at(half, cols);
            let (b_top, b_bottom) = bias.split_at(half);
            // The halves of up to MAX_BATCH outputs are held on the stack, so
            // a step allocates nothing; longer lists go in chunks of that
            // many (a multiple of the kernel width, so each stream meets the
            // same kernel as in one call).
            for (xs, out) in xs.chunks(MAX_BATCH).zip(out.chunks_mut(MAX_BATCH)) {
                let n = out.len();
                let (mut tops, mut bottoms) = (empty_slices(), empty_slices());
                split_each(out.iter_mut(), half, &mut tops, &mut bottoms);
                rayon::join(
                    || self.product_single(w_top, cols, b_top, xs, &mut tops[..n]),
                    || self.product_single(w_bottom, cols, b_bottom, xs, &mut bottoms[..n]),
                );
            }
            return;
        }
        self.product_single(w, cols, bias, xs, out);
    }
}

/// The most streams whose buffers a step keeps on the stack; larger
/// batches are stepped in chunks of this many. A multiple of the widest
/// kernel (four streams).
pub const MAX_BATCH: usize = 64;

/// Room on the stack for the buffers of up to [`MAX_BATCH`] streams.
pub(crate) fn empty_slices<'a>() -> [&'a mut [f32]; MAX_BATCH] {
    std::array::from_fn(|_| Default::default())
}

/// Rows per group in the four-stream AVX-512 kernel.
const ROW_GROUP: usize = 4;

/// Products smaller than this many weights run on one core.
const PARALLEL_MIN_WEIGHTS: usize = 1 << 18;

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn gemv_rows_avx2(
    w: &[f32],
    cols: usize,
    bias: &[f32],
    xs: &[&[f32]],
    out: &mut [&mut [f32]],
) {
    for (start, n) in stream_groups(xs.len()) {
        let group = &xs[start..start + n];
        let outs = &mut out[start..start + n];
        match n {
            4 => rows_avx2::<4>(w, cols, bias, group, outs),
            2 => rows_avx2::<2>(w, cols, bias, group, outs),
            _ => rows_avx2::<1>(w, cols, bias, group, outs),
        }
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
unsafe fn gemv_rows_avx512(
    w: &[f32],
    cols: usize,
    bias: &[f32],
    xs: &[&[f32]],
    out: &mut [&mut [f32]],
) {
    for (start, n) in stream_groups(xs.len()) {
        let group = &xs[start..start + n];
        let outs = &mut out[start..start + n];
        match n {
            4 => row_groups_avx512::<ROW_GROUP>(w, cols, bias, group, outs),
            2 => rows_avx512::<2>(w, cols, bias, group, outs),
            _ => rows_avx512::<1>(w, cols, bias, group, outs),
        }
    }
}

/// AVX-512 version: 16 lanes per instruction halve the instructions per
/// weight, which is what bounds several streams once the weights are in
/// cache; the row tail is a masked load instead of a scalar loop.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
unsafe fn rows_avx512<const N: usize>(
    w: &[f32],
    cols: usize,
    bias: &[f32],
    xs: &[&[f32]],
    out: &mut [&mut [f32]],
) {
    use std::arch::x86_64::*;
    let rows = bias.len();
    check_shapes(w.len(), cols, rows, xs, out, N);
    let whole32 = cols / 32 * 32;
    let whole16 = cols / 16 * 16;
    let tail = cols - whole16;
    let tail_mask: __mmask16 = ((1u32 << tail) - 1) as __mmask16;
    let x: [*const f32; N] = std::array::from_fn(|b| xs[b].as_ptr());
    for r in 0..rows {
        let row = w.as_ptr().add(r * cols);
        let mut a0: [__m512; N] = [_mm512_setzero_ps(); N];
        let mut a1: [__m512; N] = [_mm512_setzero_ps(); N];
        let mut k = 0;
        // SAFETY (all loads): k + 32 <= cols or k + 16 <= cols, within row and every
        // x[b] (asserted above); the masked tail reads only the `tail` lanes below cols.
        while k < whole32 {
            let w0 = _mm512_loadu_ps(row.add(k));
            let w1 = _mm512_loadu_ps(row.add(k + 16));
            for b in 0..N {
                a0[b] = _mm512_fmadd_ps(w0, _mm512_loadu_ps(x[b].add(k)), a0[b]);
                a1[b] = _mm512_fmadd_ps(w1, _mm512_loadu_ps(x[b].add(k + 16)), a1[b]);
            }
            k += 32;
        }
        if k < whole16 {
            let w0 = _mm512_loadu_ps(row.add(k));
            for b in 0..N {
                a0[b] = _mm512_fmadd_ps(w0, _mm512_loadu_ps(x[b].add(k)), a0[b]);
            }
            k += 16;
        }
        if tail > 0 {
            let w0 = _mm512_maskz_loadu_ps(tail_mask, row.add(k));
            for b in 0..N {
                let xv = _mm512_maskz_loadu_ps(tail_mask, x[b].add(k));
                a1[b] = _mm512_fmadd_ps(w0, xv, a1[b]);
            }
        }
        for b in 0..N {
            out[b][r] = bias[r] + _mm512_reduce_add_ps(_mm512_add_ps(a0[b], a1[b]));
        }
    }
}

/// Four streams, `R` rows at a time: each input vector loaded serves `R`
/// rows, so a step of 16 columns does 4R FMAs on R + 4 loads instead of
/// 4 FMAs on 5. With four streams the loads, not memory, bound the plain
/// kernel.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
unsafe fn row_groups_avx512<const R: usize>(
    w: &[f32],
    cols: usize,
    bias: &[f32],
    xs: &[&[f32]],
    out: &mut [&mut [f32]],
) {
    use std::arch::x86_64::*;
    let rows = bias.len();
    check_shapes(w.len(), cols, rows, xs, out, 4);
    let whole16 = cols / 16 * 16;
    let tail = cols - whole16;
    let tail_mask: __mmask16 = ((1u32 << tail) - 1) as __mmask16;
    let x: [*const f32; 4] = std::array::from_fn(|b| xs[b].as_ptr());
    let groups = rows / R;
    for g in 0..groups {
        let r0 = g * R;
        let row: [*const f32; R] = std::array::from_fn(|i| w.as_ptr().add((r0 + i) * cols));
        let mut acc: [[__m512; 4]; R] = [[_mm512_setzero_ps(); 4]; R];
        let mut k = 0;
        // SAFETY (all loads): k + 16 <= cols within every row and every x[b]
        // (asserted above); the masked tail reads only lanes below cols.
        while k < whole16 {
            let wv: [__m512; R] = std::array::from_fn(|i| _mm512_loadu_ps(row[i].add(k)));
            for b in 0..4 {
                let xv = _mm512_loadu_ps(x[b].add(k));
                for i in 0..R {
                    acc[i][b] = _mm512_fmadd_ps(wv[i], xv, acc[i][b]);
                }
            }
            k += 16;
        }
        if tail > 0 {
            let wv: [__m512; R] =
                std::array::from_fn(|i| _mm512_maskz_loadu_ps(tail_mask, row[i].add(k)));
            for b in 0..4 {
                let xv = _mm512_maskz_loadu_ps(tail_mask, x[b].add(k));
                for i in 0..R {
                    acc[i][b] = _mm512_fmadd_ps(wv[i], xv, acc[i][b]);
                }
            }
        }
        for b in 0..4 {
            for i in 0..R {
                out[b][r0 + i] = bias[r0 + i] + _mm512_reduce_add_ps(acc[i][b]);
            }
        }
    }
    let done = groups * R;
    if done < rows {
        let mut outs: [&mut [f32]; 4] = std::array::from_fn(|_| &mut [][..]);
        for (o, full) in outs.iter_mut().zip(out.iter_mut()) {
            *o = &mut full[done..rows];
        }
        rows_avx512::<4>(&w[done * cols..], cols, &bias[done..], xs, &mut outs);
    }
}

/// Explicit AVX2/FMA version of `rows_n`: two 8-wide accumulators per
/// stream hide the FMA latency; each weight vector is loaded once for all
/// N streams.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn rows_avx2<const N: usize>(
    w: &[f32],
    cols: usize,
    bias: &[f32],
    xs: &[&[f32]],
    out: &mut [&mut [f32]],
) {
    use std::arch::x86_64::*;
    let rows = bias.len();
    check_shapes(w.len(), cols, rows, xs, out, N);
    let whole16 = cols / 16 * 16;
    let whole8 = cols / 8 * 8;
    let x: [*const f32; N] = std::array::from_fn(|b| xs[b].as_ptr());
    let hsum = |v: __m256| -> f32 {
        let lo = _mm256_castps256_ps128(v);
        let hi = _mm256_extractf128_ps(v, 1);
        let s = _mm_add_ps(lo, hi);
        let s = _mm_add_ps(s, _mm_movehl_ps(s, s));
        let s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 1));
        _mm_cvtss_f32(s)
    };
    for r in 0..rows {
        let row = w.as_ptr().add(r * cols);
        let mut a0: [__m256; N] = [_mm256_setzero_ps(); N];
        let mut a1: [__m256; N] = [_mm256_setzero_ps(); N];
        let mut k = 0;
        // SAFETY (all loads): k + 16 <= cols or k + 8 <= cols, within row and every x[b] (asserted above).
        while k < whole16 {
            let w0 = _mm256_loadu_ps(row.add(k));
            let w1 = _mm256_loadu_ps(row.add(k + 8));
            for b in 0..N {
                a0[b] = _mm256_fmadd_ps(w0, _mm256_loadu_ps(x[b].add(k)), a0[b]);
                a1[b] = _mm256_fmadd_ps(w1, _mm256_loadu_ps(x[b].add(k + 8)), a1[b]);
            }
            k += 16;
        }
        if k < whole8 {
            let w0 = _mm256_loadu_ps(row.add(k));
            for b in 0..N {
                a0[b] = _mm256_fmadd_ps(w0, _mm256_loadu_ps(x[b].add(k)), a0[b]);
            }
        }
        for b in 0..N {
            let mut sum = bias[r] + hsum(_mm256_add_ps(a0[b], a1[b]));
            for c in whole8..cols {
                sum += *row.add(c) * *x[b].add(c);
            }
            out[b][r] = sum;
        }
    }
}

#[inline(always)]
fn gemv_rows_generic(w: &[f32], cols: usize, bias: &[f32], xs: &[&[f32]], out: &mut [&mut [f32]]) {
    for (start, n) in stream_groups(xs.len()) {
        let group = &xs[start..start + n];
        let outs = &mut out[start..start + n];
        match n {
            4 => rows_n::<4>(w, cols, bias, group, outs),
            2 => rows_n::<2>(w, cols, bias, group, outs),
            _ => rows_n::<1>(w, cols, bias, group, outs),
        }
    }
}

#[inline(always)]
fn rows_n<const N: usize>(
    w: &[f32],
    cols: usize,
    bias: &[f32],
    xs: &[&[f32]],
    out: &mut [&mut [f32]],
) {
    let rows = bias.len();
    check_shapes(w.len(), cols, rows, xs, out, N);
    let whole = cols / 8 * 8;
    let x: [&[f32]; N] = std::array::from_fn(|b| &xs[b][..cols]);
    for r in 0..rows {
        let row = &w[r * cols..(r + 1) * cols];
        let mut acc = [[0.0f32; 8]; N];
        let mut k = 0;
        while k < whole {
            // SAFETY: k + 8 <= whole <= cols, and row and every x[b] hold cols values (asserted above).
            unsafe {
                let wc = row.get_unchecked(k..k + 8);
                for b in 0..N {
                    let xc = x[b].get_unchecked(k..k + 8);
                    for i in 0..8 {
                        acc[b][i] += wc[i] * xc[i];
                    }
                }
            }
            k += 8;
        }
        for b in 0..N {
            let mut sum = bias[r] + acc[b].iter().sum::<f32>();
            for c in whole..cols {
                sum += row[c] * x[b][c];
            }
            out[b][r] = sum;
        }
    }
}

/// The kernels' bounds, checked once per call so the inner loops need none.
pub(super) fn check_shapes(
    len: usize,
    cols: usize,
    rows: usize,
    xs: &[&[f32]],
    out: &[&mut [f32]],
    n: usize,
) {
    assert!(len >= rows * cols, "weight matrix smaller than rows x cols");
    assert!(
        xs.len() >= n && out.len() >= n,
        "fewer inputs than the kernel width"
    );
    for (x, o) in xs.iter().zip(out.iter()).take(n) {
        assert!(
            x.len() >= cols && o.len() >= rows,
            "input or output too short"
        );
    }
}

/// Splits `len` streams into groups of four, then two, then one: the
/// kernel widths, so accumulators stay in registers.
pub(super) fn stream_groups(len: usize) -> impl Iterator<Item = (usize, usize)> {
    let mut start = 0;
    std::iter::from_fn(move || {
        let left = len - start;
        let n = match left {
            0 => return None,
            1 => 1,
            2 | 3 => 2,
            _ => 4,
        };
        start += n;
        Some((start - n, n))
    })
}

/// exp(x) to about 2 ulp, as plain arithmetic so loops over it vectorise
/// (libm's expf is a call per element). Range reduction to 2^n * e^r with
/// |r| <= ln2/2, then a degree-6 polynomial.
#[inline(always)]
pub fn fast_exp(x: f32) -> f32 {
    let x = x.clamp(-87.0, 88.0);
    let n = (x * std::f32::consts::LOG2_E).round();
    let r = x - n * 0.693_145_75 - n * 1.428_606_8e-6;
    let p = 1.0
        + r * (1.0
            + r * (0.5
                + r * (0.166_666_67
                    + r * (0.041_666_668 + r * (0.008_333_334 + r * 0.001_388_889)))));
    f32::from_bits(((n as i32 + 127) as u32) << 23) * p
}

#[inline(always)]
pub fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + fast_exp(-x))
}

#[inline(always)]
pub fn tanh(x: f32) -> f32 {
    // tanh(x) = 1 - 2 / (e^{2x} + 1): exact at the ends, no cancellation for large |x|.
    1.0 - 2.0 / (fast_exp(2.0 * x) + 1.0)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn lstm_cell_avx2(gates: &[f32], extra: Option<&[f32]>, c: &mut [f32], h: &mut [f32]) {
    lstm_cell_generic(gates, extra, c, h);
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
unsafe fn lstm_cell_avx512(gates: &[f32], extra: Option<&[f32]>, c: &mut [f32], h: &mut [f32]) {
    use std::arch::x86_64::*;
    let n = c.len();
    assert!(gates.len() >= 4 * n && h.len() >= n && extra.is_none_or(|e| e.len() >= 4 * n));
    let g = gates.as_ptr();
    let e = extra.map(|e| e.as_ptr());
    let (cp, hp) = (c.as_mut_ptr(), h.as_mut_ptr());
    let mut j = 0;
    while j < n {
        let lanes = (n - j).min(16);
        let m: __mmask16 = ((1u32 << lanes) - 1) as __mmask16;
        // SAFETY: lanes j..j+lanes of each of the four gate blocks, of `extra`
        // and of c and h are within the lengths asserted above.
        let load = |q: usize| {
            let v = _mm512_maskz_loadu_ps(m, g.add(q * n + j));
            match e {
                Some(e) => _mm512_add_ps(v, _mm512_maskz_loadu_ps(m, e.add(q * n + j))),
                None => v,
            }
        };
        let (i_g, f_g, g_g, o_g) = (load(0), load(1), load(2), load(3));
        let c_old = _mm512_maskz_loadu_ps(m, cp.add(j));
        let c_new = _mm512_fmadd_ps(
            sigmoid512(f_g),
            c_old,
            _mm512_mul_ps(sigmoid512(i_g), tanh512(g_g)),
        );
        _mm512_mask_storeu_ps(cp.add(j), m, c_new);
        _mm512_mask_storeu_ps(hp.add(j), m, _mm512_mul_ps(sigmoid512(o_g), tanh512(c_new)));
        j += lanes;
    }
}

/// `fast_exp` on 16 lanes; `scalef` applies the power of two, so no
/// exponent bits are assembled by hand.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
fn exp512(x: std::arch::x86_64::__m512) -> std::arch::x86_64::__m512 {
    use std::arch::x86_64::*;
    let x = _mm512_min_ps(
        _mm512_max_ps(x, _mm512_set1_ps(-87.0)),
        _mm512_set1_ps(88.0),
    );
    let n = _mm512_roundscale_ps::<{ _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC }>(
        _mm512_mul_ps(x, _mm512_set1_ps(std::f32::consts::LOG2_E)),
    );
    let r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693_145_75), x);
    let r = _mm512_fnmadd_ps(n, _mm512_set1_ps(1.428_606_8e-6), r);
    let mut p = _mm512_set1_ps(0.001_388_889);
    for c in [0.008_333_334, 0.041_666_668, 0.166_666_67, 0.5, 1.0, 1.0] {
        p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(c));
    }
    _mm512_scalef_ps(p, n)
}

/// 1/d from the 14-bit estimate and one Newton step (about 24 bits).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
fn recip512(d: std::arch::x86_64::__m512) -> std::arch::x86_64::__m512 {
    use std::arch::x86_64::*;
    let r = _mm512_rcp14_ps(d);
    _mm512_mul_ps(r, _mm512_fnmadd_ps(d, r, _mm512_set1_ps(2.0)))
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
fn sigmoid512(x: std::arch::x86_64::__m512) -> std::arch::x86_64::__m512 {
    use std::arch::x86_64::*;
    let one = _mm512_set1_ps(1.0);
    recip512(_mm512_add_ps(
        one,
        exp512(_mm512_sub_ps(_mm512_setzero_ps(), x)),
    ))
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
fn tanh512(x: std::arch::x86_64::__m512) -> std::arch::x86_64::__m512 {
    use std::arch::x86_64::*;
    let one = _mm512_set1_ps(1.0);
    let e = exp512(_mm512_add_ps(x, x));
    _mm512_fnmadd_ps(_mm512_set1_ps(2.0), recip512(_mm512_add_ps(e, one)), one)
}

#[inline(always)]
fn lstm_cell_generic(gates: &[f32], extra: Option<&[f32]>, c: &mut [f32], h: &mut [f32]) {
    let n = c.len();
    let (i_g, rest) = gates[..4 * n].split_at(n);
    let (f_g, rest) = rest.split_at(n);
    let (g_g, o_g) = rest.split_at(n);
    let h = &mut h[..n];
    // Two plain loops rather than one with a branch or a closure: this is
    // the shape the compiler vectorises (exp included).
    match extra {
        Some(e) => {
            let (i_e, rest) = e[..4 * n].split_at(n);
            let (f_e, rest) = rest.split_at(n);
            let (g_e, o_e) = rest.split_at(n);
            for j in 0..n {
                let cj = sigmoid(f_g[j] + f_e[j]) * c[j]
                    + sigmoid(i_g[j] + i_e[j]) * tanh(g_g[j] + g_e[j]);
                c[j] = cj;
                h[j] = sigmoid(o_g[j] + o_e[j]) * tanh(cj);
            }
        }
        None => {
            for j in 0..n {
                let cj = sigmoid(f_g[j]) * c[j] + sigmoid(i_g[j]) * tanh(g_g[j]);
                c[j] = cj;
                h[j] = sigmoid(o_g[j]) * tanh(cj);
            }
        }
    }
}

/// How many blocks of units a layer of `units` is split into: two (one
/// per core) when the count is even, so each core computes the gates and
/// the cell update of its own units with no serial step between them.
pub fn unit_blocks(units: usize) -> usize {
    if units >= 2 && units.is_multiple_of(2) {
        2
    } else {
        1
    }
}

/// The position of gate `q` of unit `j` in the blocked row order the
/// layer kernels use: each block holds the four gates of its units.
pub fn blocked_row(q: usize, j: usize, units: usize) -> usize {
    let per = units / unit_blocks(units);
    let k = j / per;
    k * 4 * per + q * per + (j - k * per)
}

/// One LSTM layer step for several streams: `gates = W·x + bias (+ extra)`
/// then the cell update of `c` and `h` in place. `w` and `bias` are in
/// blocked row order ([`blocked_row`]); each block runs on its own core
/// when the layer is large enough.
pub struct LayerStep<'a> {
    pub kernels: &'a Kernels,
    pub w: Rows<'a>,
    pub cols: usize,
    pub bias: &'a [f32],
    /// One input per stream, at most [`MAX_BATCH`].
    pub xs: &'a [&'a [f32]],
    pub extra: Option<&'a [&'a [f32]]>,
}

impl LayerStep<'_> {
    pub fn run(&self, gates: &mut [Vec<f32>], c: &mut [&mut [f32]], h: &mut [&mut [f32]]) {
        let n = self.xs.len();
        assert!(
            n <= MAX_BATCH && gates.len() >= n && c.len() == n && h.len() == n,
            "a layer step takes up to {MAX_BATCH} streams, each with gates, c and h"
        );
        let units = c.first().map_or(0, |c| c.len());
        let blocks = unit_blocks(units);
        let per = units / blocks;
        // Per-stream views live in arrays on the stack: a step allocates nothing.
        if blocks == 1 {
            let mut g = empty_slices();
            for (slot, gate) in g.iter_mut().zip(&mut gates[..n]) {
                *slot = gate.as_mut_slice();
            }
            self.block(0, per, &mut g[..n], c, h);
            return;
        }
        let (mut g_lo, mut g_hi) = (empty_slices(), empty_slices());
        let (mut c_lo, mut c_hi) = (empty_slices(), empty_slices());
        let (mut h_lo, mut h_hi) = (empty_slices(), empty_slices());
        split_each(&mut gates[..n], 4 * per, &mut g_lo, &mut g_hi);
        split_each(c.iter_mut(), per, &mut c_lo, &mut c_hi);
        split_each(h.iter_mut(), per, &mut h_lo, &mut h_hi);
        let (g_lo, g_hi) = (&mut g_lo[..n], &mut g_hi[..n]);
        let (c_lo, c_hi) = (&mut c_lo[..n], &mut c_hi[..n]);
        let (h_lo, h_hi) = (&mut h_lo[..n], &mut h_hi[..n]);
        if self.bias.len() * self.cols >= PARALLEL_MIN_WEIGHTS && rayon::current_num_threads() > 1 {
            rayon::join(
                || self.block(0, per, g_lo, c_lo, h_lo),
                || self.block(1, per, g_hi, c_hi, h_hi),
            );
        } else {
            self.block(0, per, g_lo, c_lo, h_lo);
            self.block(1, per, g_hi, c_hi, h_hi);
        }
    }

    /// Gates and cell update of unit block `k` (`per` units).
    fn block(
        &self,
        k: usize,
        per: usize,
        gates: &mut [&mut [f32]],
        c: &mut [&mut [f32]],
        h: &mut [&mut [f32]],
    ) {
        let rows = 4 * per;
        let w = self.w.sub(k * rows, rows, self.cols);
        let bias = &self.bias[k * rows..(k + 1) * rows];
        self.kernels
            .product_single(w, self.cols, bias, self.xs, gates);
        for (b, ((g, c), h)) in gates.iter().zip(c.iter_mut()).zip(h.iter_mut()).enumerate() {
            let extra = self.extra.map(|e| &e[b][k * rows..(k + 1) * rows]);
            self.kernels.lstm_cell(g, extra, c, h);
        }
    }
}

/// Splits every buffer at `at` into `lo` and `hi` (as many as both hold).
fn split_each<'a, B: AsMut<[f32]> + ?Sized + 'a>(
    bufs: impl IntoIterator<Item = &'a mut B>,
    at: usize,
    lo: &mut [&'a mut [f32]],
    hi: &mut [&'a mut [f32]],
) {
    for ((buf, l), h) in bufs.into_iter().zip(lo.iter_mut()).zip(hi.iter_mut()) {
        (*l, *h) = buf.as_mut().split_at_mut(at);
    }
}

/// Runs `f` on a worker of the compute pool, so the splits inside it hand
/// half their work to the other worker directly instead of waking the pool
/// from outside for every product.
pub fn on_compute_pool<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    if rayon::current_thread_index().is_some() || rayon::current_num_threads() < 2 {
        f()
    } else {
        rayon::scope(|_| f())
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn sum_avx2(xs: &[f32]) -> f32 {
    sum_generic(xs)
}

#[inline(always)]
fn sum_generic(xs: &[f32]) -> f32 {
    let mut acc = [0.0f32; 16];
    let chunks = xs.chunks_exact(16);
    let rest: f32 = chunks.remainder().iter().sum();
    for c in chunks {
        for i in 0..16 {
            acc[i] += c[i];
        }
    }
    acc.iter().sum::<f32>() + rest
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_exp_sigmoid_and_tanh_match_libm() {
        let mut x = -30.0f32;
        while x < 30.0 {
            let rel = (fast_exp(x) - x.exp()).abs() / x.exp();
            assert!(rel < 1e-6, "exp({x}): {rel}");
            assert!(
                (sigmoid(x) - 1.0 / (1.0 + (-x).exp())).abs() < 1e-6,
                "sigmoid({x})"
            );
            assert!((tanh(x) - x.tanh()).abs() < 1e-6, "tanh({x})");
            x += 0.013;
        }
        assert_eq!(fast_exp(-200.0).min(1e-30), fast_exp(-200.0));
        assert!(fast_exp(200.0).is_finite());
        assert!(tanh(f32::NAN).is_nan() || tanh(f32::NAN).abs() <= 1.0);
    }

    /// Every level this processor runs, set explicitly (not through the
    /// environment) so the tests can run side by side.
    fn every_kernel_set() -> Vec<Kernels> {
        let sets: Vec<Kernels> = SimdLevel::supported()
            .map(|l| Kernels::new(l).unwrap())
            .collect();
        assert_eq!(sets[0].level(), SimdLevel::Portable);
        assert_eq!(sets.last().unwrap().level(), SimdLevel::detected());
        sets
    }

    fn naive(w: &[f32], cols: usize, bias: &[f32], x: &[f32]) -> Vec<f32> {
        (0..bias.len())
            .map(|r| bias[r] + (0..cols).map(|c| w[r * cols + c] * x[c]).sum::<f32>())
            .collect()
    }

    #[test]
    fn matches_naive_product_for_every_batch_size_at_every_level() {
        let (rows, cols) = (13, 37);
        let w: Vec<f32> = (0..rows * cols)
            .map(|i| ((i * 7 % 11) as f32 - 5.0) * 0.1)
            .collect();
        let bias: Vec<f32> = (0..rows).map(|i| i as f32 * 0.01).collect();
        for kernels in every_kernel_set() {
            for batch in 1..=7 {
                let xs: Vec<Vec<f32>> = (0..batch)
                    .map(|b| (0..cols).map(|c| ((b * 3 + c) % 5) as f32 - 2.0).collect())
                    .collect();
                let x_refs: Vec<&[f32]> = xs.iter().map(|x| x.as_slice()).collect();
                let mut outs = vec![vec![0.0; rows]; batch];
                let mut out_refs: Vec<&mut [f32]> =
                    outs.iter_mut().map(|o| o.as_mut_slice()).collect();
                kernels.gemv_rows(&w, cols, &bias, &x_refs, &mut out_refs);
                for b in 0..batch {
                    let expect = naive(&w, cols, &bias, &xs[b]);
                    for r in 0..rows {
                        assert!(
                            (outs[b][r] - expect[r]).abs() < 1e-4,
                            "{} b{b} r{r}",
                            kernels.level()
                        );
                    }
                }
            }
        }
    }

    /// A product large enough to be split over two cores, with more
    /// streams than one stack chunk holds.
    #[test]
    fn split_products_of_more_than_a_chunk_of_streams_match_naive() {
        let (rows, cols) = (130, PARALLEL_MIN_WEIGHTS / 128);
        let w: Vec<f32> = (0..rows * cols)
            .map(|i| ((i * 5 % 17) as f32 - 8.0) * 0.01)
            .collect();
        let bias: Vec<f32> = (0..rows).map(|i| (i % 3) as f32 * 0.5).collect();
        let batch = MAX_BATCH + 5;
        let xs: Vec<Vec<f32>> = (0..batch)
            .map(|b| {
                (0..cols)
                    .map(|c| ((b + c) % 9) as f32 * 0.1 - 0.4)
                    .collect()
            })
            .collect();
        let x_refs: Vec<&[f32]> = xs.iter().map(|x| x.as_slice()).collect();
        for kernels in every_kernel_set() {
            let mut outs = vec![vec![f32::NAN; rows]; batch];
            let mut out_refs: Vec<&mut [f32]> = outs.iter_mut().map(|o| o.as_mut_slice()).collect();
            kernels.gemv_rows(&w, cols, &bias, &x_refs, &mut out_refs);
            for (b, x) in xs.iter().enumerate() {
                let expect = naive(&w, cols, &bias, x);
                for r in 0..rows {
                    assert!(
                        (outs[b][r] - expect[r]).abs() < 1e-3,
                        "{} b{b} r{r}: {} vs {}",
                        kernels.level(),
                        outs[b][r],
                        expect[r]
                    );
                }
            }
        }
    }

    #[test]
    fn the_override_only_lowers_the_instruction_set() {
        use SimdLevel::*;
        assert_eq!(SimdLevel::choose(None, Avx512), Ok(Avx512));
        assert_eq!(SimdLevel::choose(Some("  "), Avx2), Ok(Avx2));
        assert_eq!(SimdLevel::choose(Some("avx2"), Avx512), Ok(Avx2));
        assert_eq!(SimdLevel::choose(Some("PORTABLE"), Avx2), Ok(Portable));
        assert_eq!(SimdLevel::choose(Some("avx512"), Avx512), Ok(Avx512));
        assert_eq!(
            SimdLevel::choose(Some("avx512"), Avx2),
            Err(SimdError::Unsupported {
                asked: Avx512,
                detected: Avx2
            })
        );
        let err = SimdLevel::choose(Some("sse9"), Avx2).unwrap_err();
        assert_eq!(err, SimdError::Unknown("sse9".into()));
        assert!(err.to_string().contains("FABULA_SIMD=\"sse9\""), "{err}");
        assert!(SimdLevel::choose(Some("avx2"), Portable)
            .unwrap_err()
            .to_string()
            .contains("at most portable"));
    }

    #[test]
    fn kernels_exist_only_for_levels_the_processor_runs() {
        for level in SimdLevel::ALL {
            assert_eq!(
                Kernels::new(level).is_some(),
                level <= SimdLevel::detected(),
                "{level}"
            );
        }
        assert!(Kernels::active().level() <= SimdLevel::detected());
    }

    #[test]
    fn blocked_rows_are_a_permutation_keeping_each_units_gates_in_one_block() {
        for units in [1usize, 2, 7, 64, 65] {
            let blocks = unit_blocks(units);
            let per = units / blocks;
            let mut seen = vec![false; 4 * units];
            for q in 0..4 {
                for j in 0..units {
                    let r = blocked_row(q, j, units);
                    assert!(!seen[r], "row {r} twice at {units} units");
                    seen[r] = true;
                    assert_eq!(
                        r / (4 * per),
                        j / per,
                        "gate {q} of unit {j} left its block"
                    );
                }
            }
        }
    }

    #[test]
    fn every_instruction_set_variant_matches_the_generic_kernel() {
        let (rows, cols) = (9, 53);
        let w: Vec<f32> = (0..rows * cols)
            .map(|i| ((i * 5 % 13) as f32 - 6.0) * 0.07)
            .collect();
        let bias: Vec<f32> = (0..rows).map(|i| i as f32 * -0.02).collect();
        for batch in [1usize, 2, 4] {
            let xs: Vec<Vec<f32>> = (0..batch)
                .map(|b| {
                    (0..cols)
                        .map(|c| ((b + 2 * c) % 7) as f32 * 0.3 - 1.0)
                        .collect()
                })
                .collect();
            let x_refs: Vec<&[f32]> = xs.iter().map(|x| x.as_slice()).collect();
            let run = |f: &dyn Fn(&mut [&mut [f32]])| {
                let mut outs = vec![vec![0.0f32; rows]; batch];
                let mut refs: Vec<&mut [f32]> = outs.iter_mut().map(|o| o.as_mut_slice()).collect();
                f(&mut refs);
                outs
            };
            let generic = run(&|o| gemv_rows_generic(&w, cols, &bias, &x_refs, o));
            for kernels in every_kernel_set() {
                let got = run(&|o| kernels.gemv_rows_single(&w, cols, &bias, &x_refs, o));
                let close = got
                    .iter()
                    .flatten()
                    .zip(generic.iter().flatten())
                    .all(|(x, y)| (x - y).abs() < 1e-4);
                assert!(close, "{} differs at batch {batch}", kernels.level());
            }
        }
    }

    #[test]
    fn every_cell_variant_matches_the_generic_cell() {
        for n in [1usize, 5, 16, 37] {
            let gates: Vec<f32> = (0..4 * n)
                .map(|i| ((i * 13 % 29) as f32 - 14.0) * 0.9)
                .collect();
            let extra: Vec<f32> = (0..4 * n)
                .map(|i| ((i * 7 % 11) as f32 - 5.0) * 0.3)
                .collect();
            for ex in [None, Some(extra.as_slice())] {
                let c0: Vec<f32> = (0..n).map(|j| (j as f32 - 3.0) * 0.7).collect();
                let (mut c_ref, mut h_ref) = (c0.clone(), vec![0.0; n]);
                lstm_cell_generic(&gates, ex, &mut c_ref, &mut h_ref);
                for kernels in every_kernel_set() {
                    let (mut c, mut h) = (c0.clone(), vec![0.0; n]);
                    kernels.lstm_cell(&gates, ex, &mut c, &mut h);
                    let level = kernels.level();
                    for j in 0..n {
                        assert!((c[j] - c_ref[j]).abs() < 1e-5, "{level} c[{j}] at {n}");
                        assert!((h[j] - h_ref[j]).abs() < 1e-5, "{level} h[{j}] at {n}");
                    }
                }
            }
        }
    }
}
