//! Run the model once per distinct input. News corpora repeat themselves (wire copy printed by
//! several outlets, boilerplate lines, quotes carried from story to story): 268 of the 8,525
//! sentences of BBC business are exact repeats. Embedding or scoring a repeat again costs a full
//! model pass and gives the same numbers, so callers work on the distinct inputs and spread the
//! rows back.

use std::collections::HashMap;
use std::hash::Hash;

use ndarray::{Array2, Axis};

/// The distinct items in first-seen order, and for every input position the index of its item
/// among them.
pub struct Distinct<T> {
    pub items: Vec<T>,
    pub index_of: Vec<usize>,
}

impl<T: Eq + Hash + Copy> Distinct<T> {
    pub fn of(inputs: impl IntoIterator<Item = T>) -> Self {
        let mut first_seen: HashMap<T, usize> = HashMap::new();
        let mut items = Vec::new();
        let index_of = inputs
            .into_iter()
            .map(|item| {
                *first_seen.entry(item).or_insert_with(|| {
                    items.push(item);
                    items.len() - 1
                })
            })
            .collect();
        Self { items, index_of }
    }

    /// One row per input position, copied from the row of `per_item` that belongs to its item.
    pub fn spread(&self, per_item: Array2<f32>) -> Array2<f32> {
        if self.items.len() == self.index_of.len() {
            return per_item; // nothing repeated: the rows are already in input order
        }
        per_item.select(Axis(0), &self.index_of)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn repeats_map_to_their_first_occurrence() {
        let distinct = Distinct::of(["a", "b", "a", "c", "b"]);
        assert_eq!(distinct.items, vec!["a", "b", "c"]);
        assert_eq!(distinct.index_of, vec![0, 1, 0, 2, 1]);
    }

    #[test]
    fn spread_restores_input_order() {
        let distinct = Distinct::of([7, 9, 7]);
        let rows = distinct.spread(array![[1.0, 2.0], [3.0, 4.0]]);
        assert_eq!(rows, array![[1.0, 2.0], [3.0, 4.0], [1.0, 2.0]]);
    }

    #[test]
    fn nothing_in_nothing_out() {
        let distinct = Distinct::<&str>::of([]);
        assert!(distinct.items.is_empty());
        assert_eq!(distinct.spread(Array2::zeros((0, 3))).nrows(), 0);
    }
}
