"""pandas in, pandas out: :func:`analyze_frame`.

pandas is optional (``pip install 'presslens[pandas]'``); this module imports it only when called.
Rows whose text is missing (None, NaN), empty or not a string are kept in every output, flagged in
the ``status`` column, never dropped.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import TYPE_CHECKING, Any, NamedTuple

from .analysis import ActorsArg, CorpusAnalysis
from ._inputs import status_of
from .exceptions import InputError

if TYPE_CHECKING:
    import pandas as pd

    from .pipeline import Pipeline

ARTICLE_COLUMNS = ["doc_id", "status", "summary", "truncated", "sentences", "actors", "top_actors"]


class Frames(NamedTuple):
    """The three tables of an analysis, each keyed by ``doc_id``."""

    articles: pd.DataFrame
    """One row per input row, in input order: status, summary, sentence and actor counts."""
    actors: pd.DataFrame
    """One row per (article, actor): score, label, mentions, evidence; ``corpus_actor`` names
    the actor as merged across articles."""
    mentions: pd.DataFrame
    """One row per mention: offsets into the article, probabilities, sentence, ``corpus_actor``."""
    corpus: CorpusAnalysis
    """The full result objects (per-article analyses and the corpus actor table)."""


def text_status(value: object) -> str:
    """``ok`` for analysable text, else why not: ``empty``, ``missing``, ``not text (int)``,
    ``invalid text (unpaired surrogates)``."""
    return status_of(value)


def article_rows(corpus: CorpusAnalysis, statuses: list[str]) -> list[dict[str, Any]]:
    rows = []
    for art, status in zip(corpus, statuses):
        rows.append(
            {
                "doc_id": art.doc_id,
                "status": status,
                "summary": str(art.summary) if status == "ok" else None,
                "truncated": art.truncated,
                "sentences": len(art.sentences),
                "actors": len(art.actors),
                "top_actors": "; ".join(f"{a.name} ({a.score:+.2f})" for a in art.actors[:5]),
            }
        )
    return rows


def analyze_texts(pipeline: Pipeline, values: Iterable[object], ids: list[Hashable], actors: ActorsArg, **options: Any) -> tuple[CorpusAnalysis, list[str]]:
    """Analyse every row; rows that are not analysable text go through as empty articles."""
    values = list(values)
    statuses = [text_status(v) for v in values]
    texts = [v if s in ("ok", "empty") else "" for v, s in zip(values, statuses)]  # type: ignore[misc]
    return pipeline.analyze_many(texts, ids, actors, **options), statuses


def analyze_frame(
    df: pd.DataFrame,
    text: str = "text",
    id: str | None = "id",
    actors: ActorsArg = None,
    *,
    pipeline: Pipeline | None = None,
    max_sentences: int = 3,
    show_progress: bool = False,
) -> Frames:
    """Analyse a DataFrame of articles.

    Args:
        df: one article per row.
        text: the column with the article text.
        id: the column with article ids; if None or absent, the frame's index is used.
        actors: ``{name: [aliases]}``, a list of names, or None to discover actors per article.
        pipeline: a :class:`~presslens.Pipeline` to reuse (default: a new one with default settings).
        show_progress: draw a tqdm progress bar (Ctrl-C stops between chunks).

    Returns :class:`Frames` ``(articles, actors, mentions, corpus)``; input order and ids are kept.
    """
    import pandas as pd

    if not isinstance(df, pd.DataFrame):
        raise InputError(f"analyze_frame needs a pandas DataFrame, got {type(df).__name__}.")
    if text not in df.columns:
        raise InputError(f"the frame has no column {text!r} (columns: {list(df.columns)}); pass text='your_text_column'.")
    ids = list(df[id]) if id is not None and id in df.columns else list(df.index)
    if pipeline is None:
        from .pipeline import Pipeline

        pipeline = Pipeline()
    corpus, statuses = analyze_texts(pipeline, df[text], ids, actors, max_sentences=max_sentences, show_progress=show_progress)
    return Frames(
        articles=pd.DataFrame(article_rows(corpus, statuses), columns=ARTICLE_COLUMNS),
        actors=corpus.to_pandas(),
        mentions=corpus.mentions_frame(),
        corpus=corpus,
    )
