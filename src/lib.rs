//! presslens: extractive summaries and per-actor stance for news articles.
//!
//! The core (everything but `python`) has no pyo3 dependency: text cleaning and segmentation with
//! offsets, tokenisation, ONNX inference, pooling. The Python extension lives in `src/python/` and is
//! compiled only with the `python` feature.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod actor_stance;
pub mod actors;
pub mod batch;
pub mod busy_clock;
pub mod dedup;
pub mod embed;
pub mod lexical;
pub mod error;
pub mod models;
pub mod onnx;
pub mod pipeline;
pub mod pooling;
pub mod runtime;
pub mod stance;
pub mod summarize;
pub mod text;
pub mod tokenize;

#[cfg(feature = "python")]
mod python;

pub use error::{Error, Result};
pub use pipeline::{Pipeline, PipelineOptions};
pub use text::{segment, Document, RemovedSpan, Sentence, SentenceKind};
