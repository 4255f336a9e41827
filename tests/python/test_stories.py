"""Stories: grouping on real BBC business articles (annotated as one story, or not), the result
types and frames, dates, bad input, and the command line."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest

import presslens
from subprocesses import cli

ROOT = Path(__file__).resolve().parents[2]
BUSINESS = ROOT.parent / "shared" / "data" / "bbc" / "business" / "articles"

# Both annotation passes (data/stories/) put 003, 025 and 077 in the Yukos story, and 007 and 253
# (one report published twice) in one story; 006 (Japan's economy) and 024 (the US trade gap) stand
# alone.
YUKOS = ["003.txt", "025.txt", "077.txt"]
JOBS_REPORT = ["007.txt", "253.txt"]
ALONE = ["006.txt", "024.txt"]


@pytest.fixture(scope="module")
def articles() -> dict[str, str]:
    return {name: (BUSINESS / name).read_text(encoding="utf-8", errors="replace") for name in YUKOS + JOBS_REPORT + ALONE}


@pytest.fixture(scope="module")
def grouped(pipeline, articles):
    ids = list(articles)
    return pipeline.stories(list(articles.values()), ids)


def story_of(result: presslens.Stories, doc_id: str) -> presslens.Story:
    return result.stories[result.story_ids[list(a.doc_id for a in result.articles).index(doc_id)]]


def test_annotated_stories_are_found_and_topics_stay_apart(grouped):
    assert set(story_of(grouped, "003.txt").doc_ids) == set(YUKOS)
    assert set(story_of(grouped, "007.txt").doc_ids) == set(JOBS_REPORT)
    for name in ALONE:
        assert story_of(grouped, name).doc_ids == (name,)
    assert len(grouped) == 4
    assert [len(s) for s in grouped] == sorted((len(s) for s in grouped), reverse=True), "largest story first"


def test_each_story_has_a_name_a_sourced_summary_and_its_actors(grouped, articles):
    yukos = story_of(grouped, "003.txt")
    assert "Yukos" in yukos.name
    assert 1 <= len(yukos.summary) <= 5
    for sentence in yukos.summary.sentences:
        assert sentence.doc_id in YUKOS
        assert articles[sentence.doc_id][sentence.start : sentence.end] == sentence.text
    assert yukos.actors[0].name in {"Yukos", "Russia", "Rosneft"}
    assert {part.doc_id for a in yukos.actors for part in a.articles} <= set(YUKOS)
    assert yukos.actor(yukos.actors[0].name) is not None
    alone = story_of(grouped, "006.txt")
    assert alone.name and len(alone.summary) >= 1


def test_frames_one_row_per_article_and_per_story(grouped):
    articles = grouped.to_pandas()
    assert list(articles["doc_id"]) == YUKOS + JOBS_REPORT + ALONE, "input order"
    assert list(articles["story"]) == list(grouped.story_ids)
    assert (articles.groupby("story")["doc_id"].count().sort_index().tolist()) == [len(s) for s in grouped]
    stories = grouped.stories_frame()
    assert list(stories["story"]) == list(range(len(grouped)))
    assert stories["articles"].sum() == len(articles)
    assert all(isinstance(x, list) for x in stories["top_actors"])


def test_results_pickle_and_compare(grouped):
    again = pickle.loads(pickle.dumps(grouped))
    assert again == grouped
    assert isinstance(grouped, presslens.Stories) and isinstance(grouped[0], presslens.Story)


def test_dates_order_each_storys_articles(pipeline, articles):
    ids = list(articles)
    dates = ["2005-01-03", "2004-12-20", "2004-12-28", None, "2005-02-01", "2005-01-01", "2005-01-02"]
    result = pipeline.stories(list(articles.values()), ids, dates=dates)
    assert story_of(result, "003.txt").doc_ids == ("025.txt", "077.txt", "003.txt")
    # An undated article comes after the dated ones of its story.
    assert story_of(result, "007.txt").doc_ids == ("253.txt", "007.txt")


def test_bad_rows_and_bad_dates(pipeline, articles):
    texts = [articles["003.txt"], None, articles["025.txt"]]
    with pytest.raises(presslens.InputError, match="texts"):
        pipeline.stories(texts)
    marked = pipeline.stories(texts, ["a", "b", "c"], errors="mark")
    assert len(marked.articles) == 3 and marked.articles[1].error
    assert story_of(marked, "b").doc_ids == ("b",)
    assert set(story_of(marked, "a").doc_ids) == {"a", "c"}
    skipped = pipeline.stories(texts, ["a", "b", "c"], errors="skip")
    assert [a.doc_id for a in skipped.articles] == ["a", "c"]
    with pytest.raises(presslens.InputError, match="dates"):
        pipeline.stories([articles["003.txt"]], dates=["2005-01-01", "2005-01-02"])
    with pytest.raises(presslens.InputError, match=r"dates\[0\]"):
        pipeline.stories([articles["003.txt"]], dates=["not a date"])


def test_empty_input_gives_no_stories(pipeline):
    result = pipeline.stories([])
    assert len(result) == 0 and result.to_pandas().empty


def test_cli_stories_json_and_csv(tmp_path, articles):
    folder = tmp_path / "articles"
    folder.mkdir()
    for name in YUKOS + ALONE:
        (folder / name).write_text(articles[name], encoding="utf-8")
    run = cli("stories", str(folder), "--format", "json")
    assert run.returncode == 0, run.stderr
    payload = json.loads(run.stdout)
    sizes = sorted((len(s["doc_ids"]) for s in payload["stories"]), reverse=True)
    assert sizes == [3, 1, 1]
    assert len(payload["articles"]) == 5 and {a["status"] for a in payload["articles"]} == {"ok"}
    run = cli("stories", str(folder), "--format", "csv")
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[0].startswith("story,name,articles")
    run = cli("stories", str(folder))
    assert run.returncode == 0 and "## Story 0" in run.stdout and "Yukos" in run.stdout


def test_analyze_frame_adds_the_story_column(pipeline, articles):
    import pandas as pd

    frame = pd.DataFrame({"id": list(articles), "text": list(articles.values())})
    frames = presslens.analyze_frame(frame, pipeline=pipeline, stories=True)
    story = dict(zip(frames.articles["doc_id"], frames.articles["story"]))
    assert story["003.txt"] == story["025.txt"] == story["077.txt"]
    assert story["007.txt"] == story["253.txt"] != story["003.txt"]
    assert frames.articles["story"].dtype == "int64" and list(frames.articles.columns[:2]) == ["doc_id", "story"]
    assert "story" not in presslens.analyze_frame(frame.head(1), pipeline=pipeline).articles.columns
    with pytest.raises(presslens.InputError, match="actors=None"):
        presslens.analyze_frame(frame, pipeline=pipeline, stories=True, actors=["Yukos"])


def test_stories_refuse_given_actors(pipeline):
    import pandas as pd

    df = pd.DataFrame({"text": ["Rubio met Maduro.", "Rubio spoke."]})
    with pytest.raises(presslens.InputError, match="cannot take given actors"):
        presslens.analyze_frame(df, actors={"Rubio": []}, pipeline=pipeline, stories=True)
