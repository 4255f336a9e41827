//! Stories: which articles of a pile report the same specific event chain (the Yukos tax claim and
//! the Yugansk auction), as opposed to the same topic (two unrelated quarterly results).
//!
//! Each article is reduced to a [`StoryProfile`] from what the analysis already computed: the
//! embeddings of its headline and lead (the annotators judged from "the headline and the first
//! words"), its actors, and the capitalised words of its text. Two articles are *candidates* only
//! when they share a rare name: a capitalised word that at most [`RARE_NAME_SHARE`] of the articles
//! use (at least [`RARE_NAME_MIN_ARTICLES`]). That gate is what tells a story from a topic: on the
//! BBC business stories, 99% of the pairs of one story share such a word, and only a third of the
//! similar-looking pairs of different stories do ("Japan's economy" in two quarters shares
//! "Japan", which every tenth article uses). Candidate pairs form a sparse graph (never all pairs,
//! nor any pair of sentences); average linkage over it, a missing edge counting as similarity 0,
//! merges clusters while their mean similarity reaches [`MERGE_AT`].
//!
//! The weights and the threshold were chosen on the 510 annotated BBC business articles
//! (`data/stories/`) by halves: tuned on the even-numbered articles and scored on the odd ones, and
//! the other way round; both halves chose the same threshold (see `bench/stories.py` for scores).

use std::borrow::Borrow;
use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashMap, HashSet};

use ndarray::{Array1, Array2, ArrayView2};

use crate::analysis::summarize::{self, Pick, SummaryWeights};
use crate::text::Sentence;

/// Sentences, headline included, whose mean embedding is the article's lead.
pub const LEAD_SENTENCES: usize = 4;
/// A name is rare when at most this share of the articles use it...
pub const RARE_NAME_SHARE: f32 = 0.04;
/// ...or at most this many, whichever is more (a small pile has no common names to speak of).
pub const RARE_NAME_MIN_ARTICLES: usize = 20;
/// Weight of the lead-embedding cosine in an edge's similarity.
const LEAD_WEIGHT: f32 = 0.5;
/// Weight of the headline-embedding cosine.
const HEADLINE_WEIGHT: f32 = 0.5;
/// Weight of the shared actors (idf-weighted overlap, 0..1).
const ACTOR_WEIGHT: f32 = 0.6;
/// Clusters merge while the mean similarity between their articles (each capped at 1) is at least this.
pub const MERGE_AT: f32 = 0.7;

/// What grouping needs of one article, plus what its story summary reuses (its read sentences and
/// their embeddings, so that no sentence is encoded twice).
#[derive(Debug, Clone)]
pub struct StoryProfile {
    /// Unit-length mean embedding of the first [`LEAD_SENTENCES`] sentences.
    pub lead: Array1<f32>,
    /// Unit-length embedding of the first sentence (the headline, in most feeds).
    pub headline: Array1<f32>,
    /// Lower-cased capitalised words of the text, once each.
    pub names: Vec<String>,
    /// Lower-cased actor names with their mention counts.
    pub actors: Vec<(String, usize)>,
    /// The read sentences and their embeddings (one row each).
    pub sentences: Vec<Sentence>,
    pub embeddings: Array2<f32>,
}

fn unit(v: Array1<f32>) -> Array1<f32> {
    let norm = v.dot(&v).sqrt();
    if norm > 0.0 {
        v / norm
    } else {
        v
    }
}

/// Capitalised words that are not the first word of their sentence (a sentence starts with a
/// capital whatever it says), and acronyms; single capitals ("I", "A") are not names.
fn capitalised_words(sentences: &[Sentence]) -> Vec<String> {
    let mut out: HashSet<String> = HashSet::new();
    for sentence in sentences {
        let words =
            sentence.text.split(|c: char| !(c.is_alphabetic() || matches!(c, '\'' | '&' | '-'))).filter(|w| w.chars().next().is_some_and(char::is_alphabetic));
        for word in words.skip(1) {
            let mut chars = word.chars();
            let first_upper = chars.next().is_some_and(char::is_uppercase);
            let letters = word.chars().filter(|c| c.is_alphabetic()).count();
            if first_upper && letters > 1 {
                out.insert(word.to_lowercase());
            }
        }
    }
    let mut names: Vec<String> = out.into_iter().collect();
    names.sort_unstable();
    names
}

impl StoryProfile {
    /// Profile of an article from its read sentences, their embeddings (one row each) and its
    /// actors as (name, mentions).
    pub fn new(sentences: Vec<Sentence>, embeddings: Array2<f32>, actors: &[(String, usize)]) -> Self {
        let dim = embeddings.ncols();
        let (lead, headline) = if embeddings.nrows() == 0 {
            (Array1::zeros(dim), Array1::zeros(dim))
        } else {
            let lead_rows = embeddings.slice(ndarray::s![..embeddings.nrows().min(LEAD_SENTENCES), ..]);
            (unit(lead_rows.mean_axis(ndarray::Axis(0)).unwrap_or_else(|| Array1::zeros(dim))), unit(embeddings.row(0).to_owned()))
        };
        let mut merged: HashMap<String, usize> = HashMap::new();
        for (name, mentions) in actors {
            *merged.entry(name.to_lowercase()).or_default() += mentions;
        }
        let mut actors: Vec<(String, usize)> = merged.into_iter().collect();
        actors.sort_unstable();
        Self { lead, headline, names: capitalised_words(&sentences), actors, sentences, embeddings }
    }

    /// A profile for grouping only (no sentences, so no story summary): what travels between
    /// processes, e.g. from Dask workers to the task that groups their articles.
    pub fn for_grouping(lead: Vec<f32>, headline: Vec<f32>, names: Vec<String>, actors: Vec<(String, usize)>) -> Self {
        let dim = lead.len();
        Self { lead: Array1::from(lead), headline: Array1::from(headline), names, actors, sentences: Vec::new(), embeddings: Array2::zeros((0, dim)) }
    }

    /// The embeddings of the read sentences.
    pub fn sentence_embeddings(&self) -> ArrayView2<'_, f32> {
        self.embeddings.view()
    }
}

/// Inverse document frequency of each key over the articles, smoothed: ln(1 + n / articles using
/// it). Unsmoothed, an actor every article names weighs 0, so two articles of a pile of two (or the
/// five seeds) could never share one; on the BBC collection the smoothing costs 0.007 pairwise F1.
fn idf<'a>(keys: impl Iterator<Item = &'a str>, n: usize) -> HashMap<&'a str, f32> {
    let mut df: HashMap<&str, usize> = HashMap::new();
    for key in keys {
        *df.entry(key).or_default() += 1;
    }
    df.into_iter().map(|(k, c)| (k, (n as f32 / c as f32).ln_1p())).collect()
}

/// Shared actors of two articles, 0..1: the idf × log(1 + mentions) mass they share (the smaller
/// side of each shared actor), over the smaller of their total masses.
fn actor_overlap(a: &[(String, usize)], b: &[(String, usize)], idf: &HashMap<&str, f32>) -> f32 {
    let weight = |name: &str, mentions: usize| idf.get(name).copied().unwrap_or(0.0) * (mentions as f32).ln_1p();
    let total = |side: &[(String, usize)]| side.iter().map(|(n, m)| weight(n, *m)).sum::<f32>();
    let lookup: HashMap<&str, usize> = b.iter().map(|(n, m)| (n.as_str(), *m)).collect();
    let shared: f32 = a.iter().filter_map(|(n, m)| lookup.get(n.as_str()).map(|&other| weight(n, *m).min(weight(n, other)))).sum();
    let smaller = total(a).min(total(b));
    if smaller > 0.0 {
        shared / smaller
    } else {
        0.0
    }
}

/// Similarity of two articles, before the cap at 1.
fn similarity(a: &StoryProfile, b: &StoryProfile, actor_idf: &HashMap<&str, f32>) -> f32 {
    LEAD_WEIGHT * a.lead.dot(&b.lead) + HEADLINE_WEIGHT * a.headline.dot(&b.headline) + ACTOR_WEIGHT * actor_overlap(&a.actors, &b.actors, actor_idf)
}

/// The most articles a name may appear in and still be rare, for a pile of `n` articles.
pub fn rare_name_limit(n: usize) -> usize {
    ((RARE_NAME_SHARE * n as f32).round() as usize).max(RARE_NAME_MIN_ARTICLES)
}

/// The candidate pairs (i < j) sharing a rare name, with their similarity capped at 1.
fn candidate_edges<P: Borrow<StoryProfile>>(profiles: &[P]) -> Vec<(usize, usize, f32)> {
    let profiles: Vec<&StoryProfile> = profiles.iter().map(Borrow::borrow).collect();
    let mut by_name: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, p) in profiles.iter().enumerate() {
        for name in &p.names {
            by_name.entry(name.as_str()).or_default().push(i);
        }
    }
    let limit = rare_name_limit(profiles.len());
    let mut pairs: HashSet<(usize, usize)> = HashSet::new();
    for articles in by_name.values().filter(|a| a.len() >= 2 && a.len() <= limit) {
        for (x, &i) in articles.iter().enumerate() {
            for &j in &articles[x + 1..] {
                pairs.insert((i, j));
            }
        }
    }
    let actor_idf = idf(profiles.iter().flat_map(|p| p.actors.iter().map(|(n, _)| n.as_str())), profiles.len());
    let mut edges: Vec<(usize, usize, f32)> = pairs.into_iter().map(|(i, j)| (i, j, similarity(profiles[i], profiles[j], &actor_idf).min(1.0))).collect();
    edges.sort_unstable_by_key(|&(i, j, _)| (i, j));
    edges
}

/// A merge waiting in the heap: the mean similarity of two clusters, stamped with their versions
/// (a merge changes a cluster's version, which makes its older entries stale).
#[derive(PartialEq)]
struct Candidate {
    mean: f32,
    a: usize,
    b: usize,
    versions: (u32, u32),
}

impl Eq for Candidate {}

impl Ord for Candidate {
    fn cmp(&self, other: &Self) -> Ordering {
        // Highest mean first; ties by the lower cluster ids, so that the result is deterministic.
        self.mean.total_cmp(&other.mean).then_with(|| (other.a, other.b).cmp(&(self.a, self.b)))
    }
}

impl PartialOrd for Candidate {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Average linkage over a sparse similarity graph: returns each node's cluster root.
fn average_linkage(n: usize, edges: &[(usize, usize, f32)], merge_at: f32) -> Vec<usize> {
    let mut size = vec![1usize; n];
    let mut version = vec![0u32; n];
    let mut alive = vec![true; n];
    let mut members: Vec<Vec<usize>> = (0..n).map(|i| vec![i]).collect();
    // Sum of the similarities between each pair of clusters that has any edge.
    let mut links: Vec<HashMap<usize, f32>> = vec![HashMap::new(); n];
    for &(i, j, s) in edges {
        *links[i].entry(j).or_default() += s;
        *links[j].entry(i).or_default() += s;
    }
    let mut heap = BinaryHeap::new();
    for &(i, j, s) in edges {
        heap.push(Candidate { mean: s, a: i, b: j, versions: (0, 0) });
    }
    while let Some(Candidate { mean, a, b, versions }) = heap.pop() {
        if mean < merge_at {
            break;
        }
        if !alive[a] || !alive[b] || versions != (version[a], version[b]) {
            continue;
        }
        // Merge b into a.
        alive[b] = false;
        let moved = std::mem::take(&mut links[b]);
        links[a].remove(&b);
        for (c, s) in moved {
            if c == a {
                continue;
            }
            *links[a].entry(c).or_default() += s;
            let back = links[c].remove(&b).unwrap_or(0.0);
            *links[c].entry(a).or_default() += back;
        }
        size[a] += size[b];
        version[a] += 1;
        let taken = std::mem::take(&mut members[b]);
        members[a].extend(taken);
        for (&c, &sum) in &links[a] {
            let mean = sum / (size[a] * size[c]) as f32;
            if mean >= merge_at {
                let (x, y) = if a < c { (a, c) } else { (c, a) };
                heap.push(Candidate { mean, a: x, b: y, versions: (version[x], version[y]) });
            }
        }
    }
    let mut root = vec![0; n];
    for (cluster, list) in members.iter().enumerate().filter(|(c, _)| alive[*c]) {
        for &i in list {
            root[i] = cluster;
        }
    }
    root
}

/// Story of each article, numbered from 0: largest story first, ties by first article.
pub fn group<P: Borrow<StoryProfile>>(profiles: &[P]) -> Vec<usize> {
    let root = average_linkage(profiles.len(), &candidate_edges(profiles), MERGE_AT);
    let mut clusters: HashMap<usize, Vec<usize>> = HashMap::new();
    for (i, &r) in root.iter().enumerate() {
        clusters.entry(r).or_default().push(i);
    }
    let mut ordered: Vec<Vec<usize>> = clusters.into_values().collect();
    ordered.sort_unstable_by(|x, y| y.len().cmp(&x.len()).then(x[0].cmp(&y[0])));
    let mut story = vec![0; profiles.len()];
    for (id, members) in ordered.iter().enumerate() {
        for &i in members {
            story[i] = id;
        }
    }
    story
}

/// One summary across a story's articles (`members`), from their kept sentences and embeddings:
/// the picks, and for each flat sentence index the (member, sentence position) it stands for. A
/// story of more than `max_corpus_sentences` sentences is summarised from its articles nearest its
/// centre (by lead embedding) that fit, so that memory stays bounded however large a story grows.
pub fn summarize_story(
    members: &[&StoryProfile],
    max_sentences: usize,
    max_corpus_sentences: usize,
    weights: &SummaryWeights,
) -> (Vec<Pick>, Vec<(usize, usize)>) {
    let mut order: Vec<usize> = (0..members.len()).collect();
    if members.iter().map(|p| p.sentences.len()).sum::<usize>() > max_corpus_sentences {
        let dim = members.first().map_or(0, |p| p.lead.len());
        let centre = members.iter().fold(Array1::<f32>::zeros(dim), |acc, p| acc + &p.lead);
        order.sort_by(|&a, &b| members[b].lead.dot(&centre).total_cmp(&members[a].lead.dot(&centre)).then(a.cmp(&b)));
        let mut room = max_corpus_sentences;
        order.retain(|&m| {
            let fits = members[m].sentences.len() <= room;
            if fits {
                room -= members[m].sentences.len();
            }
            fits
        });
        order.sort_unstable();
    }
    let located: Vec<(usize, usize)> = order.iter().flat_map(|&m| (0..members[m].sentences.len()).map(move |s| (m, s))).collect();
    let sentences: Vec<&Sentence> = located.iter().map(|&(m, s)| &members[m].sentences[s]).collect();
    let doc_of: Vec<usize> = located.iter().map(|&(m, _)| m).collect();
    let dim = members.first().map_or(0, |p| p.embeddings.ncols());
    let mut embeddings = Array2::<f32>::zeros((located.len(), dim));
    for (row, &(m, s)) in located.iter().enumerate() {
        embeddings.row_mut(row).assign(&members[m].embeddings.row(s));
    }
    let picks = summarize::summarize_corpus(&sentences, &doc_of, embeddings.view(), max_sentences, weights);
    (picks, located)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn average_linkage_merges_only_dense_groups() {
        // 0-1-2 all close; 3 close to 2 only: once 2 has joined {0, 1}, 3's mean similarity to
        // {0, 1, 2} is 0.75 / 3 < 0.7, so it stays alone (single linkage would chain it in).
        let edges = [(0, 1, 0.9), (0, 2, 0.85), (1, 2, 0.85), (2, 3, 0.75)];
        let root = average_linkage(5, &edges, 0.7);
        assert_eq!(root[0], root[1]);
        assert_eq!(root[1], root[2]);
        assert_ne!(root[2], root[3]);
        assert_ne!(root[3], root[4]);
    }

    #[test]
    fn capitalised_words_skip_sentence_starts_and_single_letters() {
        let s = |text: &str| Sentence { text: text.into(), start: 0, end: text.len(), index: 0, paragraph: 0, kind: crate::text::SentenceKind::Body };
        let names = capitalised_words(&[s("The Yukos unit was sold, I said, to Rosneft and OAO.")]);
        assert_eq!(names, vec!["oao", "rosneft", "yukos"]);
    }
}
