//! Bindings for stories: the per-article profiles that travel between chunks (Python runs the
//! analysis chunk by chunk for its progress bar), and the grouping, summaries and actor tables.

use pyo3::prelude::*;
use pyo3::types::{PyList, PyTuple};

use super::analysis::corpus_analysis;
use super::convert::{self, clone_id, DocId};
use super::errors::{detached, to_py};
use super::results::{self, Analysis, CorpusActor, Stories, Story};
use super::PyPipeline;
use crate::analysis::stories::{self as core, StoryProfile};
use crate::analysis::summarize::{Budget, SummaryWeights};
use crate::pipeline::{check_budget, MAX_CORPUS_SENTENCES, MAX_SUMMARY_SENTENCES};

/// What grouping needs of one article (opaque: made by `NativePipeline.analyze_for_stories`,
/// consumed by `stories`). Holds the article's sentence embeddings, so that a story's summary
/// encodes nothing again.
#[pyclass(name = "StoryProfile", module = "presslens._native", frozen)]
pub struct PyStoryProfile {
    inner: StoryProfile,
}

#[pymethods]
impl PyStoryProfile {
    /// A profile for grouping only, from its parts (what pickling keeps: the sentences and their
    /// embeddings stay behind, so a story summary cannot be made from it).
    #[new]
    fn new(lead: Vec<f32>, headline: Vec<f32>, names: Vec<String>, actors: Vec<(String, usize)>) -> PyResult<Self> {
        if lead.len() != headline.len() {
            return Err(to_py(crate::Error::InvalidInput(format!("lead has {} dimensions and headline {}; they must match", lead.len(), headline.len()))));
        }
        Ok(Self { inner: StoryProfile::for_grouping(lead, headline, names, actors) })
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, pyo3::types::PyType>, Bound<'py, PyTuple>)> {
        let p = &slf.get().inner;
        let parts = (p.lead.to_vec(), p.headline.to_vec(), p.names.clone(), p.actors.clone());
        Ok((slf.get_type(), parts.into_pyobject(slf.py())?))
    }
}

/// The story of each article (0 is the largest story) from profiles alone: the grouping of
/// `stories` without the summaries and actor tables (Dask's reduction runs this).
#[pyfunction]
pub fn group_stories(py: Python<'_>, profiles: Vec<Bound<'_, PyStoryProfile>>) -> PyResult<Vec<usize>> {
    let refs: Vec<&StoryProfile> = profiles.iter().map(|p| &p.get().inner).collect();
    detached(py, || Ok(core::group(&refs)))
}

/// Body of `NativePipeline.analyze_for_stories`: each article's analysis and profile.
pub(crate) fn analyze_for_stories(
    pipeline: &PyPipeline,
    py: Python<'_>,
    texts: Vec<String>,
    ids: Vec<DocId>,
    max_sentences: i64,
) -> PyResult<Vec<(Py<Analysis>, Py<PyStoryProfile>)>> {
    let budget = Budget::from_options(Some(max_sentences), None, None).map_err(to_py)?;
    let results = detached(py, || pipeline.inner.analyze_for_stories(&texts, None, budget).map_err(to_py))?;
    let mut out = Vec::with_capacity(results.len());
    for ((mut analysis, text), id) in results.into_iter().zip(&texts).zip(ids) {
        let profile = analysis.story_profile.take().ok_or_else(|| to_py(crate::Error::InvalidInput("no story profile was computed".into())))?;
        out.push((convert::analysis(py, id, text, &analysis)?, Py::new(py, PyStoryProfile { inner: profile })?));
    }
    Ok(out)
}

/// A story's name: up to three actors that at least two of its articles name (most widely named
/// first), else the headline of its first article.
fn story_name(py: Python<'_>, actors: &Bound<'_, PyTuple>, first: &Bound<'_, Analysis>) -> PyResult<String> {
    let mut shared: Vec<(usize, usize, String)> = Vec::new();
    for actor in actors.iter() {
        let actor = actor.cast_into::<CorpusActor>()?;
        let actor = actor.get();
        let articles = actor.articles.bind(py).len();
        if articles >= 2 {
            shared.push((articles, actor.mentions, actor.name.clone()));
        }
    }
    shared.sort_by_key(|b| std::cmp::Reverse((b.0, b.1)));
    if !shared.is_empty() {
        return Ok(shared.into_iter().take(3).map(|(_, _, name)| name).collect::<Vec<_>>().join(" · "));
    }
    let sentences = first.get().sentences.bind(py);
    let headline: String = if sentences.is_empty() { String::new() } else { sentences.get_item(0)?.getattr("text")?.extract()? };
    let headline = headline.split_whitespace().collect::<Vec<_>>().join(" ");
    Ok(match headline.char_indices().nth(80) {
        Some((cut, _)) => format!("{}…", &headline[..cut]),
        None => headline,
    })
}

/// The summary across a story's articles, as a `presslens.CorpusSummary`, sentences taken from the
/// articles' own `Sentence` objects (so offsets are those of each article's text).
fn story_summary(py: Python<'_>, articles: &[Bound<'_, Analysis>], profiles: &[&StoryProfile], max_sentences: usize) -> PyResult<results::CorpusSummary> {
    let (picks, located) = detached(py, || Ok(core::summarize_story(profiles, max_sentences, MAX_CORPUS_SENTENCES, &SummaryWeights::default())))?;
    let sentence_at = |flat: usize| -> PyResult<Bound<'_, results::Sentence>> {
        let (member, row) = located[flat];
        Ok(articles[member].get().sentences.bind(py).get_item(row)?.cast_into::<results::Sentence>()?)
    };
    let doc_of: Vec<usize> = located.iter().map(|&(member, _)| member).collect();
    let ids: Vec<DocId> = articles.iter().map(|a| clone_id(py, &a.get().doc_id)).collect();
    convert::corpus_summary(py, &picks, &doc_of, &ids, sentence_at)
}

/// Group analysed articles into stories. `profiles[i]` is None for an article that could not be
/// analysed (a marked row): it is a story of its own. `dates[i]` (seconds, or None) orders each
/// story's articles; without dates they keep input order.
#[pyfunction]
#[pyo3(signature = (articles, profiles, max_sentences, dates=None))]
pub fn stories(
    py: Python<'_>,
    articles: Vec<Bound<'_, Analysis>>,
    profiles: Vec<Option<Bound<'_, PyStoryProfile>>>,
    max_sentences: usize,
    dates: Option<Vec<Option<f64>>>,
) -> PyResult<Stories> {
    check_budget(Budget::Sentences(max_sentences)).map_err(to_py)?;
    debug_assert!(max_sentences <= MAX_SUMMARY_SENTENCES);
    let n = articles.len();
    if profiles.len() != n || dates.as_ref().is_some_and(|d| d.len() != n) {
        return Err(to_py(crate::Error::InvalidInput(format!(
            "got {} profiles and {} dates for {n} articles",
            profiles.len(),
            dates.as_ref().map_or(n, Vec::len)
        ))));
    }
    let analysed: Vec<usize> = (0..n).filter(|&i| profiles[i].is_some()).collect();
    let refs: Vec<&StoryProfile> = analysed.iter().filter_map(|&i| profiles[i].as_ref().map(|p| &p.get().inner)).collect();
    let grouped = detached(py, || Ok(core::group(&refs)))?;
    // Stories over all articles: the grouped ones, then each unanalysed article alone.
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); grouped.iter().max().map_or(0, |m| m + 1)];
    for (&article, &story) in analysed.iter().zip(&grouped) {
        members[story].push(article);
    }
    members.extend((0..n).filter(|&i| profiles[i].is_none()).map(|i| vec![i]));
    let date_of = |i: usize| dates.as_ref().and_then(|d| d[i]).filter(|d| d.is_finite());
    let mut story_ids = vec![0usize; n];
    let mut out = Vec::with_capacity(members.len());
    for (id, list) in members.iter_mut().enumerate() {
        // Dated articles by date, undated ones after them, ties in input order.
        list.sort_by(|&a, &b| match (date_of(a), date_of(b)) {
            (Some(x), Some(y)) => x.total_cmp(&y).then(a.cmp(&b)),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => a.cmp(&b),
        });
        for &i in list.iter() {
            story_ids[i] = id;
        }
        let story_articles: Vec<Bound<'_, Analysis>> = list.iter().map(|&i| articles[i].clone()).collect();
        let story_profiles: Vec<&StoryProfile> = list.iter().filter_map(|&i| profiles[i].as_ref().map(|p| &p.get().inner)).collect();
        let summary = if story_profiles.len() == list.len() {
            story_summary(py, &story_articles, &story_profiles, max_sentences)?
        } else {
            results::CorpusSummary { sentences: PyList::empty(py).unbind() }
        };
        let actors = corpus_analysis(py, story_articles.clone())?.actors;
        let name = story_name(py, actors.bind(py), &story_articles[0])?;
        let doc_ids = PyTuple::new(py, list.iter().map(|&i| articles[i].get().doc_id.as_ref().map_or_else(|| py.None(), |d| d.clone_ref(py))))?.unbind();
        out.push(Story { id, name, doc_ids, summary: Py::new(py, summary)?, actors });
    }
    Ok(Stories { stories: PyTuple::new(py, out)?.unbind(), articles: PyTuple::new(py, &articles)?.unbind(), story_ids: PyTuple::new(py, story_ids)?.unbind() })
}
