//! presslens: extractive summaries and per-actor stance for news articles.
//!
//! Layers, bottom up:
//! - [`text`] (`src/text/`): cleaning and sentence segmentation with byte offsets;
//! - `infer` (`src/infer/`): ONNX Runtime, model folders, tokenising, batching, sessions, pooling,
//!   sentence embeddings and target-sentiment probabilities;
//! - `actors` (`src/actors/`): who is in a story (given or discovered) and every mention;
//! - `analysis` (`src/analysis/`): summaries and per-actor stance aggregation;
//! - [`Pipeline`] (`pipeline.rs`): both models loaded once, the entry point tying the layers together;
//! - `python` (`src/python/`): the pyo3 extension, compiled only with the `python` feature.
//!
//! The core has no pyo3 dependency. Everything a caller needs is re-exported here; the modules
//! themselves are private to the crate.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

mod actors;
mod analysis;
mod error;
mod infer;
mod pipeline;
pub mod text;

#[cfg(feature = "python")]
mod python;

pub use actors::ner::{words_of, Entity, EntityKind, NerHead, Tagged, Word};
pub use actors::{actors_from_entities, discover, find_mentions, ActorKind, ActorSpec, EntitySpan, Matcher, Mention, Quote, References, Via};
pub use analysis::actor_stance::{
    aggregate_corpus, group_actors, ActorGroup, ActorRef, ActorStance, ArticleStance, CorpusActorStance, ScoredMention, StanceLabel, EVIDENCE_PER_SIDE,
    NEGATIVE_BELOW, POSITIVE_ABOVE, PRIOR_SENTENCES,
};
pub use analysis::stories::{group as group_stories, rare_name_limit, StoryProfile, LEAD_SENTENCES, MERGE_AT, RARE_NAME_MIN_ARTICLES, RARE_NAME_SHARE};
pub use analysis::summarize::{
    is_caption_remnant, select, summarize_document, Budget, BudgetWeights, CorpusWeights, Pick, Scorer, ShortBudgetModel, SummaryWeights,
};
pub use error::{Error, Result};
pub use infer::models::{
    locate as locate_model, set_package_root as set_models_package_root, ModelFiles, CROSS_ENCODER_STANCE_MODEL, DEFAULT_EMBEDDING_MODEL,
    MANIFEST_JSON as MODELS_MANIFEST_JSON, MODELS_ENV_VAR, MODEL_FILES,
};
pub use infer::runtime::{has_cuda, DYLIB_ENV_VARS, ORT_VERSION};
pub use infer::session::{Device, ThreadLayout};
pub use infer::target_sentiment::{mention_window, stance_context, CONTEXT_WINDOW_BYTES};
pub use pipeline::{
    check_budget, max_threads, ArticleAnalysis, ArticleSummary, Pipeline, PipelineOptions, DEFAULT_MAX_ARTICLE_SENTENCES, MAX_ARTICLE_SENTENCES_LIMIT,
    MAX_BATCH_SIZE, MAX_CHUNK_SIZE, MAX_CORPUS_SENTENCES, MAX_LANES, MAX_SUMMARY_SENTENCES, MAX_SUMMARY_WORDS, MAX_THREADS, MAX_THREADS_PER_CORE,
};
pub use text::{segment, Document, RemovedSpan, Sentence, SentenceKind};
