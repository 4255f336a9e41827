"""Issue 29, third robustness pass: one test per defect a hostile run found in the new commands and
inputs (numbered as in the issue). Each failed on the build before the fix."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
import zipfile
from pathlib import Path
from typing import ClassVar

import numpy as np
import pandas as pd
import pytest

import presslens
from model_mirrors import Quiet, mirror, serve
from presslens import models
from subprocesses import cli, python

ROOT = Path(__file__).resolve().parents[2]
RELEASE = models.manifest()["release"]
WHEEL = f"presslens_models-{RELEASE}-py3-none-any.whl"


def one_line_error(run: subprocess.CompletedProcess[str]) -> str:
    assert run.returncode == 2, (run.returncode, run.stdout[-500:], run.stderr[-2000:])
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("presslens: error:") and "Traceback" not in run.stderr, run.stderr
    return lines[0]


def in_thread(work, timeout: float):
    """``work()`` in a daemon thread: its result or exception, or a failed test if it does not end."""
    box: dict[str, object] = {}

    def run() -> None:
        try:
            box["result"] = work()
        except BaseException as e:  # handed to the test
            box["error"] = e

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        pytest.fail(f"still running after {timeout} s: no deadline")
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box.get("result")


# ---------------------------------------------------------------- a local HTTP server (127.0.0.1 only)


# ---------------------------------------------------------------- 1. package writes through a link


def test_01_package_never_writes_through_a_planted_link(models_dir, tmp_path):
    out = tmp_path / "shared"
    out.mkdir()
    victims = {name: tmp_path / f"victim-{i}.txt" for i, name in enumerate((WHEEL + ".partial", WHEEL))}
    for name, victim in victims.items():
        victim.write_text("precious", encoding="utf-8")
        (out / name).symlink_to(victim)
    run = cli("models", "package", str(models_dir), "--out", str(out))
    assert run.returncode == 0, run.stderr
    assert all(v.read_text(encoding="utf-8") == "precious" for v in victims.values()), "a file outside --out was overwritten"
    wheel = out / WHEEL
    assert not wheel.is_symlink() and wheel.is_file() and zipfile.is_zipfile(wheel)
    umask = os.umask(0)
    os.umask(umask)
    assert wheel.stat().st_mode & 0o777 == 0o666 & ~umask, "others can read the wheel in a shared folder"
    assert not [p.name for p in out.iterdir() if p.name not in (WHEEL, WHEEL + ".partial")], "no temporary file left"


# ---------------------------------------------------------------- 2. unclosed CSV quote


@pytest.mark.parametrize(
    "bad_row, problem",
    [
        ('2,"Rubio said the talks would go on and the quote is never closed', "never closes"),
        ('2,"Rubio said" the talks would go on', "closing quote"),
    ],
)
def test_02_a_csv_quote_that_never_closes_fails_naming_the_row(tmp_path, bad_row, problem):
    rows = [f'{i},"Article {i}: Rubio met Maduro in Caracas, officials said."' for i in range(1, 101)]
    rows[1] = bad_row
    path = tmp_path / "in.csv"
    path.write_text("id,text\n" + "\n".join(rows) + "\n", encoding="utf-8")
    line = one_line_error(cli("summarize", str(path), "--format", "csv"))
    assert "row 2 (line 3)" in line and problem in line, line


# ---------------------------------------------------------------- 3. duplicate column names


def test_03_duplicate_column_names_are_refused(pipeline, tmp_path):
    text = "Marco Rubio met Nicolás Maduro in Caracas on Monday."
    twice_text = pd.DataFrame([["a", text, text]], columns=["id", "text", "text"])
    with pytest.raises(presslens.InputError, match=r"2 columns named 'text'"):
        presslens.analyze_frame(twice_text, pipeline=pipeline)
    twice_id = pd.DataFrame([["a", "b", text]], columns=["id", "id", "text"])
    with pytest.raises(presslens.InputError, match=r"2 columns named 'id'"):
        presslens.analyze_frame(twice_id, pipeline=pipeline)
    path = tmp_path / "dup.csv"
    path.write_text(f"id,text,text\n1,{text},second\n", encoding="utf-8")
    line = one_line_error(cli("summarize", str(path)))
    assert "2 columns named 'text'" in line, line


# ---------------------------------------------------------------- 4. long CSV cells


def test_04_long_csv_cells_are_read_and_a_too_long_one_is_its_rows_error(tmp_path):
    limit = 10_000_000  # the documented limit of one text (README, "Command line")
    long_text = "Marco Rubio met Nicolás Maduro in Caracas on Monday. " * 3000  # 159,000 characters
    assert len(long_text) > 131_072
    path = tmp_path / "long.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "text"])
        writer.writerows([["short", "Rubio spoke in Caracas on Monday."], ["long", long_text], ["huge", "x " * (limit // 2 + 1)], ["last", "Maduro answered."]])
    run = cli("summarize", str(path), "--format", "csv", "--threads", "2")
    assert run.returncode == 0, run.stderr[-2000:]
    rows = list(csv.DictReader(io.StringIO(run.stdout)))
    assert [(r["doc_id"], r["status"]) for r in rows] == [
        ("short", "ok"),
        ("long", "ok"),
        ("huge", f"too long ({limit + 2:,} characters; the limit is {limit:,})"),
        ("last", "ok"),
    ], rows


# ---------------------------------------------------------------- 5. byte-order mark


def test_05_csv_and_jsonl_with_a_byte_order_mark(tmp_path):
    text = "Marco Rubio met Nicolás Maduro in Caracas on Monday."
    (tmp_path / "ids.csv").write_text(f"id,text\nfirst,{text}\nsecond,{text}\n", encoding="utf-8-sig")
    (tmp_path / "text_first.csv").write_text(f"text,id\n{text},only\n", encoding="utf-8-sig")
    (tmp_path / "rows.jsonl").write_text(json.dumps({"id": "j", "text": text}) + "\n", encoding="utf-8-sig")
    for name, ids in (("ids.csv", ["first", "second"]), ("text_first.csv", ["only"]), ("rows.jsonl", ["j"])):
        run = cli("summarize", str(tmp_path / name), "--format", "jsonl", "--threads", "2")
        assert run.returncode == 0, (name, run.stderr)
        assert [json.loads(line)["doc_id"] for line in run.stdout.splitlines()] == ids, name


# ---------------------------------------------------------------- 6. max_article_sentences bounds the work


# The seed articles as one paragraph, repeated to about 400 KB; `unique` numbers every sentence of
# each repetition, so no sentence is run twice through the models (repeats are run once).
ARTICLES_400KB = """
    import glob, re
    seeds = " ".join(" ".join(open(f, encoding="utf-8").read().split()) for f in sorted(glob.glob("seeds/*.txt")))

    def article(unique):
        parts = [re.sub(r"([.!?])( |$)", rf" (report {k})\\1\\2", seeds) if unique else seeds for k in range(400_000 // len(seeds) + 1)]
        return " ".join(parts)[:400_000].rsplit(" ", 1)[0]
"""


def test_06_an_unpunctuated_article_costs_about_what_a_punctuated_one_does():
    """400 KB without sentence punctuation was one sentence read whole: 171 s against 5.6 s for
    the same text with full stops on the test machine. Over-long sentences are now cut into
    pieces, so max_article_sentences bounds the work. Measured twice: the issue's text (the seeds
    repeated) with the default cap, and the same with every sentence distinct under a cap of 200
    (so that the cap, not the text's end, decides how much is read)."""
    run = python(
        ARTICLES_400KB
        + """
    import time, presslens
    for unique, cap in ((False, 1000), (True, 200)):
        punctuated = article(unique)
        plain = re.sub(r"[.!?…]", "", punctuated)
        p = presslens.Pipeline(threads=2, max_article_sentences=cap)
        p.analyze("Warm up. Marco Rubio met Nicolás Maduro.")
        seconds = []
        for text in (punctuated, plain):
            started = time.perf_counter()
            result = p.analyze(text)
            seconds.append(time.perf_counter() - started)
            assert result.actors and len(result.summary) == 3
        longest = max(len(s.text.encode()) for s in result.sentences)
        print(len(plain), cap, *seconds, longest)
    """,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    for line in run.stdout.splitlines():
        size, cap, punctuated, plain, longest = map(float, line.split())
        print(f"{size / 1000:.0f} KB, cap {cap:.0f}: punctuated {punctuated:.2f} s, unpunctuated {plain:.2f} s, ratio {plain / punctuated:.2f}")
        assert size > 390_000 and longest <= presslens.text.SENTENCE_PIECE_BYTES
        assert plain <= 3 * punctuated, (cap, punctuated, plain)


def test_06_ctrl_c_lands_at_once_during_a_long_native_call():
    """Eight long articles went to the core in one call (over a minute here): Ctrl-C waited for it
    to return. The call now runs on a helper thread, so KeyboardInterrupt comes at once."""
    code = (
        ARTICLES_400KB
        + """
    import sys, presslens
    texts = [article(True).replace("report", f"story {i}") for i in range(8)]
    p = presslens.Pipeline(threads=2)
    print("started", flush=True)
    try:
        p.analyze_many(texts)
    except KeyboardInterrupt:
        print("interrupted", flush=True)
        sys.exit(0)
    print("finished", flush=True)
    """
    )
    process = subprocess.Popen([sys.executable, "-c", textwrap.dedent(code)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        assert process.stdout is not None and process.stdout.readline().strip() == "started"
        time.sleep(3)
        process.send_signal(signal.SIGINT)
        sent = time.perf_counter()
        answer = in_thread(process.stdout.readline, timeout=60).strip()
        waited = time.perf_counter() - sent
    finally:
        process.kill()
        process.communicate()
    assert answer == "interrupted" and waited < 5, (answer, waited)


# ---------------------------------------------------------------- 7. Dask Parquet with extension dtypes


@pytest.mark.parametrize(
    "ids",
    [
        pd.array([1, None, 3], dtype="Int64"),
        pd.array([True, False, None], dtype="boolean"),
        pd.Categorical(["a", "b", "a"]),
        pd.to_datetime(["2026-01-28", "2026-01-29", "2026-01-30"]).tz_localize("America/Caracas"),
    ],
    ids=["Int64", "boolean", "category", "datetime-tz"],
)
def test_07_dask_parquet_takes_pandas_extension_ids(models_dir, tmp_path, ids):
    import dask
    import dask.dataframe as dd

    import presslens.dask

    frame = pd.DataFrame({"id": ids, "text": ["Marco Rubio met Maduro.", "Delcy Rodríguez spoke.", "Rubio left Caracas."]})
    with dask.config.set({"dataframe.convert-string": False, "scheduler": "synchronous"}):
        ddf = dd.from_pandas(frame, npartitions=2)
        out = presslens.dask.analyze(ddf, pipeline=presslens.Pipeline(models_dir, threads=2))
        presslens.dask.to_parquet(out, tmp_path)
    back = pd.read_parquet(tmp_path / "articles")
    assert len(back) == 3
    assert [None if pd.isna(v) else v for v in back["doc_id"]] == [None if pd.isna(v) else v for v in frame["id"]]


# ---------------------------------------------------------------- 8. -o checked before the work


def test_08_output_is_checked_before_any_work(seed_texts, tmp_path):
    seeds = str(ROOT / "seeds")
    # --models points nowhere: the output must be refused first, before anything is loaded.
    line = one_line_error(cli("summarize", seeds, "-o", str(tmp_path / "missing" / "out.csv"), "--models", str(tmp_path / "no-models")))
    assert "missing/out.csv" in line and "no-models" not in line, line
    line = one_line_error(cli("analyze", seeds, "-o", str(tmp_path), "--models", str(tmp_path / "no-models")))
    assert str(tmp_path) in line and "no-models" not in line, line
    # A run that fails after the check leaves an existing output as it was and creates none.
    kept = tmp_path / "kept.csv"
    kept.write_text("old results\n", encoding="utf-8")
    for target in (kept, tmp_path / "new.csv"):
        one_line_error(cli("summarize", seeds, "-o", str(target), "--models", str(tmp_path / "no-models")))
    assert kept.read_text(encoding="utf-8") == "old results\n" and not (tmp_path / "new.csv").exists()


# ---------------------------------------------------------------- 9. Content-Length parsed strictly


class UnicodeLength(Quiet):
    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", "\u00b2")
        self.end_headers()
        self.wfile.write(b"{}")


def test_09_a_unicode_digit_content_length_is_a_clear_error(tmp_path, capsys):
    from presslens.cli import main

    with serve(tmp_path, UnicodeLength) as base:
        with pytest.raises(models.ModelDownloadError, match=r"invalid Content-Length '²'"):
            models.fetch(base, tmp_path / "t", timeout=5)
        assert main(["models", "fetch", "--from", base, "--to", str(tmp_path / "t"), "--timeout", "5"]) == 2
    assert "Content-Length" in capsys.readouterr().err


# ---------------------------------------------------------------- 10. a deadline, and no FIFOs


class Trickle(Quiet):
    """Announces the file's true size, then sends one byte every 0.1 s."""

    def do_GET(self) -> None:
        data = Path(self.translate_path(self.path)).read_bytes()
        self.send_response(200)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        try:
            for byte in data:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(0.1)
        except OSError:
            pass


def test_10_a_trickling_server_and_a_fifo_mirror_end_within_the_timeout(models_dir, tmp_path):
    with serve(models_dir, Trickle) as base:
        started = time.perf_counter()
        with pytest.raises(models.ModelDownloadError, match=r"too slow"):
            in_thread(lambda: models.fetch(base, tmp_path / "t", timeout=1), timeout=30)
        assert time.perf_counter() - started < 10
    fifo_mirror = mirror(models_dir, tmp_path / "fifo-mirror")
    fifo = fifo_mirror / "minilm-l6-v2" / "config.json"
    fifo.unlink()
    os.mkfifo(fifo)
    try:
        with pytest.raises(models.ModelDownloadError, match=r"not a regular file"):
            in_thread(lambda: models.fetch(fifo_mirror.as_uri(), tmp_path / "t2", timeout=1), timeout=15)
    finally:  # release a reader stuck on the FIFO (the build before the fix)
        with contextlib.suppress(OSError):
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))


# ---------------------------------------------------------------- 11. credentials and queries


class NeedsToken(Quiet):
    seen: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        NeedsToken.seen.append(self.path)
        if not self.path.endswith("?token=abc") or self.headers.get("Authorization") != "Basic dXNlcjpzM2NyM3Q=":
            self.send_error(403)
            return
        super().do_GET()


def test_11_credentials_are_redacted_and_queries_stay_after_the_path(models_dir, tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(models.ModelDownloadError) as error:
        models.fetch(f"http://user:s3cr3t@127.0.0.1:{port}/models?token=hush", tmp_path / "t", timeout=5)
    message = str(error.value)
    assert "s3cr3t" not in message and "hush" not in message, message
    assert f"127.0.0.1:{port}" in message and "minilm-l6-v2/config.json" in message, message
    (tmp_path / "www").mkdir()
    (tmp_path / "www" / "mirror").symlink_to(models_dir.resolve())
    with serve(tmp_path / "www", NeedsToken) as base:
        url = base.replace("http://", "http://user:s3cr3t@") + "/mirror?token=abc"
        assert models.fetch(url, tmp_path / "fetched", names=["minilm-l6-v2"]) == tmp_path / "fetched"
    assert "/mirror/minilm-l6-v2/config.json?token=abc" in NeedsToken.seen
    assert all(c.ok for c in models.verify(tmp_path / "fetched", ["minilm-l6-v2"]))


# ---------------------------------------------------------------- 12. misleading fetch errors


class Endless(Quiet):
    def do_GET(self) -> None:
        self.send_response(200)
        self.end_headers()  # no Content-Length, and it never stops
        try:
            while True:
                self.wfile.write(b"x" * 65536)
        except OSError:
            pass


class ToFtp(Quiet):
    def do_GET(self) -> None:
        self.send_response(302)
        self.send_header("Location", "ftp://127.0.0.1:1/models/config.json")
        self.end_headers()


def test_12_endless_bodies_and_foreign_redirects_say_what_happened(tmp_path):
    with serve(tmp_path, Endless) as base, pytest.raises(models.ModelDownloadError) as error:
        models.fetch(base, tmp_path / "t", timeout=5)
    message = str(error.value)
    assert message.count("more than the 612 bytes") == 1 and "failed after" not in message and "1048576" not in message, message
    with serve(tmp_path, ToFtp) as base, pytest.raises(models.ModelDownloadError) as error:
        models.fetch(base, tmp_path / "t", timeout=5)
    message = str(error.value)
    assert "redirects to ftp://127.0.0.1:1/models/config.json" in message and "only http and https" in message, message
    assert "cannot reach" not in message, message


# ---------------------------------------------------------------- 13. tracebacks instead of one line


@pytest.mark.parametrize(
    "name, content, expected",
    [
        ("nested.jsonl", '{"id": 1, "text": "Rubio spoke.", "n": ' + "[" * 100_000 + "]" * 100_000 + "}\n", "too deeply"),
        ("digits.jsonl", '{"id": ' + "7" * 5000 + ', "text": "Rubio spoke."}\n', "digits"),
        ("nan.jsonl", '{"id": NaN, "text": "Rubio spoke."}\n{"id": Infinity, "text": "Maduro spoke."}\n', "finite"),
    ],
)
def test_13_hostile_jsonl_is_one_line(tmp_path, name, content, expected):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    line = one_line_error(cli("summarize", str(path), "--format", "json"))
    assert f"{path}:1" in line and expected in line, line


def test_13_an_actors_file_that_is_not_utf8_is_one_line(tmp_path):
    actors = tmp_path / "actors.json"
    actors.write_bytes('{"Nicolás Maduro": ["Maduro"]}'.encode("latin-1"))
    line = one_line_error(cli("stance", str(ROOT / "seeds"), "--actors", str(actors)))
    assert "actors file" in line and "not UTF-8" in line, line


# ---------------------------------------------------------------- 14. manifest -o over other JSON


@pytest.mark.parametrize("content", ["[1, 2, 3]", '{"models": 5}', '{"models": {"minilm-l6-v2": "x"}}', '"text"'])
def test_14_manifest_over_a_file_that_is_not_a_manifest(models_dir, tmp_path, content):
    target = tmp_path / "models.json"
    target.write_text(content, encoding="utf-8")
    line = one_line_error(cli("models", "manifest", str(models_dir), "-o", str(target)))
    assert "is not a models manifest" in line, line
    assert target.read_text(encoding="utf-8") == content


# ---------------------------------------------------------------- 15. pd.NA is missing


def test_15_pandas_missing_values_are_missing(pipeline):
    assert presslens.frames.text_status(pd.NA) == "missing"
    assert presslens.frames.text_status(pd.NaT) == "missing"
    assert presslens.frames.text_status(np.float32("nan")) == "missing"
    frame = pd.DataFrame({"id": ["a", "b"], "text": pd.array(["Marco Rubio met Maduro in Caracas.", None], dtype="string")})
    out = presslens.analyze_frame(frame, pipeline=pipeline)
    assert list(out.articles["status"]) == ["ok", "missing"]
    marked = pipeline.summarize_many(["Rubio spoke.", pd.NA], errors="mark")
    assert "missing value" in (marked[1].error or "")


# ---------------------------------------------------------------- 16. ids and numpy scalars


def test_16_ids_must_be_a_sequence_and_numpy_scalars_are_numbers(pipeline):
    texts = ["Marco Rubio met Maduro in Caracas on Monday.", "Delcy Rodríguez answered him on Tuesday."]
    for ids in ("ab", {"a": 1, "b": 2}):
        with pytest.raises(presslens.InputError, match=r"ids must be a sequence"):
            pipeline.analyze_many(texts, ids=ids)
        with pytest.raises(presslens.InputError, match=r"ids must be a sequence"):
            pipeline.summarize_many(texts, ids=ids)
        with pytest.raises(presslens.InputError, match=r"ids must be a sequence"):
            pipeline.summarize_corpus(texts, ids=ids)
    text = " ".join(texts * 3)
    assert pipeline.summarize(text, max_sentences=np.int64(2)) == pipeline.summarize(text, max_sentences=2)
    assert pipeline.summarize(text, max_sentences=None, ratio=np.float32(0.5)) == pipeline.summarize(text, max_sentences=None, ratio=0.5)
    assert pipeline.summarize(text, max_sentences=None, max_words=np.uint16(12)) == pipeline.summarize(text, max_sentences=None, max_words=12)
    assert pipeline.analyze(text, max_sentences=np.int32(1)).summary.sentences[0].text
    for bad in ("2", np.float64(2.0), True, np.bool_(True)):
        with pytest.raises(presslens.InputError, match="max_sentences must be"):
            pipeline.summarize(text, max_sentences=bad)
    with pytest.raises(presslens.InputError, match="ratio must be"):
        pipeline.summarize(text, max_sentences=None, ratio="0.5")


# ---------------------------------------------------------------- 17. folders, FIFOs and stdin


def test_17_skipped_folder_entries_are_reported_and_fifos_are_read(tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "a.txt").write_text("First article. It has two sentences.", encoding="utf-8")
    (folder / "dangling.txt").symlink_to(tmp_path / "nowhere.txt")
    (folder / "loop.txt").symlink_to(folder / "loop.txt")
    os.mkfifo(folder / "pipe.txt")
    run = cli("sentences", str(folder), "--format", "jsonl")
    assert run.returncode == 0, run.stderr
    assert {json.loads(line)["doc_id"] for line in run.stdout.splitlines()} == {"a"}
    warnings = run.stderr.strip().splitlines()
    assert len(warnings) == 1 and warnings[0].startswith("presslens: warning:") and "skipped 3" in warnings[0], run.stderr
    # A FIFO or /dev/stdin named on the command line is read.
    fifo = tmp_path / "feed.txt"
    os.mkfifo(fifo)
    writer = subprocess.Popen(["sh", "-c", f"printf 'From a pipe. Second one.' > '{fifo}'"])
    try:
        run = cli("sentences", str(fifo), "--format", "jsonl")
    finally:
        writer.wait(timeout=30)
    assert run.returncode == 0, run.stderr
    assert [json.loads(line)["text"] for line in run.stdout.splitlines()] == ["From a pipe.", "Second one."]
    run = cli("sentences", "/dev/stdin", "--format", "jsonl", input="From stdin. Second one.")
    assert run.returncode == 0, run.stderr
    assert [json.loads(line)["doc_id"] for line in run.stdout.splitlines()] == ["stdin", "stdin"]


# ---------------------------------------------------------------- 18. result constructors check


def test_18_result_constructors_check_types_and_offsets():
    with pytest.raises(TypeError, match=r"Summary.sentences\[0\] must be a SummarySentence, got int"):
        presslens.Summary([1, "x", None])
    with pytest.raises(ValueError, match=r"start 5 is after end 2"):
        presslens.Sentence(text="ab", start=5, end=2, index=0, paragraph=0, kind="body")
    with pytest.raises(ValueError, match=r"start 9 is after end 3"):
        presslens.MentionStance("Rubio", 9, 3, 0, "Rubio spoke.", 0.1, 0.8, 0.1, 0.0, 0.8)
    with pytest.raises(TypeError, match=r"Analysis.actors\[0\] must be an ActorStance"):
        presslens.Analysis(doc_id=1, sentences=(), summary=presslens.Summary([]), actors=("Rubio",), quotes=())
    with pytest.raises(TypeError, match=r"CorpusAnalysis.articles\[0\] must be an Analysis"):
        presslens.CorpusAnalysis(articles=(None,), actors=())
    # Well-formed objects still build and round-trip through pickle.
    import pickle

    sentence = presslens.SummarySentence(text="Rubio spoke.", start=0, end=12, index=0, score=1.0)
    summary = presslens.Summary([sentence], doc_id="a")
    assert pickle.loads(pickle.dumps(summary)) == summary


# ---------------------------------------------------------------- 19. lowercase prose


def test_19_lowercase_text_is_split_into_sentences(seed_texts):
    for name, text in seed_texts.items():
        cased = len(presslens.segment(text).sentences)
        lowered = presslens.segment(text.lower()).sentences
        assert len(lowered) >= 0.8 * cased, (name, cased, len(lowered))
        assert max(len(s.text) for s in lowered) < 600, name
    texts = [s.text for s in presslens.segment("the talks went on. u.s. officials met e.g. the envoys and mr. smith. then they left.").sentences]
    assert texts == ["the talks went on.", "u.s. officials met e.g. the envoys and mr. smith.", "then they left."]


def test_19_cased_news_segmentation_is_unchanged():
    """The lowercase rule and the long-sentence split leave properly cased news alone: the same
    sentences, offset for offset, as before them (tests/fixtures/cased_segmentation.json: the seeds
    and 100 BBC business articles, read from ../shared/data/bbc when it is there)."""
    golden = json.loads((ROOT / "tests" / "fixtures" / "cased_segmentation.json").read_text(encoding="utf-8"))
    bbc = next((p for p in (ROOT / "../shared/data/bbc", ROOT / "../../shared/data/bbc") if p.exists()), None)
    checked = 0
    for key, sentences in golden.items():
        path = ROOT / key if key.startswith("seeds/") else None if bbc is None else bbc / "business" / "articles" / Path(key).name
        if path is None:
            continue
        doc = presslens.segment(path.read_text(encoding="utf-8"))
        assert [[s.start, s.end] for s in doc.sentences] == sentences, key
        checked += 1
    assert checked >= 5, "at least the seeds"


# ---------------------------------------------------------------- 20. damaged models are noticed at load


def test_20_a_model_damaged_in_place_is_refused_at_load(models_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    folder = mirror(models_dir, tmp_path / "models")
    onnx = folder / "minilm-l6-v2" / "model.onnx"
    onnx.unlink()
    onnx.write_bytes((models_dir / "minilm-l6-v2" / "model.onnx").read_bytes())
    hashed: list[str] = []
    real = models.file_sha256
    monkeypatch.setattr(models, "file_sha256", lambda path: hashed.append(Path(path).name) or real(path))
    presslens.Pipeline(folder, threads=1)
    assert "model.onnx" in hashed, "the first load verifies"
    hashed.clear()
    presslens.Pipeline(folder, threads=1)
    assert hashed == [], "a verified, unchanged folder is not hashed again"
    stat = onnx.stat()
    with open(onnx, "r+b") as handle:  # one byte of a weight, same size, same mtime
        handle.seek(stat.st_size // 2)
        byte = handle.read(1)
        handle.seek(stat.st_size // 2)
        handle.write(bytes([byte[0] ^ 0x01]))
    os.utime(onnx, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    with pytest.raises(presslens.ModelError, match=r"minilm-l6-v2/model\.onnx .*sha256.*presslens models fetch"):
        presslens.Pipeline(folder, threads=1)
