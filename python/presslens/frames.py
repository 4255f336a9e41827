"""pandas in, pandas out: :func:`analyze_frame`.

pandas is optional (``pip install 'presslens[pandas]'``); this module imports it only when called.
Rows whose text is missing (None, NaN), empty or not a string are kept in every output, flagged in
the ``status`` column, never dropped.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import TYPE_CHECKING, Any, NamedTuple

from ._inputs import check_unique_columns, status_of
from .analysis import ACTOR_COLUMNS, MENTION_COLUMNS, ActorsArg, CorpusAnalysis, actor_rows, mention_rows
from .exceptions import InputError

if TYPE_CHECKING:
    import pandas as pd

    from .pipeline import Pipeline

ARTICLE_COLUMNS = ["doc_id", "status", "summary", "truncated", "sentences", "actors", "top_actors"]

# Column types of the three tables (doc_id takes the type of the input ids). Fixed here so that every
# path (pandas, Dask partitions, empty inputs) gives the same schema.
ARTICLE_DTYPES = {"status": "object", "summary": "object", "truncated": "bool", "sentences": "int64", "actors": "int64", "top_actors": "object"}
ACTOR_DTYPES = {
    "actor": "object", "corpus_actor": "object", "kind": "object", "score": "float64", "label": "object", "mentions": "int64",
    "evidence": "object", "evidence_start": "int64", "evidence_end": "int64", "positive_evidence": "object", "negative_evidence": "object",
}  # fmt: skip
MENTION_DTYPES = {
    "actor": "object", "corpus_actor": "object", "mention": "object", "via": "object", "start": "int64", "end": "int64", "sentence_index": "int64",
    "sentence": "object", "negative": "float64", "neutral": "float64", "positive": "float64", "score": "float64", "confidence": "float64",
}  # fmt: skip


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
    texts = [v if isinstance(v, str) and s in ("ok", "empty") else "" for v, s in zip(values, statuses)]
    return pipeline.analyze_many(texts, ids, actors, **options), statuses


def analyze_texts_into_stories(
    pipeline: Pipeline, values: Iterable[object], ids: list[Hashable], actors: ActorsArg, **options: Any
) -> tuple[CorpusAnalysis, list[str], list[Any]]:
    """:func:`analyze_texts`, each article with its story profile (grouping input)."""
    from . import _native
    from .pipeline import _count

    refuse_given_actors_for_stories(actors)
    values = list(values)
    statuses = [text_status(v) for v in values]
    texts = [v if isinstance(v, str) and s in ("ok", "empty") else "" for v, s in zip(values, statuses)]
    budget = _count(options.get("max_sentences", 3), "max_sentences")
    articles, profiles, _ = pipeline._analyze_for_stories(texts, ids, budget, "raise", options.get("show_progress", False), 64)
    return _native.corpus_analysis(articles), statuses, profiles


def refuse_given_actors_for_stories(actors: object) -> None:
    """Story grouping compares each article's discovered actors, so it takes no given ones."""
    if actors is not None:
        raise InputError("stories=True discovers each article's actors (grouping compares them); it cannot take given actors: pass actors=None.")


def analyze_frame(
    df: pd.DataFrame,
    text: str = "text",
    id: str | None = "id",
    actors: ActorsArg = None,
    *,
    pipeline: Pipeline | None = None,
    max_sentences: int = 3,
    show_progress: bool = False,
    stories: bool = False,
) -> Frames:
    """Analyse a DataFrame of articles.

    Args:
        df: one article per row.
        text: the column with the article text.
        id: the column with article ids; if None or absent, the frame's index is used.
        actors: ``{name: [aliases]}``, a list of names, or None to discover actors per article.
        pipeline: a :class:`~presslens.Pipeline` to reuse (default: a new one with default settings).
        show_progress: draw a tqdm progress bar (Ctrl-C stops between chunks).
        stories: add a ``story`` column to the articles table: the articles grouped into stories
            as by :meth:`Pipeline.stories` (0 is the largest story). Needs ``actors=None``.

    Returns :class:`Frames` ``(articles, actors, mentions, corpus)``; input order and ids are kept.
    """
    import pandas as pd

    if not isinstance(df, pd.DataFrame):
        raise InputError(f"analyze_frame needs a pandas DataFrame, got {type(df).__name__}.")
    check_unique_columns(df.columns, [text, id], "the frame")
    if text not in df.columns:
        raise InputError(f"the frame has no column {text!r} (columns: {list(df.columns)}); pass text='your_text_column'.")
    ids = list(df[id]) if id is not None and id in df.columns else list(df.index)
    if pipeline is None:
        from .pipeline import Pipeline

        pipeline = Pipeline()
    if stories:
        from . import _native

        corpus, statuses, profiles = analyze_texts_into_stories(pipeline, df[text], ids, actors, max_sentences=max_sentences, show_progress=show_progress)
    else:
        corpus, statuses = analyze_texts(pipeline, df[text], ids, actors, max_sentences=max_sentences, show_progress=show_progress)
    id_dtype = df[id].dtype if id is not None and id in df.columns else df.index.dtype
    articles, actor_table, mentions = tables(corpus, statuses, id_dtype)
    if stories:
        articles = with_stories(articles, _native.group_stories(profiles))
    # Keyed by article position, not doc_id: None and NaN ids do not group, and NaN != NaN.
    actor_table.insert(0, ARTICLE_KEY, [i for i, a in enumerate(corpus) for _ in actor_rows(a)])
    mentions.insert(0, ARTICLE_KEY, [i for i, a in enumerate(corpus) for _ in mention_rows(a)])
    names = corpus_name_map(actor_table, key=ARTICLE_KEY)
    actor_table, mentions = (with_corpus_names(t, names, key=ARTICLE_KEY).drop(columns=ARTICLE_KEY) for t in (actor_table, mentions))
    return Frames(articles=articles, actors=actor_table, mentions=mentions, corpus=corpus)


ARTICLE_KEY = "_article"


def with_stories(articles: pd.DataFrame, story_ids: list[int]) -> pd.DataFrame:
    """The articles table with its ``story`` column (after ``doc_id``)."""
    import numpy as np

    articles = articles.copy()
    articles.insert(1, "story", np.asarray(story_ids, dtype="int64"))
    return articles


def typed(frame: pd.DataFrame, dtypes: dict[str, str], id_dtype: Any) -> pd.DataFrame:
    frame = frame.astype({k: v for k, v in dtypes.items() if k in frame.columns})
    if frame["doc_id"].dtype.kind != "O" and getattr(id_dtype, "kind", None) == "O":
        # pandas reads [None, 7] as floats (None -> NaN); ids come back exactly as given.
        frame["doc_id"] = pd_object(list(frame["doc_id"]))
    return frame.astype({"doc_id": id_dtype})


def tables(corpus: CorpusAnalysis, statuses: list[str], id_dtype: Any) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The articles, actors and mentions tables of one batch, without the cross-article
    ``corpus_actor`` column (which needs every batch: see :func:`corpus_name_map`)."""

    actor_columns = [c for c in ACTOR_COLUMNS]
    return (
        typed(_object_ids(article_rows(corpus, statuses), ARTICLE_COLUMNS), ARTICLE_DTYPES, id_dtype),
        typed(_object_ids([r for a in corpus for r in actor_rows(a)], actor_columns), ACTOR_DTYPES, id_dtype),
        typed(_object_ids([r for a in corpus for r in mention_rows(a)], MENTION_COLUMNS), MENTION_DTYPES, id_dtype),
    )


def _object_ids(rows: list[dict[str, Any]], columns: list[str]) -> pd.DataFrame:
    """A frame of ``rows`` whose doc_id column holds the ids as given (pandas would turn a None
    among numbers into NaN)."""
    import pandas as pd

    frame = pd.DataFrame(rows, columns=columns)
    frame["doc_id"] = pd_object([r["doc_id"] for r in rows])
    return frame


def corpus_name_map(actors: pd.DataFrame, key: str = "doc_id") -> dict[tuple[Hashable, str], str]:
    """(doc_id, actor name in that article) → the actor's name across all articles, merged as in
    :attr:`CorpusAnalysis.actors` (same name ignoring accents and case; a person's short form, "Rubio" or
    "Von der Leyen", joins the one longer name that ends with it). Only names, kinds and mention counts matter, so this works on the
    actors table alone, e.g. gathered from Dask partitions."""
    from . import _native

    per_doc, keys = [], []
    for doc_id, group in actors.groupby(key, sort=False):
        per_doc.append([(r.actor, r.kind, int(r.mentions)) for r in group.itertuples()])
        keys.append((doc_id, list(group["actor"])))
    mapping: dict[tuple[Hashable, str], str] = {}
    for (doc_id, names), corpus_names in zip(keys, _native.corpus_actor_names(per_doc)):
        for name, corpus_name in zip(names, corpus_names):
            mapping[(doc_id, name)] = corpus_name
    return mapping


def with_corpus_names(frame: pd.DataFrame, names: dict[tuple[Hashable, str], str], key: str = "doc_id") -> pd.DataFrame:
    frame = frame.copy()
    at = list(frame.columns).index("actor") + 1
    frame.insert(at, "corpus_actor", pd_object([names.get((d, a), a) for d, a in zip(frame[key], frame["actor"])]))
    return frame


def pd_object(values: list[object]):
    import pandas as pd

    return pd.Series(values, dtype="object").to_numpy()
