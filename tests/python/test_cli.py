"""The `presslens` command line, run as a user would run it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "presslens.cli", *args], capture_output=True, text=True, cwd=ROOT)


def test_sentences_on_seed_folder():
    result = run("sentences", "seeds/")
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("## ") == 5
    assert "Leave a Reply" not in result.stdout.split("removed")[0]


def test_sentences_jsonl_parses_back_with_valid_offsets():
    result = run("sentences", "seeds/003_d49cd9575a84373e.txt", "--format", "jsonl")
    assert result.returncode == 0, result.stderr
    text = (ROOT / "seeds/003_d49cd9575a84373e.txt").read_text(encoding="utf-8")
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 12
    assert all(text[r["start"] : r["end"]] == r["text"] for r in rows)


def test_missing_file_is_a_one_line_error(tmp_path):
    result = run("sentences", str(tmp_path / "absent.txt"))
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "does not exist" in result.stderr


def test_empty_folder_is_an_error(tmp_path):
    result = run("sentences", str(tmp_path))
    assert result.returncode == 2 and "no .txt files" in result.stderr


# ---- analysis subcommands (real models; PRESSLENS_MODELS comes from the environment)

import csv  # noqa: E402
import io  # noqa: E402

import pytest  # noqa: E402

SEED = "seeds/003_d49cd9575a84373e.txt"


def ok(*args: str) -> str:
    result = run(*args)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_analyze_markdown_on_seeds_is_the_readme_job():
    out = ok("analyze", "seeds/")
    assert out.count("\n## ") + out.startswith("## ") == 6, "five articles and the corpus table"
    assert "| Marco Rubio |" in out and "Leave a Reply" not in out
    body = out.split("## Actors across")[0]
    assert all(line.count(" ") >= 4 for line in body.splitlines() if line.startswith("- ")), "summary bullets are sentences"


@pytest.mark.parametrize("command", ["summarize", "stance", "analyze"])
def test_json_output_parses_back(command):
    payload = json.loads(ok(command, "seeds/", "--format", "json"))
    assert [a["doc_id"] for a in payload["articles"]] == sorted(p.stem for p in (ROOT / "seeds").glob("*.txt"))
    assert payload["corpus"], "the across-articles part is filled"


def test_stance_csv_and_jsonl_agree(tmp_path):
    out_csv = tmp_path / "stance.csv"
    ok("stance", SEED, "--format", "csv", "--output", str(out_csv))
    rows = list(csv.DictReader(io.StringIO(out_csv.read_text(encoding="utf-8"))))
    lines = [json.loads(line) for line in ok("stance", SEED, "--format", "jsonl").splitlines()]
    assert [r["actor"] for r in rows] == [r["actor"] for r in lines] and "Nicolás Maduro" in [r["actor"] for r in rows]
    for r, j in zip(rows, lines):
        assert float(r["score"]) == pytest.approx(j["score"], abs=1e-6) and -1 <= j["score"] <= 1
        assert int(r["mentions"]) == j["mentions"] >= 1 and r["label"] in ("negative", "neutral", "positive")


def test_summarize_csv_and_jsonl():
    rows = list(csv.DictReader(io.StringIO(ok("summarize", "seeds/", "--format", "csv"))))
    assert len(rows) == 5 and all(int(r["sentences"]) == 3 and r["summary"] for r in rows)
    lines = [json.loads(line) for line in ok("summarize", SEED, "--format", "jsonl", "--sentences", "2").splitlines()]
    assert len(lines) == 1 and len(lines[0]["sentences"]) == 2


def test_analyze_jsonl_and_csv_inputs_keep_bad_rows(tmp_path):
    text = (ROOT / SEED).read_text(encoding="utf-8")
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(json.dumps(r) for r in [{"id": "a", "body": text}, {"id": "b", "body": ""}, {"id": "c", "body": None}, {"id": "d"}]) + "\n")
    lines = [json.loads(line) for line in ok("analyze", str(source), "--text-column", "body", "--format", "jsonl").splitlines()]
    assert [(r["doc_id"], r["status"]) for r in lines] == [("a", "ok"), ("b", "empty"), ("c", "missing"), ("d", "missing")]
    table = tmp_path / "in.csv"
    with table.open("w", newline="") as f:
        csv.writer(f).writerows([["url", "content"], ["u1", text], ["u2", ""]])
    rows = list(csv.DictReader(io.StringIO(ok("analyze", str(table), "--text-column", "content", "--id-column", "url", "--format", "csv"))))
    assert [(r["doc_id"], r["status"]) for r in rows] == [("u1", "ok"), ("u2", "empty")]


def test_given_actors_file(tmp_path):
    actors = tmp_path / "actors.json"
    actors.write_text(json.dumps({"United States": ["U.S.", "Washington"], "Maduro": []}))
    rows = json.loads(ok("stance", SEED, "--actors", str(actors), "--format", "json"))["articles"][0]["actors"]
    assert {r["actor"] for r in rows} == {"United States", "Maduro"}


@pytest.mark.parametrize(
    "make, args, message",
    [
        (None, ["stance", "absent.txt"], "does not exist"),
        ("csv", ["stance", "{path}"], "has no column 'text'"),
        ("actors", ["stance", SEED, "--actors", "{path}"], "not valid JSON"),
        ("folder", ["analyze", "{path}"], "no .txt files"),
        (None, ["stance", SEED, "--device", "cuda", "--precision", "int8"], "precision='int8' is a CPU option"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(tmp_path, make, args, message):
    path = tmp_path / "thing"
    if make == "csv":
        path = tmp_path / "t.csv"
        path.write_text("title,body\nx,y\n")
    elif make == "actors":
        path.write_text("{not json")
    elif make == "folder":
        path.mkdir()
    result = run(*[a.format(path=path) for a in args])
    assert result.returncode == 2, result.stdout
    assert message in result.stderr and result.stderr.strip().count("\n") == 0, result.stderr


def test_device_cuda_without_onnxruntime_gpu_warns_and_gives_the_cpu_result():
    cpu = run("stance", SEED, "--format", "jsonl")
    cuda = run("stance", SEED, "--format", "jsonl", "--device", "cuda")
    assert cpu.returncode == 0 and cuda.returncode == 0, cuda.stderr
    assert "onnxruntime-gpu" in cuda.stderr and "Running on the CPU" in cuda.stderr
    assert cuda.stdout == cpu.stdout and len(cuda.stdout.splitlines()) >= 2


def test_help_lists_the_commands():
    out = ok("--help")
    for command in ("analyze", "summarize", "stance", "sentences"):
        assert command in out
