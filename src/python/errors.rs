//! Core errors to Python exceptions, in one place. The classes are defined in pure Python
//! (`presslens/exceptions.py`) so users can import and catch them without the native module.

use pyo3::PyErr;

use crate::error::Error;

pyo3::import_exception!(presslens.exceptions, PresslensError);
pyo3::import_exception!(presslens.exceptions, ModelError);
pyo3::import_exception!(presslens.exceptions, ModelNotFoundError);
pyo3::import_exception!(presslens.exceptions, RuntimeLibraryError);
pyo3::import_exception!(presslens.exceptions, InputError);

pub fn to_py(error: Error) -> PyErr {
    let message = error.to_string();
    match error {
        Error::ModelNotFound { .. } => ModelNotFoundError::new_err(message),
        Error::ModelFile { .. } | Error::ModelContract { .. } => ModelError::new_err(message),
        Error::RuntimeLibrary(_) => RuntimeLibraryError::new_err(message),
        Error::InvalidInput(_) | Error::Tokenization(_) => InputError::new_err(message),
        _ => PresslensError::new_err(message),
    }
}
