"""Result objects from a real analysis of the seeds: they pickle (Dask ships them between
processes), compare by value, show their fields in repr(), and a corpus behaves as a sequence."""

from __future__ import annotations

import pickle

import pytest

import presslens


@pytest.fixture(scope="module")
def corpus(pipeline, seed_texts):
    return pipeline.analyze_many(list(seed_texts.values()), ids=list(seed_texts))


def public_attributes(obj) -> dict:
    """Every public data attribute (the pyclass getters), not methods."""
    names = [n for n in dir(obj) if not n.startswith("_") and not callable(getattr(obj, n))]
    assert names, f"{type(obj).__name__} has no attributes?"
    return {n: getattr(obj, n) for n in names}


def results(pipeline, seed_texts, corpus) -> dict:
    texts = list(seed_texts.values())
    return {
        "Document": presslens.segment(texts[0]),
        "Summary": pipeline.summarize(texts[1], max_sentences=3),
        "CorpusSummary": pipeline.summarize_corpus(texts, list(seed_texts), max_sentences=5),
        "Analysis": corpus[0],
        "CorpusAnalysis": corpus,
    }


@pytest.mark.parametrize("name", ["Document", "Summary", "CorpusSummary", "Analysis", "CorpusAnalysis"])
def test_results_survive_pickling_with_every_attribute(name, pipeline, seed_texts, corpus):
    original = results(pipeline, seed_texts, corpus)[name]
    assert type(original).__name__ == name and isinstance(original, getattr(presslens, name))
    assert len(original.actors if name == "Analysis" else original) > 0, "a real result, not an empty one"
    for protocol in (2, pickle.HIGHEST_PROTOCOL):
        back = pickle.loads(pickle.dumps(original, protocol=protocol))
        assert type(back) is type(original)
        assert back == original
        assert back is not original
        assert public_attributes(back) == public_attributes(original)
        assert back.to_dict() == original.to_dict()
        assert repr(back) == repr(original)


def test_leaf_results_hash_by_value_and_list_holders_do_not_hash(corpus):
    analysis = corpus[0]
    for leaf in (analysis.sentences[0], analysis.summary.sentences[0], corpus.actors[0], analysis.actors[0].mentions[0]):
        copy = pickle.loads(pickle.dumps(leaf))
        assert hash(copy) == hash(leaf) and {leaf: 1}[copy] == 1
    # Results holding a list (Document.sentences, Summary.sentences) are unhashable, as the
    # dataclasses they replace were: a hash of a mutable field would be a lie.
    with pytest.raises(TypeError, match="unhashable"):
        hash(analysis.summary)


def test_nested_results_survive_pickling(corpus):
    back = pickle.loads(pickle.dumps(corpus))
    actor = max(corpus.actors, key=lambda a: a.mentions)
    copy = back.actor(actor.name)
    assert copy == actor and copy.articles == actor.articles and copy.evidence == actor.evidence
    stance = next(a for analysis in corpus for a in analysis.actors if a.mentions)
    mention = stance.mentions[0]
    assert pickle.loads(pickle.dumps(stance)) == stance
    assert pickle.loads(pickle.dumps(mention)) == mention
    assert mention.negative + mention.neutral + mention.positive == pytest.approx(1.0, abs=1e-4)
    assert isinstance(back.articles, tuple) and isinstance(back.actors, tuple)


def test_equality_is_by_value_and_notices_a_difference(pipeline, seed_texts, corpus):
    text = next(iter(seed_texts.values()))
    assert presslens.segment(text) == presslens.segment(text)
    assert presslens.segment(text) != presslens.segment(text + " One more sentence here.")
    summary = pipeline.summarize(text, max_sentences=3)
    assert summary != pipeline.summarize(text, max_sentences=2)
    renamed = presslens.Summary(summary.sentences, doc_id="other", truncated=summary.truncated, error=summary.error)
    assert renamed != summary and renamed.sentences == summary.sentences
    assert corpus[0] != corpus[1]
    assert corpus != pipeline.analyze_many(list(seed_texts.values())[:2], ids=list(seed_texts)[:2])


@pytest.mark.parametrize(
    "name, fields",
    [
        ("Document", ("text=", "sentences=")),
        ("Summary", ("sentences=", "doc_id=")),
        ("CorpusSummary", ("sentences=",)),
        ("Analysis", ("doc_id=", "summary=", "actors=")),
        ("CorpusAnalysis", ("articles=", "actors=")),
    ],
)
def test_repr_shows_field_names(name, fields, pipeline, seed_texts, corpus):
    text = repr(results(pipeline, seed_texts, corpus)[name])
    assert text.startswith(name + "("), text[:80]
    for field in fields:
        assert field in text, f"{field} missing from {text[:200]}"


def test_corpus_is_a_sequence_of_analyses(corpus, seed_texts, pipeline):
    ids = list(seed_texts)
    assert len(corpus) == 5 == len(corpus.articles)
    assert [a.doc_id for a in corpus] == ids, "iteration in input order"
    assert list(corpus) == list(corpus.articles)
    assert corpus[0] == corpus.articles[0] and corpus[-1] == corpus.articles[4]
    first_two = corpus[:2]
    assert [a.doc_id for a in first_two] == ids[:2]
    assert list(first_two) == list(corpus.articles[:2])
    assert [a.doc_id for a in corpus[::-2]] == ids[::-2]
    with pytest.raises(IndexError):
        corpus[5]
    from collections.abc import Sequence

    assert isinstance(corpus, Sequence)
    assert corpus.articles[1] in corpus


def test_empty_results_compare_equal_to_empty_tuples(pipeline):
    empty = pipeline.analyze_many([])
    assert len(empty) == 0 and list(empty) == []
    assert empty.actors == () and empty.articles == ()
    quiet = pipeline.analyze("The weather was mild and nothing else happened that week at all.")
    assert quiet.actors == ()
    assert pickle.loads(pickle.dumps(empty)) == empty
