//! Loading the ONNX Runtime shared library at run time (ort's `load-dynamic`).
//!
//! presslens never downloads or links ONNX Runtime. The library comes from the `onnxruntime` wheel
//! (its `capi/` folder); the Python package finds it there and passes the path in. Rust callers can
//! set `PRESSLENS_ORT_DYLIB` or ort's own `ORT_DYLIB_PATH`.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use ort::environment::Environment;

use crate::error::{Error, Result};

/// Environment variables that name the library, in the order they are read.
pub const DYLIB_ENV_VARS: [&str; 2] = ["PRESSLENS_ORT_DYLIB", "ORT_DYLIB_PATH"];

/// The ONNX Runtime release presslens is built for (ort's `api-31` feature) and that the Python
/// package pins (`onnxruntime==` in pyproject.toml; a test checks the two agree).
pub const ORT_VERSION: &str = "1.31.1";

fn hint() -> String {
    format!(
        "Install the pinned runtime with `pip install onnxruntime=={ORT_VERSION}` (the library is in site-packages/onnxruntime/capi/), \
         or point {} at a libonnxruntime.so of version {ORT_VERSION} or newer.",
        DYLIB_ENV_VARS[0]
    )
}

struct Loaded {
    path: PathBuf,
    environment: Environment,
}

// ONNX Runtime can be loaded only once per process; later calls reuse the first environment.
static LOADED: Mutex<Option<Loaded>> = Mutex::new(None);

/// Which library file to load: the explicit path if given, else the first environment variable set.
pub fn resolve_dylib(explicit: Option<&Path>) -> Result<PathBuf> {
    if let Some(path) = explicit {
        return Ok(path.to_path_buf());
    }
    for var in DYLIB_ENV_VARS {
        if let Some(value) = std::env::var_os(var).filter(|v| !v.is_empty()) {
            return Ok(PathBuf::from(value));
        }
    }
    Err(Error::RuntimeLibrary(format!("no ONNX Runtime library was given and neither {} is set. {}", DYLIB_ENV_VARS.join(" nor "), hint())))
}

/// The process-wide ONNX Runtime environment, loading the library on first use.
///
/// Returns the environment and the path of the library actually in use (which is the first one
/// loaded, even if a later call names another).
pub fn environment(explicit: Option<&Path>) -> Result<(Environment, PathBuf)> {
    let mut guard = LOADED.lock().map_err(|_| Error::Poisoned("ONNX Runtime loader"))?;
    if let Some(loaded) = guard.as_ref() {
        return Ok((loaded.environment.clone(), loaded.path.clone()));
    }
    let path = resolve_dylib(explicit)?;
    if !path.is_file() {
        return Err(Error::RuntimeLibrary(format!("{} does not exist or is not a file. {}", path.display(), hint())));
    }
    // ort resolves relative paths against the executable's folder; make it absolute first.
    let path = path.canonicalize().map_err(|e| Error::RuntimeLibrary(format!("{}: {e}. {}", path.display(), hint())))?;
    let builder = ort::init_from(&path).map_err(|e| Error::RuntimeLibrary(format!("{e}. {}", hint())))?;
    let environment = builder.with_name("presslens").build().map_err(|e| Error::RuntimeLibrary(format!("creating the environment failed: {e}")))?;
    *guard = Some(Loaded { path: path.clone(), environment: environment.clone() });
    Ok((environment, path))
}

/// Whether the ONNX Runtime library in use (loading it on first use) was built with the CUDA
/// execution provider: true for the `onnxruntime-gpu` build, false for the CPU-only `onnxruntime`.
/// Asks the library presslens loads, not whichever `onnxruntime` Python package is importable.
pub fn has_cuda(explicit: Option<&Path>) -> Result<bool> {
    use ort::ep::ExecutionProvider;
    environment(explicit)?;
    ort::ep::CUDA::is_available().map_err(|e| Error::RuntimeLibrary(format!("asking ONNX Runtime for its execution providers failed: {e}")))
}
