//! One error type for the whole core. Variants carry the context a user needs to fix the problem
//! (which file, which row, what to do); the Python bindings map each variant to one exception class.

use std::path::PathBuf;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// No folder holding the named model was found in any of the places searched.
    #[error("model `{model}` was not found. Looked in: {tried}. {hint}")]
    ModelNotFound { model: String, tried: String, hint: String },

    /// A model file exists but cannot be used (unreadable, corrupt, not ONNX, bad JSON).
    #[error("cannot use {path}: {reason}")]
    ModelFile { path: PathBuf, reason: String },

    /// The model loaded, but its inputs or outputs are not what presslens expects.
    #[error("model `{model}` does not match the expected contract: {reason}")]
    ModelContract { model: String, reason: String },

    /// The ONNX Runtime shared library is missing, unloadable or of the wrong version.
    #[error("ONNX Runtime: {0}")]
    RuntimeLibrary(String),

    /// ONNX Runtime failed while running a batch.
    #[error("inference failed in model `{model}`: {reason}")]
    Inference { model: String, reason: String },

    /// Tokenisation of an input failed.
    #[error("tokenisation failed: {0}")]
    Tokenization(String),

    /// The caller passed something presslens cannot work with.
    #[error("invalid input: {0}")]
    InvalidInput(String),

    /// A lock was poisoned by a panic on another thread; the pipeline should be rebuilt.
    #[error("internal state is unusable after an earlier failure ({0}); create a new Pipeline")]
    Poisoned(&'static str),
}

impl Error {
    pub(crate) fn inference(model: &str, reason: impl std::fmt::Display) -> Self {
        Error::Inference { model: model.to_owned(), reason: reason.to_string() }
    }

    pub(crate) fn contract(model: &str, reason: impl Into<String>) -> Self {
        Error::ModelContract { model: model.to_owned(), reason: reason.into() }
    }
}
