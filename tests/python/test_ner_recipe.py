"""The NER head's recipe (train/ner/) and its shipped artifact (src/data/ner/)."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "train/ner"))
# ../shared next to the checkout (main) or next to its parent folder (a worktree under wt/).
CONLL = next((p.resolve() for p in (ROOT / "../shared/data/conll2003", ROOT / "../../shared/data/conll2003") if p.exists()), ROOT / "../shared/data/conll2003")


def test_shipped_head_matches_its_checksum_and_size():
    head = ROOT / "src/data/ner/ner_head.safetensors"
    want = (ROOT / "src/data/ner/SHA256SUMS").read_text().split()
    assert want[1] == "ner_head.safetensors"
    assert hashlib.sha256(head.read_bytes()).hexdigest() == want[0]
    assert head.stat().st_size <= 25 * 2**20


def test_python_reference_reproduces_the_parity_fixture():
    """The fixture that src/actors/ner.rs checks Rust against is what nerlib computes today."""
    import nerlib

    params, meta = nerlib.load_safetensors(ROOT / "src/data/ner/ner_head.safetensors")
    states, _ = nerlib.load_safetensors(ROOT / "tests/fixtures/ner_parity.safetensors")
    gaz = (set(json.loads(meta["gaz_country"])), set(json.loads(meta["gaz_org"])))
    cases = json.loads((ROOT / "tests/fixtures/ner_parity.json").read_text(encoding="utf-8"))["cases"]
    found = 0
    for i, c in enumerate(cases):
        text = c["sentence"]
        to_char = {len(text[:k].encode()): k for k in range(len(text) + 1)}
        words = [(a, b, to_char[s], to_char[e]) for a, b, s, e in c["words"]]
        shape = nerlib.shape_features(text, words, *gaz)
        assert shape.astype(int).tolist() == c["shape"]
        x = np.concatenate([nerlib.word_states(states[f"s{i}"], words), shape], axis=1)
        path, ents, logits = nerlib.decode(params, meta, x, words)
        assert [nerlib.TAGS[t] for t in path] == c["tags"]
        assert np.abs(logits - np.array(c["logits"])).max() < 1e-3
        found += len(ents)
    assert found >= 10


@pytest.mark.skipif(not CONLL.exists(), reason="needs ../shared/data/conll2003")
def test_smoke_training_runs_and_writes_a_loadable_head(models_dir):
    import nerlib

    run = subprocess.run(
        [sys.executable, str(ROOT / "train/ner/train.py"), "--smoke", "--data", str(CONLL), "--models", str(models_dir)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    m = re.search(r"wrote (\S+ner_head\.safetensors)", run.stdout)
    assert m, run.stdout[-2000:]
    params, meta = nerlib.load_safetensors(m.group(1))
    assert json.loads(meta["tags"]) == nerlib.TAGS
    assert params["w1"].shape[0] == nerlib.HIDDEN + nerlib.N_SHAPE
