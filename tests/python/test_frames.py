"""pandas in, pandas out, with rows that cannot be analysed kept and flagged."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

import presslens


@pytest.fixture(scope="module")
def frames(pipeline, seed_texts):
    texts = list(seed_texts.values())
    long_text = "\n\n".join(texts)  # all five articles as one long one
    rows = [{"id": k, "text": v} for k, v in seed_texts.items()]
    rows += [
        {"id": "empty", "text": ""},
        {"id": "none", "text": None},
        {"id": "nan", "text": float("nan")},
        {"id": "number", "text": 42},
        {"id": "long", "text": long_text},
    ]
    df = pd.DataFrame(rows)
    return df, presslens.analyze_frame(df, pipeline=pipeline)


def test_one_article_row_per_input_row_in_order(frames):
    df, out = frames
    assert list(out.articles["doc_id"]) == list(df["id"])
    status = dict(zip(out.articles["doc_id"], out.articles["status"]))
    assert status == {**{k: "ok" for k in df["id"][:5]}, "empty": "empty", "none": "missing", "nan": "missing", "number": "not text (int)", "long": "ok"}
    bad = out.articles[out.articles["status"] != "ok"]
    assert (bad["actors"] == 0).all() and bad["summary"].isna().all()


def test_actor_and_mention_tables_are_consistent(frames):
    df, out = frames
    assert list(out.actors.columns[:8]) == ["doc_id", "actor", "corpus_actor", "kind", "score", "label", "mentions", "evidence"]
    per_doc = out.actors.groupby("doc_id")["mentions"].sum()
    per_doc_mentions = out.mentions.groupby("doc_id").size()
    assert per_doc.to_dict() == per_doc_mentions.to_dict()
    texts = dict(zip(df["id"], df["text"]))
    for row in out.mentions.itertuples():
        assert texts[row.doc_id][row.start : row.end] == row.mention
    assert out.actors["score"].between(-1, 1).all()


def test_long_article_merges_what_its_parts_say(frames):
    _, out = frames
    long_actors = out.actors[out.actors["doc_id"] == "long"]
    parts = out.actors[out.actors["doc_id"].isin([f for f in out.articles["doc_id"][:5]])]
    total = parts.groupby("corpus_actor")["mentions"].sum()
    long_counts = long_actors.set_index("corpus_actor")["mentions"]
    for name in ("Marco Rubio", "United States", "Venezuela"):
        assert long_counts[name] == total[name], name


def test_corpus_names_merge_spellings(frames):
    _, out = frames
    spellings = set(out.mentions[out.mentions["corpus_actor"] == "Delcy Rodríguez"]["mention"])
    assert {"Rodríguez", "Rodriguez"} <= spellings


def test_missing_text_column_is_an_input_error(pipeline):
    with pytest.raises(presslens.InputError, match="no column 'body'"):
        presslens.analyze_frame(pd.DataFrame({"text": ["a"]}), text="body", pipeline=pipeline)


def test_index_is_the_id_when_there_is_no_id_column(pipeline):
    df = pd.DataFrame({"text": ["Maduro spoke to Venezuela.", ""]}, index=["x", "y"])
    out = presslens.analyze_frame(df, pipeline=pipeline)
    assert list(out.articles["doc_id"]) == ["x", "y"]


def test_importing_presslens_does_not_import_pandas_or_matplotlib():
    code = "import sys, presslens, presslens.plot; print('pandas' in sys.modules, 'matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "False"]
