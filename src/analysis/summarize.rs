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
