"""Sentences with offsets into the original text, and the spans cleaning left out."""

from __future__ import annotations

from typing import Literal

from . import _native
from ._inputs import require_text
from ._native import Document, RemovedSpan, Sentence

SentenceKind = Literal["body", "headline", "bullet"]

__all__ = ["Document", "RemovedSpan", "Sentence", "SentenceKind", "segment"]


def segment(text: str) -> Document:
    """Clean ``text`` and split it into sentences that keep their offsets.

    Nothing is rewritten: each sentence is an exact slice of ``text``; boilerplate lines ("Leave a
    Reply", language pickers, share buttons), datelines and bullet markers are reported in
    :attr:`Document.removed` with the reason.
    """
    return _native.segment(require_text(text, "text"))
