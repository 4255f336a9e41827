"""The :class:`Pipeline`: models loaded once, then embeddings and target sentiment on demand."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Union, overload

import numpy as np

from . import _native
from ._inputs import require_text, text_list
from ._runtime import find_ort_library
from .exceptions import InputError
from .text import Document, segment

PathLike = Union[str, "os.PathLike[str]"]

DEFAULT_EMBEDDING_MODEL = "minilm-l6-v2"
DEFAULT_STANCE_MODEL = "stance-minilm-l6"


class Pipeline:
    """Both presslens models, loaded once and shared by every call (and every Python thread).

    Args:
        models: folder holding the model folders. If omitted, ``$PRESSLENS_MODELS``, then the
            user cache (``~/.cache/presslens/models``) are searched; the error lists every place tried.
        threads: total CPU cores presslens may use (tokenising and ONNX Runtime share them).
            Default: all available.
        batch_size: sentences per model call. Inputs are sorted by length and each batch is
            padded only to its own longest item.
        embedding_model, stance_model: folder names of the two models inside ``models``.

    Everything is loaded here, so a missing or broken model or runtime raises now
    (:class:`~presslens.ModelError`, :class:`~presslens.RuntimeLibraryError`), not at first use.
    """

    def __init__(
        self,
        models: PathLike | None = None,
        *,
        threads: int | None = None,
        batch_size: int = 32,
        embedding_model: str = DEFAULT_EMBEDDING_MODEL,
        stance_model: str = DEFAULT_STANCE_MODEL,
    ) -> None:
        if threads is not None and (not isinstance(threads, int) or threads < 1):
            raise InputError(f"threads must be a positive int or None (all cores), got {threads!r}.")
        if not isinstance(batch_size, int) or batch_size < 1:
            raise InputError(f"batch_size must be a positive int, got {batch_size!r}.")
        self._config: dict[str, Any] = {
            "models": None if models is None else os.fspath(models),
            "threads": threads,
            "batch_size": batch_size,
            "embedding_model": embedding_model,
            "stance_model": stance_model,
        }
        self._inner = _native.NativePipeline(
            self._config["models"],
            threads=threads or 0,
            batch_size=batch_size,
            embedding_model=embedding_model,
            stance_model=stance_model,
            ort_dylib=str(find_ort_library()),
        )

    # Pickling ships the configuration, never the sessions: each process loads its own models.
    def __getstate__(self) -> dict[str, Any]:
        return dict(self._config)

    def __setstate__(self, state: dict[str, Any]) -> None:
        config = dict(state)
        models = config.pop("models")
        self.__init__(models, **config)  # type: ignore[misc]

    def __repr__(self) -> str:
        embedding, stance = self.model_dirs
        return f"Pipeline(embedding={str(embedding)!r}, stance={str(stance)!r}, threads={self.threads}, batch_size={self.batch_size})"

    @property
    def threads(self) -> int:
        """CPU cores in use."""
        return self._inner.threads

    @property
    def batch_size(self) -> int:
        return self._inner.batch_size

    @property
    def model_dirs(self) -> tuple[Path, Path]:
        """Folders the embedding and stance models were loaded from."""
        embedding, stance = self._inner.model_dirs
        return Path(embedding), Path(stance)

    @property
    def runtime_library(self) -> Path:
        """The ONNX Runtime library in use."""
        return Path(self._inner.runtime_library)

    @property
    def stance_labels(self) -> list[str]:
        """Class names of :meth:`target_sentiment` columns, in the model's order."""
        return list(self._inner.stance_labels)

    def segment(self, text: str) -> Document:
        """Same as :func:`presslens.segment`."""
        return segment(text)

    @overload
    def embed(self, texts: str) -> np.ndarray: ...
    @overload
    def embed(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed(self, texts: str | Sequence[str]) -> np.ndarray:
        """Sentence embeddings: float32, L2-normalised, 384 wide.

        A single ``str`` gives one vector ``(384,)``; a sequence (list, tuple, pandas Series) gives
        ``(len(texts), 384)`` in input order. Texts longer than 256 word pieces are truncated, as the
        model was trained.
        """
        if isinstance(texts, str):
            return self._inner.embed([texts])[0]
        return self._inner.embed(text_list(texts, "texts"))

    def target_sentiment(self, mentions: Sequence[str], sentences: Sequence[str]) -> np.ndarray:
        """How each sentence portrays its target: probabilities ``(n, 3)``.

        ``mentions[i]`` is the target as written in ``sentences[i]`` (e.g. ``"Rubio"``). Columns follow
        :attr:`stance_labels` (``negative, neutral, positive``); each row sums to 1. A stance score in
        [-1, 1] is ``p[:, positive] - p[:, negative]``.
        """
        mentions = text_list(mentions, "mentions")
        sentences = text_list(sentences, "sentences")
        if len(mentions) != len(sentences):
            raise InputError(f"got {len(mentions)} mentions but {len(sentences)} sentences; pass one mention per sentence.")
        return self._inner.target_sentiment(mentions, sentences)


