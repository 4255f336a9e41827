//! Extractive summaries from sentence embeddings and lexical overlap.
//!
//! Salience = PageRank centrality on a sentence graph whose edges mix TextRank lexical overlap
//! (`lexical.rs`) with embedding cosine similarity, + cosine similarity to the embedding centroid
//! of the article, + a lead prior `1/sqrt(1 + position)`. Selection is greedy MMR (salience
//! against embedding similarity to what is already chosen), and near duplicates of a chosen
//! sentence are never chosen again. Headlines, and sentences shorter than `min_words`, are not
//! candidates. Weights were chosen on BBC News Summary business+tech (bench/rouge.py): the
//! lexical graph carries most of the signal, embeddings add centroid focus and duplicate control.

use ndarray::{Array1, Array2, ArrayView2};

use crate::error::{Error, Result};
use crate::analysis::lexical;
use crate::text::{Sentence, SentenceKind};

/// How long a summary may be. Exactly one applies.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Budget {
    Sentences(usize),
    Words(usize),
    /// A share of the candidate sentences, rounded up (0 < ratio <= 1).
    Ratio(f64),
}

#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct SummaryWeights {
    /// Weight of lexical overlap edges in the centrality graph.
    pub lexical_graph: f32,
    /// Weight of (non-negative) embedding cosine edges in the centrality graph.
    pub semantic_graph: f32,
    pub centrality: f32,
    pub centroid: f32,
    pub lead: f32,
    /// MMR trade-off: 1 = salience only, lower = more penalty for similarity to chosen sentences.
    pub mmr_lambda: f32,
    /// Sentences at least this similar to a chosen one count as saying the same thing.
    pub duplicate_cosine: f32,
    pub min_words: usize,
}

impl Default for SummaryWeights {
    fn default() -> Self {
        Self {
            lexical_graph: 1.0,
            semantic_graph: 0.25,
            centrality: 1.0,
            centroid: 0.25,
            lead: 0.0,
            mmr_lambda: 1.0,
            duplicate_cosine: 0.9,
            min_words: 5,
        }
    }
}

/// One chosen sentence: its index in the input list and its salience.
#[derive(Debug, Clone, PartialEq)]
pub struct Pick {
    pub sentence: usize,
    pub score: f32,
    /// Other input sentences that say nearly the same (for corpus summaries: corroboration).
    pub duplicates: Vec<usize>,
}

impl Budget {
    pub fn validate(self) -> Result<Self> {
        match self {
            Budget::Ratio(r) if !(r > 0.0 && r <= 1.0) => Err(Error::InvalidInput(format!("ratio must be a number in (0, 1], got {r}"))),
            _ => Ok(self),
        }
    }

    /// The one budget that applies among the caller's options: `max_words` or `ratio` when given
    /// (not both), else `max_sentences`. Counts must be non-negative.
    pub fn from_options(max_sentences: Option<i64>, max_words: Option<i64>, ratio: Option<f64>) -> Result<Self> {
        let count = |name: &str, value: i64| {
            usize::try_from(value).map_err(|_| Error::InvalidInput(format!("{name} must be a non-negative int, got {value}")))
        };
        match (max_sentences, max_words, ratio) {
            (_, Some(_), Some(_)) => Err(Error::InvalidInput("give one length budget: max_words or ratio, not both".into())),
            (_, Some(words), None) => Ok(Budget::Words(count("max_words", words)?)),
            (_, None, Some(ratio)) => Budget::Ratio(ratio).validate(),
            (Some(sentences), None, None) => Ok(Budget::Sentences(count("max_sentences", sentences)?)),
            (None, None, None) => Err(Error::InvalidInput("no length budget: give max_sentences, max_words or ratio".into())),
        }
    }
}

/// Words as a reader counts them: whitespace-separated tokens.
fn word_count(text: &str) -> usize {
    text.split_whitespace().count()
}

/// Which sentences may be chosen: not headlines, and long enough to say something.
pub fn candidates(sentences: &[&Sentence], min_words: usize) -> Vec<usize> {
    (0..sentences.len()).filter(|&i| sentences[i].kind != SentenceKind::Headline && word_count(&sentences[i].text) >= min_words).collect()
}

/// PageRank over a non-negative similarity graph (no self loops), scaled so the maximum is 1.
fn centrality(graph: &Array2<f32>) -> Array1<f32> {
    let n = graph.nrows();
    let mut weights = graph.mapv(|s| s.max(0.0));
    for i in 0..n {
        weights[[i, i]] = 0.0;
    }
    for mut row in weights.rows_mut() {
        let sum = row.sum();
        if sum > 0.0 {
            row /= sum;
        }
    }
    let damping = 0.85f32;
    let mut rank = Array1::from_elem(n, 1.0 / n as f32);
    for _ in 0..40 {
        rank = weights.t().dot(&rank) * damping + (1.0 - damping) / n as f32;
    }
    let max = rank.iter().copied().fold(0.0f32, f32::max);
    if max > 0.0 {
        rank /= max;
    }
    rank
}

/// Salience of each candidate: `texts` and `embeddings` rows are the candidates, `positions`
/// their rank in their own article (0 = first candidate). Also returns the cosine matrix.
pub fn salience(texts: &[&str], embeddings: ArrayView2<f32>, positions: &[usize], weights: &SummaryWeights) -> (Array1<f32>, Array2<f32>) {
    let similarity = embeddings.dot(&embeddings.t());
    let bags: Vec<lexical::Bag> = texts.iter().map(|t| lexical::bag(t)).collect();
    let graph = lexical::overlap_matrix(&bags) * weights.lexical_graph + similarity.mapv(|s| s.max(0.0)) * weights.semantic_graph;
    let central = centrality(&graph);
    let mut centroid = embeddings.mean_axis(ndarray::Axis(0)).unwrap_or_else(|| Array1::zeros(embeddings.ncols()));
    let norm = centroid.dot(&centroid).sqrt().max(1e-12);
    centroid /= norm;
    let to_centroid = embeddings.dot(&centroid);
    let scores = Array1::from_iter((0..embeddings.nrows()).map(|i| {
        weights.centrality * central[i] + weights.centroid * to_centroid[i] + weights.lead / (1.0 + positions[i] as f32).sqrt()
    }));
    (scores, similarity)
}

/// Greedy MMR selection within `budget`; returns picks in order of choice.
pub fn select(scores: &Array1<f32>, similarity: &Array2<f32>, words: &[usize], budget: Budget, weights: &SummaryWeights) -> Vec<Pick> {
    let n = scores.len();
    let max_sentences = match budget {
        Budget::Sentences(k) => k,
        Budget::Words(_) => n,
        Budget::Ratio(r) => ((r * n as f64).ceil() as usize).max(1),
    };
    let mut used_words = 0;
    let mut open: Vec<bool> = vec![true; n];
    let mut picks: Vec<Pick> = Vec::new();
    while picks.len() < max_sentences {
        let best = (0..n)
            .filter(|&i| open[i])
            .map(|i| {
                let redundancy = picks.iter().map(|p| similarity[[i, p.sentence]]).fold(0.0f32, f32::max);
                (i, weights.mmr_lambda * scores[i] - (1.0 - weights.mmr_lambda) * redundancy)
            })
            .max_by(|a, b| a.1.total_cmp(&b.1));
        let Some((i, _)) = best else { break };
        open[i] = false;
        if let Budget::Words(limit) = budget {
            if used_words + words[i] > limit {
                continue; // too long for what is left; a shorter one may still fit
            }
        }
        used_words += words[i];
        let duplicates: Vec<usize> = (0..n).filter(|&j| open[j] && similarity[[i, j]] >= weights.duplicate_cosine).collect();
        for &j in &duplicates {
            open[j] = false;
        }
        picks.push(Pick { sentence: i, score: scores[i], duplicates });
    }
    picks
}

/// Summarise one article: `embeddings` has one row per sentence. Picks index into `sentences`
/// and come back in document order.
pub fn summarize_document(sentences: &[&Sentence], embeddings: ArrayView2<f32>, budget: Budget, weights: &SummaryWeights) -> Vec<Pick> {
    let mut chosen = candidates(sentences, weights.min_words);
    if chosen.is_empty() {
        chosen = candidates(sentences, 2.min(weights.min_words));
    }
    if chosen.is_empty() {
        return Vec::new();
    }
    let rows = embeddings.select(ndarray::Axis(0), &chosen);
    let positions: Vec<usize> = (0..chosen.len()).collect();
    let texts: Vec<&str> = chosen.iter().map(|&i| sentences[i].text.as_str()).collect();
    let (scores, similarity) = salience(&texts, rows.view(), &positions, weights);
    let words: Vec<usize> = chosen.iter().map(|&i| word_count(&sentences[i].text)).collect();
    let mut picks = select(&scores, &similarity, &words, budget, weights);
    for pick in &mut picks {
        pick.sentence = chosen[pick.sentence];
        pick.duplicates = pick.duplicates.iter().map(|&d| chosen[d]).collect();
    }
    picks.sort_by_key(|p| p.sentence);
    picks
}

/// One summary across articles on the same story. `sentences[i]` belongs to article `doc_of[i]`.
/// Near duplicates across articles are collapsed: the most salient copy is chosen and the others
/// are listed in `Pick::duplicates`. Picks come back in order of salience.
pub fn summarize_corpus(sentences: &[&Sentence], doc_of: &[usize], embeddings: ArrayView2<f32>, max_sentences: usize, weights: &SummaryWeights) -> Vec<Pick> {
    let chosen = candidates(sentences, weights.min_words);
    if chosen.is_empty() {
        return Vec::new();
    }
    let mut seen_in_doc: std::collections::HashMap<usize, usize> = std::collections::HashMap::new();
    let positions: Vec<usize> = chosen
        .iter()
        .map(|&i| {
            let counter = seen_in_doc.entry(doc_of[i]).or_insert(0);
            *counter += 1;
            *counter - 1
        })
        .collect();
    let rows = embeddings.select(ndarray::Axis(0), &chosen);
    let texts: Vec<&str> = chosen.iter().map(|&i| sentences[i].text.as_str()).collect();
    let (scores, similarity) = salience(&texts, rows.view(), &positions, weights);
    let words: Vec<usize> = chosen.iter().map(|&i| word_count(&sentences[i].text)).collect();
    let mut picks = select(&scores, &similarity, &words, Budget::Sentences(max_sentences), weights);
    for pick in &mut picks {
        pick.sentence = chosen[pick.sentence];
        // Corroboration means another outlet: drop copies from the same article.
        let own = doc_of[pick.sentence];
        pick.duplicates = pick.duplicates.iter().map(|&d| chosen[d]).filter(|&d| doc_of[d] != own).collect();
    }
    picks
}

#[cfg(test)]
mod tests {
    use ndarray::Array2;

    use super::*;

    fn sentence(index: usize, text: &str, kind: SentenceKind) -> Sentence {
        Sentence { text: text.to_owned(), start: 0, end: text.len(), index, paragraph: index, kind }
    }

    /// One unit row per sentence on its own axis (cosine 0 between any two), except that
    /// `same[i] = Some(j)` gives sentence `i` the row of sentence `j` (cosine 1: a near duplicate).
    fn embeddings(n: usize, same: &[(usize, usize)]) -> Array2<f32> {
        let mut rows = Array2::<f32>::zeros((n, n));
        for i in 0..n {
            rows[[i, i]] = 1.0;
        }
        for &(i, j) in same {
            rows.row_mut(i).fill(0.0);
            rows[[i, j]] = 1.0;
        }
        rows
    }

    fn story() -> Vec<Sentence> {
        vec![
            sentence(0, "Central bank raises interest rates", SentenceKind::Headline),
            sentence(1, "The central bank raised interest rates by half a point on Tuesday.", SentenceKind::Body),
            sentence(2, "Too short.", SentenceKind::Body),
            sentence(3, "Markets fell after the central bank raised interest rates again.", SentenceKind::Body),
            sentence(4, "Economists had expected the bank to hold rates steady this month.", SentenceKind::Body),
            sentence(5, "The governor said inflation remained far above the target.", SentenceKind::Body),
            sentence(6, "Analysts expect further increases in interest rates next year.", SentenceKind::Body),
        ]
    }

    fn run(sentences: &[Sentence], rows: &Array2<f32>, budget: Budget) -> Vec<Pick> {
        let refs: Vec<&Sentence> = sentences.iter().collect();
        summarize_document(&refs, rows.view(), budget, &SummaryWeights::default())
    }

    #[test]
    fn sentence_budget_is_respected_and_picks_come_in_document_order() {
        let sentences = story();
        let rows = embeddings(sentences.len(), &[]);
        for k in 0..=6 {
            let picks = run(&sentences, &rows, Budget::Sentences(k));
            // Five candidates (no headline, no short sentence): never more than that.
            assert_eq!(picks.len(), k.min(5), "budget {k}");
            assert!(picks.windows(2).all(|w| w[0].sentence < w[1].sentence), "budget {k}: {picks:?}");
        }
    }

    #[test]
    fn word_budget_is_respected_and_a_shorter_sentence_can_still_fit() {
        let sentences = story();
        let rows = embeddings(sentences.len(), &[]);
        for limit in [0usize, 9, 10, 12, 20, 25, 40, 1000] {
            let picks = run(&sentences, &rows, Budget::Words(limit));
            let words: usize = picks.iter().map(|p| word_count(&sentences[p.sentence].text)).sum();
            assert!(words <= limit, "limit {limit}: {words} words in {picks:?}");
            let shortest = candidates(&sentences.iter().collect::<Vec<_>>(), 5).iter().map(|&i| word_count(&sentences[i].text)).min();
            if shortest.is_some_and(|s| s <= limit) {
                assert!(!picks.is_empty(), "limit {limit}: some sentence fits");
            }
        }
        assert_eq!(run(&sentences, &rows, Budget::Words(1000)).len(), 5);
    }

    #[test]
    fn ratio_budget_rounds_up_over_the_candidates() {
        let sentences = story();
        let rows = embeddings(sentences.len(), &[]);
        assert_eq!(run(&sentences, &rows, Budget::Ratio(0.5)).len(), 3); // ceil(0.5 * 5)
        assert_eq!(run(&sentences, &rows, Budget::Ratio(0.01)).len(), 1);
        assert_eq!(run(&sentences, &rows, Budget::Ratio(1.0)).len(), 5);
    }

    #[test]
    fn headlines_and_short_sentences_are_never_chosen() {
        let sentences = story();
        // The headline shares the embedding of three body sentences and most of their words: it
        // would be the most central sentence if it were a candidate.
        let rows = embeddings(sentences.len(), &[(1, 0), (3, 0), (6, 0)]);
        let picks = run(&sentences, &rows, Budget::Sentences(100));
        let chosen: Vec<usize> = picks.iter().map(|p| p.sentence).collect();
        assert!(!chosen.contains(&0), "headline chosen: {chosen:?}");
        assert!(!chosen.contains(&2), "short sentence chosen: {chosen:?}");
        assert!(!chosen.is_empty());
    }

    #[test]
    fn near_duplicates_are_picked_once_and_listed_as_duplicates() {
        let sentences = story();
        // Sentences 3 and 6 say the same as 1 (cosine 1 >= duplicate_cosine 0.9).
        let rows = embeddings(sentences.len(), &[(3, 1), (6, 1)]);
        let picks = run(&sentences, &rows, Budget::Sentences(100));
        let chosen: Vec<usize> = picks.iter().map(|p| p.sentence).collect();
        let copies: Vec<usize> = chosen.iter().copied().filter(|i| [1, 3, 6].contains(i)).collect();
        assert_eq!(copies.len(), 1, "one of the three copies, got {chosen:?}");
        let pick = picks.iter().find(|p| p.sentence == copies[0]).map(|p| p.duplicates.clone()).unwrap_or_default();
        let mut expected: Vec<usize> = [1, 3, 6].into_iter().filter(|&i| i != copies[0]).collect();
        let mut got = pick;
        expected.sort_unstable();
        got.sort_unstable();
        assert_eq!(got, expected);
        // The other two candidates are distinct and still chosen.
        assert!(chosen.contains(&4) && chosen.contains(&5), "{chosen:?}");
        assert_eq!(chosen.len(), 3);
    }

    #[test]
    fn lexical_centrality_decides_which_sentence_comes_first_when_embeddings_do_not() {
        let sentences = story();
        let rows = embeddings(sentences.len(), &[]);
        // With orthogonal embeddings the choice is lexical: sentence 4 ("hold rates steady") shares
        // fewer stems with the rest than the interest-rate sentences, so one pick is not sentence 4.
        let picks = run(&sentences, &rows, Budget::Sentences(1));
        assert_eq!(picks.len(), 1);
        assert!([1, 3, 6].contains(&picks[0].sentence), "{picks:?}");
    }

    #[test]
    fn short_only_articles_fall_back_and_headline_only_articles_give_nothing() {
        let short = vec![sentence(0, "Rates rise.", SentenceKind::Body), sentence(1, "Markets fall sharply.", SentenceKind::Body)];
        let picks = run(&short, &embeddings(2, &[]), Budget::Sentences(3));
        assert_eq!(picks.iter().map(|p| p.sentence).collect::<Vec<_>>(), vec![0, 1]);
        let headline = vec![sentence(0, "Central bank raises interest rates", SentenceKind::Headline)];
        assert!(run(&headline, &embeddings(1, &[]), Budget::Sentences(3)).is_empty());
        assert!(run(&[], &Array2::zeros((0, 4)), Budget::Sentences(3)).is_empty());
    }
}
