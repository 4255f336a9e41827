"""Summary results (native classes): chosen sentences with offsets, scores and, across articles,
the article each comes from and the other articles that report it."""

from __future__ import annotations

from ._native import CorpusSentence, CorpusSummary, Summary, SummarySentence

__all__ = ["CorpusSentence", "CorpusSummary", "Summary", "SummarySentence"]
