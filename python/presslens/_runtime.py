"""Finding the ONNX Runtime shared library that the ``onnxruntime`` wheel ships.

presslens links nothing at build time: ``ort`` loads ``libonnxruntime`` at run time. The library is
taken from, in order: ``$PRESSLENS_ORT_DYLIB``, ``$ORT_DYLIB_PATH``, then the ``capi/`` folder of the
installed ``onnxruntime`` package (found without importing it, so its Python bindings are not loaded).
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

from . import _native
from .exceptions import RuntimeLibraryError

ENV_VARS: tuple[str, ...] = tuple(_native.ORT_DYLIB_ENV_VARS)
_PATTERNS = ("libonnxruntime.so*", "libonnxruntime*.dylib", "onnxruntime.dll")


def _wheel_library() -> Path | None:
    spec = importlib.util.find_spec("onnxruntime")
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        capi = Path(location) / "capi"
        for pattern in _PATTERNS:
            # Prefer the fully versioned file name (libonnxruntime.so.1.31.1) if several exist.
            found = sorted(capi.glob(pattern), key=lambda p: len(p.name), reverse=True)
            if found:
                return found[0]
    return None


def find_ort_library() -> Path:
    """The ONNX Runtime library presslens will load, or :class:`RuntimeLibraryError` saying how to get one."""
    for var in ENV_VARS:
        value = os.environ.get(var)
        if value:
            path = Path(value)
            if not path.is_file():
                raise RuntimeLibraryError(f"${var} points to {path}, which is not a file. Unset it or point it at libonnxruntime.")
            return path
    found = _wheel_library()
    if found is None:
        raise RuntimeLibraryError(
            "ONNX Runtime was not found: the `onnxruntime` package is not installed (or has no capi/ library). "
            f"Install it with `pip install onnxruntime=={_native.ORT_VERSION}`, or set ${ENV_VARS[0]} to a libonnxruntime file."
        )
    return found
