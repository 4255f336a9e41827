from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))  # for `plain`: the plain Python pipeline, shared with the benches


@pytest.fixture(scope="session")
def models_dir() -> Path:
    value = os.environ.get("PRESSLENS_MODELS")
    if not value:
        pytest.fail("PRESSLENS_MODELS is not set: point it at the models folder (make test sets ../shared/models)")
    return Path(value)


@pytest.fixture(scope="session")
def pipeline(models_dir: Path):
    import presslens

    return presslens.Pipeline(models_dir, threads=2)


@pytest.fixture(scope="session")
def seed_texts() -> dict[str, str]:
    files = sorted((ROOT / "seeds").glob("*.txt"))
    assert len(files) == 5, "the five seed articles belong in seeds/"
    return {f.stem: f.read_text(encoding="utf-8") for f in files}
