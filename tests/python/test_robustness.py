"""Hostile input, broken models and runtimes, threads and Ctrl-C: clear errors, no lost rows."""

from __future__ import annotations

import json
import os
import pickle
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import presslens

ROOT = Path(__file__).resolve().parents[2]

# ------------------------------------------------------------------ input


@pytest.mark.parametrize(
    "bad, message",
    [
        (None, "must be a str, got None"),
        (42, "must be a str, got int"),
        (b"bytes", "decode it first"),
        (["a list"], "must be a str, got list"),
        ("lone \ud800 surrogate", "unpaired surrogate"),
    ],
)
def test_bad_items_raise_input_error_naming_the_row(pipeline, bad, message):
    with pytest.raises(presslens.InputError, match=r"texts\[1\] .*" + message) as batch_error:
        pipeline.analyze_many(["Maduro spoke.", bad])
    assert batch_error.value.index == 1, "the row's position travels as an attribute"
    assert pickle.loads(pickle.dumps(batch_error.value)).index == 1, "and survives pickling (Dask, multiprocessing)"
    with pytest.raises(presslens.InputError, match=message) as single_error:
        pipeline.summarize(bad)
    assert single_error.value.index is None, "a single text is not a row of a batch"
    with pytest.raises(presslens.InputError) as embed_error:
        pipeline.embed(["fine", "fine", bad])
    assert embed_error.value.index == 2


def test_mark_and_skip_keep_order_and_ids(pipeline):
    texts = ["Rubio met Machado in Caracas.", None, "", b"raw", "   \n\t ", "Trump praised Rodríguez.", "bad \udcff"]
    ids = ["a", "b", "c", "d", "e", "f", "g"]
    marked = pipeline.analyze_many(texts, ids=ids, errors="mark")
    assert [a.doc_id for a in marked] == ids
    assert [a.error is not None for a in marked] == [False, True, False, True, False, False, True]
    assert "decode it first" in marked[3].error and marked[2].actors == () and marked[0].actors
    skipped = pipeline.analyze_many(texts, ids=ids, errors="skip")
    assert [a.doc_id for a in skipped] == ["a", "c", "e", "f"]
    summaries = pipeline.summarize_many(texts, ids=ids, errors="mark")
    assert [s.doc_id for s in summaries] == ids and summaries[1].error and not summaries[0].error
    with pytest.raises(presslens.InputError, match="errors must be one of"):
        pipeline.summarize_many(texts, errors="ignore")


def test_strange_but_valid_text_is_handled(pipeline):
    texts = {
        "control": "Maduro\x00 spoke\x07 to\x1b reporters.\x0c Rubio\r\nreplied.\u2028Trump left.",
        "rtl": "وزير الخارجية ماركو روبيو التقى مادورو في كاراكاس. Rubio met Maduro. שלום עולם.",
        "mixed": "Путин и Си Цзиньпин встретились. 習近平與普京會面。 Rubio said the U.S. would act.",
        "emoji": "🇻🇪 Maduro 🔥 spoke today!!! 🙏🏽 Rubio 👍 answered. 👩‍👩‍👧‍👦",
        "whitespace": " \n\n\t \u00a0 \u3000 ",
        "punctuation": "... !!! ??? ;;; ''' \"\"\" ---",
    }
    corpus = pipeline.analyze_many(list(texts.values()), ids=list(texts), actors={"Maduro": [], "Rubio": []})
    for art in corpus:
        text = texts[art.doc_id]
        for s in art.sentences:
            assert text[s.start : s.end] == s.text
        for a in art.actors:
            for m in a.mentions:
                assert text[m.start : m.end] == m.text
                assert -1 <= m.score <= 1
    for doc_id in ("control", "rtl", "emoji"):
        found = {a.name for a in corpus.articles[list(texts).index(doc_id)].actors}
        assert found == {"Maduro", "Rubio"}, (doc_id, found)
    assert {a.name for a in corpus[2].actors} == {"Rubio"}
    assert corpus[4].actors == () and len(corpus[4].summary) == 0


def test_five_megabyte_article_is_capped_not_crashed(models_dir, seed_texts):
    small = presslens.Pipeline(models_dir, threads=2, max_article_sentences=150)
    text = "\n\n".join(seed_texts.values())
    huge = (text + "\n\n") * (5_000_000 // len(text) + 1)
    assert len(huge.encode()) >= 5_000_000
    doc = presslens.segment(huge)
    assert len(doc.sentences) > 10_000 and doc.sentences[-1].end <= len(huge)
    started = time.perf_counter()
    result = small.analyze(huge)
    assert result.truncated and result.summary.truncated
    assert len(result.summary) == 3 and result.actors
    assert all(m.sentence_index < 150 for a in result.actors for m in a.mentions)
    assert time.perf_counter() - started < 300, "capped work must stay bounded"


def test_hundred_thousand_rows_with_bad_ones_lose_nothing(pipeline):
    rows: list[object] = []
    for i in range(100_000):
        rows.append("Secretary Marco Rubio met Nicolás Maduro." if i % 5000 == 0 else None if i % 7 == 0 else 17 if i % 11 == 0 else "")
    result = pipeline.analyze_many(rows, errors="mark", chunk_size=10_000)
    assert len(result) == 100_000 and [a.doc_id for a in result[:3]] == [0, 1, 2]
    errors = [a.doc_id for a in result if a.error]
    assert errors == [i for i, r in enumerate(rows) if not isinstance(r, str)]
    assert all(result[i].actors for i in range(0, 100_000, 5000))


def test_corpus_summary_of_an_archive_goes_story_by_story(pipeline):
    # 6,000 sentences: past the limit of comparing every sentence with every other, the summary
    # takes the best sentence of each of the largest stories instead of refusing.
    texts = ["Rubio met Maduro in Caracas on Monday. Trump spoke about oil. Machado left the country."] * 2000
    assert 3 * len(texts) > presslens._native.MAX_CORPUS_SENTENCES
    summary = pipeline.summarize_corpus(texts, max_sentences=4)
    assert len(summary) == 4
    assert len({s.doc_id for s in summary.sentences}) == 4, "one sentence per story"
    for s in summary.sentences:
        assert texts[s.doc_id][s.start : s.end] == s.text


# ------------------------------------------------------------------ models and runtime


def copy_models(models_dir: Path, tmp_path: Path) -> Path:
    target = tmp_path / "models"
    shutil.copytree(models_dir, target, symlinks=False, ignore=shutil.ignore_patterns("*.md"))
    return target


def test_missing_model_file_names_it(models_dir, tmp_path):
    models = copy_models(models_dir, tmp_path)
    (models / "stance-minilm-l6" / "model.onnx").unlink()
    with pytest.raises(presslens.ModelError, match=r"model\.onnx"):
        presslens.Pipeline(models)


def test_corrupt_model_is_a_model_error_at_construction(models_dir, tmp_path):
    models = copy_models(models_dir, tmp_path)
    (models / "minilm-l6-v2" / "model.onnx").write_bytes(b"\x08\x07not an onnx graph" * 100)
    with pytest.raises(presslens.ModelError, match=r"minilm-l6-v2.*model\.onnx|model\.onnx"):
        presslens.Pipeline(models)


def test_tokenizer_of_another_model_is_refused(models_dir, tmp_path):
    from tokenizers import Tokenizer

    models = copy_models(models_dir, tmp_path)
    path = models / "minilm-l6-v2" / "tokenizer.json"
    tokenizer = Tokenizer.from_file(str(path))
    tokenizer.add_tokens([f"newtoken{i}" for i in range(500)])
    tokenizer.save(str(path))
    with pytest.raises(presslens.ModelError, match="not a pair"):
        presslens.Pipeline(models)


def test_model_outputs_off_contract_are_refused(models_dir):
    # The stance classifier in the embedding slot: its output is `logits`, not `last_hidden_state`.
    with pytest.raises(presslens.ModelError, match="last_hidden_state"):
        presslens.Pipeline(models_dir, embedding_model="stance-minilm-l6")


def test_unreadable_labels_are_refused(models_dir, tmp_path):
    models = copy_models(models_dir, tmp_path)
    config = models / "stance-minilm-l6" / "config.json"
    data = json.loads(config.read_text())
    data["id2label"] = {"0": "against", "1": "none", "2": "favor"}
    config.write_text(json.dumps(data))
    with pytest.raises(presslens.ModelError, match="negative"):
        presslens.Pipeline(models)


def run_python(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, env={**os.environ, **env}, timeout=120)


# What each wrong library gives: a path that is not there (refused by presslens._runtime before
# loading); a real shared library without ONNX Runtime's entry point, and a file dlopen refuses
# (both from the core's loader, src/infer/runtime.rs, with the pinned version to install).
@pytest.mark.parametrize(
    "library, message",
    [
        ("/nonexistent/libonnxruntime.so", "$PRESSLENS_ORT_DYLIB points to /nonexistent/libonnxruntime.so, which is not a file"),
        ("libc", "does not export `OrtGetApiBase`"),
        ("not a library", "libonnxruntime.so`: dlopen failed"),
    ],
)
def test_missing_or_wrong_runtime_library_is_a_runtime_library_error(library, message, tmp_path):
    if library == "libc":  # a real shared library that is not ONNX Runtime
        library = next(str(p) for p in (Path("/lib/x86_64-linux-gnu/libc.so.6"), Path("/usr/lib64/libc.so.6"), Path("/lib64/libc.so.6")) if p.exists())
        message = f"{Path(library).resolve()} {message}"  # the core names the file it loaded, symlinks resolved
    elif library == "not a library":
        (tmp_path / "libonnxruntime.so").write_bytes(b"this is not an ELF file")
        library = str(tmp_path / "libonnxruntime.so")
        message = f"failed to load from `{tmp_path.resolve()}/{message}"
    result = run_python(
        """
        import presslens
        try:
            presslens.Pipeline()
        except presslens.RuntimeLibraryError as e:
            print("RuntimeLibraryError:", e)
        """,
        PRESSLENS_ORT_DYLIB=library,
    )
    assert "RuntimeLibraryError:" in result.stdout, result.stdout + result.stderr
    assert message in result.stdout, result.stdout
    assert "PRESSLENS_ORT_DYLIB" in result.stdout, "the message names the setting to fix"
    if "nonexistent" not in library:
        assert "pip install onnxruntime==" in result.stdout, "the message says which runtime to install"


# ------------------------------------------------------------------ threads and Ctrl-C


def test_eight_threads_on_one_pipeline_match_serial(pipeline, seed_texts):
    texts = list(seed_texts.values())
    serial = [[(a.name, round(a.score, 5), a.mention_count) for a in pipeline.analyze(t).actors] for t in texts]
    with ThreadPoolExecutor(8) as pool:
        futures = [pool.submit(lambda i=i: [(a.name, round(a.score, 5), a.mention_count) for a in pipeline.analyze(texts[i % 5]).actors]) for i in range(16)]
        parallel = [f.result() for f in futures]
    assert parallel == [serial[i % 5] for i in range(16)]


def test_ctrl_c_stops_a_long_batch_promptly(models_dir, seed_texts):
    script = f"""
        import sys, time, presslens
        p = presslens.Pipeline({str(models_dir)!r}, threads=2)
        texts = [open(f).read() for f in sorted(__import__('glob').glob({str(ROOT / "seeds" / "*.txt")!r}))] * 200
        print("started", flush=True)
        try:
            p.analyze_many(texts, chunk_size=4)
        except KeyboardInterrupt:
            print("interrupted", flush=True)
            sys.exit(0)
        print("finished", flush=True)
    """
    process = subprocess.Popen([sys.executable, "-c", textwrap.dedent(script)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "started"
    time.sleep(3)
    process.send_signal(signal.SIGINT)
    sent = time.perf_counter()
    out, err = process.communicate(timeout=60)
    assert "interrupted" in out, out + err
    assert time.perf_counter() - sent < 30, "control returns within one chunk"
