"""Summary results: chosen sentences with offsets, scores and (across articles) their sources."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class SummarySentence:
    text: str
    start: int
    """Offsets into the article's text (``str`` indices)."""
    end: int
    index: int
    """Position of the sentence in the article (see :func:`presslens.segment`)."""
    score: float
    """Salience: centrality on the lexical + embedding sentence graph, plus centroid similarity."""


@dataclass(frozen=True)
class Summary:
    """An extractive summary of one article, sentences in document order."""

    sentences: list[SummarySentence] = field(default_factory=list)
    doc_id: Hashable | None = None
    """The article's id (its position unless ids were given)."""
    truncated: bool = False
    """The article was longer than ``Pipeline(max_article_sentences=...)``: only its start was read."""
    error: str | None = None
    """Why this row could not be summarised (``errors="mark"``); None when it was."""

    def __str__(self) -> str:
        return " ".join(" ".join(s.text.split()) for s in self.sentences)

    def __len__(self) -> int:
        return len(self.sentences)


@dataclass(frozen=True)
class CorpusSentence(SummarySentence):
    doc_id: object = None
    """Id of the article the sentence is taken from."""
    sources: tuple = ()
    """Ids of other articles that say nearly the same (corroborating sources)."""


@dataclass(frozen=True)
class CorpusSummary:
    """A summary across articles, most central sentence first, each attributed to its article."""

    sentences: list[CorpusSentence] = field(default_factory=list)

    def __str__(self) -> str:
        lines = []
        for s in self.sentences:
            also = f"; also in {', '.join(map(str, s.sources))}" if s.sources else ""
            lines.append(f"- {' '.join(s.text.split())} [{s.doc_id}{also}]")
        return "\n".join(lines)

    def __len__(self) -> int:
        return len(self.sentences)
