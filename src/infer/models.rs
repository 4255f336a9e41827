//! Finding model folders on disk. Nothing is ever downloaded: a models folder holds one folder per
//! model (`minilm-l6-v2/`, `stance-minilm-l6/`), each with `model.onnx`, `tokenizer.json` and
//! `config.json`.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

pub const MODELS_ENV_VAR: &str = "PRESSLENS_MODELS";
pub const DEFAULT_EMBEDDING_MODEL: &str = "minilm-l6-v2";
pub const DEFAULT_STANCE_MODEL: &str = "stance-minilm-l6";
/// The files every model folder must hold.
pub const MODEL_FILES: [&str; 3] = ["model.onnx", "tokenizer.json", "config.json"];

/// The files of one model folder, all checked to exist.
#[derive(Debug, Clone)]
pub struct ModelFiles {
    pub name: String,
    pub dir: PathBuf,
    pub onnx: PathBuf,
    pub tokenizer: PathBuf,
    pub config: PathBuf,
}

/// presslens's folder in the user cache: `$XDG_CACHE_HOME/presslens`, else `~/.cache/presslens`
/// (models in `models/`, int8 copies in `int8/`).
pub fn cache_root() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").filter(|v| !v.is_empty()).map(|h| PathBuf::from(h).join(".cache")))?;
    Some(base.join("presslens"))
}

/// The per-user models folder: `<cache_root>/models`.
pub fn user_cache_dir() -> Option<PathBuf> {
    cache_root().map(|root| root.join("models"))
}

/// The models folders to search, each with where it came from, in order.
///
/// An explicit folder is the only candidate: if the caller named one, falling back silently to
/// another would hide their mistake.
pub fn candidate_roots(explicit: Option<&Path>) -> Vec<(PathBuf, &'static str)> {
    if let Some(dir) = explicit {
        return vec![(dir.to_path_buf(), "the `models` argument")];
    }
    let mut roots = Vec::new();
    if let Some(dir) = std::env::var_os(MODELS_ENV_VAR).filter(|v| !v.is_empty()) {
        roots.push((PathBuf::from(dir), "$PRESSLENS_MODELS"));
    }
    if let Some(dir) = user_cache_dir() {
        roots.push((dir, "the user cache"));
    }
    roots
}

/// Find the folder of model `name` under the first candidate root that has all its files.
pub fn locate(name: &str, explicit_root: Option<&Path>) -> Result<ModelFiles> {
    let mut tried = Vec::new();
    for (root, source) in candidate_roots(explicit_root) {
        let dir = root.join(name);
        let missing: Vec<&str> = MODEL_FILES.iter().copied().filter(|f| !dir.join(f).is_file()).collect();
        if missing.is_empty() {
            return Ok(ModelFiles {
                name: name.to_owned(),
                onnx: dir.join("model.onnx"),
                tokenizer: dir.join("tokenizer.json"),
                config: dir.join("config.json"),
                dir,
            });
        }
        let what = if dir.is_dir() { format!("missing {}", missing.join(", ")) } else { "no such folder".to_owned() };
        tried.push(format!("{} (from {source}: {what})", dir.display()));
    }
    if tried.is_empty() {
        tried.push(format!("nowhere: no `models` argument, ${MODELS_ENV_VAR} unset and no HOME for a user cache"));
    }
    Err(Error::ModelNotFound {
        model: name.to_owned(),
        tried: tried.join("; "),
        hint: format!(
            "Pass Pipeline(models=\"/path/to/models\") or set {MODELS_ENV_VAR} to a folder holding `{name}/` with \
             model.onnx, tokenizer.json and config.json."
        ),
    })
}

/// The tokenizer must belong to the model: every token id it can produce needs a row in the
/// model's embedding table (`vocab_size` in config.json). A mismatched pair would otherwise run
/// and give garbage, or fail deep inside ONNX Runtime at the first long word.
pub fn check_tokenizer_fits(files: &ModelFiles, tokenizer_vocabulary: usize) -> Result<()> {
    let bad = |reason: String| Error::ModelFile { path: files.config.clone(), reason };
    let raw = std::fs::read_to_string(&files.config).map_err(|e| bad(e.to_string()))?;
    let config: serde_json::Value = serde_json::from_str(&raw).map_err(|e| bad(format!("not valid JSON: {e}")))?;
    let Some(model_vocabulary) = config.get("vocab_size").and_then(serde_json::Value::as_u64) else {
        return Ok(()); // not every architecture states it; the test run at load still checks the pair
    };
    if tokenizer_vocabulary as u64 > model_vocabulary {
        return Err(Error::contract(
            &files.name,
            format!("tokenizer.json has {tokenizer_vocabulary} tokens but the model only {model_vocabulary} (config.json vocab_size): they are not a pair; put the model's own tokenizer.json beside it"),
        ));
    }
    Ok(())
}
