//! The entry point: both models loaded once, one thread budget shared between presslens's own
//! parallel work (tokenising) and ONNX Runtime's intra-op threads.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, RwLock};

use ndarray::Array2;

use crate::actors::ner::{Entity, NerHead};
use crate::actors::{self, ActorSpec, EntitySpan, Matcher, Mention, Quote, References, Via};
use crate::analysis::actor_stance::{self, ActorStance, LabelIndex};
use crate::analysis::stories::{self, StoryProfile};
use crate::analysis::summarize::{self, Budget, Pick, SummaryWeights};
use crate::error::{Error, Result};
use crate::infer::embed::Embedder;
use crate::infer::models::{self, CROSS_ENCODER_STANCE_MODEL, DEFAULT_EMBEDDING_MODEL};
use crate::infer::runtime;
pub use crate::infer::session::{Device, ThreadLayout};
use crate::infer::stance_head::{target_rows, StanceHead};
use crate::infer::target_sentiment::{mention_window, stance_context, TargetSentiment};
use crate::text::{self, Document};
use rayon::prelude::*;

/// Summaries and actors of an article read at most this many sentences (a long novel pasted into
/// a news pipeline should cost seconds, not an hour); results say when they were cut.
pub const DEFAULT_MAX_ARTICLE_SENTENCES: usize = 1000;
/// A corpus summary compares every sentence with every other: past this many sentences it is made
/// story by story instead (`Pipeline::summarize_by_story`), and so is each story's past this many.
pub const MAX_CORPUS_SENTENCES: usize = 5000;

// The ranges of the numeric options, in one place (the Python package reads them through
// `presslens._native.LIMITS`, the README lists them). Each is checked before anything is
// allocated: `batch_size = 10^10` used to abort the process in batch planning, `lanes = 30` took
// over 4 GB of model copies, `threads = 5000` did not finish starting its threads.

/// `threads` is at most this many...
pub const MAX_THREADS: usize = 256;
/// ...and at most this many per available core (more threads than that only wait on each other).
pub const MAX_THREADS_PER_CORE: usize = 4;
/// `lanes` is at most this, and at most `threads`: each lane holds a copy of both models' weights.
pub const MAX_LANES: usize = 16;
/// `batch_size` is at most this (a padded batch of 4096 x 256 tokens is already ~1 GiB of activations).
pub const MAX_BATCH_SIZE: usize = 4096;
/// `max_article_sentences` is at most this.
pub const MAX_ARTICLE_SENTENCES_LIMIT: usize = 1_000_000;
/// A summary's `max_sentences` (per article or across articles) is at most this.
pub const MAX_SUMMARY_SENTENCES: usize = 100_000;
/// A summary's `max_words` is at most this.
pub const MAX_SUMMARY_WORDS: usize = 10_000_000;
/// Articles per chunk of work between progress updates (the Python `chunk_size`) is at most this.
pub const MAX_CHUNK_SIZE: usize = 1_000_000;

/// `value` must lie in `low..=high`; the error names the option and its range.
fn check_range(name: &str, value: usize, low: usize, high: usize, meaning_of_zero: &str) -> Result<()> {
    if (low..=high).contains(&value) || (value == 0 && !meaning_of_zero.is_empty()) {
        return Ok(());
    }
    let zero = if meaning_of_zero.is_empty() { String::new() } else { format!(" (or 0 for {meaning_of_zero})") };
    Err(Error::InvalidInput(format!("{name} must be between {low} and {high}{zero}, got {value}")))
}

/// One sentence's encoder output kept for the stance head: its pieces' states ([CLS] and [SEP]
/// included) and their byte offsets in the sentence. About 1.5 KB a piece, held only while one
/// `analyze_many` call (one chunk of articles) runs.
#[derive(Debug, Clone)]
struct TokenStates {
    states: Array2<f32>,
    offsets: Vec<(usize, usize)>,
}

impl TokenStates {
    fn of(_text: &str, encoding: &tokenizers::Encoding, states: ndarray::ArrayView2<f32>) -> Self {
        Self { states: states.to_owned(), offsets: encoding.get_offsets()[..states.nrows().min(encoding.get_offsets().len())].to_vec() }
    }
}

/// What one encoder pass over an article batch's read sentences gives: their embeddings, their
/// entities (when actors are discovered) and their token states (when the stance head reads them).
struct EncoderPass {
    embeddings: Array2<f32>,
    entities: Vec<Vec<Entity>>,
    states: Vec<TokenStates>,
}

/// For every sentence of `docs`, in order, the index of its document.
fn article_of_each_sentence(docs: &[Document]) -> Vec<usize> {
    docs.iter().enumerate().flat_map(|(i, d)| std::iter::repeat_n(i, d.sentences.len())).collect()
}

/// Byte span of the first occurrence of `target` in `sentence`: exact, else ignoring case (when
/// lowercasing keeps the byte lengths, as it does for ASCII and most Latin text).
fn find_target(sentence: &str, target: &str) -> Option<(usize, usize)> {
    let target = target.trim();
    if target.is_empty() {
        return None;
    }
    if let Some(at) = sentence.find(target) {
        return Some((at, at + target.len()));
    }
    let (lower_sentence, lower_target) = (sentence.to_lowercase(), target.to_lowercase());
    if lower_sentence.len() != sentence.len() || lower_target.len() != target.len() {
        return None;
    }
    let at = lower_sentence.find(&lower_target)?;
    (sentence.is_char_boundary(at) && sentence.is_char_boundary(at + target.len())).then_some((at, at + target.len()))
}

/// Where to tag a sentence again when the encoder stopped at byte `read`: the start of the word it
/// stopped in (that word may have been cut), or None when the rest holds no word.
fn resume_at(text: &str, read: usize) -> Option<usize> {
    let rest = text.get(read..)?;
    if !rest.chars().any(char::is_alphanumeric) {
        return None;
    }
    Some(text[..read].rfind(char::is_whitespace).map_or(0, |at| at + 1))
}

/// At most about 2,000 bytes of `text` from `from` (more than the encoder reads), ending at a space.
fn tagging_window(text: &str, from: usize) -> &str {
    let rest = text.get(from..).unwrap_or("");
    if rest.len() <= 2000 {
        return rest;
    }
    let mut end = 2000;
    while !rest.is_char_boundary(end) {
        end -= 1;
    }
    let end = rest[..end].rfind(char::is_whitespace).filter(|&at| at > 0).unwrap_or(end);
    &rest[..end]
}

/// The most `threads` this machine accepts: [`MAX_THREADS_PER_CORE`] per core, at most [`MAX_THREADS`].
pub fn max_threads() -> usize {
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    cores.saturating_mul(MAX_THREADS_PER_CORE).min(MAX_THREADS)
}

/// A summary budget within [`MAX_SUMMARY_SENTENCES`] / [`MAX_SUMMARY_WORDS`].
pub fn check_budget(budget: Budget) -> Result<Budget> {
    match budget {
        Budget::Sentences(n) => check_range("max_sentences", n, 0, MAX_SUMMARY_SENTENCES, "")?,
        Budget::Words(n) => check_range("max_words", n, 0, MAX_SUMMARY_WORDS, "")?,
        Budget::Ratio(_) => {}
    }
    budget.validate()
}

/// How to build a [`Pipeline`]. Start from `Default` and change what you need with the `with_*` methods.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct PipelineOptions {
    /// Folder holding the model folders; `None` searches `$PRESSLENS_MODELS`, then the user cache.
    pub models_dir: Option<PathBuf>,
    pub embedding_model: String,
    /// The target-sentiment cross-encoder folder that scores mentions, one encoder pass per
    /// mention (default `stance-minilm-l6`); `None` reads stance off the embedding pass with the
    /// bundled stance head instead (faster; its labels measured below the cross-encoder's on the
    /// annotated article set, see `src/data/stance/MODEL_CARD.md`).
    pub stance_model: Option<String>,
    /// Total cores presslens may use; 0 means all available.
    pub threads: usize,
    /// ONNX sessions per model that run batches side by side, splitting `threads` between them;
    /// 0 picks one per core (at most 4) on the CPU and one on a GPU. Each costs a copy of the
    /// model's weights in memory.
    pub lanes: usize,
    /// Inputs per model call; 0 picks the device's default (8 on the CPU, 256 on a GPU).
    pub batch_size: usize,
    /// Sentences of an article that summaries and actor analysis read (the rest is ignored and
    /// the result is flagged as truncated).
    pub max_article_sentences: usize,
    pub device: Device,
    /// The ONNX Runtime library; `None` reads `$PRESSLENS_ORT_DYLIB` / `$ORT_DYLIB_PATH`.
    pub ort_dylib: Option<PathBuf>,
    /// Score pronoun and description mentions with the stance model too. They never weigh in an
    /// actor's score, and with the cross-encoder they cost one encoder pass each (about 47% more
    /// mentions on BBC business news: `analyze_many` at 0.84x), so by default they are listed
    /// unscored (probabilities NaN).
    pub score_references: bool,
}

impl Default for PipelineOptions {
    fn default() -> Self {
        Self {
            models_dir: None,
            embedding_model: DEFAULT_EMBEDDING_MODEL.to_owned(),
            stance_model: Some(CROSS_ENCODER_STANCE_MODEL.to_owned()),
            threads: 0,
            lanes: 0,
            batch_size: 0,
            max_article_sentences: DEFAULT_MAX_ARTICLE_SENTENCES,
            device: Device::Cpu,
            ort_dylib: None,
            score_references: false,
        }
    }
}

impl PipelineOptions {
    #[must_use]
    pub fn with_models_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.models_dir = Some(dir.into());
        self
    }
    #[must_use]
    pub fn with_threads(mut self, threads: usize) -> Self {
        self.threads = threads;
        self
    }
    #[must_use]
    pub fn with_lanes(mut self, lanes: usize) -> Self {
        self.lanes = lanes;
        self
    }
    #[must_use]
    pub fn with_batch_size(mut self, batch_size: usize) -> Self {
        self.batch_size = batch_size;
        self
    }
    #[must_use]
    pub fn with_device(mut self, device: Device) -> Self {
        self.device = device;
        self
    }
    #[must_use]
    pub fn with_max_article_sentences(mut self, max: usize) -> Self {
        self.max_article_sentences = max;
        self
    }
    #[must_use]
    pub fn with_ort_dylib(mut self, path: impl Into<PathBuf>) -> Self {
        self.ort_dylib = Some(path.into());
        self
    }
    #[must_use]
    pub fn with_embedding_model(mut self, name: impl Into<String>) -> Self {
        self.embedding_model = name.into();
        self
    }
    #[must_use]
    pub fn with_stance_model(mut self, name: impl Into<String>) -> Self {
        self.stance_model = Some(name.into());
        self
    }
    /// Score pronoun and description mentions too (see [`PipelineOptions::score_references`]).
    #[must_use]
    pub fn with_score_references(mut self, score: bool) -> Self {
        self.score_references = score;
        self
    }
    /// Read stance with the bundled stance head on the embedding pass (no stance model folder).
    #[must_use]
    pub fn with_stance_head(mut self) -> Self {
        self.stance_model = None;
        self
    }
}

pub struct Pipeline {
    options: PipelineOptions,
    threads: usize,
    layout: ThreadLayout,
    runtime_library: PathBuf,
    model_dirs: (PathBuf, Option<PathBuf>),
    model_files: (models::ModelFiles, Option<models::ModelFiles>),
    stance_labels: LabelIndex,
    stance_label_names: Vec<String>,
    /// The entity recogniser on the embedding model's token states (plain weights: it crosses a
    /// fork unharmed, unlike the engine).
    ner: NerHead,
    /// Stance on the embedding model's token states (plain weights, like `ner`); used unless a
    /// cross-encoder was asked for.
    stance_head: StanceHead,
    engine: RwLock<Arc<Engine>>,
    /// The process that built `engine`. A `fork` copies the pipeline into a child without the
    /// threads of the rayon pool and of ONNX Runtime; any call there would wait for them forever,
    /// so a call from another process builds a new engine first (see [`Pipeline::engine`]).
    pid: AtomicU32,
}

/// What cannot cross a `fork`: the worker threads and the ONNX sessions (with their own threads).
struct Engine {
    embedder: Arc<Embedder>,
    /// The cross-encoder, when `stance_model` names one.
    stance_encoder: Option<TargetSentiment>,
    pool: rayon::ThreadPool,
}

impl Engine {
    fn load(options: &PipelineOptions, threads: usize, layout: ThreadLayout, files: &(models::ModelFiles, Option<models::ModelFiles>)) -> Result<Self> {
        let (environment, _) = runtime::environment(options.ort_dylib.as_deref())?;
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .thread_name(|i| format!("presslens-{i}"))
            .build()
            .map_err(|e| Error::InvalidInput(format!("cannot start {threads} worker threads: {e}")))?;
        let embedder = Embedder::load(&environment, &files.0, layout, options.device)?;
        let stance_encoder = files.1.as_ref().map(|f| TargetSentiment::load(&environment, f, layout, options.device)).transpose()?;
        // Inside our own pool, so that rayon's global pool (which a fork child could not use
        // either) is never started by presslens.
        pool.install(|| test_run(&embedder, stance_encoder.as_ref()))?;
        Ok(Self { embedder: Arc::new(embedder), stance_encoder, pool })
    }
}

/// One tiny inference per model at load time: a model whose graph loads but cannot run on the
/// contract's inputs (wrong shapes inside, a tokenizer from another model) fails here, in
/// `Pipeline::new`, not in the middle of a user's batch.
fn test_run(embedder: &Embedder, stance: Option<&TargetSentiment>) -> Result<()> {
    let failed = |model: &str, e: Error| Error::contract(model, format!("it failed a test run on one sentence: {e}"));
    let vectors = embedder.embed(&["Presslens checks its models."], 1).map_err(|e| failed(embedder.model_name(), e))?;
    if vectors.iter().any(|v| !v.is_finite()) {
        return Err(Error::contract(embedder.model_name(), "it produced non-finite embeddings on a test sentence"));
    }
    let Some(stance) = stance else { return Ok(()) };
    let probabilities = stance.predict(&["Presslens"], &["Presslens checks its models."], 1).map_err(|e| failed(stance.model_name(), e))?;
    if probabilities.iter().any(|p| !p.is_finite()) {
        return Err(Error::contract(stance.model_name(), "it produced non-finite probabilities on a test pair"));
    }
    Ok(())
}

/// Everything presslens reads out of one article.
#[derive(Debug, Clone)]
pub struct ArticleAnalysis {
    pub document: Document,
    /// Summary picks, in document order.
    pub summary: Vec<Pick>,
    /// Actors with at least one mention, most mentioned by name first.
    pub actors: Vec<ActorStance>,
    /// Every statement the article reports, in text order.
    pub quotes: Vec<Quote>,
    /// Only the first `max_article_sentences` sentences were read.
    pub truncated: bool,
    /// What story grouping needs of the article ([`Pipeline::analyze_for_stories`] only).
    pub story_profile: Option<StoryProfile>,
}

/// One article's summary.
#[derive(Debug, Clone)]
pub struct ArticleSummary {
    pub document: Document,
    /// Picks in document order.
    pub picks: Vec<Pick>,
    /// Only the first `max_article_sentences` sentences were read.
    pub truncated: bool,
}

impl Pipeline {
    /// Load the runtime and both models now, so every problem surfaces here and not at first use.
    pub fn new(mut options: PipelineOptions) -> Result<Self> {
        // Ranges first: nothing is allocated or started for an option out of range.
        let most_threads = max_threads();
        check_range("threads", options.threads, 1, most_threads, "all cores")?;
        check_range("batch_size", options.batch_size, 1, MAX_BATCH_SIZE, "the device's default")?;
        check_range("max_article_sentences", options.max_article_sentences, 1, MAX_ARTICLE_SENTENCES_LIMIT, "")?;
        let threads =
            if options.threads == 0 { std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get).min(most_threads) } else { options.threads };
        check_range("lanes", options.lanes, 1, threads.min(MAX_LANES), "automatic")?;
        if options.batch_size == 0 {
            options.batch_size = options.device.default_batch_size();
        }
        let (_, runtime_library) = runtime::environment(options.ort_dylib.as_deref())?;
        let root = options.models_dir.as_deref();
        let model_files =
            (models::locate(&options.embedding_model, root)?, options.stance_model.as_deref().map(|name| models::locate(name, root)).transpose()?);
        let layout = ThreadLayout::for_threads(threads, options.lanes, options.device);
        let engine = Engine::load(&options, threads, layout, &model_files)?;
        let stance_head = StanceHead::bundled()?;
        let (stance_model, stance_label_names) = match &engine.stance_encoder {
            Some(encoder) => (encoder.model_name().to_owned(), encoder.labels().to_vec()),
            None => ("the stance head".to_owned(), stance_head.labels().to_vec()),
        };
        let stance_labels = LabelIndex::from_labels(&stance_model, &stance_label_names)?;
        let model_dirs = (model_files.0.dir.clone(), model_files.1.as_ref().map(|f| f.dir.clone()));
        Ok(Self {
            options,
            threads,
            layout,
            runtime_library,
            model_dirs,
            model_files,
            stance_labels,
            stance_label_names,
            ner: NerHead::bundled()?,
            stance_head,
            engine: RwLock::new(Arc::new(engine)),
            pid: AtomicU32::new(std::process::id()),
        })
    }

    /// The engine of this process. In a process forked from the one that built it (Python's
    /// `multiprocessing` "fork" start method, joblib, Dask's local processes) the models are loaded
    /// again from the same folders with the same options, as HF tokenizers restarts its pool
    /// after a fork; the parent's engine is leaked there, because dropping it would join threads
    /// that do not exist in the child.
    fn engine(&self) -> Result<Arc<Engine>> {
        let here = std::process::id();
        if self.pid.load(Ordering::Acquire) == here {
            return Ok(Arc::clone(&*self.engine.read().map_err(|_| Error::Poisoned("pipeline engine"))?));
        }
        let mut engine = self.engine.write().map_err(|_| Error::Poisoned("pipeline engine"))?;
        if self.pid.load(Ordering::Acquire) != here {
            let fresh = Arc::new(Engine::load(&self.options, self.threads, self.layout, &self.model_files)?);
            std::mem::forget(std::mem::replace(&mut *engine, fresh));
            self.pid.store(here, Ordering::Release);
        }
        Ok(Arc::clone(&*engine))
    }

    pub fn options(&self) -> &PipelineOptions {
        &self.options
    }

    /// The number of cores this pipeline uses (the `threads` option, resolved).
    pub fn threads(&self) -> usize {
        self.threads
    }

    /// How the threads are split: parallel ONNX sessions per model and intra-op threads in each.
    pub fn thread_layout(&self) -> ThreadLayout {
        self.layout
    }

    pub fn runtime_library(&self) -> &Path {
        &self.runtime_library
    }

    /// The folders the embedding model and, when one was asked for, the stance cross-encoder were
    /// loaded from.
    pub fn model_dirs(&self) -> (&Path, Option<&Path>) {
        (&self.model_dirs.0, self.model_dirs.1.as_deref())
    }

    /// Wall-clock seconds with some session of either model inside ONNX Runtime's `run` since
    /// loading (overlapping lanes count once; the two models never run at the same time here).
    pub fn onnx_run_seconds(&self) -> f64 {
        self.engine().map_or(0.0, |e| e.embedder.run_seconds() + e.stance_encoder.as_ref().map_or(0.0, TargetSentiment::run_seconds))
    }

    pub fn stance_labels(&self) -> &[String] {
        &self.stance_label_names
    }

    /// Sentence embeddings, `(texts.len(), 384)`, L2-normalised, in input order.
    pub fn embed<S: AsRef<str> + Sync>(&self, texts: &[S]) -> Result<Array2<f32>> {
        let texts: Vec<&str> = texts.iter().map(AsRef::as_ref).collect();
        let engine = self.engine()?;
        engine.pool.install(|| engine.embedder.embed(&texts, self.options.batch_size))
    }

    /// Class probabilities for each (target mention, sentence) pair, in [`Pipeline::stance_labels`]
    /// order. With the stance head the target must occur in its sentence (first occurrence, exact,
    /// else ignoring case); [`Pipeline::span_sentiment`] takes its position instead.
    pub fn target_sentiment<S: AsRef<str> + Sync>(&self, targets: &[S], sentences: &[S]) -> Result<Array2<f32>> {
        if targets.len() != sentences.len() {
            return Err(Error::InvalidInput(format!("got {} targets but {} sentences; pass one target per sentence", targets.len(), sentences.len())));
        }
        let targets: Vec<&str> = targets.iter().map(AsRef::as_ref).collect();
        let sentences: Vec<&str> = sentences.iter().map(AsRef::as_ref).collect();
        let engine = self.engine()?;
        if let Some(encoder) = &engine.stance_encoder {
            return engine.pool.install(|| encoder.predict(&targets, &sentences, self.options.batch_size));
        }
        let spans = targets
            .iter()
            .zip(&sentences)
            .enumerate()
            .map(|(i, (target, sentence))| {
                find_target(sentence, target).map(|(start, end)| (i, start, end)).ok_or_else(|| {
                    Error::InvalidInput(format!(
                        "target {i} ({target:?}) does not occur in its sentence; pass the target as it is written there, or its character span (span_sentiment)"
                    ))
                })
            })
            .collect::<Result<Vec<_>>>()?;
        self.span_sentiment(&sentences, &spans)
    }

    /// Class probabilities for targets given by position: `(sentence index, start byte, end byte)`
    /// into `sentences`, one row per span, in [`Pipeline::stance_labels`] order.
    pub fn span_sentiment<S: AsRef<str> + Sync>(&self, sentences: &[S], spans: &[(usize, usize, usize)]) -> Result<Array2<f32>> {
        let sentences: Vec<&str> = sentences.iter().map(AsRef::as_ref).collect();
        for (k, &(i, start, end)) in spans.iter().enumerate() {
            let sentence = sentences.get(i).ok_or_else(|| Error::InvalidInput(format!("span {k} names sentence {i} of {}", sentences.len())))?;
            if start > end || end > sentence.len() || !sentence.is_char_boundary(start) || !sentence.is_char_boundary(end) {
                return Err(Error::InvalidInput(format!("span {k} ({start}..{end}) is not a span of its sentence ({} bytes)", sentence.len())));
            }
        }
        let engine = self.engine()?;
        if let Some(encoder) = &engine.stance_encoder {
            let targets: Vec<&str> = spans.iter().map(|&(i, s, e)| &sentences[i][s..e]).collect();
            let contexts: Vec<&str> = spans.iter().map(|&(i, s, e)| stance_context(sentences[i], s, e)).collect();
            return engine.pool.install(|| encoder.predict(&targets, &contexts, self.options.batch_size));
        }
        let (_, states) = engine.pool.install(|| engine.embedder.embed_with_states(&sentences, self.options.batch_size, TokenStates::of))?;
        self.head_probabilities(&engine, &sentences, &states, spans)
    }

    /// The stance head's probabilities for each span (sentence index, start, end byte), reading
    /// the states the embedding pass kept. A mention past what the encoder read of its sentence
    /// (256 pieces) is read on a window around it, encoded again.
    fn head_probabilities(&self, engine: &Engine, sentences: &[&str], states: &[TokenStates], spans: &[(usize, usize, usize)]) -> Result<Array2<f32>> {
        let mut rows: Vec<Vec<usize>> =
            spans.iter().map(|&(i, start, end)| states.get(i).map_or(Vec::new(), |st| target_rows(&st.offsets, start, end))).collect();
        let unread: Vec<usize> = (0..spans.len()).filter(|&k| rows[k].is_empty() && spans[k].2 > spans[k].1).collect();
        // Which states each span is read on: its sentence's, or (past 256 pieces) its window's.
        let mut source: Vec<usize> = spans.iter().map(|&(i, _, _)| i).collect();
        let mut window_states: Vec<TokenStates> = Vec::new();
        if !unread.is_empty() {
            let windows: Vec<std::ops::Range<usize>> = unread.iter().map(|&k| mention_window(sentences[spans[k].0], spans[k].1, spans[k].2)).collect();
            let texts: Vec<&str> = unread.iter().zip(&windows).map(|(&k, w)| &sentences[spans[k].0][w.clone()]).collect();
            let (_, encoded) = engine.pool.install(|| engine.embedder.embed_with_states(&texts, self.options.batch_size, TokenStates::of))?;
            for (n, ((&k, window), st)) in unread.iter().zip(&windows).zip(&encoded).enumerate() {
                let (_, start, end) = spans[k];
                rows[k] = target_rows(&st.offsets, start - window.start, end - window.start);
                source[k] = states.len() + n;
            }
            window_states = encoded;
        }
        let states_of = |s: usize| if s < states.len() { &states[s] } else { &window_states[s - states.len()] };
        // One head call per sentence, for all its targets; sentences in parallel.
        let mut by_source: Vec<(usize, Vec<usize>)> = Vec::new();
        let mut slot: std::collections::HashMap<usize, usize> = std::collections::HashMap::new();
        for (k, &s) in source.iter().enumerate() {
            let at = *slot.entry(s).or_insert_with(|| {
                by_source.push((s, Vec::new()));
                by_source.len() - 1
            });
            by_source[at].1.push(k);
        }
        let head = &self.stance_head;
        let parts: Vec<(Vec<usize>, Array2<f32>)> = engine.pool.install(|| {
            by_source
                .par_iter()
                .map(|(s, members)| {
                    let targets: Vec<Vec<usize>> = members.iter().map(|&k| rows[k].clone()).collect();
                    (members.clone(), head.predict(states_of(*s).states.view(), &targets))
                })
                .collect()
        });
        let mut out = Array2::<f32>::zeros((spans.len(), head.labels().len()));
        for (members, probabilities) in parts {
            for (k, row) in members.into_iter().zip(probabilities.rows()) {
                out.row_mut(k).assign(&row);
            }
        }
        Ok(out)
    }

    /// Segment and summarise many articles: one embedding call for all their sentences, then a
    /// selection per article. Returns each article's document and picks (in document order).
    pub fn summarize_many<S: AsRef<str> + Sync>(&self, texts: &[S], budget: Budget) -> Result<Vec<ArticleSummary>> {
        let budget = check_budget(budget)?;
        let docs = self.segment_all(texts)?;
        let embeddings = self.embed(&self.read_sentences(&docs))?;
        Ok(self.summarize_documents(docs, &embeddings, budget))
    }

    fn segment_all<S: AsRef<str> + Sync>(&self, texts: &[S]) -> Result<Vec<Document>> {
        Ok(self.engine()?.pool.install(|| texts.par_iter().map(|t| text::segment(t.as_ref())).collect()))
    }

    /// The sentences of each document that summaries and actors read (the first
    /// `max_article_sentences`), all documents one after the other.
    fn read_sentences<'d>(&self, docs: &'d [Document]) -> Vec<&'d str> {
        let cap = self.options.max_article_sentences;
        docs.iter().flat_map(|d| d.sentences.iter().take(cap).map(|s| s.text.as_str())).collect()
    }

    /// Picks per document from the embeddings of their read sentences (rows in document order).
    fn summarize_documents(&self, docs: Vec<Document>, embeddings: &Array2<f32>, budget: Budget) -> Vec<ArticleSummary> {
        let cap = self.options.max_article_sentences;
        let weights = SummaryWeights::default();
        let mut offset = 0;
        let mut out = Vec::with_capacity(docs.len());
        for document in docs {
            let n = document.sentences.len().min(cap);
            let rows = embeddings.slice(ndarray::s![offset..offset + n, ..]);
            let sentences: Vec<&text::Sentence> = document.sentences[..n].iter().collect();
            let picks = summarize::summarize_document(&sentences, rows, budget, &weights);
            offset += n;
            let truncated = document.sentences.len() > n;
            out.push(ArticleSummary { document, picks, truncated });
        }
        out
    }

    /// Embeddings of `sentences` and, from the same encoder pass, the entities of each (byte
    /// offsets into that sentence) and, when the stance head will read them, the token states.
    fn embed_and_tag(&self, sentences: &[&str], keep_states: bool) -> Result<EncoderPass> {
        let engine = self.engine()?;
        let batch_size = self.options.batch_size;
        // Entities, how far into the text the encoder read (its last piece's end), and the states.
        let tag = |text: &str, encoding: &tokenizers::Encoding, states: ndarray::ArrayView2<f32>| {
            let found = self.ner.tag(text, states, encoding.get_offsets(), encoding.get_word_ids()).map_err(|e| e.to_string())?;
            let kept = keep_states.then(|| TokenStates::of(text, encoding, states));
            Ok::<_, String>((found, encoding.get_offsets().iter().map(|&(_, end)| end).max().unwrap_or(0), kept))
        };
        let failed = |reason: String| Error::inference("entity recogniser", reason);
        let (embeddings, tagged) = engine.pool.install(|| engine.embedder.embed_with_states(sentences, batch_size, tag))?;
        let mut entities = Vec::with_capacity(sentences.len());
        let mut kept_states = Vec::with_capacity(if keep_states { sentences.len() } else { 0 });
        let mut pending: Vec<(usize, usize)> = Vec::new();
        for (i, result) in tagged.into_iter().enumerate() {
            let (found, read, kept) = result.map_err(failed)?;
            entities.push(found);
            kept_states.extend(kept);
            if let Some(from) = resume_at(sentences[i], read) {
                entities[i].retain(|e| e.end <= from);
                pending.push((i, from));
            }
        }
        // The encoder reads 256 word pieces: a longer sentence is tagged again from where it
        // stopped, one window at a time, until all of it is read (cost linear in its length).
        while !pending.is_empty() {
            let windows: Vec<&str> = pending.iter().map(|&(i, from)| tagging_window(sentences[i], from)).collect();
            let (_, tagged) = engine.pool.install(|| engine.embedder.embed_with_states(&windows, batch_size, tag))?;
            let mut next = Vec::new();
            for ((i, from), result) in pending.into_iter().zip(tagged) {
                let (found, read, _) = result.map_err(failed)?;
                let resume = resume_at(sentences[i], from + read).filter(|&next_from| next_from > from);
                let keep_until = resume.unwrap_or(usize::MAX);
                entities[i].extend(found.into_iter().map(|e| Entity { start: e.start + from, end: e.end + from, ..e }).filter(|e| e.end <= keep_until));
                if let Some(next_from) = resume {
                    next.push((i, next_from));
                }
            }
            pending = next;
        }
        Ok(EncoderPass { embeddings, entities, states: kept_states })
    }

    /// One summary across articles; picks index into the concatenated sentences of `docs`.
    pub fn summarize_corpus<S: AsRef<str> + Sync>(&self, texts: &[S], max_sentences: usize) -> Result<(Vec<Document>, Vec<usize>, Vec<Pick>)> {
        check_range("max_sentences", max_sentences, 0, MAX_SUMMARY_SENTENCES, "")?;
        let docs: Vec<Document> = self.engine()?.pool.install(|| texts.par_iter().map(|t| text::segment(t.as_ref())).collect());
        let sentences: Vec<&text::Sentence> = docs.iter().flat_map(|d| d.sentences.iter()).collect();
        if sentences.len() > MAX_CORPUS_SENTENCES {
            return self.summarize_by_story(texts, max_sentences);
        }
        let doc_of = article_of_each_sentence(&docs);
        let texts: Vec<&str> = sentences.iter().map(|s| s.text.as_str()).collect();
        let embeddings = self.embed(&texts)?;
        let picks = summarize::summarize_corpus(&sentences, &doc_of, embeddings.view(), max_sentences, &SummaryWeights::default());
        Ok((docs, doc_of, picks))
    }

    /// A corpus too large to compare every sentence with every other, summarised story by story:
    /// the articles are grouped into stories, and the summary takes the best sentence of each story
    /// across its articles, largest story first. Memory grows with the articles, not their square.
    fn summarize_by_story<S: AsRef<str> + Sync>(&self, texts: &[S], max_sentences: usize) -> Result<(Vec<Document>, Vec<usize>, Vec<Pick>)> {
        let (analyses, story_of) = self.stories(texts, Budget::Sentences(0))?;
        // The analyses' own segmentation (the same `text::segment`), not a second one.
        let (docs, profiles): (Vec<Document>, Vec<Option<StoryProfile>>) = analyses.into_iter().map(|a| (a.document, a.story_profile)).unzip();
        let mut first = Vec::with_capacity(docs.len());
        let mut offset = 0;
        for doc in &docs {
            first.push(offset);
            offset += doc.sentences.len();
        }
        let doc_of = article_of_each_sentence(&docs);
        let mut members: Vec<Vec<usize>> = vec![Vec::new(); story_of.iter().max().map_or(0, |m| m + 1)];
        for (article, &story) in story_of.iter().enumerate() {
            members[story].push(article);
        }
        let mut picks = Vec::new();
        for list in members.iter().take(max_sentences) {
            let story_profiles: Vec<&StoryProfile> = list.iter().filter_map(|&a| profiles[a].as_ref()).collect();
            let (story_picks, located) = stories::summarize_story(&story_profiles, 1, MAX_CORPUS_SENTENCES, &SummaryWeights::default());
            let global = |flat: usize| {
                let (member, row) = located[flat];
                first[list[member]] + row
            };
            picks.extend(story_picks.into_iter().map(|p| Pick {
                sentence: global(p.sentence),
                duplicates: p.duplicates.iter().map(|&d| global(d)).collect(),
                ..p
            }));
        }
        Ok((docs, doc_of, picks))
    }

    /// Summaries, actors and per-actor stance for many articles. With `actors = None` each
    /// article's actors are discovered in that article alone (so a result never depends on the
    /// other articles in the batch); otherwise the given actors are looked for everywhere.
    pub fn analyze_many<S: AsRef<str> + Sync>(&self, texts: &[S], actors: Option<&[ActorSpec]>, budget: Budget) -> Result<Vec<ArticleAnalysis>> {
        self.analyze(texts, actors, budget, false)
    }

    /// [`Pipeline::analyze_many`], each result with its [`StoryProfile`] (from the same encoder
    /// pass): the input of [`stories::group`].
    pub fn analyze_for_stories<S: AsRef<str> + Sync>(&self, texts: &[S], actors: Option<&[ActorSpec]>, budget: Budget) -> Result<Vec<ArticleAnalysis>> {
        self.analyze(texts, actors, budget, true)
    }

    /// Articles grouped into stories: each article's analysis and the story it belongs to (0 is the
    /// largest story). The Python binding runs the same steps chunk by chunk, for progress bars.
    pub fn stories<S: AsRef<str> + Sync>(&self, texts: &[S], budget: Budget) -> Result<(Vec<ArticleAnalysis>, Vec<usize>)> {
        let analyses = self.analyze_for_stories(texts, None, budget)?;
        let profiles: Vec<&StoryProfile> = analyses.iter().filter_map(|a| a.story_profile.as_ref()).collect();
        let story = stories::group(&profiles);
        Ok((analyses, story))
    }

    fn analyze<S: AsRef<str> + Sync>(&self, texts: &[S], actors: Option<&[ActorSpec]>, budget: Budget, profiles: bool) -> Result<Vec<ArticleAnalysis>> {
        let budget = check_budget(budget)?;
        let docs = self.segment_all(texts)?;
        let sentences = self.read_sentences(&docs);
        // Discovery reads the entities off the encoder pass that the summaries need anyway.
        let engine = self.engine()?;
        let use_head = engine.stance_encoder.is_none();
        let EncoderPass { embeddings, entities, states } = match actors {
            Some(_) if use_head => {
                let (embeddings, states) = engine.pool.install(|| engine.embedder.embed_with_states(&sentences, self.options.batch_size, TokenStates::of))?;
                EncoderPass { embeddings, entities: Vec::new(), states }
            }
            Some(_) => EncoderPass { embeddings: self.embed(&sentences)?, entities: Vec::new(), states: Vec::new() },
            None => self.embed_and_tag(&sentences, use_head)?,
        };
        let summarized = self.summarize_documents(docs, &embeddings, budget);
        let given = actors.map(Matcher::new);
        let cap = self.options.max_article_sentences;
        let mut first_sentence = Vec::with_capacity(summarized.len());
        let mut offset = 0;
        for article in &summarized {
            first_sentence.push(offset);
            offset += article.document.sentences.len().min(cap);
        }
        // Per article: its actors, every mention (names, then the pronouns and descriptions linked
        // to them) in text order, and the statements it reports.
        let found: Vec<(Vec<ActorSpec>, Vec<Mention>, Vec<Quote>)> = engine.pool.install(|| {
            summarized
                .par_iter()
                .zip(&first_sentence)
                .map(|(article, &first)| {
                    let sentences = &article.document.sentences[..article.document.sentences.len().min(cap)];
                    let (specs, mut mentions) = match (actors, &given) {
                        (Some(specs), Some(matcher)) => (specs.to_vec(), actors::find_mentions(sentences, matcher)),
                        _ => {
                            let spans: Vec<EntitySpan> = sentences
                                .iter()
                                .enumerate()
                                .flat_map(|(i, sentence)| {
                                    entities.get(first + i).into_iter().flatten().map(move |e| EntitySpan {
                                        sentence: i,
                                        start: sentence.start + e.start,
                                        end: sentence.start + e.end,
                                        kind: e.kind,
                                    })
                                })
                                .collect();
                            actors::actors_from_entities(sentences, &spans)
                        }
                    };
                    let References { mentions: references, quotes } = actors::references::resolve(sentences, &specs, &mentions);
                    mentions.extend(references);
                    mentions.sort_by_key(|m| (m.start, m.end, m.actor));
                    (specs, mentions, quotes)
                })
                .collect()
        });
        // The read sentences again (the documents moved into `summarized`), in the same order.
        let sentences: Vec<&str> = summarized.iter().flat_map(|a| a.document.sentences.iter().take(cap).map(|s| s.text.as_str())).collect();
        // Every mention to score, of every article, as (sentence in `sentences`, start, end byte in
        // it); pronouns and descriptions only when asked for.
        let scored = |m: &Mention| m.via == Via::Name || self.options.score_references;
        let mut spans: Vec<(usize, usize, usize)> = Vec::new();
        for ((article, (_, mentions, _)), &first) in summarized.iter().zip(&found).zip(&first_sentence) {
            for m in mentions.iter().filter(|m| scored(m)) {
                let sentence = &article.document.sentences[m.sentence];
                let at = m.start.saturating_sub(sentence.start);
                spans.push((first + m.sentence, at, (at + (m.end - m.start)).min(sentence.text.len())));
            }
        }
        let probabilities = match &engine.stance_encoder {
            _ if spans.is_empty() => Array2::zeros((0, self.stance_label_names.len())),
            None => self.head_probabilities(&engine, &sentences, &states, &spans)?,
            // One cross-encoder call for every mention of every article: the batches fill up.
            Some(encoder) => {
                let targets: Vec<&str> = spans.iter().map(|&(i, s, e)| sentences[i].get(s..e).unwrap_or("")).collect();
                // Only the text around the mention: tokenising the whole sentence for each of its
                // mentions made one long sentence cost quadratic time and memory.
                let contexts: Vec<&str> = spans.iter().map(|&(i, s, e)| stance_context(sentences[i], s, e)).collect();
                engine.pool.install(|| encoder.predict(&targets, &contexts, self.options.batch_size))?
            }
        };
        let mut row = 0;
        let mut out = Vec::with_capacity(summarized.len());
        for ((article, (specs, mentions, quotes)), &first) in summarized.into_iter().zip(found).zip(&first_sentence) {
            // Unscored mentions get a row of NaN: "not read", never a made-up neutral.
            let mut rows = Array2::from_elem((mentions.len(), probabilities.ncols()), f32::NAN);
            for (i, _) in mentions.iter().enumerate().filter(|(_, m)| scored(m)) {
                rows.row_mut(i).assign(&probabilities.row(row));
                row += 1;
            }
            let rows = rows.view();
            let actors = actor_stance::aggregate(&specs, mentions, rows, self.stance_labels);
            let story_profile = profiles.then(|| {
                let read = article.document.sentences.len().min(cap);
                let names: Vec<(String, usize)> = actors.iter().map(|a| (a.name.clone(), a.name_mentions())).collect();
                StoryProfile::new(article.document.sentences[..read].to_vec(), embeddings.slice(ndarray::s![first..first + read, ..]).to_owned(), &names)
            });
            out.push(ArticleAnalysis { document: article.document, summary: article.picks, actors, quotes, truncated: article.truncated, story_profile });
        }
        Ok(out)
    }
}
