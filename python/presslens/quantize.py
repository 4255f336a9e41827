"""int8 copies of the models: dynamic quantisation with ``onnxruntime.quantization``.

``Pipeline(precision="int8")`` uses them; they are made at first use (or ahead of time with
``presslens models quantize``) and cached under ``~/.cache/presslens/int8/<key>/``, where the key
changes whenever a source model file changes. Weights of MatMul/Gemm become int8 (per channel);
activations are quantised on the fly. Needs the ``onnx`` package (``pip install 'presslens[int8]'``).
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from . import _native
from .exceptions import ModelError

# Every model file but the graph is copied unchanged.
COPIED = tuple(name for name in _native.MODEL_FILES if name != "model.onnx")


def cache_root() -> Path:
    root = _native.cache_dir()
    if root is None:
        raise ModelError("int8 models are cached in the user cache, but neither $XDG_CACHE_HOME nor $HOME is set; set one of them.")
    return Path(root) / "int8"


def _key(model_dirs: list[Path]) -> str:
    digest = hashlib.sha256()
    for folder in model_dirs:
        for name in ("model.onnx", *COPIED):
            stat = (folder / name).stat()
            digest.update(f"{(folder / name).resolve()}|{stat.st_size}|{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:16]


def quantize_model(source: Path, target: Path) -> None:
    """One model folder → its int8 copy (model.onnx quantised, tokenizer and config copied)."""
    try:
        import logging

        from onnxruntime.quantization import QuantType, quantize_dynamic

    except ImportError as e:  # onnxruntime.quantization imports the onnx package
        raise ModelError(f"precision='int8' needs the onnx package to make int8 models ({e}); pip install 'presslens[int8]'") from e
    root_logger = logging.getLogger()
    level = root_logger.level
    root_logger.setLevel(logging.ERROR)  # the quantiser logs pre-processing advice at WARNING on the root logger
    try:
        _quantize(source, target, quantize_dynamic, QuantType)
    finally:
        root_logger.setLevel(level)


def _quantize(source: Path, target: Path, quantize_dynamic, QuantType) -> None:
    partial = target.with_name(target.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    try:
        import onnx

        # Exported graphs carry shape annotations (value_info) that ONNX's shape inference, run by
        # the quantiser, may contradict ("Inferred shape and existing shape differ"); they are
        # only hints, so the quantiser gets the graph without them.
        graph = onnx.load(str(source / "model.onnx"))
        del graph.graph.value_info[:]
        onnx.save(graph, str(partial / "source.onnx"))
        quantize_dynamic(partial / "source.onnx", partial / "model.onnx", weight_type=QuantType.QInt8, per_channel=True)
        (partial / "source.onnx").unlink()
    except Exception as e:  # a model onnxruntime cannot quantise: say which and why
        shutil.rmtree(partial, ignore_errors=True)
        raise ModelError(f"could not quantise {source / 'model.onnx'}: {e}") from e
    for name in COPIED:
        shutil.copy2(source / name, partial / name)
    shutil.rmtree(target, ignore_errors=True)
    partial.rename(target)  # atomic: a half-written copy is never picked up


def int8_models(model_dirs: list[Path], root: Path | None = None) -> Path:
    """A models folder holding int8 copies of ``model_dirs`` (same folder names), made if missing."""
    folder = (root or cache_root()) / _key(model_dirs)
    for source in model_dirs:
        target = folder / source.name
        if not (target / "model.onnx").is_file():
            quantize_model(source, target)
    return folder
