"""precision="int8" end to end: the quantised models are built into an empty cache, loaded, and
agree with fp32 on real text (seed sentences, NewsMTSC dev pairs)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import presslens
from presslens import _native


@pytest.mark.slow
def test_int8_models_are_built_loaded_and_agree_with_fp32(pipeline, models_dir, seed_texts, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    assert not cache.exists()

    int8 = presslens.Pipeline(models_dir, threads=2, precision="int8")

    # Built into the (empty) cache given, one folder per model with every model file, the graph
    # quantised: int8 weights make it much smaller than the fp32 graph.
    assert int8.precision == "int8"
    for folder, name in zip(int8.model_dirs, (presslens.pipeline.DEFAULT_EMBEDDING_MODEL, presslens.pipeline.CROSS_ENCODER_STANCE_MODEL), strict=True):
        folder = Path(folder)
        assert folder.is_relative_to(cache / "presslens" / "int8"), folder
        assert sorted(p.name for p in folder.iterdir()) == sorted(_native.MODEL_FILES)
        fp32_size = (models_dir / name / "model.onnx").stat().st_size
        assert (folder / "model.onnx").stat().st_size < 0.4 * fp32_size
    assert not list(cache.rglob("*.partial")), "no half-written copy left behind"

    # Embeddings of every seed sentence: close to fp32, but not the fp32 numbers themselves.
    sentences = [s.text for text in seed_texts.values() for s in presslens.segment(text).sentences]
    assert len(sentences) == 99
    ours8, ours32 = int8.embed(sentences), pipeline.embed(sentences)
    assert ours8.shape == ours32.shape == (len(sentences), 384)
    np.testing.assert_allclose(np.linalg.norm(ours8, axis=1), 1.0, atol=1e-4)
    cosines = (ours8 * ours32).sum(1)
    assert cosines.min() > 0.95, cosines.min()
    assert not np.array_equal(ours8, ours32), "int8 ran the quantised graphs, not the fp32 ones"

    # Stance on the first 48 NewsMTSC dev pairs: the same label for most of them.
    dev = models_dir.parent / "data" / "newsmtsc" / "dev_mt.jsonl"  # the shared data sits beside the models
    rows = [json.loads(line) for line in dev.read_text(encoding="utf-8").splitlines()[:48]]
    mentions, contexts = [r["mention"] for r in rows], [r["sentence"] for r in rows]
    p8, p32 = int8.target_sentiment(mentions, contexts), pipeline.target_sentiment(mentions, contexts)
    assert p8.shape == p32.shape == (48, 3)
    np.testing.assert_allclose(p8.sum(1), 1.0, atol=1e-4)
    agreement = float(np.mean(p8.argmax(1) == p32.argmax(1)))
    assert agreement >= 0.85, agreement
    assert len(set(p32.argmax(1).tolist())) >= 2, "the sample has more than one label, so agreement means something"

    # A second pipeline reuses the cached copies instead of quantising again.
    stamps = {p: p.stat().st_mtime_ns for p in cache.rglob("model.onnx")}
    again = presslens.Pipeline(models_dir, threads=1, precision="int8")
    assert again.model_dirs == int8.model_dirs
    assert {p: p.stat().st_mtime_ns for p in cache.rglob("model.onnx")} == stamps
