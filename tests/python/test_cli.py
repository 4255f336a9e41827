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
