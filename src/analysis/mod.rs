//! Analysis on top of inference: extractive summaries (lexical + embedding sentence graph) and
//! per-actor stance (scored mentions aggregated per article and across a corpus).

pub(crate) mod actor_stance;
pub(crate) mod lexical;
pub(crate) mod stories;
pub(crate) mod summarize;
