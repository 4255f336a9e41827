"""Segmentation from Python: offsets are str indices, types and reasons are reported."""

from __future__ import annotations

import pytest

import presslens


def test_offsets_slice_python_strings(seed_texts):
    for name, text in seed_texts.items():
        doc = presslens.segment(text)
        assert doc.sentences, name
        for s in doc.sentences:
            assert text[s.start : s.end] == s.text, (name, s.index)
        for r in doc.removed:
            assert 0 <= r.start < r.end <= len(text)


def test_non_ascii_offsets_are_code_points():
    text = "Rodríguez habló. 😀 Emoji y más. Ünïcödé ends here."
    doc = presslens.segment(text)
    assert [s.text for s in doc.sentences] == ["Rodríguez habló.", "😀 Emoji y más.", "Ünïcödé ends here."]
    for s in doc.sentences:
        assert text[s.start : s.end] == s.text


def test_cleaning_is_reported(seed_texts):
    text = seed_texts["003_d49cd9575a84373e"]
    doc = presslens.segment(text)
    reasons = {r.reason for r in doc.removed}
    assert reasons == {"comments", "language"}
    assert all("Leave a Reply" not in s.text for s in doc.sentences)
    removed_text = [text[r.start : r.end] for r in doc.removed]
    assert "en_USEnglish" in removed_text


def test_kinds(seed_texts):
    doc = presslens.segment(seed_texts["001_c9976f1908a870ae"])
    kinds = {s.text: s.kind for s in doc.sentences}
    assert kinds["Why It Matters"] == "headline"
    assert kinds["He criticized U.S. actions as a means to instigate government change in Venezuela."] == "bullet"


@pytest.mark.parametrize("bad", [None, 42, b"bytes", ["list"]])
def test_segment_rejects_non_strings(bad):
    with pytest.raises(presslens.InputError, match="must be a str"):
        presslens.segment(bad)
