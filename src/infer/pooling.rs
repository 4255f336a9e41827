//! Pure numeric steps after the model: masked mean pooling, L2 normalisation, softmax.

/// Mean of `hidden` (`[rows, seq, dim]`, row-major) over the positions where `mask` is 1, then
/// L2-normalised (as sentence-transformers does, with the norm clamped at 1e-12). Row `r` of the
/// batch is written to row `r` of `out` (row-major, `dim` wide, `rows` rows).
pub fn mean_pool_normalized(hidden: &[f32], [rows, seq, dim]: [usize; 3], mask: &[i64], out: &mut [f32]) {
    for (r, target) in out.chunks_mut(dim).enumerate().take(rows) {
        target.iter_mut().for_each(|v| *v = 0.0);
        let mut count = 0.0f32;
        for t in 0..seq {
            if mask[r * seq + t] == 0 {
                continue;
            }
            count += 1.0;
            let token = &hidden[(r * seq + t) * dim..(r * seq + t + 1) * dim];
            for (acc, &x) in target.iter_mut().zip(token) {
                *acc += x;
            }
        }
        let count = count.max(1e-9);
        target.iter_mut().for_each(|v| *v /= count);
        let norm = target.iter().map(|v| v * v).sum::<f32>().sqrt().max(1e-12);
        target.iter_mut().for_each(|v| *v /= norm);
    }
}

/// Softmax of one row of logits, in place, stable against large values.
pub fn softmax_in_place(row: &mut [f32]) {
    let max = row.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let mut sum = 0.0;
    for v in row.iter_mut() {
        *v = (*v - max).exp();
        sum += *v;
    }
    row.iter_mut().for_each(|v| *v /= sum);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pooling_ignores_padding_and_normalises() {
        // One row, three positions, dim 2; the third position is padding and must not count.
        let hidden = [1.0, 0.0, 3.0, 4.0, 100.0, 100.0];
        let mask = [1, 1, 0];
        let mut out = vec![9.0f32; 2];
        mean_pool_normalized(&hidden, [1, 3, 2], &mask, &mut out);
        // mean = (2, 2) -> normalised (0.7071, 0.7071).
        assert!((out[0] - std::f32::consts::FRAC_1_SQRT_2).abs() < 1e-6);
        assert!((out[1] - std::f32::consts::FRAC_1_SQRT_2).abs() < 1e-6);
    }

    #[test]
    fn softmax_sums_to_one_and_survives_large_logits() {
        let mut row = [1000.0, 1001.0, 999.0];
        softmax_in_place(&mut row);
        assert!((row.iter().sum::<f32>() - 1.0).abs() < 1e-6);
        assert!(row[1] > row[0] && row[0] > row[2]);
    }
}
