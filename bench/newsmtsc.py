"""Target-dependent sentiment on the NewsMTSC dev sets: presslens's stance head (`stance_model=None`) and its
default cross-encoder (`stance_model="stance-minilm-l6"`) vs a plain Python reference of that cross-encoder
(same model files, `tokenizers` + `onnxruntime`, one pair at a time) vs VADER on the whole sentence.

    PRESSLENS_MODELS=../shared/models .venv/bin/python bench/newsmtsc.py [--json out.json]

Reports accuracy and macro-F1 over negative/neutral/positive, the agreement between presslens's
cross-encoder and the reference, and mentions/s. Targets are given by their NewsMTSC spans.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))  # plain.py: the reference the parity tests use

import presslens  # noqa: E402
from plain import reference_target_sentiment  # noqa: E402

LABELS = ("negative", "neutral", "positive")


def load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def macro_f1(gold: list[int], predicted: list[int]) -> float:
    scores = []
    for label in (-1, 0, 1):
        tp = sum(g == p == label for g, p in zip(gold, predicted))
        fp = sum(p == label and g != label for g, p in zip(gold, predicted))
        fn = sum(g == label and p != label for g, p in zip(gold, predicted))
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        scores.append(2 * precision * recall / (precision + recall) if precision + recall else 0.0)
    return float(np.mean(scores))


def accuracy(gold: list[int], predicted: list[int]) -> float:
    return float(np.mean([g == p for g, p in zip(gold, predicted)]))


def polarity(probabilities: np.ndarray, labels: list[str]) -> list[int]:
    """Model class → NewsMTSC polarity (-1, 0, 1)."""
    value = {"negative": -1, "neutral": 0, "positive": 1}
    return [value[labels[i]] for i in probabilities.argmax(axis=1)]


def vader(sentences: list[str], threshold: float = 0.05) -> list[int]:
    """VADER's compound score on the whole sentence, with its documented ±0.05 cut-offs."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    analyzer = SentimentIntensityAnalyzer()
    out = []
    for s in sentences:
        c = analyzer.polarity_scores(s)["compound"]
        out.append(1 if c >= threshold else -1 if c <= -threshold else 0)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "newsmtsc")
    parser.add_argument("--models", type=Path, default=Path(os.environ.get("PRESSLENS_MODELS", ROOT.parent / "shared" / "models")))
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--int8", action="store_true", help="also score presslens with precision='int8'")
    args = parser.parse_args(argv)

    pipeline = presslens.Pipeline(args.models, threads=args.threads, stance_model=None)
    cross = presslens.Pipeline(args.models, threads=args.threads, stance_model=presslens.pipeline.CROSS_ENCODER_STANCE_MODEL)
    int8 = presslens.Pipeline(args.models, threads=args.threads, precision="int8", stance_model=None) if args.int8 else None
    labels = pipeline.stance_labels
    assert cross.stance_labels == labels
    results: dict = {}
    print("| dev set | n | system | accuracy | macro-F1 |\n| --- | ---: | --- | ---: | ---: |")
    for name in ("dev_mt", "dev_rw"):
        rows = load(args.data / f"{name}.jsonl")
        gold = [r["polarity"] for r in rows]
        mentions = [r["mention"] for r in rows]
        sentences = [r["sentence"] for r in rows]
        spans = [(r["from"], r["to"]) for r in rows]
        started = time.perf_counter()
        head = pipeline.target_sentiment(mentions, sentences, spans=spans)
        head_s = time.perf_counter() - started
        started = time.perf_counter()
        ours = cross.target_sentiment(mentions, sentences)
        elapsed = time.perf_counter() - started
        reference = reference_target_sentiment(args.models, mentions, sentences)
        systems = {
            "presslens stance head": polarity(head, labels),
            "presslens cross-encoder": polarity(ours, labels),
            "python reference (cross-encoder)": polarity(reference, labels),
            "VADER (sentence)": vader(sentences),
        }
        if int8 is not None:
            systems["presslens stance head int8"] = polarity(int8.target_sentiment(mentions, sentences, spans=spans), labels)
        results[name] = {
            "n": len(rows),
            "head_mentions_per_s": len(rows) / head_s,
            "cross_encoder_mentions_per_s": len(rows) / elapsed,
            "max_abs_prob_diff": float(np.abs(ours - reference).max()),
        }
        for system, predicted in systems.items():
            results[name][system] = {"accuracy": accuracy(gold, predicted), "macro_f1": macro_f1(gold, predicted)}
            print(f"| {name} | {len(rows)} | {system} | {accuracy(gold, predicted):.4f} | {macro_f1(gold, predicted):.4f} |")
        agree = float(np.mean(np.array(systems["presslens cross-encoder"]) == np.array(systems["python reference (cross-encoder)"])))
        results[name]["label_agreement"] = agree
        print(
            f"| {name} | | cross-encoder vs reference: labels agree {agree:.4f}, max |Δp| {results[name]['max_abs_prob_diff']:.2e}; "
            f"mentions/s: head {len(rows) / head_s:.0f}, cross-encoder {len(rows) / elapsed:.0f} | | |"
        )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
