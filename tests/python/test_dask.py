"""presslens on a real dask.distributed LocalCluster (2 worker processes, loopback only)."""

from __future__ import annotations

# The test extra installs these: a missing one must fail the run, not skip it.
import dask.dataframe as dd
import distributed
import pandas as pd
import pytest

import presslens


@pytest.fixture(scope="module")
def seeds_frame(seed_texts):
    rows = [{"id": f"{k}-{i}", "text": v} for i in range(40) for k, v in seed_texts.items()]
    rows += [{"id": "empty", "text": ""}, {"id": "none", "text": None}]
    return pd.DataFrame(rows)  # 202 rows


@pytest.fixture(scope="module")
def client(models_dir):
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None)
    with distributed.Client(cluster) as client:
        yield client
    cluster.close()


def test_distributed_results_equal_the_pandas_path_row_for_row(client, seeds_frame, pipeline, models_dir, tmp_path):
    import presslens.dask

    local = presslens.analyze_frame(seeds_frame, pipeline=pipeline)
    config = presslens.Pipeline(models_dir, threads=1)
    import dask

    with dask.config.set({"dataframe.convert-string": False}):  # the same input dtypes as the pandas frame
        ddf = dd.from_pandas(seeds_frame, npartitions=8)
    # Persisted on the workers: the three tables and the Parquet files below share one analysis pass.
    out = presslens.dask.DaskFrames(*dask.persist(*presslens.dask.analyze(ddf, pipeline=config)))
    articles, actors, mentions = dask.compute(out.articles, out.actors, out.mentions)
    for got, want in ((articles, local.articles), (actors, local.actors), (mentions, local.mentions)):
        assert list(got.columns) == list(want.columns)
        assert dict(got.dtypes.astype(str)) == dict(want.dtypes.astype(str))
        pd.testing.assert_frame_equal(got.reset_index(drop=True), want.reset_index(drop=True), check_exact=False, rtol=1e-5)
    # each worker process built its Pipeline once, for all its partitions
    loads = client.run(lambda: __import__("presslens.dask").dask.loads())
    assert sorted(loads.values()) in ([1, 1], [0, 1]), loads
    # straight to Parquet, computed on the workers
    presslens.dask.to_parquet(out, tmp_path)
    for name in ("articles", "actors", "mentions"):
        back = pd.read_parquet(tmp_path / name)
        assert len(back) == len(getattr(local, name)) and list(back.columns) == list(getattr(local, name).columns)


def test_pipeline_configuration_is_what_travels(client, models_dir, seed_texts):
    import os
    import pickle

    config = presslens.Pipeline(models_dir, threads=1)
    assert len(pickle.dumps(config)) < 2000, "no model bytes in the task graph"
    # Sent to a worker process as that small pickle, it loads its own models there and gives the
    # same embeddings as the local pipeline.
    texts = [s.text for s in presslens.segment(next(iter(seed_texts.values()))).sentences[:6]]

    def embed_on_worker(pipeline, texts):  # nested, so cloudpickle ships it by value
        import os

        return os.getpid(), pipeline.embed(texts)

    pid, remote = client.submit(embed_on_worker, config, texts, pure=False).result()
    assert pid != os.getpid() and pid in client.run(os.getpid).values(), "it ran in a worker process"
    local = config.embed(texts)
    assert remote.shape == local.shape == (6, 384)
    assert float((remote * local).sum(1).min()) > 0.9999


def test_stories_column_on_dask_equals_the_pandas_path(client, models_dir, pipeline):
    import dask

    import presslens.dask

    business = models_dir.parent / "data" / "bbc" / "business" / "articles"
    names = ["003.txt", "006.txt", "007.txt", "024.txt", "025.txt", "077.txt", "253.txt"]
    frame = pd.DataFrame({"id": names, "text": [(business / n).read_text(encoding="utf-8", errors="replace") for n in names]})
    local = presslens.analyze_frame(frame, pipeline=pipeline, stories=True)
    with dask.config.set({"dataframe.convert-string": False}):
        ddf = dd.from_pandas(frame, npartitions=3)
    out = presslens.dask.analyze(ddf, pipeline=presslens.Pipeline(models_dir, threads=1), stories=True)
    articles = out.articles.compute()
    assert list(articles["story"]) == list(local.articles["story"])
    story = dict(zip(articles["doc_id"], articles["story"]))
    # Partitions split the Yukos articles (003 / 025, 077) and the twice-published report (007 / 253).
    assert story["003.txt"] == story["025.txt"] == story["077.txt"]
    assert story["007.txt"] == story["253.txt"] != story["003.txt"]
    assert len({story["006.txt"], story["024.txt"], story["003.txt"], story["007.txt"]}) == 4
