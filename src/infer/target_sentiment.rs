//! Target-dependent sentiment: how a sentence portrays one named target, as class probabilities.

use ndarray::Array2;

use crate::infer::dedup::Distinct;
use crate::error::{Error, Result};
use crate::infer::models::ModelFiles;
use crate::infer::session::{Device, OnnxModel, OutputContract, ThreadLayout};
use crate::infer::pooling::softmax_in_place;
use crate::infer::tokenize::{TextTokenizer, Truncation};

/// The model contract: (target, sentence) pairs, at most 128 word pieces, sentence truncated only.
pub const MAX_PIECES: usize = 128;
/// Longer target texts are cut to this many characters, so the sentence always keeps most of the
/// budget (the tokenizer cannot truncate the first segment of a pair).
pub const MAX_TARGET_CHARS: usize = 64;

pub struct TargetSentiment {
    tokenizer: TextTokenizer,
    model: OnnxModel,
    labels: Vec<String>,
}

impl TargetSentiment {
    pub fn load(environment: &ort::environment::Environment, files: &ModelFiles, layout: ThreadLayout, device: Device) -> Result<Self> {
        let labels = read_labels(files)?;
        let contract = OutputContract { name: "logits", rank: 2, width: labels.len() };
        let tokenizer = TextTokenizer::from_file(&files.tokenizer, MAX_PIECES, Truncation::PairSecondOnly)?;
        crate::infer::models::check_tokenizer_fits(files, tokenizer.vocabulary_size())?;
        Ok(Self { tokenizer, model: OnnxModel::load(environment, files, layout, device, contract)?, labels })
    }

    /// Class names in the order of the model's output (`id2label` of config.json).
    pub fn labels(&self) -> &[String] {
        &self.labels
    }

    /// Seconds spent inside ONNX Runtime's `run` so far.
    pub fn run_seconds(&self) -> f64 {
        self.model.run_seconds()
    }

    pub fn model_name(&self) -> &str {
        self.model.name()
    }

    /// Probabilities `(n, labels)` for each (target, sentence) pair, in input order. Repeated pairs
    /// run once.
    pub fn predict(&self, targets: &[&str], sentences: &[&str], batch_size: usize) -> Result<Array2<f32>> {
        if targets.len() != sentences.len() {
            return Err(Error::InvalidInput(format!(
                "got {} targets but {} sentences; pass one target per sentence",
                targets.len(),
                sentences.len()
            )));
        }
        let pairs = Distinct::of(targets.iter().map(|t| clip_chars(t, MAX_TARGET_CHARS)).zip(sentences.iter().copied()));
        let encodings = self.tokenizer.encode_pairs(&pairs.items)?;
        let width = self.labels.len();
        let out = self.model.run_rows(&encodings, batch_size, width, |_, _, logits, rows_out| {
            rows_out.copy_from_slice(&logits[..rows_out.len()]);
            rows_out.chunks_mut(width).for_each(softmax_in_place);
        })?;
        Ok(pairs.spread(out))
    }
}

fn clip_chars(text: &str, max_chars: usize) -> &str {
    match text.char_indices().nth(max_chars) {
        Some((at, _)) => &text[..at],
        None => text,
    }
}

/// `id2label` from config.json, as a list indexed by class id.
fn read_labels(files: &ModelFiles) -> Result<Vec<String>> {
    let bad = |reason: String| Error::ModelFile { path: files.config.clone(), reason };
    let raw = std::fs::read_to_string(&files.config).map_err(|e| bad(e.to_string()))?;
    let config: serde_json::Value = serde_json::from_str(&raw).map_err(|e| bad(format!("not valid JSON: {e}")))?;
    let map = config
        .get("id2label")
        .and_then(serde_json::Value::as_object)
        .ok_or_else(|| bad("no `id2label` mapping; a classifier config must name its labels".into()))?;
    let mut labels = vec![String::new(); map.len()];
    for (id, label) in map {
        let index: usize = id.parse().map_err(|_| bad(format!("id2label key `{id}` is not a class number")))?;
        let slot = labels.get_mut(index).ok_or_else(|| bad(format!("id2label ids must be 0..{}, got {index}", map.len())))?;
        *slot = label.as_str().ok_or_else(|| bad(format!("id2label[{id}] is not a string")))?.to_owned();
    }
    if labels.iter().any(String::is_empty) || labels.is_empty() {
        return Err(bad("id2label must name every class from 0 upwards".into()));
    }
    Ok(labels)
}

#[cfg(test)]
mod tests {
    use super::clip_chars;

    #[test]
    fn clipping_counts_characters_not_bytes() {
        assert_eq!(clip_chars("Rodríguez", 5), "Rodrí");
        assert_eq!(clip_chars("Rubio", 64), "Rubio");
    }
}
