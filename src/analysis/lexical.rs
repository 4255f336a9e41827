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
    tokens(text, true)
}

fn tokens(text: &str, lower: bool) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_alphanumeric() {
            if lower {
                current.extend(c.to_lowercase());
            } else {
                current.push(c);
            }
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

/// Latin letters without their accents, so that outlets spelling "Rodríguez" and "Rodriguez" name
/// the same person (only the accented letters of Western European languages; others pass through).
fn fold_accent(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => 'a',
        'ç' | 'č' => 'c',
        'è' | 'é' | 'ê' | 'ë' => 'e',
        'ì' | 'í' | 'î' | 'ï' => 'i',
        'ñ' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' => 'o',
        'ù' | 'ú' | 'û' | 'ü' => 'u',
        'ý' | 'ÿ' => 'y',
        other => other,
    }
}

/// Stems of the names a sentence mentions: capitalised words (not the sentence's first word, which
/// is capitalised anyway) of three letters or more that are not stopwords, accents folded. A cheap
/// stand-in for named entities: what the corpus summary uses to see that a sentence brings a
/// person, place or organisation the chosen bullets have not mentioned yet.
pub fn names(text: &str) -> HashSet<String> {
    static STEMMER: OnceLock<Stemmer> = OnceLock::new();
    let stemmer = STEMMER.get_or_init(|| Stemmer::create(Algorithm::English));
    let stop = stopwords();
    tokens(text, false)
        .into_iter()
        .skip(1)
        .filter(|w| w.chars().next().is_some_and(char::is_uppercase) && w.chars().count() >= 3)
        .map(|w| w.to_lowercase())
        .filter(|w| !stop.contains(w.as_str()))
        .map(|w| stemmer.stem(&w.chars().map(fold_accent).collect::<String>()).into_owned())
        .collect()
}

/// Overlap of rare words: the IDF mass (over `bags`) of the stems two sentences share, over the
/// IDF mass of the smaller sentence, in [0, 1]. Unlike `overlap_matrix`, words every sentence of
/// the set uses ("Venezuela" in a story about Venezuela) count for almost nothing, so a high value
/// means two sentences share what is specific to them: the mark of a paraphrase of one claim.
pub fn rare_overlap_matrix(bags: &[Bag]) -> Array2<f32> {
    let n = bags.len();
    let mut df: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for bag in bags {
        for stem in &bag.stems {
            *df.entry(stem.as_str()).or_insert(0) += 1;
        }
    }
    let idf = |stem: &str| df.get(stem).map_or(0.0, |&c| (n as f32 / c as f32).ln());
    let mass: Vec<f32> = bags.iter().map(|b| b.stems.iter().map(|s| idf(s)).sum()).collect();
    let mut matrix = Array2::<f32>::zeros((n, n));
    for i in 0..n {
        for j in (i + 1)..n {
            let smaller = mass[i].min(mass[j]);
            if smaller <= 0.0 {
                continue;
            }
            let shared: f32 = bags[i].stems.intersection(&bags[j].stems).map(|s| idf(s)).sum();
            matrix[[i, j]] = shared / smaller;
            matrix[[j, i]] = shared / smaller;
        }
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

    #[test]
    fn names_skip_the_first_word_and_fold_accents() {
        let found = names("Against this, Marco Rubio met María Corina Machado and the US.");
        assert!(found.contains("machado") && found.contains("maria") && found.contains("rubio"), "{found:?}");
        assert!(!found.contains("against"), "the first word is capitalised by position, not as a name");
        assert!(!found.contains("us"), "two letters: too short to tell a name from an acronym of a common word");
        assert_eq!(names("Rodríguez met Rodriguez"), ["rodriguez".to_string()].into_iter().collect());
    }

    #[test]
    fn rare_overlap_ignores_words_every_sentence_shares() {
        let bags: Vec<Bag> =
            ["Venezuela talks on drug trafficking", "Venezuela opens drug trafficking talks", "Venezuela oil output fell"].iter().map(|t| bag(t)).collect();
        let m = rare_overlap_matrix(&bags);
        assert!(m[[0, 1]] > 0.9, "{m:?}");
        assert_eq!(m[[0, 2]], 0.0, "only 'venezuela' in common, which all three share");
    }
}
