"""Scale out on Dask: :func:`analyze` maps :func:`presslens.analyze_frame` over a Dask DataFrame.

``pip install 'presslens[dask]'``. Each worker process builds its :class:`~presslens.Pipeline` once
(from the pipeline's configuration, which is all that travels in the task graph: no model bytes)
and reuses it for every partition. The three results are lazy Dask DataFrames with the same columns
and dtypes as the pandas path, so they can go straight to Parquet::

    import dask.dataframe as dd, presslens, presslens.dask
    ddf = dd.read_parquet("articles/")                       # columns: id, text
    out = presslens.dask.analyze(ddf, text="text", id="id", pipeline=presslens.Pipeline(threads=1))
    presslens.dask.to_parquet(out, "results/")               # computed on the workers

The three tables share their partition tasks: compute them together (``dask.compute(*out)`` or
:func:`to_parquet`), or each ``.compute()`` analyses every partition again.

``corpus_actor`` (one name per actor across all articles) needs every partition's actor names; it
is computed by one small reduction task over the actor tables, also on the workers.
"""

from __future__ import annotations

import os
import threading
from typing import TYPE_CHECKING, Any, NamedTuple

from ._inputs import check_unique_columns
from .analysis import ACTOR_COLUMNS, MENTION_COLUMNS, ActorsArg, normalise_actors
from .exceptions import InputError
from .frames import (
    ACTOR_DTYPES,
    ARTICLE_COLUMNS,
    ARTICLE_DTYPES,
    MENTION_DTYPES,
    analyze_texts,
    analyze_texts_into_stories,
    corpus_name_map,
    refuse_given_actors_for_stories,
    tables,
    typed,
    with_corpus_names,
    with_stories,
)

if TYPE_CHECKING:
    import dask.dataframe as dd
    import pandas as pd

    from .pipeline import Pipeline

_PIPELINES: dict[tuple, Pipeline] = {}
_LOCK = threading.Lock()
_LOADS = 0


def loads() -> int:
    """How many Pipelines this process has built for Dask tasks (one per configuration)."""
    return _LOADS


def _worker_pipeline(config: dict[str, Any]) -> Pipeline:
    """This process's Pipeline for ``config``: built at its first partition, then reused."""
    global _LOADS
    key = tuple(sorted(config.items()))
    with _LOCK:
        pipeline = _PIPELINES.get(key)
        if pipeline is None:
            from .pipeline import Pipeline

            models = config.get("models")
            pipeline = Pipeline(models, **{k: v for k, v in config.items() if k != "models"})
            _PIPELINES[key] = pipeline
            _LOADS += 1
    return pipeline


class DaskFrames(NamedTuple):
    """Lazy versions of :class:`presslens.Frames` (no ``corpus`` objects: those live on workers)."""

    articles: dd.DataFrame
    actors: dd.DataFrame
    mentions: dd.DataFrame


def _analyze_partition(part: pd.DataFrame, config: dict[str, Any], text: str, id: str | None, actors: Any, max_sentences: int, id_dtype: Any, stories: bool):
    pipeline = _worker_pipeline(config)
    ids = list(part[id]) if id is not None else list(part.index)
    if not stories:
        corpus, statuses = analyze_texts(pipeline, part[text], ids, actors, max_sentences=max_sentences)
        return (*tables(corpus, statuses, id_dtype), None)
    # The profiles travel to the grouping task pickled for grouping only: the article's headline and
    # lead vectors, names and actors (a few KB), never its sentences or their embeddings.
    corpus, statuses, profiles = analyze_texts_into_stories(pipeline, part[text], ids, actors, max_sentences=max_sentences)
    return (*tables(corpus, statuses, id_dtype), profiles)


def _group(profile_lists: list[list[Any]]) -> list[list[int]]:
    """Stories of all articles, from every partition's profiles; returned per partition."""
    from . import _native

    story_ids = _native.group_stories([p for profiles in profile_lists for p in profiles])
    out, at = [], 0
    for profiles in profile_lists:
        out.append(story_ids[at : at + len(profiles)])
        at += len(profiles)
    return out


def _articles_with_stories(articles: pd.DataFrame, per_partition: list[list[int]], index: int) -> pd.DataFrame:
    return with_stories(articles, per_partition[index])


def _names(actor_tables: list[pd.DataFrame]) -> dict:
    import pandas as pd

    return corpus_name_map(pd.concat(actor_tables, ignore_index=True))


def _meta(columns: list[str], dtypes: dict[str, str], id_dtype: Any) -> pd.DataFrame:
    import pandas as pd

    return typed(pd.DataFrame({c: [] for c in columns}), dtypes, id_dtype)


def _threads_per_pipeline() -> int:
    """Cores per worker thread on this machine, so ONNX Runtime threads x worker threads x worker
    processes does not exceed the cores (asked of the running dask.distributed client if any)."""
    try:
        from distributed import get_client

        workers = get_client().scheduler_info()["workers"].values()
    except (ImportError, ValueError):
        return max(1, os.cpu_count() or 1)
    hosts: dict[str, int] = {}
    for w in workers:
        host = w.get("host") or str(w.get("id"))
        hosts[host] = hosts.get(host, 0) + int(w.get("nthreads", 1))
    busiest = max(hosts.values(), default=1)
    return max(1, (os.cpu_count() or 1) // busiest)


def analyze(
    ddf: dd.DataFrame,
    text: str = "text",
    id: str | None = "id",
    actors: ActorsArg = None,
    *,
    pipeline: Pipeline | None = None,
    max_sentences: int = 3,
    stories: bool = False,
) -> DaskFrames:
    """Analyse a Dask DataFrame of articles, partition by partition, on the workers.

    Args are those of :func:`presslens.analyze_frame`. ``pipeline`` gives the configuration
    (models, precision, threads...) each worker rebuilds once; when omitted, or when its
    ``threads`` is None, ONNX Runtime gets ``cores // worker threads per host`` threads so workers
    do not oversubscribe the machine. ``stories=True`` adds the ``story`` column: the encoder work
    stays on the workers, and one grouping task reads every article's profile (vectors, names,
    actors).
    """
    import dask
    import dask.dataframe as dd

    check_unique_columns(ddf.columns, [text, id], "the frame")
    if text not in ddf.columns:
        raise InputError(f"the frame has no column {text!r} (columns: {list(ddf.columns)}); pass text='your_text_column'.")
    if id is not None and id not in ddf.columns:
        id = None
    config = dict(pipeline._config) if pipeline is not None else {"models": None, "threads": None}
    if config.get("threads") is None:
        config["threads"] = _threads_per_pipeline()
    given = normalise_actors(actors)
    id_dtype = ddf[id].dtype if id is not None else ddf.index.dtype
    if stories:
        refuse_given_actors_for_stories(given)
    parts = [dask.delayed(_analyze_partition, nout=4)(p, config, text, id, given, max_sentences, id_dtype, stories) for p in ddf.to_delayed()]
    names = dask.delayed(_names)([p[1] for p in parts])
    articles_meta = _meta(ARTICLE_COLUMNS, ARTICLE_DTYPES, id_dtype)
    article_parts = [p[0] for p in parts]
    if stories:
        grouped = dask.delayed(_group)([p[3] for p in parts])
        article_parts = [dask.delayed(_articles_with_stories)(a, grouped, i) for i, a in enumerate(article_parts)]
        articles_meta = with_stories(articles_meta, [])
    actors_meta = with_corpus_names(_meta(ACTOR_COLUMNS, ACTOR_DTYPES, id_dtype), {})
    mentions_meta = with_corpus_names(_meta(MENTION_COLUMNS, MENTION_DTYPES, id_dtype), {})
    # Keep the pandas path's dtypes: Dask would otherwise turn object text columns into pyarrow strings.
    with dask.config.set({"dataframe.convert-string": False}):
        return DaskFrames(
            articles=dd.from_delayed(article_parts, meta=articles_meta, verify_meta=False),
            actors=dd.from_delayed([dask.delayed(with_corpus_names)(p[1], names) for p in parts], meta=actors_meta, verify_meta=False),
            mentions=dd.from_delayed([dask.delayed(with_corpus_names)(p[2], names) for p in parts], meta=mentions_meta, verify_meta=False),
        )


LIST_COLUMNS = ("positive_evidence", "negative_evidence")


def parquet_schema(frame: dd.DataFrame):
    """A pyarrow schema for one of the result tables: Dask cannot infer one from object columns
    (text, and the evidence lists), so it is spelled out from the declared dtypes. Other columns
    take pyarrow's type for their dtype, pandas extension dtypes of ids included (nullable Int64,
    boolean, category, timezone-aware datetimes), which have no numpy equivalent."""
    import pandas as pd
    import pyarrow as pa

    fields = []
    for column, dtype in frame.dtypes.items():
        if column in LIST_COLUMNS:
            kind = pa.list_(pa.string())
        elif str(dtype) in ("object", "str", "string"):
            kind = pa.string()
        else:
            kind = pa.Array.from_pandas(pd.Series([], dtype=dtype)).type
        fields.append(pa.field(str(column), kind))
    return pa.schema(fields)


def to_parquet(frames: DaskFrames, path: str | os.PathLike[str], **options: Any) -> None:
    """Write the three tables under ``path/{articles,actors,mentions}`` (computed on the workers)."""
    import dask

    base = os.fspath(path)
    writes = [
        getattr(frames, name).to_parquet(os.path.join(base, name), schema=parquet_schema(getattr(frames, name)), write_index=False, compute=False, **options)
        for name in DaskFrames._fields
    ]
    dask.compute(*writes)
