"""Per-mention stance on the dev splits: the shipped stance head against the cross-encoder it replaced.

    PRESSLENS_MODELS=../shared/models .venv/bin/python bench/news_stance.py [--json bench/results/news_stance.json]

Scores news_stance dev (Reuters world/business/sport and BBC business/tech, business valence read as its
guide says) and NewsMTSC dev_mt / dev_rw, each target given by its character span. Systems: the stance
head on the embedding pass (``stance_model=None``) and presslens's default ``stance_model="stance-minilm-l6"``
(one cross-encoder pass per mention). Reports accuracy, macro-F1 and per-label precision/recall,
and mentions/s of each on this machine.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

import presslens

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
SETS = {
    "news_stance dev": DATA / "news_stance" / "dev.jsonl",
    "NewsMTSC dev_mt": DATA / "newsmtsc" / "dev_mt.jsonl",
    "NewsMTSC dev_rw": DATA / "newsmtsc" / "dev_rw.jsonl",
}
LABELS = ("negative", "neutral", "positive")


def scores(gold: list[int], predicted: list[int]) -> dict:
    """Accuracy, macro-F1 and per-label precision / recall; labels are 0, 1, 2 = negative, neutral, positive."""
    out: dict = {"accuracy": float(np.mean([g == p for g, p in zip(gold, predicted)]))}
    f1s = []
    for c, name in enumerate(LABELS):
        tp = sum(g == p == c for g, p in zip(gold, predicted))
        fp = sum(p == c and g != c for g, p in zip(gold, predicted))
        fn = sum(g == c and p != c for g, p in zip(gold, predicted))
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1s.append(2 * precision * recall / (precision + recall) if precision + recall else 0.0)
        out[name] = {"precision": precision, "recall": recall, "f1": f1s[-1]}
    out["macro_f1"] = float(np.mean(f1s))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", type=Path, default=Path(os.environ.get("PRESSLENS_MODELS", ROOT.parent / "shared" / "models")))
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)

    systems = {
        "stance head (stance_model=None)": presslens.Pipeline(args.models, threads=args.threads, stance_model=None),
        "stance-minilm-l6 cross-encoder (default)": presslens.Pipeline(
            args.models, threads=args.threads, stance_model=presslens.pipeline.CROSS_ENCODER_STANCE_MODEL
        ),
    }
    results: dict = {}
    print("| dev set | n | system | accuracy | macro-F1 | P/R negative | P/R neutral | P/R positive | mentions/s |")
    print("| --- | ---: | --- | ---: | ---: | --- | --- | --- | ---: |")
    for set_name, path in SETS.items():
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        gold = [r["polarity"] + 1 for r in rows]
        mentions, sentences, spans = [r["mention"] for r in rows], [r["sentence"] for r in rows], [(r["from"], r["to"]) for r in rows]
        results[set_name] = {"n": len(rows)}
        for system, pipeline in systems.items():
            order = [pipeline.stance_labels.index(label) for label in LABELS]
            started = time.perf_counter()
            probabilities = pipeline.target_sentiment(mentions, sentences, spans=spans)[:, order]
            elapsed = time.perf_counter() - started
            s = scores(gold, probabilities.argmax(1).tolist())
            s["mentions_per_s"] = len(rows) / elapsed
            results[set_name][system] = s
            pr = " | ".join(f"{s[label]['precision']:.2f} / {s[label]['recall']:.2f}" for label in LABELS)
            print(f"| {set_name} | {len(rows)} | {system} | {s['accuracy']:.4f} | {s['macro_f1']:.4f} | {pr} | {s['mentions_per_s']:.0f} |")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
