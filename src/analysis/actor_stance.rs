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

    /// A label as [`StanceLabel::as_str`] writes it.
    pub fn parse(text: &str) -> Result<Self> {
        match text {
            "negative" => Ok(StanceLabel::Negative),
            "neutral" => Ok(StanceLabel::Neutral),
            "positive" => Ok(StanceLabel::Positive),
            other => Err(Error::InvalidInput(format!("a stance label is \"negative\", \"neutral\" or \"positive\", got {other:?}"))),
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
    /// The actor's role as the article states it ("foreign secretary"), when discovered with one.
    pub role: Option<String>,
    pub score: f32,
    pub label: StanceLabel,
    /// Every mention in text order.
    pub mentions: Vec<ScoredMention>,
    /// Indices into `mentions`: the most positive (score > 0), one per sentence, strongest first.
    pub positive_evidence: Vec<usize>,
    /// Indices into `mentions`: the most negative (score < 0), one per sentence, strongest first.
    pub negative_evidence: Vec<usize>,
}

impl ActorStance {
    /// The mention that best justifies the label (index into `mentions`): the strongest in the
    /// label's direction; for a neutral label (or no evidence that way), the mention read most
    /// confidently as neutral, the least polar among equals.
    pub fn headline_evidence(&self) -> Option<usize> {
        headline(self.label, self.positive_evidence.first(), self.negative_evidence.first(), || most_neutral(self.mentions.iter()))
    }
}

fn headline<T: Copy>(label: StanceLabel, positive: Option<&T>, negative: Option<&T>, otherwise: impl FnOnce() -> Option<T>) -> Option<T> {
    match (label, positive, negative) {
        (StanceLabel::Positive, Some(&best), _) | (StanceLabel::Negative, _, Some(&best)) => Some(best),
        _ => otherwise(),
    }
}

/// Position of the mention with the highest P(neutral), the least polar among equals.
fn most_neutral<'a>(mentions: impl Iterator<Item = &'a ScoredMention>) -> Option<usize> {
    mentions
        .enumerate()
        .max_by(|(_, a), (_, b)| a.probabilities[1].total_cmp(&b.probabilities[1]).then_with(|| b.score.abs().total_cmp(&a.score.abs())))
        .map(|(index, _)| index)
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
                role: spec.role.clone(),
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
    /// The mention that best justifies the label, chosen as for one article.
    pub evidence: Option<(usize, usize, usize)>,
    /// Mentions that read positive on their own (score above [`POSITIVE_ABOVE`]).
    pub positive_mentions: usize,
    /// Mentions that read negative on their own (score below [`NEGATIVE_BELOW`]).
    pub negative_mentions: usize,
}

/// What merging actors across articles looks at: the name, the kind and how often it is mentioned.
#[derive(Debug, Clone, Copy)]
pub struct ActorRef<'a> {
    pub name: &'a str,
    pub kind: ActorKind,
    pub mentions: usize,
}

/// Actors of several articles that are one actor across the corpus.
#[derive(Debug, Clone, PartialEq)]
pub struct ActorGroup {
    /// The name shown for the group: a full (multi-word) name, with accents where some article
    /// kept them, from the article that mentions the actor most.
    pub name: String,
    pub kind: ActorKind,
    /// (doc, actor index in that doc), in input order.
    pub members: Vec<(usize, usize)>,
}

fn merge_key(name: &str) -> String {
    fold(name).to_lowercase()
}

/// Which actors of many articles are the same actor: same name (accent- and case-blind), and a
/// one-word person ("Rubio", found with a title only) joins the one multi-word person with that
/// surname. Groups come in order of first appearance.
pub fn group_actors(per_doc: &[Vec<ActorRef<'_>>]) -> Vec<ActorGroup> {
    let mut surnames: HashMap<String, Vec<String>> = HashMap::new();
    for a in per_doc.iter().flatten().filter(|a| a.kind == ActorKind::Person && a.name.split_whitespace().count() > 1) {
        let key = merge_key(a.name);
        let surname = key.split_whitespace().last().unwrap_or("").to_owned();
        let owners = surnames.entry(surname).or_default();
        if !owners.contains(&key) {
            owners.push(key);
        }
    }
    let key_of = |a: &ActorRef<'_>| {
        let key = merge_key(a.name);
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
    order
        .into_iter()
        .filter_map(|key| members.remove(&key))
        .map(|members| {
            let shown = members
                .iter()
                .map(|&(doc, index)| &per_doc[doc][index])
                .max_by_key(|a| (a.name.split_whitespace().count() > 1, a.name.chars().filter(|c| !c.is_ascii()).count(), a.mentions));
            let (name, kind) = shown.map_or((String::new(), ActorKind::Given), |a| (a.name.to_owned(), a.kind));
            ActorGroup { name, kind, members }
        })
        .collect()
}

/// Merge the actors of many articles ([`group_actors`]) and score each merged actor over all its
/// mentions with the same rule as one article. Most mentioned first.
pub fn aggregate_corpus(per_doc: &[&[ActorStance]]) -> Vec<CorpusActorStance> {
    let refs: Vec<Vec<ActorRef<'_>>> =
        per_doc.iter().map(|actors| actors.iter().map(|a| ActorRef { name: &a.name, kind: a.kind, mentions: a.mentions.len() }).collect()).collect();
    let mut out: Vec<CorpusActorStance> = group_actors(&refs)
        .into_iter()
        .map(|group| {
            let actor = |&(doc, index): &(usize, usize)| &per_doc[doc][index];
            // Every mention of the group with where it sits: (doc, actor index, mention index).
            let located: Vec<((usize, usize, usize), &ScoredMention)> = group
                .members
                .iter()
                .flat_map(|&(doc, index)| per_doc[doc][index].mentions.iter().enumerate().map(move |(m, mention)| ((doc, index, m), mention)))
                .collect();
            let score = weighted_score(located.iter().map(|(_, m)| *m));
            let label = StanceLabel::from_score(score);
            let keyed: Vec<((usize, usize), f32)> = located.iter().map(|&((doc, _, _), m)| ((doc, m.mention.sentence), m.score)).collect();
            let positive_evidence: Vec<(usize, usize, usize)> = evidence(&keyed, true).into_iter().map(|i| located[i].0).collect();
            let negative_evidence: Vec<(usize, usize, usize)> = evidence(&keyed, false).into_iter().map(|i| located[i].0).collect();
            let evidence = headline(label, positive_evidence.first(), negative_evidence.first(), || most_neutral(located.iter().map(|(_, m)| *m)).map(|i| located[i].0));
            CorpusActorStance {
                name: group.name,
                kind: group.kind,
                score,
                label,
                mentions: located.len(),
                articles: group
                    .members
                    .iter()
                    .map(|member| {
                        let a = actor(member);
                        ArticleStance { doc: member.0, actor: member.1, score: a.score, label: a.label, mentions: a.mentions.len() }
                    })
                    .collect(),
                positive_evidence,
                negative_evidence,
                evidence,
                positive_mentions: located.iter().filter(|(_, m)| m.score > POSITIVE_ABOVE).count(),
                negative_mentions: located.iter().filter(|(_, m)| m.score < NEGATIVE_BELOW).count(),
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
