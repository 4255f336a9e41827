//! Tokenisation with the model's own `tokenizer.json`, reconfigured per the model contract.
//!
//! The shipped tokenizers pad every input to a fixed 128 tokens. We switch padding off here and pad
//! each batch to its own longest item in [`crate::infer::batch`], after sorting inputs by length, so short
//! sentences do not pay for long ones.

use std::path::Path;

use rayon::prelude::*;
use tokenizers::{Encoding, TruncationDirection, TruncationParams, TruncationStrategy};

use crate::error::{Error, Result};

/// How inputs are truncated to the model's budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Truncation {
    /// One text per input (sentence embeddings): cut at the end.
    Single,
    /// (target, sentence) pairs: cut only the sentence, never the target.
    PairSecondOnly,
}

pub struct TextTokenizer {
    inner: tokenizers::Tokenizer,
}

impl TextTokenizer {
    /// Number of token ids this tokenizer can produce (added tokens included).
    pub fn vocabulary_size(&self) -> usize {
        self.inner.get_vocab_size(true)
    }

    pub fn from_file(path: &Path, max_tokens: usize, truncation: Truncation) -> Result<Self> {
        let file_error = |reason: String| Error::ModelFile { path: path.to_path_buf(), reason };
        let mut inner = tokenizers::Tokenizer::from_file(path).map_err(|e| file_error(e.to_string()))?;
        inner.with_padding(None);
        let strategy = match truncation {
            Truncation::Single => TruncationStrategy::LongestFirst,
            Truncation::PairSecondOnly => TruncationStrategy::OnlySecond,
        };
        inner
            .with_truncation(Some(TruncationParams { max_length: max_tokens, strategy, stride: 0, direction: TruncationDirection::Right }))
            .map_err(|e| file_error(e.to_string()))?;
        Ok(Self { inner })
    }

    /// Encode single texts (in parallel on the current rayon pool), with special tokens.
    pub fn encode_texts(&self, texts: &[&str]) -> Result<Vec<Encoding>> {
        texts.par_iter().map(|&text| self.encode_one(text)).collect()
    }

    /// Encode (first, second) pairs, truncating only the second segment.
    pub fn encode_pairs(&self, pairs: &[(&str, &str)]) -> Result<Vec<Encoding>> {
        pairs.par_iter().map(|&pair| self.encode_one(pair)).collect()
    }

    /// One input, truncated, without the overflow: the tokenizer keeps everything past
    /// `max_tokens` as overflowing encodings, which the models never read; kept for a whole batch
    /// they cost memory in proportion to the text (gigabytes for a long sentence with many
    /// mentions).
    fn encode_one<'s>(&self, input: impl Into<tokenizers::EncodeInput<'s>>) -> Result<Encoding> {
        let mut encoding = self.inner.encode(input, true).map_err(|e| Error::Tokenization(e.to_string()))?;
        drop(encoding.take_overflowing());
        Ok(encoding)
    }
}
