//! The `presslens._native` extension module: the only place that knows about pyo3.
//!
//! Inputs are extracted into owned Rust values first, then the work runs with the GIL released
//! (`Python::detach`), so other Python threads keep running. Core errors become the exception
//! classes of `presslens.exceptions` in one place (`errors.rs`).

mod analysis;
mod convert;
mod errors;
mod results;
mod stories;

use std::path::{Path, PathBuf};

use numpy::{IntoPyArray, PyArray2};
use pyo3::prelude::*;

use crate::analysis::summarize::Budget;
use crate::pipeline::{Pipeline, PipelineOptions};
use crate::text;
use crate::text::offsets::CharOffsets;
use convert::DocId;
use errors::{detached, to_py};

/// Segment one text into a `presslens.Document`; offsets are Python `str` indices (code points).
#[pyfunction]
fn segment(py: Python<'_>, text: String) -> PyResult<results::Document> {
    let doc = detached(py, || Ok(text::segment(&text)))?;
    convert::document(py, &text, &doc)
}

/// One id per text, or a clear error.
fn check_ids(ids: &[DocId], texts: usize) -> PyResult<()> {
    if ids.len() == texts {
        Ok(())
    } else {
        Err(to_py(crate::Error::InvalidInput(format!("got {} ids for {texts} texts; pass one id per text", ids.len()))))
    }
}

#[pyclass(name = "NativePipeline", module = "presslens._native", frozen)]
pub(crate) struct PyPipeline {
    inner: Pipeline,
}

#[pymethods]
impl PyPipeline {
    #[new]
    #[pyo3(signature = (models=None, *, threads=0, lanes=0, batch_size=0, max_article_sentences=1000, device="cpu", embedding_model=None, stance_model=None, ort_dylib=None, score_references=false))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        models: Option<PathBuf>,
        threads: usize,
        lanes: usize,
        batch_size: usize,
        max_article_sentences: usize,
        device: &str,
        embedding_model: Option<String>,
        stance_model: Option<String>,
        ort_dylib: Option<PathBuf>,
        score_references: bool,
    ) -> PyResult<Self> {
        let device = crate::Device::parse(device).map_err(to_py)?;
        let mut options = PipelineOptions::default()
            .with_threads(threads)
            .with_lanes(lanes)
            .with_batch_size(batch_size)
            .with_max_article_sentences(max_article_sentences)
            .with_device(device)
            .with_score_references(score_references);
        if let Some(dir) = models {
            options = options.with_models_dir(dir);
        }
        if let Some(name) = embedding_model {
            options = options.with_embedding_model(name);
        }
        // None reads stance with the bundled stance head; Python always passes its choice.
        options = match stance_model {
            Some(name) => options.with_stance_model(name),
            None => options.with_stance_head(),
        };
        if let Some(path) = ort_dylib {
            options = options.with_ort_dylib(path);
        }
        let inner = detached(py, || Pipeline::new(options).map_err(to_py))?;
        Ok(Self { inner })
    }

    fn embed<'py>(&self, py: Python<'py>, texts: Vec<String>) -> PyResult<Bound<'py, PyArray2<f32>>> {
        let array = detached(py, || self.inner.embed(&texts).map_err(to_py))?;
        Ok(array.into_pyarray(py))
    }

    fn target_sentiment<'py>(&self, py: Python<'py>, targets: Vec<String>, sentences: Vec<String>) -> PyResult<Bound<'py, PyArray2<f32>>> {
        let array = detached(py, || self.inner.target_sentiment(&targets, &sentences).map_err(to_py))?;
        Ok(array.into_pyarray(py))
    }

    /// Probabilities for targets given by position: `spans[i]` = (start, end) in characters
    /// (Python `str` indices) of the target in `sentences[i]`.
    fn span_sentiment<'py>(&self, py: Python<'py>, sentences: Vec<String>, spans: Vec<(usize, usize)>) -> PyResult<Bound<'py, PyArray2<f32>>> {
        if sentences.len() != spans.len() {
            return Err(to_py(crate::Error::InvalidInput(format!("got {} spans for {} sentences; pass one span per sentence", spans.len(), sentences.len()))));
        }
        let byte_spans = sentences
            .iter()
            .zip(&spans)
            .enumerate()
            .map(|(i, (sentence, &(start, end)))| {
                let byte_of = |at: usize| sentence.char_indices().map(|(b, _)| b).chain(std::iter::once(sentence.len())).nth(at);
                match (byte_of(start), byte_of(end)) {
                    (Some(s), Some(e)) if start < end => Ok((i, s, e)),
                    _ => Err(to_py(crate::Error::InvalidInput(format!(
                        "span {i} ({start}, {end}) is not a non-empty span of its sentence ({} characters)",
                        sentence.chars().count()
                    )))),
                }
            })
            .collect::<PyResult<Vec<_>>>()?;
        let array = detached(py, || self.inner.span_sentiment(&sentences, &byte_spans).map_err(to_py))?;
        Ok(array.into_pyarray(py))
    }

    /// One `presslens.Summary` per text. Exactly one budget applies (see `Budget::from_options`).
    #[pyo3(signature = (texts, ids, *, max_sentences=None, max_words=None, ratio=None))]
    fn summarize_many(
        &self,
        py: Python<'_>,
        texts: Vec<String>,
        ids: Vec<DocId>,
        max_sentences: Option<i64>,
        max_words: Option<i64>,
        ratio: Option<f64>,
    ) -> PyResult<Vec<Py<results::Summary>>> {
        check_ids(&ids, texts.len())?;
        let budget = Budget::from_options(max_sentences, max_words, ratio).map_err(to_py)?;
        let summaries = detached(py, || self.inner.summarize_many(&texts, budget).map_err(to_py))?;
        summaries
            .iter()
            .zip(&texts)
            .zip(&ids)
            .map(|((article, text), id)| convert::summary(py, id, text, &article.document, &article.picks, article.truncated))
            .collect()
    }

    /// One `presslens.CorpusSummary` across the texts: picks attributed to their article's id,
    /// other articles saying nearly the same listed as sources.
    fn summarize_corpus(&self, py: Python<'_>, texts: Vec<String>, ids: Vec<DocId>, max_sentences: i64) -> PyResult<results::CorpusSummary> {
        check_ids(&ids, texts.len())?;
        let max_sentences = usize::try_from(max_sentences)
            .map_err(|_| to_py(crate::Error::InvalidInput(format!("max_sentences must be a non-negative int, got {max_sentences}"))))?;
        let (docs, doc_of, picks) = detached(py, || self.inner.summarize_corpus(&texts, max_sentences).map_err(to_py))?;
        let flat: Vec<&text::Sentence> = docs.iter().flat_map(|d| d.sentences.iter()).collect();
        let sentence_at = |i: usize| -> PyResult<Bound<'_, results::Sentence>> {
            let s = flat[i];
            let (start, end) = CharOffsets::new(&texts[doc_of[i]]).span(s.start, s.end);
            let sentence = results::Sentence { text: s.text.clone(), start, end, index: s.index, paragraph: s.paragraph, kind: s.kind.as_str().to_owned() };
            Ok(Py::new(py, sentence)?.into_bound(py))
        };
        convert::corpus_summary(py, &picks, &doc_of, &ids, sentence_at)
    }

    /// One `presslens.Analysis` per text. `actors`: None to discover them in each text, else
    /// [(name, [aliases...])...].
    #[pyo3(signature = (texts, ids, actors, max_sentences))]
    fn analyze_many(
        &self,
        py: Python<'_>,
        texts: Vec<String>,
        ids: Vec<DocId>,
        actors: Option<Vec<(String, Vec<String>)>>,
        max_sentences: i64,
    ) -> PyResult<Vec<Py<results::Analysis>>> {
        check_ids(&ids, texts.len())?;
        analysis::analyze_many(self, py, texts, ids, actors, max_sentences)
    }

    /// `analyze_many` without given actors, each analysis with its story profile.
    fn analyze_for_stories(
        &self,
        py: Python<'_>,
        texts: Vec<String>,
        ids: Vec<DocId>,
        max_sentences: i64,
    ) -> PyResult<Vec<(Py<results::Analysis>, Py<stories::PyStoryProfile>)>> {
        check_ids(&ids, texts.len())?;
        stories::analyze_for_stories(self, py, texts, ids, max_sentences)
    }

    #[getter]
    fn stance_labels(&self) -> Vec<String> {
        self.inner.stance_labels().to_vec()
    }

    /// Seconds both models have spent inside ONNX Runtime's `run` since loading.
    #[getter]
    fn onnx_run_seconds(&self) -> f64 {
        self.inner.onnx_run_seconds()
    }

    #[getter]
    fn threads(&self) -> usize {
        self.inner.threads()
    }

    /// ONNX sessions per model running batches side by side.
    #[getter]
    fn lanes(&self) -> usize {
        self.inner.thread_layout().lanes
    }

    #[getter]
    fn batch_size(&self) -> usize {
        self.inner.options().batch_size
    }

    #[getter]
    fn runtime_library(&self) -> PathBuf {
        self.inner.runtime_library().to_path_buf()
    }

    #[getter]
    fn model_dirs(&self) -> (PathBuf, Option<PathBuf>) {
        let (embedding, stance) = self.inner.model_dirs();
        (embedding.to_path_buf(), stance.map(Path::to_path_buf))
    }
}

/// Where the model folder `name` would be loaded from: `root/name`, else `$PRESSLENS_MODELS/name`,
/// else the user cache (the same search as `Pipeline`).
#[pyfunction]
#[pyo3(signature = (name, root=None))]
fn locate_model(name: &str, root: Option<PathBuf>) -> PyResult<PathBuf> {
    crate::infer::models::locate(name, root.as_deref()).map(|files| files.dir).map_err(to_py)
}

/// presslens's folder in the user cache (`$XDG_CACHE_HOME/presslens`, else `~/.cache/presslens`),
/// or None without a home folder.
#[pyfunction]
fn cache_dir() -> Option<PathBuf> {
    crate::infer::models::cache_root()
}

/// The model manifest (`src/data/models.json`, embedded at build time) as JSON text.
#[pyfunction]
fn model_manifest() -> &'static str {
    crate::infer::models::MANIFEST_JSON
}

/// Record the installed `presslens-models` package's models folder (`None`: none installed; Python
/// finds it with its import system), then return the folders a model is searched in when no
/// `models` folder is given, in order, each as (folder, where it came from).
#[pyfunction]
#[pyo3(signature = (package_root=None))]
fn model_roots(package_root: Option<PathBuf>) -> Vec<(PathBuf, &'static str)> {
    crate::infer::models::set_package_root(package_root);
    crate::infer::models::candidate_roots(None)
}

/// Whether the ONNX Runtime library at `ort_dylib` (or the one already loaded) offers CUDA.
#[pyfunction]
fn cuda_available(py: Python<'_>, ort_dylib: PathBuf) -> PyResult<bool> {
    detached(py, || crate::infer::runtime::has_cuda(Some(&ort_dylib)).map_err(to_py))
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("build_profile", if cfg!(debug_assertions) { "debug" } else { "release" })?;
    m.add_function(wrap_pyfunction!(segment, m)?)?;
    m.add_function(wrap_pyfunction!(locate_model, m)?)?;
    m.add_function(wrap_pyfunction!(model_manifest, m)?)?;
    m.add_function(wrap_pyfunction!(model_roots, m)?)?;
    m.add_function(wrap_pyfunction!(cuda_available, m)?)?;
    m.add_function(wrap_pyfunction!(analysis::corpus_analysis, m)?)?;
    m.add_function(wrap_pyfunction!(analysis::corpus_actor_names, m)?)?;
    m.add_function(wrap_pyfunction!(analysis::stance_of, m)?)?;
    m.add_function(wrap_pyfunction!(cache_dir, m)?)?;
    m.add_function(wrap_pyfunction!(stories::stories, m)?)?;
    m.add_function(wrap_pyfunction!(stories::group_stories, m)?)?;
    m.add_class::<stories::PyStoryProfile>()?;
    m.add_class::<PyPipeline>()?;
    results::register(m)?;
    constants(m)
}

/// The facts Python needs from the core, so that each lives once (here, in Rust).
fn constants(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("POSITIVE_ABOVE", crate::POSITIVE_ABOVE)?;
    m.add("NEGATIVE_BELOW", crate::NEGATIVE_BELOW)?;
    m.add("PRIOR_SENTENCES", crate::PRIOR_SENTENCES)?;
    m.add("EVIDENCE_PER_SIDE", crate::EVIDENCE_PER_SIDE)?;
    m.add("DEFAULT_EMBEDDING_MODEL", crate::DEFAULT_EMBEDDING_MODEL)?;
    m.add("CROSS_ENCODER_STANCE_MODEL", crate::CROSS_ENCODER_STANCE_MODEL)?;
    m.add("MODEL_FILES", crate::MODEL_FILES.to_vec())?;
    m.add("MODELS_ENV_VAR", crate::MODELS_ENV_VAR)?;
    m.add("ORT_VERSION", crate::ORT_VERSION)?;
    m.add("ORT_DYLIB_ENV_VARS", crate::DYLIB_ENV_VARS.to_vec())?;
    m.add("DEFAULT_MAX_ARTICLE_SENTENCES", crate::DEFAULT_MAX_ARTICLE_SENTENCES)?;
    m.add("MAX_CORPUS_SENTENCES", crate::MAX_CORPUS_SENTENCES)?;
    m.add("MAX_SENTENCE_BYTES", text::MAX_SENTENCE_BYTES)?;
    m.add("SENTENCE_PIECE_BYTES", text::PIECE_BYTES)?;
    // The ranges of the numeric options (pipeline.rs), so that Python checks the same numbers
    // before pyo3 sees an int too large for a usize (which would be an OverflowError).
    let limits = pyo3::types::PyDict::new(m.py());
    for (name, value) in [
        ("threads", crate::pipeline::MAX_THREADS),
        ("threads_per_core", crate::pipeline::MAX_THREADS_PER_CORE),
        ("lanes", crate::pipeline::MAX_LANES),
        ("batch_size", crate::pipeline::MAX_BATCH_SIZE),
        ("max_article_sentences", crate::pipeline::MAX_ARTICLE_SENTENCES_LIMIT),
        ("max_sentences", crate::pipeline::MAX_SUMMARY_SENTENCES),
        ("max_words", crate::pipeline::MAX_SUMMARY_WORDS),
        ("chunk_size", crate::pipeline::MAX_CHUNK_SIZE),
        ("corpus_sentences", crate::pipeline::MAX_CORPUS_SENTENCES),
    ] {
        limits.set_item(name, value)?;
    }
    m.add("LIMITS", limits)?;
    Ok(())
}
