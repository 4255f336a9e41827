//! Bindings for actor analysis: one article's results as `presslens.Analysis`, and the merge
//! across articles, done by the core on the articles' own actors and mentions.

use pyo3::prelude::*;
use pyo3::types::PyTuple;

use super::convert::{self, DocId};
use super::errors::{detached, to_py};
use super::results::{Analysis, CorpusAnalysis};
use super::PyPipeline;
use crate::analysis::actor_stance::{aggregate_corpus, group_actors, stance_score, ActorRef, ActorStance, StanceLabel};
use crate::analysis::summarize::Budget;
use crate::{ActorKind, ActorSpec};

/// Body of `NativePipeline.analyze_many` (see `mod.rs`).
pub(crate) fn analyze_many(
    pipeline: &PyPipeline,
    py: Python<'_>,
    texts: Vec<String>,
    ids: Vec<DocId>,
    actors: Option<Vec<(String, Vec<String>)>>,
    max_sentences: i64,
) -> PyResult<Vec<Py<Analysis>>> {
    let budget = Budget::from_options(Some(max_sentences), None, None).map_err(to_py)?;
    let specs: Option<Vec<ActorSpec>> = actors.map(|list| list.into_iter().map(|(name, aliases)| ActorSpec::given(name, aliases)).collect());
    let results = detached(py, || pipeline.inner.analyze_many(&texts, specs.as_deref(), budget).map_err(to_py))?;
    results.iter().zip(&texts).zip(ids).map(|((analysis, text), id)| convert::analysis(py, id, text, analysis)).collect()
}

/// The articles and their actors merged across articles (same rule as one article, over all
/// mentions), as a `presslens.CorpusAnalysis`.
#[pyfunction]
pub fn corpus_analysis(py: Python<'_>, articles: Vec<Bound<'_, Analysis>>) -> PyResult<CorpusAnalysis> {
    let mut per_doc: Vec<Vec<ActorStance>> = Vec::with_capacity(articles.len());
    for article in &articles {
        let mut actors = Vec::new();
        for (index, actor) in article.get().actors.bind(py).iter().enumerate() {
            let actor = actor.cast_into::<super::results::ActorStance>()?;
            actors.push(convert::core_actor(py, actor.get(), index)?);
        }
        per_doc.push(actors);
    }
    let views: Vec<&[ActorStance]> = per_doc.iter().map(Vec::as_slice).collect();
    let merged = detached(py, || Ok(aggregate_corpus(&views)))?;
    let actors: PyResult<Vec<_>> = merged.iter().map(|actor| convert::corpus_actor(py, &articles, actor)).collect();
    Ok(CorpusAnalysis { articles: PyTuple::new(py, &articles)?.unbind(), actors: PyTuple::new(py, actors?)?.unbind() })
}

/// The name each actor has across articles, merged as in `corpus_analysis`, from the names, kinds
/// and mention counts alone (what an actors table gathered from Dask partitions holds). Input: per
/// article, [(name, kind, mentions)...]; output: per article, the corpus name of each actor.
#[pyfunction]
pub fn corpus_actor_names(per_doc: Vec<Vec<(String, String, usize)>>) -> Vec<Vec<String>> {
    let refs: Vec<Vec<ActorRef<'_>>> = per_doc
        .iter()
        .map(|actors| actors.iter().map(|(name, kind, mentions)| ActorRef { name, kind: ActorKind::parse(kind), mentions: *mentions }).collect())
        .collect();
    let mut names: Vec<Vec<String>> = per_doc.iter().map(|actors| actors.iter().map(|(name, _, _)| name.clone()).collect()).collect();
    for group in group_actors(&refs) {
        for (doc, index) in group.members {
            names[doc][index].clone_from(&group.name);
        }
    }
    names
}

/// The stance rule over scored mentions, each keyed by its sentence as (article, sentence index):
/// the score and label an actor with these mentions gets. What `speaker_frame` scores each
/// (speaker, target) pair with, so the rule has one home.
#[pyfunction]
pub fn stance_of(sentences: Vec<(usize, usize)>, scores: Vec<f32>) -> PyResult<(f32, String)> {
    if sentences.len() != scores.len() {
        return Err(pyo3::exceptions::PyValueError::new_err(format!("stance_of: {} sentences but {} scores", sentences.len(), scores.len())));
    }
    if let Some(bad) = scores.iter().find(|s| !s.is_finite() || s.abs() > 1.0 + 1e-4) {
        return Err(pyo3::exceptions::PyValueError::new_err(format!("stance_of: a score is P(positive) - P(negative), in [-1, 1]; got {bad}")));
    }
    let score = stance_score(sentences.into_iter().zip(scores));
    Ok((score, StanceLabel::from_score(score).as_str().to_owned()))
}
