//! Turning encodings into padded model inputs, and planning batches so that padding stays small.

use tokenizers::Encoding;

/// One model batch: row-major `[rows, cols]` arrays, padded with zeros to the longest row.
#[derive(Debug, Default, Clone)]
pub struct Batch {
    pub ids: Vec<i64>,
    pub mask: Vec<i64>,
    pub type_ids: Vec<i64>,
    pub rows: usize,
    pub cols: usize,
}

impl Batch {
    /// Fill from the given encodings, reusing this batch's buffers.
    pub fn fill<'a>(&mut self, encodings: impl ExactSizeIterator<Item = &'a Encoding> + Clone) -> &Self {
        self.rows = encodings.len();
        self.cols = encodings.clone().map(Encoding::len).max().unwrap_or(0);
        let total = self.rows * self.cols;
        for buffer in [&mut self.ids, &mut self.mask, &mut self.type_ids] {
            buffer.clear();
            buffer.resize(total, 0);
        }
        for (row, enc) in encodings.enumerate() {
            let at = row * self.cols;
            let n = enc.len();
            for (dst, &src) in self.ids[at..at + n].iter_mut().zip(enc.get_ids()) {
                *dst = i64::from(src);
            }
            for (dst, &src) in self.mask[at..at + n].iter_mut().zip(enc.get_attention_mask()) {
                *dst = i64::from(src);
            }
            for (dst, &src) in self.type_ids[at..at + n].iter_mut().zip(enc.get_type_ids()) {
                *dst = i64::from(src);
            }
        }
        self
    }

    pub fn shape(&self) -> [usize; 2] {
        [self.rows, self.cols]
    }
}

/// Group item indices into batches of similar length: sort by length (stable, so ties keep input
/// order), then cut into runs of at most `batch_size` items and at most `max_batch_tokens` padded
/// tokens. Every index appears in exactly one batch.
pub fn plan_batches(lengths: &[usize], batch_size: usize, max_batch_tokens: usize) -> Vec<Vec<usize>> {
    let batch_size = batch_size.max(1);
    let mut order: Vec<usize> = (0..lengths.len()).collect();
    order.sort_by_key(|&i| lengths[i]);
    let mut batches = Vec::new();
    let mut current: Vec<usize> = Vec::with_capacity(batch_size);
    for i in order {
        // Sorted ascending, so the newest item is the longest: the padded size is (n + 1) * len.
        let padded_if_added = (current.len() + 1) * lengths[i];
        if !current.is_empty() && (current.len() == batch_size || padded_if_added > max_batch_tokens) {
            batches.push(std::mem::take(&mut current));
        }
        current.push(i);
    }
    if !current.is_empty() {
        batches.push(current);
    }
    batches
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plan_covers_every_index_once_and_sorts_by_length() {
        let lengths = [5, 1, 9, 3, 3, 7, 2];
        let batches = plan_batches(&lengths, 3, 1000);
        let mut seen: Vec<usize> = batches.iter().flatten().copied().collect();
        assert_eq!(batches.iter().map(Vec::len).collect::<Vec<_>>(), vec![3, 3, 1]);
        let flat_lengths: Vec<usize> = seen.iter().map(|&i| lengths[i]).collect();
        assert!(flat_lengths.windows(2).all(|w| w[0] <= w[1]));
        seen.sort_unstable();
        assert_eq!(seen, (0..lengths.len()).collect::<Vec<_>>());
    }

    #[test]
    fn plan_respects_token_budget() {
        let lengths = [100, 100, 100, 100];
        let batches = plan_batches(&lengths, 64, 250);
        assert!(batches.iter().all(|b| b.len() * 100 <= 250));
        assert_eq!(batches.iter().map(Vec::len).sum::<usize>(), 4);
    }

    #[test]
    fn plan_of_nothing_is_empty() {
        assert!(plan_batches(&[], 8, 100).is_empty());
    }
}
