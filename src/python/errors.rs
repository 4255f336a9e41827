//! Core errors to Python exceptions, in one place. The classes are defined in pure Python
//! (`presslens/exceptions.py`) so users can import and catch them without the native module.

use pyo3::PyErr;

use crate::error::Error;

pyo3::import_exception!(presslens.exceptions, PresslensError);
pyo3::import_exception!(presslens.exceptions, ModelError);
pyo3::import_exception!(presslens.exceptions, ModelNotFoundError);
pyo3::import_exception!(presslens.exceptions, RuntimeLibraryError);
pyo3::import_exception!(presslens.exceptions, InputError);

/// Every variant is named, so a new one must be given its class here (no catch-all).
pub fn to_py(error: Error) -> PyErr {
    let message = error.to_string();
    match error {
        Error::ModelNotFound { .. } => ModelNotFoundError::new_err(message),
        Error::ModelFile { .. } | Error::ModelContract { .. } => ModelError::new_err(message),
        Error::RuntimeLibrary(_) => RuntimeLibraryError::new_err(message),
        Error::InvalidInput(_) | Error::Tokenization(_) => InputError::new_err(message),
        Error::Inference { .. } | Error::Poisoned(_) => PresslensError::new_err(message),
    }
}

/// Run core work with the GIL released. A panic is a presslens bug; it must not unwind into the
/// interpreter, so it becomes a `PresslensError` that says so.
pub fn detached<T: Send>(py: pyo3::Python<'_>, work: impl FnOnce() -> pyo3::PyResult<T> + Send) -> pyo3::PyResult<T> {
    py.detach(|| std::panic::catch_unwind(std::panic::AssertUnwindSafe(work))).unwrap_or_else(|panic| {
        let what = panic.downcast_ref::<&str>().map(|s| (*s).to_owned()).or_else(|| panic.downcast_ref::<String>().cloned()).unwrap_or_default();
        Err(PresslensError::new_err(format!(
            "internal error in presslens ({what}); the Pipeline is still usable, but please report this with the input that caused it"
        )))
    })
}
