//! From scored mentions to a stance per actor: per article, and merged across a corpus.
//!
//! A mention's score is P(positive) − P(negative) from the target-sentiment model. The actor's
//! score ([`stance_score`]) is the rule fitted to annotated article-level judgements (issue 18):
//!
//! 1. Mentions are grouped by sentence: one sentence is one piece of evidence however many times it
//!    names the actor (a sentence naming "Creative" and "Creative Zen" is not twice the evidence),
//!    and its score is the mean of its mentions' scores.
//! 2. `score = Σ sentence scores / (sentences + PRIOR_SENTENCES)`: [`PRIOR_SENTENCES`] neutral
//!    pseudo-sentences shrink thin evidence toward 0, so one polar sentence, however strong, leaves
//!    an actor neutral and only repeated, one-sided evidence labels it.
//! 3. Positive above [`POSITIVE_ABOVE`], negative below [`NEGATIVE_BELOW`], neutral in between
//!    ([`StanceLabel::from_score`]): an actor is labelled when its net sentence evidence exceeds
//!    1 + 0.1 × its number of sentences.
//!
//! The corpus score ([`aggregate_corpus`]) is the same rule over all mentions of all the articles'
//! merged actors, a sentence being (article, sentence index).
//!
//! Properties (pinned by the tests): the score is in (−1, 1); it increases strictly with every
//! mention's score; a positive label needs some positive mention and a negative label some negative
//! one, so the strongest mention in the label's direction is always there to show as evidence.
//!
//! The model's confidence is not a weight: cross-validation preferred the unweighted sentence means
//! (the confidence-weighted mean at ±0.15 that this replaces had out-of-fold accuracy 0.519 and
//! macro-F1 0.489 against 0.759 / 0.606). The Python reference of this rule, which the constants
//! were fitted with, is `train/stance_labels/rule.py`; keep the two in step.

use std::collections::HashMap;
use std::hash::Hash;

use ndarray::ArrayView2;
use serde::Serialize;

use crate::actors::tokens::fold;
use crate::actors::{ActorKind, ActorSpec, Mention, Via};
use crate::error::{Error, Result};

// The three constants of the stance rule, chosen together by `train/stance_labels/fit.py`: 8-fold
// cross-validation grouped by article on the 108 agreed actors of `data/actor_stance/dev.jsonl`
// (given-actor mode, presslens 822e487), family "neutral prior"; pooled out-of-fold accuracy 0.759,
// macro-F1 0.606; these are its fit on all 108 (`train/stance_labels/params.json`, `cv.json`).

/// Neutral pseudo-sentences added to every actor's evidence. CV grid {0, 1, 2, 3, 4, 6, 8, 10, 12,
/// 16}; the folds chose 10 (five folds), 12 (two) or 16 (one).
pub const PRIOR_SENTENCES: f32 = 10.0;
/// Actor scores above this are labelled positive (CV grid 0.025 to 0.5 by 0.025; the folds chose
/// 0.075 to 0.1).
pub const POSITIVE_ABOVE: f32 = 0.1;
/// Actor scores below this are labelled negative (same grid; the folds chose −0.075 to −0.125).
pub const NEGATIVE_BELOW: f32 = -0.1;
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
    /// An actor's label from its [`stance_score`]: the rule's thresholds. Not for one mention's
    /// score, which is on another scale (no shrinkage): see [`ScoredMention::label`].
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
    /// The largest class probability (reported; the actor's score does not weight by it).
    pub confidence: f32,
}

impl ScoredMention {
    /// A mention and its row of model probabilities (all NaN for a mention left unscored: see
    /// `PipelineOptions::score_references`; its score and confidence are NaN too).
    pub fn new(mention: Mention, row: &[f32], labels: LabelIndex) -> Self {
        let probabilities = [row[labels.negative], row[labels.neutral], row[labels.positive]];
        let confidence = if probabilities.iter().any(|p| p.is_nan()) { f32::NAN } else { probabilities.iter().copied().fold(0.0f32, f32::max) };
        Self { mention, probabilities, score: probabilities[2] - probabilities[0], confidence }
    }

    /// Whether the mention weighs in its actor's score and can be its evidence: only mentions by
    /// name do. Pronoun and description mentions (issue 28) are listed and scored but left out of
    /// the rule: on the actor_stance dev set, weighting them like names lowered the out-of-fold
    /// labels (issue 18's experiment; `docs/experiments/coref_results.md`).
    pub fn counts(&self) -> bool {
        self.mention.via == Via::Name
    }

    /// How this mention reads on its own: the model's most probable class, neutral on a tie (what a
    /// corpus actor's polar-mention counts count). The actor thresholds do not apply to one mention:
    /// they are fitted to a score shrunk toward 0 by [`PRIOR_SENTENCES`]. As a mention classifier
    /// on NewsMTSC dev the most probable class beats every score threshold tried
    /// (`train/stance_labels/experiments/polar_mentions.py`: accuracy 0.765 / 0.843 on dev_mt /
    /// dev_rw, against 0.715 / 0.781 for ±0.1 and 0.738 / 0.816 for the old ±0.15).
    pub fn label(&self) -> StanceLabel {
        let [negative, neutral, positive] = self.probabilities;
        if positive > negative && positive > neutral {
            StanceLabel::Positive
        } else if negative > positive && negative > neutral {
            StanceLabel::Negative
        } else {
            StanceLabel::Neutral
        }
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

    /// Mentions by name: what orders actors ("most mentioned first"), merges them across articles
    /// and groups stories, as before pronouns and descriptions were listed.
    pub fn name_mentions(&self) -> usize {
        self.mentions.iter().filter(|m| m.counts()).count()
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
        .filter(|(_, m)| m.counts())
        .max_by(|(_, a), (_, b)| a.probabilities[1].total_cmp(&b.probabilities[1]).then_with(|| b.score.abs().total_cmp(&a.score.abs())))
        .map(|(index, _)| index)
}

/// The stance rule (see the module doc): `(sentence, score)` per mention, a sentence being any key
/// (its index in one article, (article, index) across a corpus), gives the actor's score, 0 for no
/// mentions. Scores are P(positive) − P(negative), in [-1, 1]: the pipeline checks at load that
/// its model gives finite probabilities, and mentions built in Python are checked where they are
/// converted; a score outside that range is clamped into it.
pub fn stance_score<K: Eq + Hash + Copy>(mentions: impl IntoIterator<Item = (K, f32)>) -> f32 {
    // Sentences in first-mention order, so the sum (and its rounding) does not depend on hashing.
    let mut slot: HashMap<K, usize> = HashMap::new();
    let mut sums: Vec<(f32, u32)> = Vec::new();
    for (key, score) in mentions {
        let at = *slot.entry(key).or_insert_with(|| {
            sums.push((0.0, 0));
            sums.len() - 1
        });
        if let Some(entry) = sums.get_mut(at) {
            entry.0 += score.clamp(-1.0, 1.0);
            entry.1 += 1;
        }
    }
    let evidence: f32 = sums.iter().map(|&(sum, count)| sum / count.max(1) as f32).sum();
    (evidence / (sums.len() as f32 + PRIOR_SENTENCES)).clamp(-1.0, 1.0)
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
/// mentions are left out; the rest come most mentioned (by name) first.
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
            let counted: Vec<usize> = (0..mentions.len()).filter(|&i| mentions[i].counts()).collect();
            let keyed: Vec<(usize, f32)> = counted.iter().map(|&i| (mentions[i].mention.sentence, mentions[i].score)).collect();
            let score = stance_score(keyed.iter().copied());
            ActorStance {
                name: spec.name.clone(),
                kind: spec.kind,
                role: spec.role.clone(),
                score,
                label: StanceLabel::from_score(score),
                positive_evidence: evidence(&keyed, true).into_iter().map(|k| counted[k]).collect(),
                negative_evidence: evidence(&keyed, false).into_iter().map(|k| counted[k]).collect(),
                mentions,
            }
        })
        .collect();
    out.sort_by(|a, b| b.name_mentions().cmp(&a.name_mentions()).then_with(|| a.name.cmp(&b.name)));
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
    /// Mentions by name that read positive on their own ([`ScoredMention::label`]: the model's most
    /// probable class is positive).
    pub positive_mentions: usize,
    /// Mentions by name that read negative on their own (most probable class negative).
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
    /// The name shown for the group: its longest name (the full name its short forms end), with
    /// accents where some article kept them, from the article that mentions it most.
    pub name: String,
    pub kind: ActorKind,
    /// (doc, actor index in that doc), in input order.
    pub members: Vec<(usize, usize)>,
}

fn merge_key(name: &str) -> String {
    fold(name).to_lowercase()
}

/// Which actors of many articles are the same actor: same name (accent- and case-blind), and a
/// person named by the tail of one longer person's name ("Rubio", "Von der Leyen") joins that
/// person; a tail that several full names share stays apart. A place joins the one longer place
/// that is it plus geographic feature words ("Caribbean" and "Caribbean Sea"); other longer places
/// it starts stay apart (over 911 BBC articles joining every such place joined Texas to Texas City
/// and Asia to Asia Pacific). Groups come in order of first appearance.
pub fn group_actors(per_doc: &[Vec<ActorRef<'_>>]) -> Vec<ActorGroup> {
    // Every proper word-suffix of a multi-word person's name, with the full names it ends.
    let mut tails: HashMap<String, Vec<String>> = HashMap::new();
    for a in per_doc.iter().flatten().filter(|a| a.kind == ActorKind::Person) {
        let key = merge_key(a.name);
        let words: Vec<&str> = key.split_whitespace().collect();
        for i in 1..words.len() {
            let owners = tails.entry(words[i..].join(" ")).or_default();
            if !owners.contains(&key) {
                owners.push(key.clone());
            }
        }
    }
    // "Leyen" ends both "Ursula von der Leyen" and "Von der Leyen", which is itself her short form.
    for owners in tails.values_mut() {
        let longest: Vec<String> = owners.iter().filter(|o| !owners.iter().any(|p| p.len() > o.len() && p.ends_with(&format!(" {o}")))).cloned().collect();
        *owners = longest;
    }
    let places = longer_places(per_doc);
    let key_of = |a: &ActorRef<'_>| {
        let key = merge_key(a.name);
        match (a.kind, tails.get(&key).map(Vec::as_slice), places.get(&key).map(Vec::as_slice)) {
            (ActorKind::Person, Some([only]), _) | (ActorKind::Place, _, Some([only])) => only.clone(),
            _ => key,
        }
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
                .max_by_key(|a| (a.name.split_whitespace().count(), a.name.chars().filter(|c| !c.is_ascii()).count(), a.mentions));
            let (name, kind) = shown.map_or((String::new(), ActorKind::Given), |a| (a.name.to_owned(), a.kind));
            ActorGroup { name, kind, members }
        })
        .collect()
}

/// For each place name, the longer place names that are it plus geographic feature words only
/// ("caribbean" -> ["caribbean sea"], `src/data/geographic_features.txt`): a reader takes them for
/// one place. A short form that starts several such names ("Gulf" of two gulfs) joins none.
fn longer_places(per_doc: &[Vec<ActorRef<'_>>]) -> HashMap<String, Vec<String>> {
    let features = &crate::actors::lexicon::lexicon().geographic_features;
    let mut out: HashMap<String, Vec<String>> = HashMap::new();
    for a in per_doc.iter().flatten().filter(|a| a.kind == ActorKind::Place) {
        let key = merge_key(a.name);
        let words: Vec<&str> = key.split_whitespace().collect();
        // The shortest head first: "pacific" of "pacific ocean", not of "pacific ocean region".
        let Some(cut) = (1..words.len()).find(|&i| words[i..].iter().all(|w| features.contains(*w))) else { continue };
        let owners = out.entry(words[..cut].join(" ")).or_default();
        if !owners.contains(&key) {
            owners.push(key);
        }
    }
    out
}

/// Merge the actors of many articles ([`group_actors`]) and score each merged actor over all its
/// mentions with the same rule as one article ([`stance_score`], a sentence being (article,
/// sentence index)). Most mentioned first.
pub fn aggregate_corpus(per_doc: &[&[ActorStance]]) -> Vec<CorpusActorStance> {
    let refs: Vec<Vec<ActorRef<'_>>> =
        per_doc.iter().map(|actors| actors.iter().map(|a| ActorRef { name: &a.name, kind: a.kind, mentions: a.name_mentions() }).collect()).collect();
    // Each merged actor with its mentions by name, which order the table.
    let mut out: Vec<(usize, CorpusActorStance)> = group_actors(&refs)
        .into_iter()
        .map(|group| {
            let actor = |&(doc, index): &(usize, usize)| &per_doc[doc][index];
            let all_mentions: usize = group.members.iter().map(|&(doc, index)| per_doc[doc][index].mentions.len()).sum();
            // The mentions that weigh in the score (by name), with where each sits.
            let located: Vec<((usize, usize, usize), &ScoredMention)> = group
                .members
                .iter()
                .flat_map(|&(doc, index)| per_doc[doc][index].mentions.iter().enumerate().map(move |(m, mention)| ((doc, index, m), mention)))
                .filter(|(_, mention)| mention.counts())
                .collect();
            let keyed: Vec<((usize, usize), f32)> = located.iter().map(|&((doc, _, _), m)| ((doc, m.mention.sentence), m.score)).collect();
            let score = stance_score(keyed.iter().copied());
            let label = StanceLabel::from_score(score);
            let positive_evidence: Vec<(usize, usize, usize)> = evidence(&keyed, true).into_iter().map(|i| located[i].0).collect();
            let negative_evidence: Vec<(usize, usize, usize)> = evidence(&keyed, false).into_iter().map(|i| located[i].0).collect();
            let evidence =
                headline(label, positive_evidence.first(), negative_evidence.first(), || most_neutral(located.iter().map(|(_, m)| *m)).map(|i| located[i].0));
            let by_name = located.len();
            let table_row = CorpusActorStance {
                name: group.name,
                kind: group.kind,
                score,
                label,
                mentions: all_mentions,
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
                positive_mentions: located.iter().filter(|(_, m)| m.label() == StanceLabel::Positive).count(),
                negative_mentions: located.iter().filter(|(_, m)| m.label() == StanceLabel::Negative).count(),
            };
            (by_name, table_row)
        })
        .collect();
    out.sort_by(|(a_named, a), (b_named, b)| b_named.cmp(a_named).then_with(|| a.name.cmp(&b.name)));
    out.into_iter().map(|(_, actor)| actor).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels() -> LabelIndex {
        LabelIndex::from_labels("m", &["negative".into(), "neutral".into(), "positive".into()]).unwrap_or_else(|e| panic!("{e}"))
    }

    fn mention(actor: usize, sentence: usize) -> Mention {
        Mention { actor, sentence, start: 0, end: 1, text: "x".into(), via: Via::Name }
    }

    /// A mention in sentence `sentence` with P(negative), P(neutral), P(positive).
    fn scored(sentence: usize, probabilities: [f32; 3]) -> ScoredMention {
        ScoredMention::new(mention(0, sentence), &probabilities, labels())
    }

    /// The rule over (doc, sentence, score) triples.
    fn rule(mentions: &[(usize, usize, f32)]) -> (f32, StanceLabel) {
        let score = stance_score(mentions.iter().map(|&(doc, sentence, score)| ((doc, sentence), score)));
        (score, StanceLabel::from_score(score))
    }

    #[test]
    fn score_is_the_shrunk_sum_of_sentence_means() {
        // Sentence 0: mean of +0.9 and +0.5 = +0.7; sentence 3: −0.2; 2 sentences + 10 pseudo ones.
        let (score, label) = rule(&[(0, 0, 0.9), (0, 3, -0.2), (0, 0, 0.5)]);
        assert!((score - (0.7 - 0.2) / 12.0).abs() < 1e-6, "{score}");
        assert_eq!(label, StanceLabel::Neutral);
        assert_eq!(rule(&[]), (0.0, StanceLabel::Neutral));
    }

    #[test]
    fn in_range_even_for_extreme_evidence() {
        for n in [1usize, 2, 5, 50, 5000] {
            for s in [-1.0f32, -0.5, 0.0, 0.5, 1.0] {
                let mentions: Vec<_> = (0..n).map(|i| (0, i, s)).collect();
                let (score, _) = rule(&mentions);
                assert!(score.abs() < 1.0 && score.abs() <= s.abs(), "n={n} s={s} -> {score}");
            }
        }
        // Out-of-range scores are clamped, not amplified.
        assert!((rule(&[(0, 0, 7.0)]).0 - 1.0 / 11.0).abs() < 1e-6);
    }

    #[test]
    fn monotone_in_every_mention_score() {
        let base = [(0, 0, -0.4f32), (0, 1, 0.3), (0, 1, 0.1), (1, 0, 0.8)];
        let (before, _) = rule(&base);
        for i in 0..base.len() {
            let mut raised = base;
            raised[i].2 = (raised[i].2 + 0.2).min(1.0);
            let (after, _) = rule(&raised);
            assert!(after > before, "raising mention {i} moved the score from {before} to {after}");
            let mut lowered = base;
            lowered[i].2 = (lowered[i].2 - 0.2).max(-1.0);
            assert!(rule(&lowered).0 < before, "lowering mention {i} did not lower the score");
        }
    }

    #[test]
    fn one_polar_sentence_stays_neutral() {
        // A mildly polar mention, and one read as strongly as the model can.
        assert_eq!(rule(&[(0, 0, 0.5)]).1, StanceLabel::Neutral);
        assert_eq!(rule(&[(0, 0, -1.0), (0, 1, 0.0)]).1, StanceLabel::Neutral);
        // Repeating the actor's name in the same sentence adds no evidence.
        assert_eq!(rule(&[(0, 4, 0.95), (0, 4, 0.95), (0, 4, 0.95)]).1, StanceLabel::Neutral);
    }

    #[test]
    fn strong_repeated_evidence_flips() {
        assert_eq!(rule(&[(0, 0, -0.9), (0, 2, -0.85), (0, 5, 0.0)]).1, StanceLabel::Negative);
        assert_eq!(rule(&[(0, 1, 0.9), (0, 2, 0.8), (0, 7, 0.85)]).1, StanceLabel::Positive);
        // The same sentence index in two articles is two sentences (corpus level).
        assert_eq!(rule(&[(0, 0, 0.9), (1, 0, 0.9), (2, 0, 0.9)]).1, StanceLabel::Positive);
        assert_eq!(rule(&[(0, 0, 0.9), (0, 0, 0.9), (0, 0, 0.9)]).1, StanceLabel::Neutral);
        // Balanced evidence stays neutral.
        assert_eq!(rule(&[(0, 0, 0.9), (0, 1, -0.9), (0, 2, 0.9), (0, 3, -0.9)]).1, StanceLabel::Neutral);
    }

    #[test]
    fn a_polar_label_has_a_mention_in_its_direction_to_show() {
        let cases: Vec<Vec<(usize, usize, f32)>> = vec![
            vec![(0, 0, 0.9), (0, 1, 0.9), (0, 2, -0.1)],
            vec![(0, 0, -0.9), (0, 1, -0.7), (0, 2, 0.3), (0, 3, -0.8)],
            (0..30).map(|i| (0, i, if i % 3 == 0 { -0.2 } else { 0.6 })).collect(),
        ];
        for mentions in cases {
            match rule(&mentions).1 {
                StanceLabel::Positive => assert!(mentions.iter().any(|x| x.2 > 0.0)),
                StanceLabel::Negative => assert!(mentions.iter().any(|x| x.2 < 0.0)),
                StanceLabel::Neutral => panic!("case meant to be polar: {mentions:?}"),
            }
        }
    }

    #[test]
    fn labels_at_the_thresholds() {
        assert_eq!(StanceLabel::from_score(0.1), StanceLabel::Neutral);
        assert_eq!(StanceLabel::from_score(0.1001), StanceLabel::Positive);
        assert_eq!(StanceLabel::from_score(-0.1), StanceLabel::Neutral);
        assert_eq!(StanceLabel::from_score(-0.1001), StanceLabel::Negative);
        assert_eq!(StanceLabel::from_score(f32::NAN), StanceLabel::Neutral);
    }

    #[test]
    fn a_mention_reads_as_its_most_probable_class() {
        assert_eq!(scored(0, [0.1, 0.2, 0.7]).label(), StanceLabel::Positive);
        assert_eq!(scored(0, [0.6, 0.3, 0.1]).label(), StanceLabel::Negative);
        // Score +0.4, above the actor threshold, but the model reads it as neutral.
        assert_eq!(scored(0, [0.05, 0.5, 0.45]).label(), StanceLabel::Neutral);
        assert_eq!(scored(0, [0.4, 0.2, 0.4]).label(), StanceLabel::Neutral);
    }

    #[test]
    fn aggregate_scores_each_actor_by_the_rule() {
        let probs = ndarray::array![
            [0.9f32, 0.05, 0.05], // A, sentence 0: −0.85
            [0.7, 0.2, 0.1],      // A, sentence 0: −0.6
            [0.1, 0.3, 0.6],      // A, sentence 1: +0.5
            [0.02, 0.08, 0.9],    // B, sentence 2: +0.88
            [0.05, 0.1, 0.85],    // B, sentence 3: +0.8
            [0.05, 0.15, 0.8],    // B, sentence 5: +0.75
        ];
        let actors = vec![ActorSpec::given("A", Vec::<String>::new()), ActorSpec::given("B", Vec::<String>::new())];
        let mentions = vec![mention(0, 0), mention(0, 0), mention(0, 1), mention(1, 2), mention(1, 3), mention(1, 5)];
        let out = aggregate(&actors, mentions, probs.view(), labels());
        let a = out.iter().find(|x| x.name == "A").unwrap_or_else(|| panic!("no A"));
        let expected = ((-0.85 - 0.6) / 2.0 + 0.5) / (2.0 + PRIOR_SENTENCES);
        assert!((a.score - expected).abs() < 1e-6, "{} vs {expected}", a.score);
        assert_eq!(a.label, StanceLabel::Neutral);
        // One negative pick per sentence: the −0.6 in sentence 0 is shadowed by the −0.85.
        assert_eq!((a.positive_evidence.clone(), a.negative_evidence.clone()), (vec![2], vec![0]));
        // Neutral: the headline is the mention read most confidently as neutral.
        assert_eq!(a.headline_evidence(), Some(2));
        let b = out.iter().find(|x| x.name == "B").unwrap_or_else(|| panic!("no B"));
        assert!((b.score - (0.88 + 0.8 + 0.75) / 13.0).abs() < 1e-6, "{}", b.score);
        assert_eq!(b.label, StanceLabel::Positive);
        assert_eq!(b.headline_evidence(), Some(0));
        assert!(LabelIndex::from_labels("m", &["a".into(), "b".into(), "c".into()]).is_err());
    }

    fn actor(name: &str, kind: ActorKind, mentions: Vec<ScoredMention>) -> ActorStance {
        let score = stance_score(mentions.iter().map(|m| (m.mention.sentence, m.score)));
        ActorStance {
            name: name.into(),
            kind,
            role: None,
            score,
            label: StanceLabel::from_score(score),
            mentions,
            positive_evidence: Vec::new(),
            negative_evidence: Vec::new(),
        }
    }

    #[test]
    fn aggregate_corpus_merges_by_surname_and_scores_all_mentions_by_the_rule() {
        let docs = [
            vec![
                actor(
                    "Marco Rubio",
                    ActorKind::Person,
                    vec![
                        scored(0, [0.05, 0.05, 0.9]), // +0.85
                        scored(0, [0.1, 0.2, 0.7]),   // +0.6, same sentence
                        scored(3, [0.05, 0.5, 0.45]), // +0.4, but most probably neutral
                    ],
                ),
                actor("Acme", ActorKind::Organization, vec![scored(1, [0.8, 0.1, 0.1])]), // −0.7
            ],
            vec![
                actor("Acme", ActorKind::Organization, vec![scored(0, [0.7, 0.2, 0.1])]), // −0.6
                actor(
                    "Rubio",
                    ActorKind::Person,
                    vec![
                        scored(0, [0.02, 0.08, 0.9]), // +0.88
                        scored(2, [0.05, 0.15, 0.8]), // +0.75
                        scored(4, [0.3, 0.45, 0.25]), // −0.05
                    ],
                ),
            ],
            vec![actor("Rubio", ActorKind::Person, vec![scored(0, [0.05, 0.1, 0.85])])], // +0.8
        ];
        let views: Vec<&[ActorStance]> = docs.iter().map(Vec::as_slice).collect();
        let out = aggregate_corpus(&views);
        assert_eq!(out.len(), 2, "{out:?}");

        let rubio = &out[0];
        assert_eq!((rubio.name.as_str(), rubio.kind, rubio.mentions), ("Marco Rubio", ActorKind::Person, 7));
        assert_eq!(rubio.articles.iter().map(|a| (a.doc, a.actor, a.mentions)).collect::<Vec<_>>(), vec![(0, 0, 3), (1, 1, 3), (2, 0, 1)]);
        // Sentence 0 of articles 0, 1 and 2 are three sentences; the two mentions in (0, 0) are one.
        let expected = ((0.85 + 0.6) / 2.0 + 0.4 + 0.88 + 0.75 - 0.05 + 0.8) / (6.0 + PRIOR_SENTENCES);
        assert!((rubio.score - expected).abs() < 1e-6, "{} vs {expected}", rubio.score);
        assert_eq!(rubio.label, StanceLabel::Positive);
        // Each article keeps its own score (its mentions alone).
        assert!((rubio.articles[2].score - 0.8 / 11.0).abs() < 1e-6);
        assert_eq!(rubio.articles[2].label, StanceLabel::Neutral);
        // Evidence: strongest first, one per (article, sentence); the +0.6 shares a sentence with +0.85.
        assert_eq!(rubio.positive_evidence, vec![(1, 1, 0), (0, 0, 0), (2, 0, 0)]);
        assert_eq!(rubio.negative_evidence, vec![(1, 1, 2)]);
        assert_eq!(rubio.evidence, Some((1, 1, 0)));
        // Polar mentions by the model's own reading: the +0.4 mention is not one.
        assert_eq!((rubio.positive_mentions, rubio.negative_mentions), (5, 0));

        let acme = &out[1];
        assert_eq!((acme.name.as_str(), acme.mentions, acme.articles.len()), ("Acme", 2, 2));
        assert!((acme.score - (-0.7 - 0.6) / 12.0).abs() < 1e-6, "{}", acme.score);
        assert_eq!(acme.label, StanceLabel::Negative);
        // Neither article alone labels Acme; together they do.
        assert!(acme.articles.iter().all(|a| a.label == StanceLabel::Neutral));
        assert_eq!((acme.negative_evidence.clone(), acme.evidence), (vec![(0, 1, 0), (1, 0, 0)], Some((0, 1, 0))));
        assert_eq!((acme.positive_mentions, acme.negative_mentions), (0, 2));
    }

    #[test]
    fn short_forms_join_their_full_name_across_articles() {
        let neutral = || vec![scored(0, [0.1, 0.8, 0.1])];
        let docs = [
            vec![actor("Ursula von der Leyen", ActorKind::Person, neutral()), actor("Texas City", ActorKind::Place, neutral())],
            vec![actor("Von der Leyen", ActorKind::Person, neutral()), actor("Texas", ActorKind::Place, neutral())],
            vec![actor("Leyen", ActorKind::Person, neutral())],
        ];
        let views: Vec<&[ActorStance]> = docs.iter().map(Vec::as_slice).collect();
        let mut merged: Vec<(String, usize)> = aggregate_corpus(&views).into_iter().map(|a| (a.name, a.articles.len())).collect();
        merged.sort();
        let expected = [("Texas", 1), ("Texas City", 1), ("Ursula von der Leyen", 3)];
        assert_eq!(merged, expected.map(|(n, k)| (n.to_owned(), k)));
    }

    #[test]
    fn a_place_joins_the_one_longer_name_that_adds_only_geographic_words() {
        let neutral = || vec![scored(0, [0.1, 0.8, 0.1])];
        let docs = [
            vec![actor("Caribbean Sea", ActorKind::Place, neutral()), actor("Pacific Ocean", ActorKind::Place, neutral())],
            vec![actor("Caribbean", ActorKind::Place, neutral()), actor("Pacific", ActorKind::Place, neutral()), actor("Texas", ActorKind::Place, neutral())],
            vec![actor("Pacific Islands", ActorKind::Place, neutral()), actor("Texas City", ActorKind::Place, neutral())],
        ];
        let views: Vec<&[ActorStance]> = docs.iter().map(Vec::as_slice).collect();
        let mut merged: Vec<(String, usize)> = aggregate_corpus(&views).into_iter().map(|a| (a.name, a.articles.len())).collect();
        merged.sort();
        // "Pacific" starts two such names, so it joins neither; "City" is no geographic feature.
        let expected = [("Caribbean Sea", 2), ("Pacific", 1), ("Pacific Islands", 1), ("Pacific Ocean", 1), ("Texas", 1), ("Texas City", 1)];
        assert_eq!(merged, expected.map(|(n, k)| (n.to_owned(), k)));
    }

    #[test]
    fn surname_joins_only_an_unambiguous_full_name() {
        let docs = [
            vec![
                actor("Ana Silva", ActorKind::Person, vec![scored(0, [0.1, 0.8, 0.1])]),
                actor("Rui Silva", ActorKind::Person, vec![scored(1, [0.1, 0.8, 0.1])]),
            ],
            vec![actor("Silva", ActorKind::Person, vec![scored(0, [0.1, 0.8, 0.1])])],
        ];
        let views: Vec<&[ActorStance]> = docs.iter().map(Vec::as_slice).collect();
        let mut names: Vec<String> = aggregate_corpus(&views).into_iter().map(|a| a.name).collect();
        names.sort();
        assert_eq!(names, vec!["Ana Silva", "Rui Silva", "Silva"]);
    }
}
