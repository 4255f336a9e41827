//! Finding model folders on disk, and the manifest of the models presslens knows. The core never
//! downloads anything (the Python package does, checked against the same manifest): a models folder
//! holds one folder per model (`minilm-l6-v2/`, `stance-minilm-l6/`), each with `model.onnx`,
//! `tokenizer.json` and `config.json`.

use std::path::{Path, PathBuf};
use std::sync::RwLock;

use crate::error::{Error, Result};

pub const MODELS_ENV_VAR: &str = "PRESSLENS_MODELS";
pub const DEFAULT_EMBEDDING_MODEL: &str = "minilm-l6-v2";
/// The target-sentiment cross-encoder that scores stance by default (one encoder pass per mention);
/// `stance_model = None` reads stance with the bundled stance head instead.
pub const CROSS_ENCODER_STANCE_MODEL: &str = "stance-minilm-l6";
/// The files every model folder must hold.
pub const MODEL_FILES: [&str; 3] = ["model.onnx", "tokenizer.json", "config.json"];

/// Every model presslens knows: version, each file's size and sha256, licence, provenance, training
/// data and measured quality. Embedded so the Rust core and the Python package (which reads it
/// through `_native.model_manifest()`) read one file; `presslens models manifest` regenerates it.
pub const MANIFEST_JSON: &str = include_str!("../data/models.json");

/// The models folder of the installed `presslens-models` package, if the host (the Python layer,
/// which can ask its import system) found one. Process-wide like an environment variable: it is a
/// fact about the installation, not about one pipeline.
static PACKAGE_ROOT: RwLock<Option<PathBuf>> = RwLock::new(None);

/// Record (or forget, with `None`) the installed models package's folder, searched after
/// `$PRESSLENS_MODELS` and before the user cache.
pub fn set_package_root(dir: Option<PathBuf>) {
    // A poisoned lock only means a panic elsewhere while writing an Option: overwrite it anyway.
    let mut slot = PACKAGE_ROOT.write().unwrap_or_else(std::sync::PoisonError::into_inner);
    *slot = dir;
}

pub fn package_root() -> Option<PathBuf> {
    PACKAGE_ROOT.read().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
}

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

/// The models folders to search, each with where it came from, in order: the explicit folder, else
/// `$PRESSLENS_MODELS`, the installed models package, the user cache.
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
    if let Some(dir) = package_root() {
        roots.push((dir, "the installed presslens-models package"));
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
        tried.push(format!("nowhere: no `models` argument, ${MODELS_ENV_VAR} unset, no presslens-models package and no HOME for a user cache"));
    }
    Err(Error::ModelNotFound {
        model: name.to_owned(),
        tried: tried.join("; "),
        hint: format!(
            "Install the models with `pip install presslens_models-<version>-py3-none-any.whl`, or download them \
             into the user cache with `presslens models fetch` (from $PRESSLENS_MODELS_URL), or pass \
             Pipeline(models=\"/path/to/models\") or set {MODELS_ENV_VAR} to a folder holding `{name}/` with \
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_lists_every_default_model_with_hashed_files() {
        let manifest: serde_json::Value = serde_json::from_str(MANIFEST_JSON).unwrap();
        for name in [DEFAULT_EMBEDDING_MODEL, CROSS_ENCODER_STANCE_MODEL] {
            let files = manifest["models"][name]["files"].as_object().unwrap();
            for required in MODEL_FILES {
                let entry = &files[required];
                assert!(entry["size"].as_u64().unwrap() > 0, "{name}/{required}");
                let sha = entry["sha256"].as_str().unwrap();
                assert!(sha.len() == 64 && sha.chars().all(|c| c.is_ascii_hexdigit()), "{name}/{required}: {sha}");
            }
            for field in ["version", "license", "source", "training_data", "quality"] {
                assert!(!manifest["models"][name][field].is_null(), "{name} has no {field}");
            }
        }
    }

    #[test]
    fn package_root_is_searched_between_the_environment_and_the_cache() {
        let package = PathBuf::from("/nonexistent/presslens_models");
        set_package_root(Some(package.clone()));
        let roots = candidate_roots(None);
        set_package_root(None);
        let at = roots.iter().position(|(dir, _)| *dir == package).unwrap();
        if let Some(env_at) = roots.iter().position(|(_, source)| *source == "$PRESSLENS_MODELS") {
            assert!(env_at < at);
        }
        if let Some(cache_at) = roots.iter().position(|(_, source)| *source == "the user cache") {
            assert!(at < cache_at);
        }
        // An explicit folder stays the only candidate.
        set_package_root(Some(package.clone()));
        let explicit = candidate_roots(Some(Path::new("/somewhere")));
        set_package_root(None);
        assert_eq!(explicit.len(), 1);
        let missing = locate("no-such-model", None).unwrap_err().to_string();
        assert!(missing.contains("presslens models fetch"), "{missing}");
    }
}
