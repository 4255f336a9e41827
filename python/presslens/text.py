"""Sentences with offsets into the original text, and the spans cleaning left out."""

from __future__ import annotations

from typing import Literal

from . import _native
from ._inputs import require_text
from ._native import Document, RemovedSpan, Sentence

SentenceKind = Literal["body", "headline", "bullet"]

__all__ = ["MAX_SENTENCE_BYTES", "SENTENCE_PIECE_BYTES", "Document", "RemovedSpan", "Sentence", "SentenceKind", "segment"]

MAX_SENTENCE_BYTES: int = _native.MAX_SENTENCE_BYTES
"""A sentence longer than this (UTF-8 bytes) is text without sentence punctuation: it comes back as
pieces of at most :data:`SENTENCE_PIECE_BYTES`, so ``max_article_sentences`` bounds the work."""
SENTENCE_PIECE_BYTES: int = _native.SENTENCE_PIECE_BYTES


def segment(text: str) -> Document:
    """Clean ``text`` and split it into sentences that keep their offsets.

    Nothing is rewritten: each sentence is an exact slice of ``text``; boilerplate lines ("Leave a
    Reply", language pickers, share buttons), datelines and bullet markers are reported in
    :attr:`Document.removed` with the reason. Lower-case prose is split at full stops too ("the
    talks ended. then..."), except after abbreviations and initials. Text without sentence
    punctuation comes back in pieces (see :data:`MAX_SENTENCE_BYTES`).
    """
    return _native.segment(require_text(text, "text"))
