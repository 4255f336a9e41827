//! Sentence embeddings: tokenise, run in length-sorted batches, mean-pool, L2-normalise.

use ndarray::Array2;

use crate::infer::dedup::Distinct;
use crate::error::Result;
use crate::infer::models::ModelFiles;
use crate::infer::session::{Device, OnnxModel, OutputContract, ThreadLayout};
use crate::infer::pooling::mean_pool_normalized;
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
