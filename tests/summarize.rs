//! Selection logic on small hand-made embeddings (no model needed).

use _native::{select, Budget, SummaryWeights};
use ndarray::{arr1, arr2};

#[test]
fn selection_respects_budgets_and_skips_near_duplicates() {
    // Sentences 0 and 1 are the same direction (duplicates); 2 and 3 differ.
    let similarity = arr2(&[[1.0, 0.99, 0.1, 0.2], [0.99, 1.0, 0.1, 0.2], [0.1, 0.1, 1.0, 0.3], [0.2, 0.2, 0.3, 1.0]]);
    let scores = arr1(&[0.9, 0.85, 0.5, 0.4]);
    let words = [10, 10, 30, 5];
    let weights = SummaryWeights::default();
    let picks = select(&scores, &similarity, &words, Budget::Sentences(3), &weights);
    let chosen: Vec<usize> = picks.iter().map(|p| p.sentence).collect();
    assert_eq!(chosen, vec![0, 2, 3], "the duplicate of the best sentence is skipped");
    assert_eq!(picks[0].duplicates, vec![1]);
    let by_words = select(&scores, &similarity, &words, Budget::Words(16), &weights);
    assert_eq!(by_words.iter().map(|p| p.sentence).collect::<Vec<_>>(), vec![0, 3], "a 30-word sentence does not fit in 16 words");
    assert_eq!(select(&scores, &similarity, &words, Budget::Ratio(0.5), &weights).len(), 2);
    assert!(select(&scores, &similarity, &words, Budget::Sentences(0), &weights).is_empty());
    assert!(Budget::Ratio(0.0).validate().is_err());
}
