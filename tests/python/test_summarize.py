"""Summaries: budgets, order, offsets, no headlines or boilerplate, duplicates collapsed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import presslens
import pytest

ROOT = Path(__file__).resolve().parents[2]
BOILERPLATE = ("Leave a Reply", "email address", "en_US", "Key Developments", "Why It Matters", "Full Report")


def check_summary(text: str, summary: presslens.Summary) -> None:
    doc = presslens.segment(text)
    kinds = {s.index: s.kind for s in doc.sentences}
    indices = [s.index for s in summary.sentences]
    assert indices == sorted(indices), "sentences must be in document order"
    assert len(set(indices)) == len(indices)
    for s in summary.sentences:
        assert text[s.start : s.end] == s.text
        assert kinds[s.index] != "headline", f"headline chosen: {s.text!r}"
        assert len(s.text.split()) >= 5, f"too short: {s.text!r}"
        assert not any(b in s.text for b in BOILERPLATE), s.text


def test_seed_summaries_have_three_clean_sentences(pipeline, seed_texts):
    summaries = pipeline.summarize_many(list(seed_texts.values()))
    assert len(summaries) == 5
    for text, summary in zip(seed_texts.values(), summaries):
        assert len(summary) == 3
        check_summary(text, summary)
        assert str(summary).count(". ") >= 2


def test_budgets(pipeline, seed_texts):
    text = seed_texts["001_c9976f1908a870ae"]
    assert len(pipeline.summarize(text, max_sentences=1)) == 1
    words = pipeline.summarize(text, max_words=60)
    assert 0 < sum(len(s.text.split()) for s in words.sentences) <= 60
    candidates = [s for s in presslens.segment(text).sentences if s.kind != "headline" and len(s.text.split()) >= 5]
    half = pipeline.summarize(text, ratio=0.5)
    assert len(half) == -(-len(candidates) // 2)
    everything = pipeline.summarize(text, max_sentences=1000)
    assert len(everything) <= len(candidates) and len(everything) >= len(candidates) - 3  # near-duplicates collapse
    with pytest.raises(presslens.InputError, match="one length budget"):
        pipeline.summarize(text, max_words=10, ratio=0.5)
    with pytest.raises(presslens.InputError, match="ratio"):
        pipeline.summarize(text, ratio=1.5)


def test_empty_and_tiny_articles(pipeline):
    assert len(pipeline.summarize("")) == 0
    assert str(pipeline.summarize("   \n\n ")) == ""
    assert len(pipeline.summarize("Just a headline without a stop")) == 0
    one = pipeline.summarize("Maduro was captured in Caracas on January 3.")
    assert [s.text for s in one.sentences] == ["Maduro was captured in Caracas on January 3."]


def test_teaser_duplicates_within_an_article_are_not_repeated(pipeline, seed_texts):
    # Seed 000 opens with a teaser that is repeated almost word for word in the body.
    summary = pipeline.summarize(seed_texts["000_1c1e0acb47fc644c"], max_sentences=8)
    firsts = [s.text for s in summary.sentences if "for the first time in 20 years" in s.text]
    assert len(firsts) == 1, firsts


def test_corpus_summary_collapses_repeated_sentences_and_attributes_them(pipeline, seed_texts):
    texts = list(seed_texts.values())
    ids = list(seed_texts)
    # A sixth outlet that repeats a sentence of seed 003 word for word, plus text of its own.
    repeated = "Venezuelan President Nicolás Maduro has said his government is open to holding talks with the United States on combating drug trafficking, signaling a potential diplomatic opening despite years of strained relations between the two countries."
    texts.append("Caracas talks\n\n" + repeated + " The weather in Caracas was mild that week.")
    ids.append("copycat")
    corpus = pipeline.summarize_corpus(texts, ids, max_sentences=5)
    assert len(corpus) == 5
    chosen = [" ".join(s.text.split()) for s in corpus.sentences]
    assert len(set(chosen)) == 5
    assert chosen.count(repeated) <= 1
    for s in corpus.sentences:
        assert s.doc_id in ids
        assert texts[ids.index(s.doc_id)][s.start : s.end] == s.text
    assert len({s.doc_id for s in corpus.sentences}) >= 3, "a story summary should draw on several articles"
    # A budget as large as the corpus: every candidate is chosen or collapsed into a chosen copy, so
    # the repeated sentence is certainly in the summary, once, with the other outlet as its source.
    # At 5 sentences it is chosen too: two outlets carrying it word for word make it central.
    everything = pipeline.summarize_corpus(texts, ids, max_sentences=1000)
    assert len(everything) > 5
    for summary in (corpus, everything):
        copies = [s for s in summary.sentences if " ".join(s.text.split()) == repeated]
        assert len(copies) == 1, [s.text[:60] for s in summary.sentences]
        other = {"003_d49cd9575a84373e", "copycat"} - {copies[0].doc_id}
        assert len(other) == 1 and set(copies[0].sources) == other
        assert all(not s.sources for s in summary.sentences if s != copies[0] and s.doc_id == "copycat")


def test_summarize_cli_on_seeds():
    result = subprocess.run([sys.executable, "-m", "presslens.cli", "summarize", "seeds/"], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("## ") == 6 and "Across all 5 articles" in result.stdout
    assert not any(b in result.stdout for b in BOILERPLATE)
    as_json = subprocess.run([sys.executable, "-m", "presslens.cli", "summarize", "seeds/", "--format", "json"], capture_output=True, text=True, cwd=ROOT)
    payload = json.loads(as_json.stdout)
    assert [len(a["sentences"]) for a in payload["articles"]] == [3] * 5
    assert len(payload["corpus"]) == 5
