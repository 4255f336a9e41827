"""Actors and per-actor stance on real text with the real models."""

from __future__ import annotations

import numpy as np
import pytest

import presslens
from presslens.analysis import NEGATIVE_BELOW, POSITIVE_ABOVE

REQUIRED = {
    "Marco Rubio": {"Rubio", "Marco Rubio"},
    "Nicolás Maduro": {"Maduro", "Nicolás Maduro", "Nicolas Maduro"},
    "Delcy Rodríguez": {"Rodríguez", "Rodriguez", "Delcy Rodríguez", "Delcy Rodriguez"},
    "Donald Trump": {"Trump", "Donald Trump"},
    "María Corina Machado": {"Machado", "María Corina Machado", "Maria Corina Machado"},
    "United States": {"US", "U.S.", "United States", "Washington"},
    "Venezuela": {"Venezuela", "Venezuelan", "Caracas"},
    "Iran": {"Iran", "Iranian"},
    "China": {"China", "Chinese"},
    "Russia": {"Russia", "Russian"},
}
FRAGMENTS = ("Key Developments", "Full Report", "Leave a Reply", "Why It Matters", "Context", "Previous Events")


@pytest.fixture(scope="module")
def corpus(pipeline, seed_texts):
    return pipeline.analyze_many(list(seed_texts.values()), ids=list(seed_texts))


def test_discovery_finds_the_story_actors_merged_across_aliases(corpus):
    by_name = {a.name: a for a in corpus.actors}
    missing = set(REQUIRED) - set(by_name)
    assert not missing, f"not discovered: {missing}; found {sorted(by_name)}"
    for name, aliases in REQUIRED.items():
        forms = {m.text for art in corpus for a in art.actors if a.name in (name, *aliases) for m in a.mentions}
        assert len(forms & aliases) >= 2, f"{name} should be found under several aliases, got {forms}"
        # merged: one corpus actor, not one per spelling
        assert sum(1 for a in corpus.actors if a.name in aliases and a.name != name) == 0, [a.name for a in corpus.actors]


def test_discovery_ignores_headlines_and_boilerplate(corpus):
    for art in corpus:
        for actor in art.actors:
            assert not any(f.lower() in actor.name.lower() for f in FRAGMENTS), actor.name
            assert len(actor.name) > 1 and not actor.name.islower(), actor.name


def test_mentions_slice_the_text_and_sit_in_their_sentence(corpus, seed_texts):
    for art in corpus:
        text = seed_texts[art.doc_id]
        for actor in art.actors:
            assert actor.mention_count == len(actor.mentions) > 0
            for m in actor.mentions:
                assert text[m.start : m.end] == m.text
                s = art.sentences[m.sentence_index]
                assert s.start <= m.start < m.end <= s.end and s.kind != "headline"
                assert abs(m.negative + m.neutral + m.positive - 1) < 1e-4
                assert abs(m.score - (m.positive - m.negative)) < 1e-6


def test_scores_labels_and_evidence_are_consistent(corpus):
    for art in corpus:
        for a in art.actors:
            assert -1 <= a.score <= 1
            expected = "positive" if a.score > POSITIVE_ABOVE else "negative" if a.score < NEGATIVE_BELOW else "neutral"
            assert a.label == expected
            assert all(e.score > 0 for e in a.positive_evidence) and all(e.score < 0 for e in a.negative_evidence)
            assert [e.score for e in a.positive_evidence] == sorted((e.score for e in a.positive_evidence), reverse=True)
            assert a.evidence is not None and a.evidence.text in a.evidence.sentence
            weights = [m.confidence for m in a.mentions]
            assert a.score == pytest.approx(sum(w * m.score for w, m in zip(weights, a.mentions)) / sum(weights), abs=1e-5)


def test_corpus_actor_pools_its_articles(corpus):
    rubio = corpus.actor("Marco Rubio")
    parts = [a for art in corpus for a in art.actors if a.name == "Marco Rubio"]
    assert rubio.mentions == sum(p.mention_count for p in parts)
    assert {s.doc_id for s in rubio.articles} == {art.doc_id for art in corpus if any(a.name == "Marco Rubio" for a in art.actors)}
    pooled = [m for p in parts for m in p.mentions]
    assert rubio.score == pytest.approx(sum(m.confidence * m.score for m in pooled) / sum(m.confidence for m in pooled), abs=1e-5)


def test_mention_scores_match_the_low_level_model_call(pipeline, corpus):
    art = corpus[1]
    mentions = [m for a in art.actors for m in a.mentions]
    probs = pipeline.target_sentiment([m.text for m in mentions], [m.sentence for m in mentions])
    got = [[m.negative, m.neutral, m.positive] for m in mentions]
    np.testing.assert_allclose(probs, np.array(got, dtype=np.float32), atol=1e-4)


def test_stance_direction_on_plain_sentences(pipeline):
    text = (
        "Critics accused Senator John Harlow of lying to voters and condemned his corruption. "
        "Harlow was disgraced by the scandal. "
        "Mayor Alice Brennan was praised by residents for rescuing the flooded town. "
        "Brennan won an award for her heroic leadership."
    )
    result = pipeline.analyze(text)
    harlow, brennan = result.actor("John Harlow"), result.actor("Alice Brennan")
    assert harlow.label == "negative" and harlow.score < -0.3, harlow
    assert brennan.label == "positive" and brennan.score > 0.3, brennan
    assert {m.text for m in harlow.mentions} == {"John Harlow", "Harlow"}


def test_given_actors_whole_word_case_aware_accent_blind(pipeline):
    text = "The US and Rodriguez agreed. Trusting us, the USA team left. Delcy Rodríguez spoke to the U.S. envoy."
    result = pipeline.analyze(text, actors={"United States": ["US", "U.S."], "Delcy Rodríguez": ["Rodríguez"]})
    forms = {a.name: [m.text for m in a.mentions] for a in result.actors}
    assert forms == {"United States": ["US", "U.S."], "Delcy Rodríguez": ["Rodriguez", "Delcy Rodríguez"]}


def test_given_actor_list_without_aliases_and_absent_actor(pipeline):
    result = pipeline.analyze("Maduro spoke on television. Nobody else did.", actors=["Maduro", "Machado"])
    assert [a.name for a in result.actors] == ["Maduro"], "an actor with no mentions is not listed"


def test_results_do_not_depend_on_the_batch(pipeline, seed_texts):
    texts = list(seed_texts.values())
    alone = pipeline.analyze(texts[2], doc_id="x")
    batched = pipeline.analyze_many([texts[0], texts[2]], ids=["a", "x"])[1]
    assert [(a.name, a.mention_count) for a in alone.actors] == [(a.name, a.mention_count) for a in batched.actors]
    assert [a.score for a in alone.actors] == pytest.approx([a.score for a in batched.actors], abs=1e-5)


def test_empty_and_actorless_articles_keep_their_rows(pipeline):
    corpus = pipeline.analyze_many(["", "   ", "it rained all day and nobody came."], ids=["e", "w", "r"])
    assert [a.doc_id for a in corpus] == ["e", "w", "r"]
    assert all(a.actors == () and len(a.summary) == 0 for a in corpus[:2])
    assert corpus.actors == ()


@pytest.mark.parametrize(
    "actors, message",
    [("Maduro", "not a single string"), ({"": ["x"]}, "non-empty strings"), ({"A": [1]}, "list of non-empty strings"), ({}, "actors is empty")],
)
def test_bad_actor_arguments_raise_input_error(pipeline, actors, message):
    with pytest.raises(presslens.InputError, match=message):
        pipeline.analyze("Maduro spoke.", actors=actors)


def test_tables(corpus):
    import pandas as pd
    table = corpus.to_pandas()
    assert list(table.columns[:8]) == ["doc_id", "actor", "corpus_actor", "kind", "score", "label", "mentions", "evidence"]
    assert len(table) == sum(len(a.actors) for a in corpus)
    assert set(table["doc_id"]) == {a.doc_id for a in corpus}
    mentions = corpus.mentions_frame()
    assert len(mentions) == table["mentions"].sum()
    actors = corpus.actors_frame()
    assert isinstance(actors, pd.DataFrame) and actors["mentions"].sum() == len(mentions)
