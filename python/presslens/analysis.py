"""Actor stance results: per mention, per actor in an article, per actor across a corpus.

A mention's ``score`` is P(positive) - P(negative) from the target-sentiment model. An actor's
``score`` is the mean of its mentions' scores weighted by the model's confidence (the largest class
probability), in [-1, 1]. Labels: ``positive`` above +0.15, ``negative`` below -0.15, ``neutral``
in between (:data:`POSITIVE_ABOVE`, :data:`NEGATIVE_BELOW`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Hashable

from .exceptions import InputError
from .summary import Summary
from .text import Sentence

if TYPE_CHECKING:  # pandas is optional
    import pandas as pd

POSITIVE_ABOVE = 0.15
NEGATIVE_BELOW = -0.15

ActorsArg = Mapping[str, Sequence[str]] | Sequence[str] | None


@dataclass(frozen=True)
class MentionStance:
    """One mention of an actor and how its sentence portrays it."""

    text: str
    start: int
    end: int
    sentence_index: int
    sentence: str
    negative: float
    neutral: float
    positive: float
    score: float
    confidence: float
    doc_id: Hashable | None = None


@dataclass(frozen=True)
class ActorStance:
    """An actor in one article: score in [-1, 1], label, every mention, and the evidence."""

    name: str
    kind: str
    score: float
    label: str
    mentions: tuple[MentionStance, ...]
    positive_evidence: tuple[MentionStance, ...]
    negative_evidence: tuple[MentionStance, ...]

    @property
    def mention_count(self) -> int:
        return len(self.mentions)

    @property
    def evidence(self) -> MentionStance | None:
        """The sentence that best justifies the label (strongest in its direction; for neutral,
        the mention read most confidently)."""
        return _headline_evidence(self.label, self.positive_evidence, self.negative_evidence, self.mentions)


def _headline_evidence(label: str, positive: Sequence[MentionStance], negative: Sequence[MentionStance], mentions: Sequence[MentionStance]) -> MentionStance | None:
    if label == "positive" and positive:
        return positive[0]
    if label == "negative" and negative:
        return negative[0]
    if not mentions:
        return None
    return max(mentions, key=lambda m: (m.neutral, -abs(m.score)))


@dataclass(frozen=True)
class Analysis:
    """Everything presslens reads out of one article."""

    doc_id: Hashable
    sentences: tuple[Sentence, ...]
    summary: Summary
    actors: tuple[ActorStance, ...]
    truncated: bool = False
    """The article was longer than ``Pipeline(max_article_sentences=...)``: only its start was read."""
    error: str | None = None
    """Why this row could not be analysed (``errors="mark"``); None when it was."""

    def actor(self, name: str) -> ActorStance:
        """The actor called ``name`` (exact display name)."""
        for a in self.actors:
            if a.name == name:
                return a
        raise KeyError(f"no actor {name!r} in this article; actors: {[a.name for a in self.actors]}")

    def to_pandas(self) -> pd.DataFrame:
        """One row per actor: doc_id, actor, kind, score, label, mentions, evidence, ..."""
        return _frame(actor_rows(self), ACTOR_COLUMNS)

    def mentions_frame(self) -> pd.DataFrame:
        """One row per mention, with offsets, probabilities and its sentence."""
        return _frame(mention_rows(self), MENTION_COLUMNS)


@dataclass(frozen=True)
class ArticleStance:
    doc_id: Hashable
    name: str
    """The actor's name in that article (it may be spelled differently there)."""
    score: float
    label: str
    mentions: int


@dataclass(frozen=True)
class CorpusActor:
    """An actor across articles: mentions of all articles pooled (same weighting as per article)."""

    name: str
    kind: str
    score: float
    label: str
    mentions: int
    articles: tuple[ArticleStance, ...]
    positive_evidence: tuple[MentionStance, ...]
    negative_evidence: tuple[MentionStance, ...]
    evidence: MentionStance | None
    """The sentence that best justifies the label, from any article."""
    positive_mentions: int = 0
    """Mentions that read positive on their own (score above +0.15)."""
    negative_mentions: int = 0
    """Mentions that read negative on their own (score below -0.15)."""


@dataclass(frozen=True)
class CorpusAnalysis(Sequence[Analysis]):
    """Per-article analyses (indexable, iterable, in input order) and the corpus actor table."""

    articles: tuple[Analysis, ...]
    actors: tuple[CorpusActor, ...] = field(default=())

    def __len__(self) -> int:
        return len(self.articles)

    def __getitem__(self, index):  # type: ignore[override]
        return self.articles[index]

    def __iter__(self) -> Iterator[Analysis]:
        return iter(self.articles)

    def actor(self, name: str) -> CorpusActor:
        for a in self.actors:
            if a.name == name:
                return a
        raise KeyError(f"no actor {name!r} in this corpus; actors: {[a.name for a in self.actors]}")

    def corpus_names(self) -> dict[tuple[Hashable, str], str]:
        """(doc_id, actor name in that article) → the actor's name across the corpus."""
        return {(part.doc_id, part.name): actor.name for actor in self.actors for part in actor.articles}

    def to_pandas(self) -> pd.DataFrame:
        """One row per (article, actor); ``corpus_actor`` is the merged name across articles."""
        return _with_corpus_names(_frame([row for a in self.articles for row in actor_rows(a)], ACTOR_COLUMNS), self)

    def actors_frame(self) -> pd.DataFrame:
        """One row per actor across the corpus: score, label, mentions, articles, evidence, and
        the score in each article (``per_article``)."""
        return _frame(corpus_actor_rows(self, per_article=True), CORPUS_ACTOR_COLUMNS + ["per_article"])

    def mentions_frame(self) -> pd.DataFrame:
        """One row per mention; ``corpus_actor`` is the merged name across articles."""
        return _with_corpus_names(_frame([row for a in self.articles for row in mention_rows(a)], MENTION_COLUMNS), self)


def _with_corpus_names(frame: pd.DataFrame, corpus: CorpusAnalysis) -> pd.DataFrame:
    names = corpus.corpus_names()
    frame.insert(2, "corpus_actor", [names.get((d, a), a) for d, a in zip(frame["doc_id"], frame["actor"])])
    return frame


ACTOR_COLUMNS = ["doc_id", "actor", "kind", "score", "label", "mentions", "evidence", "evidence_start", "evidence_end", "positive_evidence", "negative_evidence"]
MENTION_COLUMNS = ["doc_id", "actor", "mention", "start", "end", "sentence_index", "sentence", "negative", "neutral", "positive", "score", "confidence"]


CORPUS_ACTOR_COLUMNS = ["actor", "kind", "score", "label", "mentions", "articles", "evidence", "evidence_doc_id"]


def corpus_actor_rows(corpus: CorpusAnalysis, per_article: bool = False) -> list[dict[str, Any]]:
    rows = []
    for a in corpus.actors:
        best = a.evidence
        row: dict[str, Any] = {
            "actor": a.name,
            "kind": a.kind,
            "score": a.score,
            "label": a.label,
            "mentions": a.mentions,
            "articles": len(a.articles),
            "evidence": best.sentence if best else None,
            "evidence_doc_id": best.doc_id if best else None,
        }
        if per_article:
            row["per_article"] = {s.doc_id: round(s.score, 4) for s in a.articles}
        rows.append(row)
    return rows


def actor_rows(analysis: Analysis) -> list[dict[str, Any]]:
    rows = []
    for a in analysis.actors:
        best = a.evidence
        rows.append(
            {
                "doc_id": analysis.doc_id,
                "actor": a.name,
                "kind": a.kind,
                "score": a.score,
                "label": a.label,
                "mentions": a.mention_count,
                "evidence": best.sentence if best else None,
                "evidence_start": _sentence_start(analysis, best),
                "evidence_end": _sentence_end(analysis, best),
                "positive_evidence": [m.sentence for m in a.positive_evidence],
                "negative_evidence": [m.sentence for m in a.negative_evidence],
            }
        )
    return rows


def mention_rows(analysis: Analysis) -> list[dict[str, Any]]:
    return [
        {
            "doc_id": analysis.doc_id,
            "actor": a.name,
            "mention": m.text,
            "start": m.start,
            "end": m.end,
            "sentence_index": m.sentence_index,
            "sentence": m.sentence,
            "negative": m.negative,
            "neutral": m.neutral,
            "positive": m.positive,
            "score": m.score,
            "confidence": m.confidence,
        }
        for a in analysis.actors
        for m in a.mentions
    ]


def _sentence_start(analysis: Analysis, mention: MentionStance | None) -> int | None:
    return None if mention is None else analysis.sentences[mention.sentence_index].start


def _sentence_end(analysis: Analysis, mention: MentionStance | None) -> int | None:
    return None if mention is None else analysis.sentences[mention.sentence_index].end


def _frame(rows: list[dict[str, Any]], columns: list[str]) -> pd.DataFrame:
    try:
        import pandas as pd
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError("to_pandas() needs pandas: pip install 'presslens[pandas]'") from e
    return pd.DataFrame(rows, columns=columns)


def normalise_actors(actors: ActorsArg) -> list[tuple[str, list[str]]] | None:
    """``{"name": ["alias", ...]}`` or ``["name", ...]`` → [(name, aliases)]; None stays None."""
    if actors is None:
        return None
    if isinstance(actors, str):
        raise InputError("actors must be a mapping {name: [aliases]} or a list of names, not a single string; wrap it: [name].")
    items = actors.items() if isinstance(actors, Mapping) else ((name, []) for name in actors)
    out: list[tuple[str, list[str]]] = []
    for name, aliases in items:
        if not isinstance(name, str) or not name.strip():
            raise InputError(f"actor names must be non-empty strings, got {name!r}.")
        if isinstance(aliases, str):
            aliases = [aliases]
        if aliases is None:
            aliases = []
        if not isinstance(aliases, (list, tuple, set, frozenset)) or not all(isinstance(a, str) and a.strip() for a in aliases):
            raise InputError(f"aliases of actor {name!r} must be a list of non-empty strings, got {aliases!r}.")
        out.append((name.strip(), [a.strip() for a in aliases]))
    if not out:
        raise InputError("actors is empty; pass None to discover actors, or at least one name.")
    return out


def build_analysis(doc_id: Hashable, raw: tuple) -> Analysis:
    """An :class:`Analysis` from the native tuples."""
    from .summary import SummarySentence

    raw_sentences, raw_summary, raw_actors, truncated = raw
    sentences = tuple(Sentence(text=t, start=a, end=b, index=i, paragraph=p, kind=k) for t, a, b, i, p, k in raw_sentences)
    summary = Summary([SummarySentence(text=t, start=a, end=b, index=i, score=sc) for i, t, a, b, sc, _ in raw_summary], doc_id=doc_id, truncated=truncated)
    actors = []
    for name, kind, score, label, raw_mentions, positive, negative in raw_actors:
        mentions = tuple(
            MentionStance(text=t, start=a, end=b, sentence_index=si, sentence=sentences[si].text, negative=n, neutral=u, positive=p, score=s, confidence=c, doc_id=doc_id)
            for t, a, b, si, n, u, p, s, c in raw_mentions
        )
        actors.append(
            ActorStance(
                name=name,
                kind=kind,
                score=score,
                label=label,
                mentions=mentions,
                positive_evidence=tuple(mentions[i] for i in positive),
                negative_evidence=tuple(mentions[i] for i in negative),
            )
        )
    return Analysis(doc_id=doc_id, sentences=sentences, summary=summary, actors=tuple(actors), truncated=truncated)


def build_corpus(articles: list[Analysis]) -> CorpusAnalysis:
    from . import _native

    per_doc = [[(a.name, a.kind, [(m.sentence_index, m.score, m.confidence) for m in a.mentions]) for a in art.actors] for art in articles]
    actors = []
    for name, kind, score, label, mentions, per_article, positive, negative in _native.merge_actors(per_doc):
        positive_evidence = tuple(articles[d].actors[a].mentions[m] for d, a, m in positive)
        negative_evidence = tuple(articles[d].actors[a].mentions[m] for d, a, m in negative)
        pooled = [m for d, a, _, _, _ in per_article for m in articles[d].actors[a].mentions]
        actors.append(
            CorpusActor(
                name=name,
                kind=kind,
                score=score,
                label=label,
                mentions=mentions,
                articles=tuple(ArticleStance(doc_id=articles[d].doc_id, name=articles[d].actors[a].name, score=s, label=lab, mentions=n) for d, a, s, lab, n in per_article),
                positive_evidence=positive_evidence,
                negative_evidence=negative_evidence,
                evidence=_headline_evidence(label, positive_evidence, negative_evidence, pooled),
                positive_mentions=sum(m.score > POSITIVE_ABOVE for m in pooled),
                negative_mentions=sum(m.score < NEGATIVE_BELOW for m in pooled),
            )
        )
    return CorpusAnalysis(articles=tuple(articles), actors=tuple(actors))
