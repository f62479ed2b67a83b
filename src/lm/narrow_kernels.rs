//! Matrix-vector products with bf16 or int8 weights ([`super::weights`]):
//! each weight is widened to f32 in registers and multiplied with f32
//! inputs, so a product reads half or a quarter of the bytes of the f32
//! kernels and accumulates exactly like them. The same row-at-a-time,
//! up-to-four-streams shape as [`super::kernels`].
//!
//! Only widening instructions of AVX2 are used. Processors with AVX-512
//! BF16 or VNNI have dot-product instructions that would also round the
//! inputs to bf16 or int8; they are not used (and could not be tested on
//! the machines this was built on), so the inputs stay f32 everywhere.

use super::kernels::{check_shapes as check, stream_groups};

pub type GemvBf16Fn = unsafe fn(&[u16], usize, &[f32], &[&[f32]], &mut [&mut [f32]]);
pub type GemvI8Fn = unsafe fn(&[i8], &[f32], usize, &[f32], &[&[f32]], &mut [&mut [f32]]);

/// `out[b][r] = bias[r] + dot(w[r], xs[b])`, `w` in bf16.
pub fn gemv_bf16_generic(
    w: &[u16],
    cols: usize,
    bias: &[f32],
    xs: &[&[f32]],
    out: &mut [&mut [f32]],
) {
    groups_generic(w, None, cols, bias, xs, out);
}

/// `out[b][r] = bias[r] + scale[r] * dot(q[r], xs[b])`.
pub fn gemv_i8_generic(
    q: &[i8],
    scale: &[f32],
    cols: usize,
    bias: &[f32],
    xs: &[&[f32]],
    out: &mut [&mut [f32]],
) {
    groups_generic(q, Some(scale), cols, bias, xs, out);
}

/// The streams in groups of the kernel widths (four, two, one).
#[inline(always)]
fn groups_generic<T: Widen>(
    w: &[T],
    scale: Option<&[f32]>,
    cols: usize,
    bias: &[f32],
    xs: &[&[f32]],
    out: &mut [&mut [f32]],
) {
    if let Some(s) = scale {
        assert!(s.len() >= bias.len(), "one scale per row");
    }
    for (start, n) in stream_groups(xs.len()) {
        let (group, outs) = (&xs[start..start + n], &mut out[start..start + n]);
        match n {
            4 => rows_generic::<4, T>(w, scale, cols, bias, group, outs),
            2 => rows_generic::<2, T>(w, scale, cols, bias, group, outs),
            _ => rows_generic::<1, T>(w, scale, cols, bias, group, outs),
        }
    }
}

/// A stored weight widened to f32.
trait Widen: Copy {
    fn widen(self) -> f32;
}

impl Widen for u16 {
    #[inline(always)]
    fn widen(self) -> f32 {
        f32::from_bits((self as u32) << 16)
    }
}

impl Widen for i8 {
    #[inline(always)]
    fn widen(self) -> f32 {
        self as f32
    }
}

#[inline(always)]
fn rows_generic<const N: usize, T: Widen>(
    w: &[T],
    scale: Option<&[f32]>,
    cols: usize,
    bias: &[f32],
    xs: &[&[f32]],
    out: &mut [&mut [f32]],
) {
    let rows = bias.len();
    check(w.len(), cols, rows, xs, out, N);
    let whole = cols / 8 * 8;
    let x: [&[f32]; N] = std::array::from_fn(|b| &xs[b][..cols]);
    for r in 0..rows {
        let row = &w[r * cols..(r + 1) * cols];
        let mut acc = [[0.0f32; 8]; N];
        for k in (0..whole).step_by(8) {
            let wc: [f32; 8] = std::array::from_fn(|i| row[k + i].widen());
            for b in 0..N {
                for i in 0..8 {
                    acc[b][i] += wc[i] * x[b][k + i];
                }
            }
        }
        let s = scale.map_or(1.0, |s| s[r]);
        for b in 0..N {
            let mut dot = acc[b].iter().sum::<f32>();
            for c in whole..cols {
                dot += row[c].widen() * x[b][c];
            }
            out[b][r] = bias[r] + s * dot;
        }
    }
}

#[cfg(target_arch = "x86_64")]
pub use avx2::{gemv_bf16_avx2, gemv_i8_avx2};

#[cfg(target_arch = "x86_64")]
mod avx2 {
    use std::arch::x86_64::*;

    use super::{check, stream_groups};

    /// [`super::gemv_bf16_generic`] with AVX2 and FMA.
    ///
    /// # Safety
    /// The processor must have AVX2 and FMA (a [`crate::lm::kernels::Kernels`]
    /// is only made for a level it runs).
    #[target_feature(enable = "avx2,fma")]
    pub unsafe fn gemv_bf16_avx2(
        w: &[u16],
        cols: usize,
        bias: &[f32],
        xs: &[&[f32]],
        out: &mut [&mut [f32]],
    ) {
        groups::<Bf16>(w, None, cols, bias, xs, out);
    }

    /// [`super::gemv_i8_generic`] with AVX2 and FMA.
    ///
    /// # Safety
    /// As [`gemv_bf16_avx2`].
    #[target_feature(enable = "avx2,fma")]
    pub unsafe fn gemv_i8_avx2(
        q: &[i8],
        scale: &[f32],
        cols: usize,
        bias: &[f32],
        xs: &[&[f32]],
        out: &mut [&mut [f32]],
    ) {
        groups::<I8>(q, Some(scale), cols, bias, xs, out);
    }

    /// The streams in groups of the kernel widths (four, two, one).
    #[target_feature(enable = "avx2,fma")]
    unsafe fn groups<L: Load16>(
        w: &[L::Elem],
        scale: Option<&[f32]>,
        cols: usize,
        bias: &[f32],
        xs: &[&[f32]],
        out: &mut [&mut [f32]],
    ) {
        if let Some(s) = scale {
            assert!(s.len() >= bias.len(), "one scale per row");
        }
        for (start, n) in stream_groups(xs.len()) {
            let (group, outs) = (&xs[start..start + n], &mut out[start..start + n]);
            match n {
                4 => rows::<4, L>(w, scale, cols, bias, group, outs),
                2 => rows::<2, L>(w, scale, cols, bias, group, outs),
                _ => rows::<1, L>(w, scale, cols, bias, group, outs),
            }
        }
    }

    /// How one stored format loads 16 weights as two f32 vectors.
    trait Load16 {
        type Elem: Copy;
        /// SAFETY: `p` points at 16 readable elements.
        unsafe fn load16(p: *const Self::Elem) -> (__m256, __m256);
        fn scalar(e: Self::Elem) -> f32;
    }

    struct Bf16;
    struct I8;

    impl Load16 for Bf16 {
        type Elem = u16;
        #[inline(always)]
        unsafe fn load16(p: *const u16) -> (__m256, __m256) {
            // bf16 is the top half of an f32: zero-extend and shift up.
            let v = _mm256_loadu_si256(p as *const __m256i);
            let lo = _mm256_cvtepu16_epi32(_mm256_castsi256_si128(v));
            let hi = _mm256_cvtepu16_epi32(_mm256_extracti128_si256(v, 1));
            (
                _mm256_castsi256_ps(_mm256_slli_epi32(lo, 16)),
                _mm256_castsi256_ps(_mm256_slli_epi32(hi, 16)),
            )
        }
        fn scalar(e: u16) -> f32 {
            f32::from_bits((e as u32) << 16)
        }
    }

    impl Load16 for I8 {
        type Elem = i8;
        #[inline(always)]
        unsafe fn load16(p: *const i8) -> (__m256, __m256) {
            let v = _mm_loadu_si128(p as *const __m128i);
            let lo = _mm256_cvtepi8_epi32(v);
            let hi = _mm256_cvtepi8_epi32(_mm_srli_si128(v, 8));
            (_mm256_cvtepi32_ps(lo), _mm256_cvtepi32_ps(hi))
        }
        fn scalar(e: i8) -> f32 {
            e as f32
        }
    }

    #[inline(always)]
    fn hsum(v: __m256) -> f32 {
        // SAFETY: only called from functions compiled with AVX2.
        unsafe {
            let lo = _mm256_castps256_ps128(v);
            let hi = _mm256_extractf128_ps(v, 1);
            let s = _mm_add_ps(lo, hi);
            let s = _mm_add_ps(s, _mm_movehl_ps(s, s));
            let s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 1));
            _mm_cvtss_f32(s)
        }
    }

    /// Two accumulators per stream hide the FMA latency; each 16 weights
    /// are widened once for all N streams.
    #[target_feature(enable = "avx2,fma")]
    unsafe fn rows<const N: usize, L: Load16>(
        w: &[L::Elem],
        scale: Option<&[f32]>,
        cols: usize,
        bias: &[f32],
        xs: &[&[f32]],
        out: &mut [&mut [f32]],
    ) {
        let rows = bias.len();
        check(w.len(), cols, rows, xs, out, N);
        let whole16 = cols / 16 * 16;
        let x: [*const f32; N] = std::array::from_fn(|b| xs[b].as_ptr());
        for r in 0..rows {
            let row = w.as_ptr().add(r * cols);
            let mut a0: [__m256; N] = [_mm256_setzero_ps(); N];
            let mut a1: [__m256; N] = [_mm256_setzero_ps(); N];
            let mut k = 0;
            // SAFETY (all loads): k + 16 <= cols, within the row (w.len() >=
            // rows * cols) and every x[b] (checked above).
            while k < whole16 {
                let (w0, w1) = L::load16(row.add(k));
                for b in 0..N {
                    a0[b] = _mm256_fmadd_ps(w0, _mm256_loadu_ps(x[b].add(k)), a0[b]);
                    a1[b] = _mm256_fmadd_ps(w1, _mm256_loadu_ps(x[b].add(k + 8)), a1[b]);
                }
                k += 16;
            }
            let s = scale.map_or(1.0, |s| s[r]);
            for b in 0..N {
                let mut dot = hsum(_mm256_add_ps(a0[b], a1[b]));
                for c in whole16..cols {
                    dot += L::scalar(*row.add(c)) * *x[b].add(c);
                }
                out[b][r] = bias[r] + s * dot;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::kernels::{Kernels, SimdLevel};
    use super::super::weights::{Matrix, WeightFormat};

    /// A deterministic spread of values in -1..1.
    fn values(n: usize, seed: u32) -> Vec<f32> {
        let mut x = seed.wrapping_mul(2_654_435_761).max(1);
        (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                (x % 20_001) as f32 / 10_000.0 - 1.0
            })
            .collect()
    }

    #[test]
    fn narrow_products_match_the_rounded_weights_at_every_level_and_batch() {
        // Odd sizes reach every tail: cols not a multiple of 8 or 16, rows
        // enough to be split over two cores.
        for (rows, cols) in [(5, 3), (37, 45), (130, 2100)] {
            let w = values(rows * cols, 7);
            let bias = values(rows, 11);
            for format in [WeightFormat::Bf16, WeightFormat::Int8] {
                let m = Matrix::new(&w, rows, cols, format);
                for level in SimdLevel::supported() {
                    let k = Kernels::new(level).unwrap();
                    for n in [1, 2, 3, 4, 5, 9] {
                        let xs: Vec<Vec<f32>> =
                            (0..n).map(|b| values(cols, 100 + b as u32)).collect();
                        let x_refs: Vec<&[f32]> = xs.iter().map(|x| x.as_slice()).collect();
                        let mut outs = vec![vec![0.0; rows]; n];
                        let mut o: Vec<&mut [f32]> =
                            outs.iter_mut().map(|o| o.as_mut_slice()).collect();
                        k.product(m.all_rows(), cols, &bias, &x_refs, &mut o);
                        for (b, out) in outs.iter().enumerate() {
                            for r in 0..rows {
                                let want: f32 = bias[r]
                                    + (0..cols).map(|c| m.get(r, c) * xs[b][c]).sum::<f32>();
                                assert!(
                                    (out[r] - want).abs() <= 1e-4 * (1.0 + want.abs()),
                                    "{format} {level} {rows}x{cols} batch {n}: row {r} {} vs {want}",
                                    out[r]
                                );
                            }
                        }
                    }
                }
            }
        }
    }
}
