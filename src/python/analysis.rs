//! Bindings for actor analysis: results cross into Python as plain tuples, which the Python
//! package turns into dataclasses (`presslens.analysis`). Offsets are code points.

use pyo3::prelude::*;

use super::errors::{detached, to_py};
use super::offsets::{char_indices_of, CharOffsets};
use super::{kind_name, parse_budget, PickTuple, PyPipeline, SentenceTuple};
use crate::analysis::actor_stance::{self, ActorStance, ScoredMention};
use crate::actors::{ActorKind, ActorSpec, Mention};
use crate::pipeline::ArticleAnalysis;

/// (text, start, end, sentence index, p_negative, p_neutral, p_positive, score, confidence)
type MentionTuple = (String, usize, usize, usize, f32, f32, f32, f32, f32);
/// (name, kind, score, label, mentions, positive evidence, negative evidence): evidence as
/// indices into the mentions.
type ActorTuple = (String, &'static str, f32, &'static str, Vec<MentionTuple>, Vec<usize>, Vec<usize>);
pub(crate) type ArticleTuple = (Vec<SentenceTuple>, Vec<PickTuple>, Vec<ActorTuple>, bool);

fn article_tuple(text: &str, analysis: &ArticleAnalysis) -> ArticleTuple {
    let doc = &analysis.document;
    let mentions = analysis.actors.iter().flat_map(|a| a.mentions.iter().flat_map(|m| [m.mention.start, m.mention.end]));
    let sentence_bounds = doc.sentences.iter().flat_map(|s| [s.start, s.end]);
    let chars = char_indices_of(text, mentions.chain(sentence_bounds));
    let at = |b: usize| chars.get(&b).copied().unwrap_or_else(|| CharOffsets::new(text).at(b));
    let sentences = doc.sentences.iter().map(|s| (s.text.clone(), at(s.start), at(s.end), s.index, s.paragraph, kind_name(s.kind))).collect();
    let summary = analysis
        .summary
        .iter()
        .map(|p| {
            let s = &doc.sentences[p.sentence];
            (s.index, s.text.clone(), at(s.start), at(s.end), p.score, kind_name(s.kind))
        })
        .collect();
    let actors = analysis
        .actors
        .iter()
        .map(|a| {
            let mentions = a
                .mentions
                .iter()
                .map(|m| {
                    let [neg, neu, pos] = m.probabilities;
                    (m.mention.text.clone(), at(m.mention.start), at(m.mention.end), m.mention.sentence, neg, neu, pos, m.score, m.confidence)
                })
                .collect();
            (a.name.clone(), a.kind.as_str(), a.score, a.label.as_str(), mentions, a.positive_evidence.clone(), a.negative_evidence.clone())
        })
        .collect();
    (sentences, summary, actors, analysis.truncated)
}

/// Body of `NativePipeline.analyze_many` (see `mod.rs`).
pub(crate) fn analyze_many(pipeline: &PyPipeline, py: Python<'_>, texts: Vec<String>, actors: Option<Vec<(String, Vec<String>)>>, budget: &str, value: f64) -> PyResult<Vec<ArticleTuple>> {
    let budget = parse_budget(budget, value)?;
    let specs: Option<Vec<ActorSpec>> = actors.map(|list| list.into_iter().map(|(name, aliases)| ActorSpec::given(name, aliases)).collect());
    detached(py, || {
        let results = pipeline.inner.analyze_many(&texts, specs.as_deref(), budget).map_err(to_py)?;
        Ok(results.iter().zip(&texts).map(|(analysis, text)| article_tuple(text, analysis)).collect())
    })
}

/// (doc, actor index in that doc, score, label, mentions)
type ArticleStanceTuple = (usize, usize, f32, &'static str, usize);
/// (name, kind, score, label, mentions, per article, positive evidence, negative evidence);
/// evidence as (doc, actor index in that doc, mention index).
type CorpusActorTuple = (String, &'static str, f32, &'static str, usize, Vec<ArticleStanceTuple>, Vec<(usize, usize, usize)>, Vec<(usize, usize, usize)>);

fn parse_kind(kind: &str) -> ActorKind {
    match kind {
        "person" => ActorKind::Person,
        "country" => ActorKind::Country,
        "organization" => ActorKind::Organization,
        _ => ActorKind::Given,
    }
}

/// One actor of one article as `merge_actors` takes it: (name, kind, [(sentence, score, confidence)]).
type ArticleActorInput = (String, String, Vec<(usize, f32, f32)>);

/// Merge per-article actors into corpus actors. Input per article: [(name, kind, [(sentence,
/// score, confidence)...])...], in each article's actor order.
#[pyfunction]
pub fn merge_actors(per_doc: Vec<Vec<ArticleActorInput>>) -> Vec<CorpusActorTuple> {
    let rebuilt: Vec<Vec<ActorStance>> = per_doc
        .into_iter()
        .map(|actors| {
            actors
                .into_iter()
                .map(|(name, kind, mentions)| {
                    let mentions: Vec<ScoredMention> = mentions
                        .into_iter()
                        .map(|(sentence, score, confidence)| ScoredMention {
                            mention: Mention { actor: 0, sentence, start: 0, end: 0, text: String::new() },
                            probabilities: [0.0; 3],
                            score,
                            confidence,
                        })
                        .collect();
                    let score = actor_stance::weighted_score(&mentions);
                    ActorStance {
                        name,
                        kind: parse_kind(&kind),
                        score,
                        label: actor_stance::StanceLabel::from_score(score),
                        mentions,
                        positive_evidence: Vec::new(),
                        negative_evidence: Vec::new(),
                    }
                })
                .collect()
        })
        .collect();
    let views: Vec<&[ActorStance]> = rebuilt.iter().map(Vec::as_slice).collect();
    actor_stance::aggregate_corpus(&views)
        .into_iter()
        .map(|c| {
            let articles = c.articles.iter().map(|a| (a.doc, a.actor, a.score, a.label.as_str(), a.mentions)).collect();
            (c.name, c.kind.as_str(), c.score, c.label.as_str(), c.mentions, articles, c.positive_evidence, c.negative_evidence)
        })
        .collect()
}
