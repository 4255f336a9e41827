"""Which per-mention reading a corpus actor's `positive_mentions`/`negative_mentions` should count:
the model's most probable class, or the mention score P(pos) - P(neg) past a threshold (the actor
thresholds +/-0.1 among them). Measured as a mention classifier on NewsMTSC dev; the most probable
class wins on both sets, so that is what presslens counts (src/analysis/actor_stance.rs,
`ScoredMention::label`). Run from the repository root:
    PRESSLENS_MODELS=/work/shared/models python train/stance_labels/experiments/polar_mentions.py
The model outputs are cached under /work/cache/stance/mtsc/ (shared with mark_span_newsmtsc.py)."""
import os
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "bench"))
from newsmtsc import accuracy, load, macro_f1

DATA = Path("/work/shared/data/newsmtsc")
CACHE = Path("/work/cache/stance/mtsc")


def probabilities(name: str, rows: list[dict]) -> np.ndarray:
    path = CACHE / f"{name}_base.npy"
    if path.exists():
        return np.load(path)
    import presslens

    pipeline = presslens.Pipeline(os.environ["PRESSLENS_MODELS"], threads=1)
    assert list(pipeline.stance_labels) == ["negative", "neutral", "positive"], pipeline.stance_labels
    p = pipeline.target_sentiment([r["mention"] for r in rows], [r["sentence"] for r in rows])
    CACHE.mkdir(parents=True, exist_ok=True)
    np.save(path, p)
    return p


for name in ("dev_mt", "dev_rw"):
    rows = load(DATA / f"{name}.jsonl")
    gold = [r["polarity"] for r in rows]
    p = probabilities(name, rows)
    score = p[:, 2] - p[:, 0]
    readings = {"most probable class": [(-1, 0, 1)[i] for i in p.argmax(axis=1)]}
    for t in (0.1, 0.15, 0.2, 0.3):
        readings[f"score past +/-{t}"] = [1 if x > t else -1 if x < -t else 0 for x in score]
    for label, predicted in readings.items():
        print(f"{name} (n={len(rows)}) {label}: accuracy {accuracy(gold, predicted):.4f}, macro-F1 {macro_f1(gold, predicted):.4f}")
