//! Lexical overlap between sentences: the TextRank similarity (shared content-word stems,
//! normalised by the log lengths of both sentences).
//!
//! Why next to embeddings: on news, sentences that repeat the story's key names and numbers are
//! the ones editors keep, and the embedding model (trained for paraphrase) is blind to exactly
//! that. The summariser mixes both graphs (see `summarize.rs`).

use std::collections::HashSet;
use std::sync::OnceLock;

use ndarray::Array2;
use rust_stemmers::{Algorithm, Stemmer};

const STOPWORDS: &str = include_str!("../data/stopwords_en.txt");

fn stopwords() -> &'static HashSet<&'static str> {
    static WORDS: OnceLock<HashSet<&'static str>> = OnceLock::new();
    WORDS.get_or_init(|| STOPWORDS.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).collect())
}

/// Lower-cased word tokens: runs of letters and digits, keeping an inner apostrophe ("don't").
pub fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_alphanumeric() {
            current.extend(c.to_lowercase());
        } else if (c == '\'' || c == '\u{2019}') && !current.is_empty() && chars.peek().is_some_and(|n| n.is_alphabetic()) {
            current.push('\'');
        } else if !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// A sentence as the overlap measure sees it.
#[derive(Debug, Clone)]
pub struct Bag {
    /// All word tokens, stopwords included (the length normaliser counts them).
    pub length: usize,
    /// Stems of the non-stopword tokens.
    pub stems: HashSet<String>,
}

pub fn bag(text: &str) -> Bag {
    static STEMMER: OnceLock<Stemmer> = OnceLock::new();
    let stemmer = STEMMER.get_or_init(|| Stemmer::create(Algorithm::English));
    let tokens = words(text);
    let stop = stopwords();
    let stems = tokens.iter().filter(|w| !stop.contains(w.as_str())).map(|w| stemmer.stem(w).into_owned()).collect();
    Bag { length: tokens.len(), stems }
}

/// Symmetric overlap matrix, zero diagonal, scaled so its maximum is 1 (all zeros stays zeros).
pub fn overlap_matrix(bags: &[Bag]) -> Array2<f32> {
    let n = bags.len();
    let mut matrix = Array2::<f32>::zeros((n, n));
    for i in 0..n {
        for j in (i + 1)..n {
            let (a, b) = (&bags[i], &bags[j]);
            if a.length < 2 || b.length < 2 {
                continue; // log(1) = 0: a one-word sentence has no meaningful overlap
            }
            let shared = a.stems.intersection(&b.stems).count() as f32;
            let value = shared / ((a.length as f32).ln() + (b.length as f32).ln());
            matrix[[i, j]] = value;
            matrix[[j, i]] = value;
        }
    }
    let max = matrix.iter().copied().fold(0.0f32, f32::max);
    if max > 0.0 {
        matrix /= max;
    }
    matrix
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_keep_inner_apostrophes_and_split_punctuation() {
        assert_eq!(words("Don't stop: U.S. $4.2bn, Rodríguez's"), vec!["don't", "stop", "u", "s", "4", "2bn", "rodríguez's"]);
    }

    #[test]
    fn overlap_counts_shared_stems_not_stopwords() {
        let bags: Vec<Bag> = ["The markets were rising fast", "Rising markets and the banks", "It is what it is"].iter().map(|t| bag(t)).collect();
        let m = overlap_matrix(&bags);
        assert_eq!(m[[0, 1]], 1.0, "two shared stems (market, rise) is the maximum here");
        assert_eq!(m[[0, 2]], 0.0, "only stopwords in common");
        assert_eq!(m[[1, 1]], 0.0);
    }
}
