//! Matrix-vector kernels for the inference path: each weight row is read
//! once and multiplied with up to four input vectors, so sampling N streams
//! together costs little more memory traffic than one.
//!
//! The loops are written with eight independent accumulators so the
//! compiler vectorises them; an AVX2+FMA build of the same code is chosen at
//! run time where the processor has it.

/// `out[b][r] = bias[r] + dot(w[r], xs[b])` for every row `r` of the
/// row-major matrix `w` (`rows x cols`).
pub fn gemv_rows(w: &[f32], cols: usize, bias: &[f32], xs: &[&[f32]], out: &mut [&mut [f32]]) {
    debug_assert_eq!(xs.len(), out.len());
    #[cfg(target_arch = "x86_64")]
    {
        if std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma") {
            // SAFETY: the features the function is compiled for were just detected.
            unsafe { gemv_rows_avx2(w, cols, bias, xs, out) };
            return;
        }
    }
    gemv_rows_generic(w, cols, bias, xs, out);
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn gemv_rows_avx2(
    w: &[f32],
    cols: usize,
    bias: &[f32],
    xs: &[&[f32]],
    out: &mut [&mut [f32]],
) {
    gemv_rows_generic(w, cols, bias, xs, out);
}

#[inline(always)]
fn gemv_rows_generic(w: &[f32], cols: usize, bias: &[f32], xs: &[&[f32]], out: &mut [&mut [f32]]) {
    let mut start = 0;
    // Groups of four, then two, then one stream: registers hold 4 x 8 accumulators.
    while start < xs.len() {
        let left = xs.len() - start;
        let n = if left >= 4 {
            4
        } else if left >= 2 {
            2
        } else {
            1
        };
        let group = &xs[start..start + n];
        let outs = &mut out[start..start + n];
        match n {
            4 => rows_n::<4>(w, cols, bias, group, outs),
            2 => rows_n::<2>(w, cols, bias, group, outs),
            _ => rows_n::<1>(w, cols, bias, group, outs),
        }
        start += n;
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
    let whole = cols / 8 * 8;
    for r in 0..rows {
        let row = &w[r * cols..(r + 1) * cols];
        let mut acc = [[0.0f32; 8]; N];
        for (k, wc) in row[..whole].chunks_exact(8).enumerate() {
            for b in 0..N {
                let xc = &xs[b][k * 8..k * 8 + 8];
                for i in 0..8 {
                    acc[b][i] += wc[i] * xc[i];
                }
            }
        }
        for b in 0..N {
            let mut sum = bias[r] + acc[b].iter().sum::<f32>();
            for c in whole..cols {
                sum += row[c] * xs[b][c];
            }
            out[b][r] = sum;
        }
    }
}

#[inline]
pub fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_naive_product_for_every_batch_size() {
        let (rows, cols) = (13, 37);
        let w: Vec<f32> = (0..rows * cols)
            .map(|i| ((i * 7 % 11) as f32 - 5.0) * 0.1)
            .collect();
        let bias: Vec<f32> = (0..rows).map(|i| i as f32 * 0.01).collect();
        for batch in 1..=7 {
            let xs: Vec<Vec<f32>> = (0..batch)
                .map(|b| (0..cols).map(|c| ((b * 3 + c) % 5) as f32 - 2.0).collect())
                .collect();
            let x_refs: Vec<&[f32]> = xs.iter().map(|x| x.as_slice()).collect();
            let mut outs = vec![vec![0.0; rows]; batch];
            let mut out_refs: Vec<&mut [f32]> = outs.iter_mut().map(|o| o.as_mut_slice()).collect();
            gemv_rows(&w, cols, &bias, &x_refs, &mut out_refs);
            for b in 0..batch {
                for r in 0..rows {
                    let expect: f32 =
                        bias[r] + (0..cols).map(|c| w[r * cols + c] * xs[b][c]).sum::<f32>();
                    assert!((outs[b][r] - expect).abs() < 1e-4, "b{b} r{r}");
                }
            }
        }
    }
}
