//! Core structs to the Python result classes (`results.rs`), with byte offsets turned into code
//! points, and the one way back that merging across articles needs.

use pyo3::prelude::*;
use pyo3::types::{PyList, PyTuple};

use super::results::{self, ActorStance as PyActorStance, Analysis, MentionStance};
use crate::analysis::actor_stance::{ActorStance, CorpusActorStance, ScoredMention, StanceLabel};
use crate::text::offsets::{char_indices_of, CharOffsets};
use crate::text::{self, Document};
use crate::{ActorKind, ArticleAnalysis, Mention, Pick, Via};

pub(crate) type DocId = Option<Py<PyAny>>;

pub(crate) fn clone_id(py: Python<'_>, id: &DocId) -> DocId {
    id.as_ref().map(|d| d.clone_ref(py))
}

fn sentence(py: Python<'_>, s: &text::Sentence, (start, end): (usize, usize)) -> PyResult<Py<results::Sentence>> {
    Py::new(py, results::Sentence { text: s.text.clone(), start, end, index: s.index, paragraph: s.paragraph, kind: s.kind.as_str().to_owned() })
}

/// A segmented text as a `presslens.Document`.
pub(crate) fn document(py: Python<'_>, text: &str, doc: &Document) -> PyResult<results::Document> {
    let mut chars = CharOffsets::new(text);
    let sentences: PyResult<Vec<_>> = doc.sentences.iter().map(|s| sentence(py, s, chars.span(s.start, s.end))).collect();
    let mut chars = CharOffsets::new(text);
    let removed: PyResult<Vec<_>> = doc
        .removed
        .iter()
        .map(|r| {
            let (start, end) = chars.span(r.start, r.end);
            Py::new(py, results::RemovedSpan { start, end, reason: r.reason.clone() })
        })
        .collect();
    Ok(results::Document { text: text.to_owned(), sentences: PyList::new(py, sentences?)?.unbind(), removed: PyList::new(py, removed?)?.unbind() })
}

/// Summary picks (in document order) of one article.
pub(crate) fn summary(py: Python<'_>, doc_id: &DocId, text: &str, doc: &Document, picks: &[Pick], truncated: bool) -> PyResult<Py<results::Summary>> {
    let mut chars = CharOffsets::new(text);
    let sentences: PyResult<Vec<_>> = picks
        .iter()
        .map(|p| {
            let s = &doc.sentences[p.sentence];
            let (start, end) = chars.span(s.start, s.end);
            Py::new(py, results::SummarySentence { text: s.text.clone(), start, end, index: s.index, score: p.score })
        })
        .collect();
    Py::new(py, results::Summary { sentences: PyList::new(py, sentences?)?.unbind(), doc_id: clone_id(py, doc_id), truncated, error: None })
}

fn tuple_of<T: pyo3::PyClass>(py: Python<'_>, items: &[Py<T>], indices: impl IntoIterator<Item = usize>) -> PyResult<Py<PyTuple>> {
    let picked: Vec<Py<T>> = indices.into_iter().filter_map(|i| items.get(i)).map(|m| m.clone_ref(py)).collect();
    Ok(PyTuple::new(py, picked)?.unbind())
}

/// One article's analysis as a `presslens.Analysis`.
pub(crate) fn analysis(py: Python<'_>, doc_id: DocId, text: &str, analysis: &ArticleAnalysis) -> PyResult<Py<Analysis>> {
    let doc = &analysis.document;
    let mention_bounds = analysis.actors.iter().flat_map(|a| a.mentions.iter().flat_map(|m| [m.mention.start, m.mention.end]));
    let sentence_bounds = doc.sentences.iter().flat_map(|s| [s.start, s.end]);
    let quote_bounds = analysis.quotes.iter().flat_map(|q| [q.start, q.end]);
    let chars = char_indices_of(text, mention_bounds.chain(sentence_bounds).chain(quote_bounds));
    let at = |b: usize| chars.get(&b).copied().unwrap_or_else(|| CharOffsets::new(text).at(b));
    let sentences: PyResult<Vec<_>> = doc.sentences.iter().map(|s| sentence(py, s, (at(s.start), at(s.end)))).collect();
    let mut actors = Vec::with_capacity(analysis.actors.len());
    for actor in &analysis.actors {
        let mentions: PyResult<Vec<Py<MentionStance>>> = actor
            .mentions
            .iter()
            .map(|m| {
                let [negative, neutral, positive] = m.probabilities;
                Py::new(
                    py,
                    MentionStance {
                        text: m.mention.text.clone(),
                        start: at(m.mention.start),
                        end: at(m.mention.end),
                        sentence_index: m.mention.sentence,
                        sentence: doc.sentences.get(m.mention.sentence).map(|s| s.text.clone()).unwrap_or_default(),
                        negative,
                        neutral,
                        positive,
                        score: m.score,
                        confidence: m.confidence,
                        doc_id: clone_id(py, &doc_id),
                        via: m.mention.via.as_str().to_owned(),
                    },
                )
            })
            .collect();
        let mentions = mentions?;
        actors.push(Py::new(
            py,
            PyActorStance {
                name: actor.name.clone(),
                kind: actor.kind.as_str().to_owned(),
                score: actor.score,
                label: actor.label.as_str().to_owned(),
                positive_evidence: tuple_of(py, &mentions, actor.positive_evidence.iter().copied())?,
                negative_evidence: tuple_of(py, &mentions, actor.negative_evidence.iter().copied())?,
                evidence: actor.headline_evidence().and_then(|i| mentions.get(i)).map(|m| m.clone_ref(py)),
                role: actor.role.clone(),
                mentions: PyTuple::new(py, &mentions)?.unbind(),
            },
        )?);
    }
    let quotes: PyResult<Vec<Py<results::Quote>>> = analysis
        .quotes
        .iter()
        .map(|q| {
            Py::new(
                py,
                results::Quote {
                    sentence_index: q.sentence,
                    start: at(q.start),
                    end: at(q.end),
                    text: text.get(q.start..q.end).unwrap_or_default().to_owned(),
                    speaker: q.speaker.clone(),
                    cue: q.cue.clone(),
                    sentence: doc.sentences.get(q.sentence).map(|s| s.text.clone()).unwrap_or_default(),
                    doc_id: clone_id(py, &doc_id),
                },
            )
        })
        .collect();
    let summary = summary(py, &doc_id, text, doc, &analysis.summary, analysis.truncated)?;
    Py::new(
        py,
        Analysis {
            doc_id,
            sentences: PyTuple::new(py, sentences?)?.unbind(),
            summary,
            actors: PyTuple::new(py, actors)?.unbind(),
            quotes: PyTuple::new(py, quotes?)?.unbind(),
            truncated: analysis.truncated,
            error: None,
        },
    )
}

/// The core's view of an actor of a finished analysis, for merging across articles. Offsets stay
/// code points: merging only reads names, kinds, sentences and scores.
pub(crate) fn core_actor(py: Python<'_>, actor: &PyActorStance, index: usize) -> PyResult<ActorStance> {
    let mut mentions = Vec::new();
    for mention in actor.mentions.bind(py).iter() {
        let mention = mention.cast_into::<MentionStance>()?;
        let m = mention.get();
        // The stance rule assumes scores in [-1, 1] (what the model gives); a mention built by hand
        // with anything else is refused here rather than silently clamped or turned into NaN.
        let probabilities_ok = [m.negative, m.neutral, m.positive].iter().all(|p| p.is_finite() && (0.0..=1.0).contains(p));
        // A pronoun or description left unscored (`score_references=False`) is all NaN; it never
        // weighs in a score.
        let unscored_reference = m.via != "name" && [m.negative, m.neutral, m.positive, m.score].iter().all(|p| p.is_nan());
        if !unscored_reference && (!probabilities_ok || !m.score.is_finite() || m.score.abs() > 1.0 + 1e-4) {
            return Err(super::errors::to_py(crate::Error::InvalidInput(format!(
                "mention {:?} of actor {:?} has probabilities ({}, {}, {}) and score {}: probabilities must be in [0, 1] and the score, P(positive) - P(negative), a finite number in [-1, 1]",
                m.text, actor.name, m.negative, m.neutral, m.positive, m.score
            ))));
        }
        mentions.push(ScoredMention {
            // `via` was checked when the MentionStance was built.
            mention: Mention {
                actor: index,
                sentence: m.sentence_index,
                start: m.start,
                end: m.end,
                text: m.text.clone(),
                via: Via::parse(&m.via).unwrap_or(Via::Name),
            },
            probabilities: [m.negative, m.neutral, m.positive],
            score: m.score,
            confidence: m.confidence,
        });
    }
    Ok(ActorStance {
        name: actor.name.clone(),
        kind: ActorKind::parse(&actor.kind),
        role: actor.role.clone(),
        score: actor.score,
        label: StanceLabel::parse(&actor.label).map_err(super::errors::to_py)?,
        mentions,
        // Corpus evidence is chosen again over all mentions; the per-article picks are not needed.
        positive_evidence: Vec::new(),
        negative_evidence: Vec::new(),
    })
}

/// A merged corpus actor, its mentions and evidence pointing at the articles' own objects.
pub(crate) fn corpus_actor(py: Python<'_>, articles: &[Bound<'_, Analysis>], actor: &CorpusActorStance) -> PyResult<Py<results::CorpusActor>> {
    let mention = |&(doc, index, m): &(usize, usize, usize)| -> PyResult<Py<PyAny>> {
        Ok(articles[doc].get().actors.bind(py).get_item(index)?.getattr("mentions")?.get_item(m)?.unbind())
    };
    let evidence = |list: &[(usize, usize, usize)]| -> PyResult<Py<PyTuple>> {
        let items: PyResult<Vec<Py<PyAny>>> = list.iter().map(mention).collect();
        Ok(PyTuple::new(py, items?)?.unbind())
    };
    let parts: PyResult<Vec<Py<results::ArticleStance>>> = actor
        .articles
        .iter()
        .map(|part| {
            let article = articles[part.doc].get();
            let name: String = article.actors.bind(py).get_item(part.actor)?.getattr("name")?.extract()?;
            Py::new(
                py,
                results::ArticleStance {
                    doc_id: clone_id(py, &article.doc_id),
                    name,
                    score: part.score,
                    label: part.label.as_str().to_owned(),
                    mentions: part.mentions,
                },
            )
        })
        .collect();
    let best = match &actor.evidence {
        Some(at) => Some(mention(at)?.bind(py).cast::<MentionStance>()?.clone().unbind()),
        None => None,
    };
    Py::new(
        py,
        results::CorpusActor {
            name: actor.name.clone(),
            kind: actor.kind.as_str().to_owned(),
            score: actor.score,
            label: actor.label.as_str().to_owned(),
            mentions: actor.mentions,
            articles: PyTuple::new(py, parts?)?.unbind(),
            positive_evidence: evidence(&actor.positive_evidence)?,
            negative_evidence: evidence(&actor.negative_evidence)?,
            evidence: best,
            positive_mentions: actor.positive_mentions,
            negative_mentions: actor.negative_mentions,
        },
    )
}

/// A `presslens.CorpusSummary` from corpus picks: `sentence_at(i)` is flat sentence `i` as a
/// `Sentence` (offsets into its own article), `doc_of[i]` its article, `ids` the articles' ids.
/// Each pick lists, once per other article and in order of appearance, that article's sentence
/// saying nearly the same (its sources).
pub(crate) fn corpus_summary<'py>(
    py: Python<'py>,
    picks: &[Pick],
    doc_of: &[usize],
    ids: &[DocId],
    sentence_at: impl Fn(usize) -> PyResult<Bound<'py, results::Sentence>>,
) -> PyResult<results::CorpusSummary> {
    let mut sentences = Vec::with_capacity(picks.len());
    for pick in picks {
        let sentence = sentence_at(pick.sentence)?;
        let s = sentence.get();
        let doc = doc_of[pick.sentence];
        let mut source_docs: Vec<usize> = Vec::new();
        let mut source_sentences = Vec::new();
        for &d in &pick.duplicates {
            if doc_of[d] != doc && !source_docs.contains(&doc_of[d]) {
                source_docs.push(doc_of[d]);
                source_sentences.push(sentence_at(d)?);
            }
        }
        let sources = PyTuple::new(py, source_docs.iter().map(|&d| ids[d].as_ref().map_or_else(|| py.None(), |id| id.clone_ref(py))))?.unbind();
        sentences.push(Py::new(
            py,
            results::CorpusSentence {
                text: s.text.clone(),
                start: s.start,
                end: s.end,
                index: s.index,
                score: pick.score,
                doc_id: clone_id(py, &ids[doc]),
                sources,
                source_sentences: PyTuple::new(py, source_sentences)?.unbind(),
            },
        )?);
    }
    Ok(results::CorpusSummary { sentences: PyList::new(py, sentences)?.unbind() })
}
