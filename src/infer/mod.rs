//! Inference: loading ONNX Runtime and the model folders, tokenising, batching, running sessions
//! in parallel lanes, and turning model outputs into sentence embeddings and target-sentiment
//! probabilities. Nothing here knows about articles or actors.

pub(crate) mod batch;
pub(crate) mod busy_clock;
pub(crate) mod dedup;
pub(crate) mod embed;
pub(crate) mod models;
pub(crate) mod pooling;
pub(crate) mod runtime;
pub(crate) mod safetensors;
pub(crate) mod session;
pub(crate) mod stance_head;
pub(crate) mod target_sentiment;
pub(crate) mod tokenize;
