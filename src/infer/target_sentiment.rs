//! Target-dependent sentiment: how a sentence portrays one named target, as class probabilities.

use ndarray::Array2;

use crate::error::{Error, Result};
use crate::infer::dedup::Distinct;
use crate::infer::models::ModelFiles;
use crate::infer::pooling::softmax_in_place;
use crate::infer::session::{Device, OnnxModel, OutputContract, ThreadLayout};
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
            return Err(Error::InvalidInput(format!("got {} targets but {} sentences; pass one target per sentence", targets.len(), sentences.len())));
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

/// Sentences up to this many bytes go to the model whole: it reads their first ~125 pieces, and a
/// 1 KB sentence already has more than that, so ordinary sentences are scored exactly as before.
pub const WHOLE_SENTENCE_BYTES: usize = 1024;
/// In a longer sentence each mention is scored on a window of the text around it: this much before
/// the mention (about 45 pieces of English, so the mention is inside what the model reads)...
pub const CONTEXT_BEFORE_BYTES: usize = 200;
/// ...and this much in all, about 128 pieces of English at 4-6 bytes a piece.
pub const CONTEXT_WINDOW_BYTES: usize = 800;

/// The text a mention at bytes `start..end` of `sentence` is scored on: the sentence itself when it
/// is short, else a window around the mention cut at whitespace ([`mention_window`]). Tokenising the
/// whole sentence for each of its mentions cost time and memory quadratic in its length (1,000
/// mentions in one 28 KB sentence: 14 s and 1.7 GB), and the model read only its first 128 pieces
/// anyway, so a mention further in was scored on text that did not contain it.
pub fn stance_context(sentence: &str, start: usize, end: usize) -> &str {
    if sentence.len() <= WHOLE_SENTENCE_BYTES || start > end || end > sentence.len() {
        return sentence;
    }
    &sentence[mention_window(sentence, start, end)]
}

/// Bytes of `sentence` around a mention at `start..end`: [`CONTEXT_BEFORE_BYTES`] before it (from
/// a word start) and [`CONTEXT_WINDOW_BYTES`] in all (to a word end), always holding the mention.
/// The stance head reads a mention that lies past what the encoder read of its sentence on this
/// window, encoded again.
pub fn mention_window(sentence: &str, start: usize, end: usize) -> std::ops::Range<usize> {
    let (start, end) = (floor_boundary(sentence, start), ceil_boundary(sentence, end.max(start)));
    let mut from = floor_boundary(sentence, start.saturating_sub(CONTEXT_BEFORE_BYTES));
    if from > 0 {
        // Start at a word, not inside one.
        if let Some((at, c)) = sentence[from..start].char_indices().find(|(_, c)| c.is_whitespace()) {
            from += at + c.len_utf8();
        }
    }
    let mut to = ceil_boundary(sentence, (from + CONTEXT_WINDOW_BYTES).max(end));
    if to < sentence.len() {
        if let Some(at) = sentence[end..to].rfind(char::is_whitespace) {
            to = end + at;
        }
    }
    from..to
}

fn floor_boundary(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn ceil_boundary(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at += 1;
    }
    at
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
    use super::{clip_chars, stance_context, CONTEXT_WINDOW_BYTES, WHOLE_SENTENCE_BYTES};

    #[test]
    fn short_sentences_are_scored_whole_and_long_ones_on_a_window_holding_the_mention() {
        assert_eq!(stance_context("Rubio spoke.", 0, 5), "Rubio spoke.");
        let filler = "word é ".repeat(400);
        let sentence = format!("{filler}Rubio was praised. {filler}");
        assert!(sentence.len() > WHOLE_SENTENCE_BYTES);
        let start = filler.len();
        let window = stance_context(&sentence, start, start + 5);
        assert!(window.contains("Rubio was praised."));
        assert!(window.len() <= CONTEXT_WINDOW_BYTES + 5);
        assert!(window.starts_with("word") || window.starts_with('é'));
        for at in 0..sentence.len() {
            if sentence.is_char_boundary(at) {
                let w = stance_context(&sentence, at, at);
                assert!(w.len() <= CONTEXT_WINDOW_BYTES + 4);
            }
        }
    }

    #[test]
    fn clipping_counts_characters_not_bytes() {
        assert_eq!(clip_chars("Rodríguez", 5), "Rodrí");
        assert_eq!(clip_chars("Rubio", 64), "Rubio");
    }
}
