"""Issue 26: stance read off the embedding pass by the bundled stance head (``stance_model=None``).

The head's forward pass in Rust must equal the recipe's numpy reference (train/stance/stancelib.py) on
token states computed by plain onnxruntime, and its readings must make sense on real sentences."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

import presslens

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "train" / "stance"))


@pytest.fixture(scope="module")
def head(models_dir):
    return presslens.Pipeline(models_dir, threads=2, stance_model=None)


def _score(p: np.ndarray) -> np.ndarray:
    return p[:, 2] - p[:, 0]


def test_the_rust_head_equals_the_recipes_numpy_reference_on_real_states(head, models_dir):
    import onnxruntime as ort
    import stancelib
    from stancelib import nerlib

    tensors, meta = nerlib.load_safetensors(ROOT / "src" / "data" / "stance" / "stance_head.safetensors")
    config = __import__("json").loads(meta["config"])
    tokenizer = nerlib.load_tokenizer(models_dir)
    session = ort.InferenceSession(str(models_dir / "minilm-l6-v2" / "model.onnx"), providers=["CPUExecutionProvider"])
    cases = [
        ("Shares in Acme rose 12% after the firm reported record profits.", "Acme"),
        ("Regulators fined Acme $5m for misleading investors, and its chief executive resigned.", "Acme"),
        ("Rubio met Delcy Rodríguez in Caracas on Monday.", "Rodríguez"),
        ("The talks between Brussels and the UK ended without a deal.", "UK"),
    ]
    expected = []
    for sentence, target in cases:
        enc = tokenizer.encode(sentence)
        ids = np.array([enc.ids], dtype=np.int64)
        (states,) = session.run(["last_hidden_state"], {"input_ids": ids, "attention_mask": np.ones_like(ids), "token_type_ids": np.zeros_like(ids)})
        start = sentence.index(target)
        rows = stancelib.target_rows(enc.offsets, start, start + len(target))
        expected.append(stancelib.numpy_forward(tensors, config, states[0], [rows])[0])
    ours = head.target_sentiment([t for _, t in cases], [s for s, _ in cases])
    np.testing.assert_allclose(ours, np.array(expected), atol=2e-4)


def test_business_good_and_bad_news_read_as_a_careful_reader_would(head):
    sentences = [
        "Shares in Acme rose 12% after the firm reported record profits.",
        "Acme was fined $5m for misleading investors and its shares fell sharply.",
        "Acme will publish its annual results on Thursday.",
    ]
    p = head.target_sentiment(["Acme"] * 3, sentences)
    labels = [head.stance_labels[i] for i in p.argmax(1)]
    assert labels[:2] == ["positive", "negative"], p
    # The plain schedule reads between the two. (The head reads some polarity into neutral business
    # reporting, here about as much positive as neutral: the weakness that keeps it from being the
    # default, measured in src/data/stance/MODEL_CARD.md.)
    scores = _score(p)
    assert scores[0] > scores[2] > scores[1] + 0.3, p


def test_the_target_not_the_sentence_decides(head):
    sentence = "Rubio praised Rodriguez for her courage, while he condemned Maduro as a brutal criminal."
    p = head.target_sentiment(["Rodriguez", "Maduro"], [sentence, sentence])
    assert _score(p)[0] > _score(p)[1] + 0.3, p


def test_spans_pick_the_occurrence_and_bad_spans_are_refused(head, pipeline):
    sentence = "Acme sued Beta, and Beta's lawyers said Acme would lose."
    first = head.target_sentiment(["Beta"], [sentence])
    by_span = head.target_sentiment(["Beta"], [sentence], spans=[(10, 14)])
    np.testing.assert_allclose(first, by_span, atol=1e-6)  # the first occurrence is the default
    second = head.target_sentiment(["Beta"], [sentence], spans=[(20, 24)])
    assert not np.allclose(first, second, atol=1e-4), "another occurrence is another reading"
    # Spans work with the cross-encoder too (it reads the text of the span as the target).
    np.testing.assert_allclose(pipeline.target_sentiment(["Beta"], [sentence], spans=[(10, 14)]), pipeline.target_sentiment(["Beta"], [sentence]), atol=1e-6)
    with pytest.raises(presslens.InputError, match="span 0"):
        head.target_sentiment(["Beta"], [sentence], spans=[(30, 200)])
    with pytest.raises(presslens.InputError, match="1 spans for 2 sentences"):
        head.target_sentiment(["Beta", "Acme"], [sentence, sentence], spans=[(10, 14)])
    with pytest.raises(presslens.InputError, match="does not occur"):
        head.target_sentiment(["Gamma"], [sentence])


def test_analysis_mentions_are_the_heads_reading_of_each_mention(head):
    text = "Acme reported record profits and its shares rose 10%. Rivals said Beta lost market share to Acme."
    art = head.analyze(text)
    mentions = [m for a in art.actors for m in a.mentions if m.via == "name"]  # "its" is listed unscored
    assert len(mentions) >= 3
    starts = [art.sentences[m.sentence_index].start for m in mentions]
    spans = [(m.start - s, m.end - s) for m, s in zip(mentions, starts)]
    direct = head.target_sentiment([m.text for m in mentions], [m.sentence for m in mentions], spans=spans)
    np.testing.assert_allclose(direct, [[m.negative, m.neutral, m.positive] for m in mentions], atol=1e-5)


def test_the_head_loads_no_stance_model_and_survives_pickling(head, models_dir):
    import pickle

    assert head.model_dirs == (models_dir / "minilm-l6-v2", None)
    assert "stance head" in repr(head)
    again = pickle.loads(pickle.dumps(head))
    assert again.model_dirs == head.model_dirs
    sentence = ["Acme was fined $5m for misleading investors."]
    np.testing.assert_allclose(again.target_sentiment(["Acme"], sentence), head.target_sentiment(["Acme"], sentence), atol=1e-6)
