"""Pipeline construction, inputs and errors, threads and pickling."""

from __future__ import annotations

import pickle
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

import presslens


def test_single_string_gives_a_vector_and_lists_give_matrices(pipeline):
    one = pipeline.embed("Rubio spoke to the Senate.")
    assert one.shape == (384,)
    many = pipeline.embed(["Rubio spoke to the Senate.", "Maduro is in custody."])
    assert many.shape == (2, 384)
    np.testing.assert_allclose(many[0], one, atol=1e-5)
    assert pipeline.embed([]).shape == (0, 384)


def test_input_order_is_kept_despite_length_sorting(pipeline):
    texts = ["Short.", "A much longer sentence about the talks between Caracas and Washington on oil.", "Mid length text here."]
    together = pipeline.embed(texts)
    for i, text in enumerate(texts):
        np.testing.assert_allclose(together[i], pipeline.embed(text), atol=1e-5)


def test_repeated_inputs_get_the_rows_of_their_first_copy(pipeline):
    # Repeats run once (see src/dedup.rs); every position must still get its own, right row.
    texts = ["Maduro is in custody.", "Rubio spoke to the Senate.", "Maduro is in custody.", "Oil exports resumed.", "Rubio spoke to the Senate."]
    rows = pipeline.embed(texts)
    assert rows.shape == (5, 384)
    np.testing.assert_array_equal(rows[0], rows[2])
    np.testing.assert_array_equal(rows[1], rows[4])
    for i, text in enumerate(texts):
        np.testing.assert_allclose(rows[i], pipeline.embed(text), atol=1e-5)
    mentions = ["Maduro", "Rubio", "Maduro", "Maduro"]
    sentences = ["Maduro is in custody.", "Rubio spoke to the Senate.", "Maduro is in custody.", "Maduro praised the deal."]
    probabilities = pipeline.target_sentiment(mentions, sentences)
    np.testing.assert_array_equal(probabilities[0], probabilities[2])
    for i in range(4):
        np.testing.assert_allclose(probabilities[i], pipeline.target_sentiment([mentions[i]], [sentences[i]])[0], atol=1e-5)
    assert not np.allclose(probabilities[2], probabilities[3], atol=1e-3)  # same mention, other sentence: its own row


def test_bad_items_are_named(pipeline):
    with pytest.raises(presslens.InputError, match=r"texts\[1\] must be a str, got None"):
        pipeline.embed(["fine", None])
    with pytest.raises(presslens.InputError, match="2 mentions but 1 sentences"):
        pipeline.target_sentiment(["a", "b"], ["one sentence"])


def test_missing_models_folder_lists_where_it_looked(tmp_path):
    missing = tmp_path / "nowhere"
    with pytest.raises(presslens.ModelNotFoundError) as info:
        presslens.Pipeline(missing)
    message = str(info.value)
    assert str(missing / "minilm-l6-v2") in message and "PRESSLENS_MODELS" in message
    assert isinstance(info.value, FileNotFoundError)


def test_options_are_validated(models_dir):
    with pytest.raises(presslens.InputError, match="threads"):
        presslens.Pipeline(models_dir, threads=0)
    with pytest.raises(presslens.InputError, match="batch_size"):
        presslens.Pipeline(models_dir, batch_size=0)
    with pytest.raises(presslens.InputError, match="lanes must be a positive int"):
        presslens.Pipeline(models_dir, lanes=0)


def test_properties(pipeline, models_dir):
    assert pipeline.threads == 2
    assert pipeline.lanes == 2, "two cores run two one-thread sessions by default"
    assert pipeline.stance_labels == ["negative", "neutral", "positive"]
    assert pipeline.model_dirs == (models_dir / "minilm-l6-v2", models_dir / "stance-minilm-l6")
    assert "libonnxruntime" in pipeline.runtime_library.name
    assert "threads=2" in repr(pipeline)


def test_cuda_without_onnxruntime_gpu_warns_and_runs_on_the_cpu(models_dir, pipeline, seed_texts):
    import onnxruntime

    assert "CUDAExecutionProvider" not in onnxruntime.get_available_providers(), "this test needs the CPU-only onnxruntime"
    with pytest.warns(RuntimeWarning, match="onnxruntime-gpu"):
        fallback = presslens.Pipeline(models_dir, threads=2, device="cuda")
    assert fallback.device == "cpu"
    assert fallback.batch_size == 8, "the CPU's default batch size, not the GPU's"
    sentences = [s.text for s in presslens.segment(next(iter(seed_texts.values()))).sentences[:6]]
    np.testing.assert_allclose(fallback.embed(sentences), pipeline.embed(sentences), atol=1e-5)


def test_int8_on_a_gpu_is_refused_with_what_to_use_instead(models_dir):
    with pytest.raises(presslens.InputError, match="precision='fp32' with device='cuda'"):
        presslens.Pipeline(models_dir, device="cuda", precision="int8")


def test_lanes_give_the_same_numbers_as_one_session(models_dir, seed_texts):
    # Small batches so that both lanes take many batches, of different lengths, in any order:
    # every row must still land in its own place.
    sentences = [s.text for text in seed_texts.values() for s in presslens.segment(text).sentences][:120]
    one = presslens.Pipeline(models_dir, threads=2, lanes=1, batch_size=4)
    two = presslens.Pipeline(models_dir, threads=2, lanes=2, batch_size=4)
    assert (one.lanes, two.lanes) == (1, 2)
    np.testing.assert_allclose(two.embed(sentences), one.embed(sentences), atol=1e-5)
    named = [s for s in sentences if "Venezuela" in s]
    assert len(named) >= 10
    targets = ["Venezuela"] * len(named)
    np.testing.assert_allclose(two.target_sentiment(targets, named), one.target_sentiment(targets, named), atol=1e-5)


def test_threads_share_one_pipeline(pipeline, seed_texts):
    texts = [s.text for s in presslens.segment(seed_texts["004_d142c6c593d70c6b"]).sentences]
    serial = pipeline.embed(texts)
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _: pipeline.embed(texts), range(8)))
    for result in results:
        np.testing.assert_allclose(result, serial, atol=1e-5)


def test_pickles_as_configuration(pipeline):
    state = pickle.dumps(pipeline)
    assert len(state) < 2000, "a pickled Pipeline must carry its configuration, not model bytes"
    clone = pickle.loads(state)
    np.testing.assert_allclose(clone.embed(["Venezuela"]), pipeline.embed(["Venezuela"]), atol=1e-6)
