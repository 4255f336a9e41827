"""Sentence-embedding throughput: presslens vs a plain Python onnxruntime pipeline, same run.

    .venv/bin/python bench/embed_throughput.py [--corpus seeds|bbc-business] [--threads 2] [--runs 5]

The Python peer is written as a good engineer would: `tokenizers` batch encoding of length-sorted
batches padded to their longest item, one `onnxruntime` session with the same thread count, numpy
mean pooling. Both get the same sentences and batch size. Machines here are noisy, so compare the
ratio from one run, not absolute numbers across runs.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import presslens

sys.path.insert(0, str(Path(__file__).resolve().parent))
from plain import PlainPython  # the batched peer, shared with perf.py and the tests

ROOT = Path(__file__).resolve().parents[1]


def corpus_sentences(name: str) -> list[str]:
    if name == "seeds":
        files = sorted((ROOT / "seeds").glob("*.txt"))
    else:
        files = sorted((ROOT.parent / "shared/data/bbc/business/articles").glob("*.txt"))
    return [s.text for f in files for s in presslens.segment(f.read_text(encoding="utf-8", errors="replace")).sentences]


def timed(fn, texts: list[str], runs: int) -> tuple[float, np.ndarray]:
    result = fn(texts)  # warm-up
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        result = fn(texts)
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", choices=["seeds", "bbc-business"], default="seeds")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)

    models = Path(os.environ.get("PRESSLENS_MODELS", ROOT.parent / "shared/models"))
    texts = corpus_sentences(args.corpus)
    ours = presslens.Pipeline(models, threads=args.threads, batch_size=args.batch_size)
    peer = PlainPython(models / "minilm-l6-v2", args.threads, args.batch_size, 256, pair=False)
    t_ours, e_ours = timed(ours.embed, texts, args.runs)
    t_peer, e_peer = timed(peer.embed, texts, args.runs)
    agreement = float((e_ours * e_peer).sum(1).min())
    print(f"{len(texts)} sentences from {args.corpus}, {args.threads} threads, batch {args.batch_size}, median of {args.runs} runs")
    print(f"| pipeline | seconds | sentences/s |\n| --- | ---: | ---: |")
    print(f"| presslens | {t_ours:.3f} | {len(texts) / t_ours:.0f} |")
    print(f"| python onnxruntime + tokenizers | {t_peer:.3f} | {len(texts) / t_peer:.0f} |")
    print(f"ratio presslens / python: {t_peer / t_ours:.2f}x; min cosine between the two: {agreement:.6f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
