"""References and speakers (issue 28): pronoun and description mentions with `via`, the quotes an
article reports with their speakers, on the real models and real articles."""

from __future__ import annotations

import math
import pickle
from pathlib import Path

import pytest

import presslens
from presslens.analysis import PRIOR_SENTENCES

ROOT = Path(__file__).resolve().parents[2]
BBC = ROOT.parent / "shared" / "data" / "bbc"


@pytest.fixture(scope="module")
def seed_004(pipeline, seed_texts):
    name = next(n for n in seed_texts if n.startswith("004"))
    return seed_texts[name], pipeline.analyze_many([seed_texts[name]])[0]


@pytest.fixture(scope="module")
def games_article(pipeline):
    text = (BBC / "tech" / "articles" / "082.txt").read_text(encoding="utf-8")
    return text, pipeline.analyze_many([text])[0]


def test_he_sentences_of_004_are_linked_to_trump(seed_004):
    text, analysis = seed_004
    trump = analysis.actor("Donald Trump")
    refs = [m for m in trump.mentions if m.via != "name"]
    he = {m.sentence_index for m in refs if m.text == "He"}
    # "He communicated directly with ...", "He declared the second wave ...", "He framed this ...".
    for start in ("He communicated", "He declared", "He framed"):
        index = next(s.index for s in analysis.sentences if s.text.startswith(start))
        assert index in he, f"{start!r} not linked to Trump: {[(m.text, m.sentence_index) for m in refs]}"
    assert any(m.via == "description" and m.text == "The former president" for m in refs)
    for m in trump.mentions:
        assert text[m.start : m.end] == m.text
    # "She"/"her" go to Delcy Rodriguez, never to Trump.
    assert not any(m.text.lower() in {"she", "her"} for m in refs)
    assert any(m.text == "She" for m in analysis.actor("Delcy Rodriguez").mentions)


def test_quotes_of_004_have_speakers_cues_and_offsets(seed_004):
    text, analysis = seed_004
    by_sentence = {q.sentence_index: q for q in analysis.quotes}
    think = next(s.index for s in analysis.sentences if "getting along very well" in s.text)
    quote = by_sentence[think]
    assert quote.speaker == "Donald Trump"
    assert quote.cue == "stated"
    assert quote.text.startswith("I think we") and text[quote.start : quote.end] == quote.text
    hatred = next(s.index for s in analysis.sentences if "messages of hatred" in s.text)
    assert by_sentence[hatred].speaker == "Delcy Rodriguez", "'She stated that ...' through the pronoun"
    # I/we inside Trump's own quotation are Trump.
    assert any(m.text == "I" and m.sentence_index == think for m in analysis.actor("Donald Trump").mentions)
    frame = analysis.quotes_frame()
    assert list(frame.columns) == ["doc_id", "speaker", "cue", "text", "start", "end", "sentence_index", "sentence"]
    assert len(frame) == len(analysis.quotes)


def test_speakers_in_a_news_article(games_article):
    _, analysis = games_article
    speakers = {analysis.sentences[q.sentence_index].text[:40]: q.speaker for q in analysis.quotes}
    said = next(k for k in speakers if k.startswith("Jason Kingsley, chief executive"))
    assert speakers[said] == "Jason Kingsley"
    # A quotation in a sentence of its own keeps the speaker of the sentence before it.
    continued = next(k for k in speakers if k.startswith('"Each one has involved'))
    assert speakers[continued] == "Jason Kingsley"
    # "All companies said ...": reported, by nobody the article names.
    unnamed = next(k for k in speakers if k.startswith("All companies said"))
    assert speakers[unnamed] is None


def test_references_do_not_weigh_in_the_score(seed_004, games_article):
    for _, analysis in (seed_004, games_article):
        for actor in analysis.actors:
            by_sentence: dict[int, list[float]] = {}
            for m in actor.mentions:
                if m.via == "name":
                    by_sentence.setdefault(m.sentence_index, []).append(m.score)
            expected = sum(sum(s) / len(s) for s in by_sentence.values()) / (len(by_sentence) + PRIOR_SENTENCES)
            assert actor.score == pytest.approx(expected, abs=1e-5), actor.name
            evidence = [*actor.positive_evidence, *actor.negative_evidence, *([actor.evidence] if actor.evidence else [])]
            assert all(m.via == "name" for m in evidence), f"{actor.name}: evidence is a mention by name"


def test_mentions_frame_says_how_each_mention_refers(seed_004):
    _, analysis = seed_004
    frame = analysis.mentions_frame()
    assert "via" in frame.columns
    assert set(frame["via"]) == {"name", "pronoun", "description"}
    assert (frame["via"] != "name").sum() == sum(m.via != "name" for a in analysis.actors for m in a.mentions)


def test_result_objects_check_via_and_round_trip(seed_004):
    _, analysis = seed_004
    m = analysis.actors[0].mentions[0]
    with pytest.raises(ValueError, match=r'via is "name", "pronoun" or "description", got "him"'):
        presslens.MentionStance(m.text, m.start, m.end, m.sentence_index, m.sentence, m.negative, m.neutral, m.positive, m.score, m.confidence, via="him")
    with pytest.raises(ValueError, match=r"Quote: start 9 is after end 3"):
        presslens.Quote(0, 9, 3, "x", None, "said", "x said")
    assert pickle.loads(pickle.dumps(analysis)) == analysis
    assert analysis.quotes and all(isinstance(q, presslens.Quote) for q in analysis.quotes)


def test_speaker_frame_scores_each_speaker_target_pair(pipeline, seed_texts):
    corpus = pipeline.analyze_many(list(seed_texts.values()), ids=list(seed_texts))
    frame = corpus.speaker_frame()
    assert list(frame.columns) == ["speaker", "target", "score", "label", "quotes", "mentions", "evidence", "evidence_doc_id"]
    assert len(frame) > 0
    assert (frame["speaker"] != frame["target"]).all(), "a speaker is not its own target"
    assert frame["label"].isin({"negative", "neutral", "positive"}).all()
    assert frame["score"].between(-1, 1).all()
    names = {a.name for a in corpus.actors}
    assert set(frame["speaker"]) <= names and set(frame["target"]) <= names, "corpus names"
    # Each row's figures come from the quotes: the evidence is a sentence of one of them.
    for row in frame.itertuples():
        article = corpus.articles[list(seed_texts).index(row.evidence_doc_id)]
        quoted = {q.sentence for q in article.quotes if q.speaker is not None}
        assert row.evidence in quoted
    one = corpus.articles[0].speaker_frame()
    assert set(one.columns) == set(frame.columns)


def test_references_are_listed_unscored_unless_asked(seed_004, models_dir):
    text, analysis = seed_004
    refs = [m for a in analysis.actors for m in a.mentions if m.via != "name"]
    assert refs and all(math.isnan(m.score) and math.isnan(m.positive) for m in refs)
    scoring = presslens.Pipeline(models_dir, threads=2, score_references=True)
    scored = scoring.analyze(text)
    trump = scored.actor("Donald Trump")
    he = [m for m in trump.mentions if m.via == "pronoun" and m.text == "He"]
    assert he and all(-1 <= m.score <= 1 and abs(m.negative + m.neutral + m.positive - 1) < 1e-4 for m in he)
    # Scored or not, references do not move the labels.
    assert [(a.name, a.label, round(a.score, 5)) for a in scored.actors] == [(a.name, a.label, round(a.score, 5)) for a in analysis.actors]
    assert pickle.loads(pickle.dumps(scoring))._config["score_references"] is True
