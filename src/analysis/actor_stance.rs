//! From scored mentions to a stance per actor: per article, and merged across a corpus.
//!
//! A mention's score is P(positive) − P(negative) from the target-sentiment model; its weight is
//! the model's confidence (the largest class probability), so hedged readings count less. An
//! actor's score is the weighted mean over its mentions, in [-1, 1], and its label is
//! positive above [`POSITIVE_ABOVE`], negative below [`NEGATIVE_BELOW`], neutral in between.

use std::collections::HashMap;

use ndarray::ArrayView2;
use serde::Serialize;

use crate::actors::tokens::fold;
use crate::actors::{ActorKind, ActorSpec, Mention};
use crate::error::{Error, Result};

/// Scores above this are labelled positive. NewsMTSC-trained models give clearly neutral mentions
/// |score| < 0.1; 0.15 leaves room for a mix of neutral and mildly coloured mentions.
pub const POSITIVE_ABOVE: f32 = 0.15;
pub const NEGATIVE_BELOW: f32 = -0.15;
/// Evidence sentences kept per direction.
pub const EVIDENCE_PER_SIDE: usize = 3;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum StanceLabel {
    Negative,
    Neutral,
    Positive,
}

impl StanceLabel {
    pub fn from_score(score: f32) -> Self {
        if score > POSITIVE_ABOVE {
            StanceLabel::Positive
        } else if score < NEGATIVE_BELOW {
            StanceLabel::Negative
        } else {
            StanceLabel::Neutral
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            StanceLabel::Negative => "negative",
            StanceLabel::Neutral => "neutral",
            StanceLabel::Positive => "positive",
        }
    }
}

/// Where negative, neutral and positive sit in the model's output.
#[derive(Debug, Clone, Copy)]
pub struct LabelIndex {
    negative: usize,
    neutral: usize,
    positive: usize,
}

impl LabelIndex {
    pub fn from_labels(model: &str, labels: &[String]) -> Result<Self> {
        let find = |name: &str| {
            labels.iter().position(|l| l.eq_ignore_ascii_case(name)).ok_or_else(|| {
                Error::contract(model, format!("its labels are {labels:?}; presslens needs `negative`, `neutral` and `positive` (config.json id2label)"))
            })
        };
        Ok(Self { negative: find("negative")?, neutral: find("neutral")?, positive: find("positive")? })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScoredMention {
    pub mention: Mention,
    /// P(negative), P(neutral), P(positive).
    pub probabilities: [f32; 3],
    /// P(positive) − P(negative).
    pub score: f32,
    /// The largest class probability: the weight of this mention in its actor's score.
    pub confidence: f32,
}

impl ScoredMention {
    pub fn new(mention: Mention, row: &[f32], labels: LabelIndex) -> Self {
        let probabilities = [row[labels.negative], row[labels.neutral], row[labels.positive]];
        let confidence = probabilities.iter().copied().fold(0.0f32, f32::max);
        Self { mention, probabilities, score: probabilities[2] - probabilities[0], confidence }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActorStance {
    pub name: String,
    pub kind: ActorKind,
    pub score: f32,
    pub label: StanceLabel,
    /// Every mention in text order.
    pub mentions: Vec<ScoredMention>,
    /// Indices into `mentions`: the most positive (score > 0), one per sentence, strongest first.
    pub positive_evidence: Vec<usize>,
    /// Indices into `mentions`: the most negative (score < 0), one per sentence, strongest first.
    pub negative_evidence: Vec<usize>,
}

/// Confidence-weighted mean score; 0 for no mentions.
pub fn weighted_score<'a>(mentions: impl IntoIterator<Item = &'a ScoredMention>) -> f32 {
    let (sum, weight) = mentions.into_iter().fold((0.0f32, 0.0f32), |(s, w), m| (s + m.confidence * m.score, w + m.confidence));
    if weight > 0.0 {
        (sum / weight).clamp(-1.0, 1.0)
    } else {
        0.0
    }
}

/// Strongest mentions in one direction, at most one per sentence (key), strongest first.
fn evidence<K: PartialEq + Copy>(scores: &[(K, f32)], positive: bool) -> Vec<usize> {
    let mut order: Vec<usize> = (0..scores.len()).filter(|&i| if positive { scores[i].1 > 0.0 } else { scores[i].1 < 0.0 }).collect();
    order.sort_by(|&a, &b| if positive { scores[b].1.total_cmp(&scores[a].1) } else { scores[a].1.total_cmp(&scores[b].1) });
    let mut seen: Vec<K> = Vec::new();
    order
        .into_iter()
        .filter(|&i| {
            let fresh = !seen.contains(&scores[i].0);
            if fresh {
                seen.push(scores[i].0);
            }
            fresh
        })
        .take(EVIDENCE_PER_SIDE)
        .collect()
}

/// One article: `probabilities` has one row per mention, in the model's label order. Actors without
/// mentions are left out; the rest come most mentioned first.
pub fn aggregate(actors: &[ActorSpec], mentions: Vec<Mention>, probabilities: ArrayView2<f32>, labels: LabelIndex) -> Vec<ActorStance> {
    let mut per_actor: Vec<Vec<ScoredMention>> = vec![Vec::new(); actors.len()];
    for (mention, row) in mentions.into_iter().zip(probabilities.rows()) {
        let actor = mention.actor;
        let row: Vec<f32> = row.to_vec();
        if let Some(list) = per_actor.get_mut(actor) {
            list.push(ScoredMention::new(mention, &row, labels));
        }
    }
    let mut out: Vec<ActorStance> = actors
        .iter()
        .zip(per_actor)
        .filter(|(_, mentions)| !mentions.is_empty())
        .map(|(spec, mentions)| {
            let score = weighted_score(&mentions);
            let keyed: Vec<(usize, f32)> = mentions.iter().map(|m| (m.mention.sentence, m.score)).collect();
            ActorStance {
                name: spec.name.clone(),
                kind: spec.kind,
                score,
                label: StanceLabel::from_score(score),
                positive_evidence: evidence(&keyed, true),
                negative_evidence: evidence(&keyed, false),
                mentions,
            }
        })
        .collect();
    out.sort_by(|a, b| b.mentions.len().cmp(&a.mentions.len()).then_with(|| a.name.cmp(&b.name)));
    out
}

/// One actor's standing in one article of a corpus.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ArticleStance {
    pub doc: usize,
    /// Index into that article's actor list.
    pub actor: usize,
    pub score: f32,
    pub label: StanceLabel,
    pub mentions: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CorpusActorStance {
    pub name: String,
    pub kind: ActorKind,
    pub score: f32,
    pub label: StanceLabel,
    pub mentions: usize,
    pub articles: Vec<ArticleStance>,
    /// (doc, actor index in that doc, mention index): the strongest across the corpus.
    pub positive_evidence: Vec<(usize, usize, usize)>,
    pub negative_evidence: Vec<(usize, usize, usize)>,
}

fn merge_key(name: &str) -> String {
    fold(name).to_lowercase()
}

/// Merge the actors of many articles: same name (accent- and case-blind), and a one-word person
/// ("Rubio", found with a title only) joins the one multi-word person with that surname.
pub fn aggregate_corpus(per_doc: &[&[ActorStance]]) -> Vec<CorpusActorStance> {
    let mut surnames: HashMap<String, Vec<String>> = HashMap::new();
    for actors in per_doc {
        for a in actors.iter().filter(|a| a.kind == ActorKind::Person && a.name.split_whitespace().count() > 1) {
            let key = merge_key(&a.name);
            let surname = key.split_whitespace().last().unwrap_or("").to_owned();
            let owners = surnames.entry(surname).or_default();
            if !owners.contains(&key) {
                owners.push(key);
            }
        }
    }
    let key_of = |a: &ActorStance| {
        let key = merge_key(&a.name);
        if a.kind == ActorKind::Person && !key.contains(' ') {
            if let Some([only]) = surnames.get(&key).map(Vec::as_slice) {
                return only.clone();
            }
        }
        key
    };
    let mut order: Vec<String> = Vec::new();
    let mut members: HashMap<String, Vec<(usize, usize)>> = HashMap::new();
    for (doc, actors) in per_doc.iter().enumerate() {
        for (index, actor) in actors.iter().enumerate() {
            let key = key_of(actor);
            if !members.contains_key(&key) {
                order.push(key.clone());
            }
            members.entry(key).or_default().push((doc, index));
        }
    }
    let mut out: Vec<CorpusActorStance> = order
        .iter()
        .map(|key| {
            let parts = &members[key];
            let actor = |&(doc, index): &(usize, usize)| &per_doc[doc][index];
            // Display a full (multi-word) name, with its accents where some article kept them, from
            // the article that mentions the actor most.
            let display = parts.iter().map(actor).max_by_key(|a| (a.name.split_whitespace().count() > 1, a.name.chars().filter(|c| !c.is_ascii()).count(), a.mentions.len())).map(|a| (a.name.clone(), a.kind));
            let (name, kind) = display.unwrap_or_else(|| (String::new(), ActorKind::Given));
            let all: Vec<&ScoredMention> = parts.iter().flat_map(|p| actor(p).mentions.iter()).collect();
            let score = weighted_score(all.iter().copied());
            let keyed: Vec<((usize, usize), f32)> =
                parts.iter().flat_map(|&(doc, index)| per_doc[doc][index].mentions.iter().map(move |m| ((doc, m.mention.sentence), m.score))).collect();
            let locate: Vec<(usize, usize, usize)> = parts.iter().flat_map(|&(doc, index)| (0..per_doc[doc][index].mentions.len()).map(move |m| (doc, index, m))).collect();
            CorpusActorStance {
                name,
                kind,
                score,
                label: StanceLabel::from_score(score),
                mentions: all.len(),
                articles: parts.iter().map(|&(doc, index)| {
                    let a = actor(&(doc, index));
                    ArticleStance { doc, actor: index, score: a.score, label: a.label, mentions: a.mentions.len() }
                }).collect(),
                positive_evidence: evidence(&keyed, true).into_iter().map(|i| locate[i]).collect(),
                negative_evidence: evidence(&keyed, false).into_iter().map(|i| locate[i]).collect(),
            }
        })
        .collect();
    out.sort_by(|a, b| b.mentions.cmp(&a.mentions).then_with(|| a.name.cmp(&b.name)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mention(actor: usize, sentence: usize) -> Mention {
        Mention { actor, sentence, start: 0, end: 1, text: "x".into() }
    }

    #[test]
    fn confidence_weighted_mean_and_labels() {
        let labels = LabelIndex::from_labels("m", &["negative".into(), "neutral".into(), "positive".into()]).unwrap_or_else(|e| panic!("{e}"));
        let probs = ndarray::array![[0.9f32, 0.05, 0.05], [0.1, 0.3, 0.6], [0.2, 0.6, 0.2]];
        let actors = vec![ActorSpec::given("A", Vec::<String>::new()), ActorSpec::given("B", Vec::<String>::new())];
        let out = aggregate(&actors, vec![mention(0, 0), mention(0, 1), mention(1, 2)], probs.view(), labels);
        let a = &out[0];
        let expected = (0.9 * -0.85 + 0.6 * 0.5) / (0.9 + 0.6);
        assert!((a.score - expected).abs() < 1e-6, "{} vs {expected}", a.score);
        assert_eq!(a.label, StanceLabel::Negative);
        assert_eq!((a.positive_evidence.clone(), a.negative_evidence.clone()), (vec![1], vec![0]));
        assert_eq!(out[1].label, StanceLabel::Neutral);
        assert!(LabelIndex::from_labels("m", &["a".into(), "b".into(), "c".into()]).is_err());
    }
}
