"""presslens's Rust path against a plain Python reference on the same model files."""

from __future__ import annotations

import numpy as np

import presslens
from plain import reference_embeddings, reference_target_sentiment

EDGE_CASES = [
    "Venezuela",  # one word
    "Delcy Rodríguez, Nicolás Maduro and María Corina Machado met in Bogotá.",  # accents
    "“Drug trafficking is a threat,” Rubio said. ‘It’s over,’ she replied.",  # curly quotes
    " ".join(["The sanctions on Venezuela’s state oil company PDVSA were extended again."] * 30),  # 300+ pieces
]


def test_embeddings_match_plain_python_reference(pipeline, models_dir, seed_texts):
    sentences = [s.text for text in seed_texts.values() for s in presslens.segment(text).sentences]
    texts = sentences + EDGE_CASES
    ours = pipeline.embed(texts)
    reference = reference_embeddings(models_dir, texts)
    assert ours.shape == reference.shape == (len(texts), 384)
    assert ours.dtype == np.float32
    cosines = (ours * reference).sum(1) / (np.linalg.norm(ours, axis=1) * np.linalg.norm(reference, axis=1))
    worst = int(cosines.argmin())
    assert cosines.min() >= 0.9999, f"row {worst} ({texts[worst][:60]!r}) has cosine {cosines[worst]:.6f}"


def test_long_text_is_really_longer_than_the_budget(pipeline):
    # The 300+ piece edge case must exercise truncation, or the parity test above proves less.
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(pipeline.model_dirs[0] / "tokenizer.json"))
    tokenizer.no_truncation()
    tokenizer.no_padding()
    assert len(tokenizer.encode(EDGE_CASES[-1]).ids) > 300


def test_cross_encoder_target_sentiment_matches_plain_python_reference(models_dir, seed_texts):
    """The cross-encoder kept for comparison (stance_model=...) still follows its model contract."""
    pipeline = presslens.Pipeline(models_dir, threads=2, stance_model=presslens.pipeline.CROSS_ENCODER_STANCE_MODEL)
    pairs = [("Rubio", s.text) for text in seed_texts.values() for s in presslens.segment(text).sentences if "Rubio" in s.text]
    pairs += [("Maduro", "Maduro rejected the accusations as lies."), ("Rodríguez", EDGE_CASES[-1] + " Rodríguez agreed.")]
    mentions, sentences = map(list, zip(*pairs))
    ours = pipeline.target_sentiment(mentions, sentences)
    reference = reference_target_sentiment(models_dir, mentions, sentences)
    assert ours.shape == (len(pairs), 3)
    np.testing.assert_allclose(ours.sum(1), 1.0, atol=1e-5)
    np.testing.assert_allclose(ours, reference, atol=1e-4)
