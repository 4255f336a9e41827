"""The exceptions presslens raises.

Every error is a :class:`PresslensError`; the leaves also subclass the matching built-in, so
``except ValueError`` or ``except FileNotFoundError`` keep working. This module never imports the
native extension, so the classes can be caught even when the extension failed to load.
"""

from __future__ import annotations

__all__ = [
    "InputError",
    "ModelError",
    "ModelNotFoundError",
    "PresslensError",
    "RuntimeLibraryError",
]


class PresslensError(Exception):
    """Base class of every presslens error."""


class ModelError(PresslensError):
    """A model folder exists but cannot be used: corrupt files, or inputs/outputs that do not match."""


class ModelNotFoundError(ModelError, FileNotFoundError):
    """No model folder was found; the message lists every place searched and how to fix it."""


class RuntimeLibraryError(PresslensError, OSError):
    """The ONNX Runtime shared library is missing, cannot be loaded, or has the wrong version."""


class InputError(PresslensError, ValueError):
    """An input cannot be processed (wrong type, mismatched lengths, ...); the message says which.

    When the problem is one row of a batch, :attr:`index` is that row's position in the input
    (``None`` otherwise), so code can find the row without parsing the message.
    """

    def __init__(self, message: str = "", index: int | None = None) -> None:
        super().__init__(message)
        self.index = index

    def __reduce__(self):  # keep ``index`` across processes (Dask, multiprocessing)
        return (type(self), (str(self), self.index))
