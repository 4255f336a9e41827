"""Sentences with offsets into the original text, and the spans cleaning left out."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from . import _native
from ._inputs import require_text

SentenceKind = Literal["body", "headline", "bullet"]


@dataclass(frozen=True)
class Sentence:
    """One sentence: ``original[start:end] == text`` (offsets are ``str`` indices)."""

    text: str
    start: int
    end: int
    index: int
    """Position among the document's sentences, from 0."""
    paragraph: int
    """Paragraph number from 0; a heading or list item is a paragraph of its own."""
    kind: SentenceKind
    """``body`` (running text), ``headline`` (a line without closing punctuation) or ``bullet``."""


@dataclass(frozen=True)
class RemovedSpan:
    """A stretch of the original that cleaning left out (boilerplate, dateline, bullet marker)."""

    start: int
    end: int
    reason: str


@dataclass(frozen=True)
class Document:
    """A cleaned and segmented text."""

    text: str
    sentences: list[Sentence] = field(default_factory=list)
    removed: list[RemovedSpan] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.sentences)


def segment(text: str) -> Document:
    """Clean ``text`` and split it into sentences that keep their offsets.

    Nothing is rewritten: each sentence is an exact slice of ``text``; boilerplate lines ("Leave a
    Reply", language pickers, share buttons), datelines and bullet markers are reported in
    :attr:`Document.removed` with the reason.
    """
    text = require_text(text, "text")
    sentences, removed = _native.segment(text)
    return Document(
        text=text,
        sentences=[Sentence(*s) for s in sentences],
        removed=[RemovedSpan(*r) for r in removed],
    )
