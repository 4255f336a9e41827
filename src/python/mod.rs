//! The `presslens._native` extension module: the only place that knows about pyo3.
//!
//! Inputs are extracted into owned Rust values first, then the work runs with the GIL released
//! (`Python::detach`), so other Python threads keep running. Core errors become the exception
//! classes of `presslens.exceptions` in one place (`errors.rs`).

mod analysis;
mod errors;
mod offsets;

use std::path::PathBuf;

use numpy::{IntoPyArray, PyArray2};
use pyo3::prelude::*;

use crate::pipeline::{Pipeline, PipelineOptions};
use crate::summarize::Budget;
use crate::text::{self, SentenceKind};
use errors::{detached, to_py};
use offsets::CharOffsets;

/// (text, start, end, index, paragraph, kind), offsets in code points.
pub(crate) type SentenceTuple = (String, usize, usize, usize, usize, &'static str);
/// (start, end, reason), offsets in code points.
type RemovedTuple = (usize, usize, String);

/// Segment one text; offsets are Python `str` indices (code points), not bytes.
#[pyfunction]
fn segment(py: Python<'_>, text: String) -> PyResult<(Vec<SentenceTuple>, Vec<RemovedTuple>)> {
    detached(py, || {
        let doc = text::segment(&text);
        let mut chars = CharOffsets::new(&text);
        let sentences = doc
            .sentences
            .into_iter()
            .map(|s| {
                let (start, end) = chars.span(s.start, s.end);
                (s.text, start, end, s.index, s.paragraph, kind_name(s.kind))
            })
            .collect();
        let mut chars = CharOffsets::new(&text);
        let removed = doc
            .removed
            .into_iter()
            .map(|r| {
                let (start, end) = chars.span(r.start, r.end);
                (start, end, r.reason)
            })
            .collect();
        Ok((sentences, removed))
    })
}

pub(crate) type PickTuple = (usize, String, usize, usize, f32, &'static str);
type CorpusPickTuple = (usize, usize, String, usize, usize, f32, Vec<(usize, usize)>);

pub(crate) fn parse_budget(kind: &str, value: f64) -> PyResult<Budget> {
    let budget = match kind {
        "sentences" if value >= 0.0 => Budget::Sentences(value as usize),
        "words" if value >= 0.0 => Budget::Words(value as usize),
        "ratio" => Budget::Ratio(value),
        _ => return Err(to_py(crate::Error::InvalidInput(format!("unknown budget {kind}={value}")))),
    };
    budget.validate().map_err(to_py)
}

pub(crate) fn kind_name(kind: SentenceKind) -> &'static str {
    kind.as_str()
}

#[pyclass(name = "NativePipeline", module = "presslens._native", frozen)]
pub(crate) struct PyPipeline {
    inner: Pipeline,
}

#[pymethods]
impl PyPipeline {
    #[new]
    #[pyo3(signature = (models=None, *, threads=0, lanes=0, batch_size=0, max_article_sentences=1000, device="cpu", embedding_model=None, stance_model=None, ort_dylib=None))]
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
    ) -> PyResult<Self> {
        let device = match device {
            "cpu" => crate::pipeline::Device::Cpu,
            "cuda" => crate::pipeline::Device::Cuda,
            other => return Err(to_py(crate::Error::InvalidInput(format!("device must be \"cpu\" or \"cuda\", got {other:?}")))),
        };
        let mut options = PipelineOptions::default().with_threads(threads).with_lanes(lanes).with_batch_size(batch_size).with_max_article_sentences(max_article_sentences).with_device(device);
        if let Some(dir) = models {
            options = options.with_models_dir(dir);
        }
        if let Some(name) = embedding_model {
            options = options.with_embedding_model(name);
        }
        if let Some(name) = stance_model {
            options = options.with_stance_model(name);
        }
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

    /// Per text: (picks as (sentence index, text, start, end, score, kind), truncated), offsets in
    /// code points.
    fn summarize_many(&self, py: Python<'_>, texts: Vec<String>, budget: &str, value: f64) -> PyResult<Vec<(Vec<PickTuple>, bool)>> {
        let budget = parse_budget(budget, value)?;
        detached(py, || {
            let results = self.inner.summarize_many(&texts, budget).map_err(to_py)?;
            Ok(results
                .iter()
                .zip(&texts)
                .map(|(article, text)| {
                    let mut chars = CharOffsets::new(text);
                    let picks = article
                        .picks
                        .iter()
                        .map(|p| {
                            let s = &article.document.sentences[p.sentence];
                            let (start, end) = chars.span(s.start, s.end);
                            (s.index, s.text.clone(), start, end, p.score, kind_name(s.kind))
                        })
                        .collect();
                    (picks, article.truncated)
                })
                .collect())
        })
    }

    /// Corpus picks as (doc, sentence index, text, start, end, score, [(doc, sentence index)...]).
    fn summarize_corpus(&self, py: Python<'_>, texts: Vec<String>, max_sentences: usize) -> PyResult<Vec<CorpusPickTuple>> {
        detached(py, || {
            let (docs, doc_of, picks) = self.inner.summarize_corpus(&texts, max_sentences).map_err(to_py)?;
            let flat: Vec<&crate::text::Sentence> = docs.iter().flat_map(|d| d.sentences.iter()).collect();
            Ok(picks
                .iter()
                .map(|p| {
                    let s = flat[p.sentence];
                    let doc = doc_of[p.sentence];
                    let (start, end) = CharOffsets::new(&texts[doc]).span(s.start, s.end);
                    let sources = p.duplicates.iter().map(|&d| (doc_of[d], flat[d].index)).collect();
                    (doc, s.index, s.text.clone(), start, end, p.score, sources)
                })
                .collect())
        })
    }

    /// Per text: (sentences, summary picks, actors). `actors`: None to discover them in each text,
    /// else [(name, [aliases...])...].
    #[pyo3(signature = (texts, actors, budget, value))]
    fn analyze_many(&self, py: Python<'_>, texts: Vec<String>, actors: Option<Vec<(String, Vec<String>)>>, budget: &str, value: f64) -> PyResult<Vec<analysis::ArticleTuple>> {
        analysis::analyze_many(self, py, texts, actors, budget, value)
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
    fn model_dirs(&self) -> (PathBuf, PathBuf) {
        let (embedding, stance) = self.inner.model_dirs();
        (embedding.to_path_buf(), stance.to_path_buf())
    }
}

/// Where the model folder `name` would be loaded from: `root/name`, else `$PRESSLENS_MODELS/name`,
/// else the user cache (the same search as `Pipeline`).
#[pyfunction]
#[pyo3(signature = (name, root=None))]
fn locate_model(name: &str, root: Option<PathBuf>) -> PyResult<PathBuf> {
    crate::models::locate(name, root.as_deref()).map(|files| files.dir).map_err(to_py)
}

/// Whether the ONNX Runtime library at `ort_dylib` (or the one already loaded) offers CUDA.
#[pyfunction]
fn cuda_available(py: Python<'_>, ort_dylib: PathBuf) -> PyResult<bool> {
    detached(py, || crate::runtime::has_cuda(Some(&ort_dylib)).map_err(to_py))
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("build_profile", if cfg!(debug_assertions) { "debug" } else { "release" })?;
    m.add_function(wrap_pyfunction!(segment, m)?)?;
    m.add_function(wrap_pyfunction!(locate_model, m)?)?;
    m.add_function(wrap_pyfunction!(cuda_available, m)?)?;
    m.add_function(wrap_pyfunction!(analysis::merge_actors, m)?)?;
    m.add_class::<PyPipeline>()?;
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
