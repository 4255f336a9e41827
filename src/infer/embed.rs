//! Sentence embeddings: tokenise, run in length-sorted batches, mean-pool, L2-normalise.

use std::sync::Mutex;

use ndarray::{Array2, ArrayView2};
use tokenizers::Encoding;

use crate::error::{Error, Result};
use crate::infer::dedup::Distinct;
use crate::infer::models::ModelFiles;
use crate::infer::pooling::mean_pool_normalized;
use crate::infer::session::{Device, OnnxModel, OutputContract, ThreadLayout};
use crate::infer::tokenize::{TextTokenizer, Truncation};

/// The model contract: at most 256 word pieces per sentence, 384-wide hidden states.
pub const MAX_PIECES: usize = 256;
pub const DIM: usize = 384;
const OUTPUT: OutputContract = OutputContract { name: "last_hidden_state", rank: 3, width: DIM };

pub struct Embedder {
    tokenizer: TextTokenizer,
    model: OnnxModel,
}

impl Embedder {
    pub fn load(environment: &ort::environment::Environment, files: &ModelFiles, layout: ThreadLayout, device: Device) -> Result<Self> {
        let tokenizer = TextTokenizer::from_file(&files.tokenizer, MAX_PIECES, Truncation::Single)?;
        crate::infer::models::check_tokenizer_fits(files, tokenizer.vocabulary_size())?;
        Ok(Self { tokenizer, model: OnnxModel::load(environment, files, layout, device, OUTPUT)? })
    }

    /// Seconds spent inside ONNX Runtime's `run` so far.
    pub fn run_seconds(&self) -> f64 {
        self.model.run_seconds()
    }

    pub fn model_name(&self) -> &str {
        self.model.name()
    }

    /// One L2-normalised row per text, in input order. Repeated texts run once. Tokenisation runs
    /// on the current rayon pool; the batches then run on the model's lanes.
    pub fn embed(&self, texts: &[&str], batch_size: usize) -> Result<Array2<f32>> {
        let distinct = Distinct::of(texts.iter().copied());
        let encodings = self.tokenizer.encode_texts(&distinct.items)?;
        let out = self.model.run_rows(&encodings, batch_size, DIM, |batch, dims, hidden, rows_out| {
            mean_pool_normalized(hidden, [dims[0], dims[1], dims[2]], &batch.mask, rows_out);
        })?;
        Ok(distinct.spread(out))
    }
}

impl Embedder {
    /// [`Embedder::embed`], and for each text `per_text(text, encoding, states)` on the same model pass:
    /// `states` are the text's `last_hidden_state` rows (`[pieces, 384]`, [CLS] and [SEP]
    /// included). One encoder pass then serves the embeddings and whatever reads the token states
    /// (the entity recogniser). Repeated texts run once and share the result.
    pub fn embed_with_states<T: Clone + Send>(
        &self,
        texts: &[&str],
        batch_size: usize,
        per_text: impl Fn(&str, &Encoding, ArrayView2<f32>) -> T + Sync,
    ) -> Result<(Array2<f32>, Vec<T>)> {
        let distinct = Distinct::of(texts.iter().copied());
        let encodings = self.tokenizer.encode_texts(&distinct.items)?;
        let results: Mutex<Vec<Option<T>>> = Mutex::new(vec![None; encodings.len()]);
        let failed = std::sync::atomic::AtomicBool::new(false);
        let out = self.model.run_rows_indexed(&encodings, batch_size, DIM, |batch, rows, dims, hidden, rows_out| {
            mean_pool_normalized(hidden, [dims[0], dims[1], dims[2]], &batch.mask, rows_out);
            let (seq, width) = (dims[1], dims[2]);
            for (r, &row) in rows.iter().enumerate() {
                let pieces = encodings[row].len().min(seq);
                let begin = r * seq * width;
                // Rows are padded on the right: the first `pieces` states are the text's own.
                let states = hidden.get(begin..begin + pieces * width).and_then(|slice| ArrayView2::from_shape((pieces, width), slice).ok());
                let Some(states) = states else {
                    failed.store(true, std::sync::atomic::Ordering::Relaxed);
                    continue;
                };
                let value = per_text(distinct.items[row], &encodings[row], states);
                if let Ok(mut slots) = results.lock() {
                    slots[row] = Some(value);
                }
            }
        })?;
        let per_item = results.into_inner().map_err(|_| Error::Poisoned("token states"))?;
        let per_item: Option<Vec<T>> = per_item.into_iter().collect();
        let per_item = match per_item {
            Some(values) if !failed.load(std::sync::atomic::Ordering::Relaxed) => values,
            _ => return Err(Error::inference(self.model.name(), "the hidden states of a batch were not the shape its encodings need")),
        };
        let spread = distinct.index_of.iter().map(|&i| per_item[i].clone()).collect();
        Ok((distinct.spread(out), spread))
    }
}
