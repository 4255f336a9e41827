"""presslens on a GPU (``device="cuda"``) against the plain Python onnxruntime-gpu pipeline, in ONE run.

    PRESSLENS_MODELS=../shared/models python bench/gpu.py --json bench/results/gpu.json

Needs ``onnxruntime-gpu`` (in place of ``onnxruntime``) and an NVIDIA GPU. On the sentences of all
BBC business articles it races, at each batch size, presslens against the plain pipeline of
bench/perf.py running on the CUDA execution provider (same model files, same batches); then stance
mentions/s the same way, and ``analyze_many`` articles/s with the share of its wall time spent
outside ONNX Runtime's ``run``. Parity: cosine of GPU vs CPU embeddings, stance labels GPU vs CPU.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from perf import articles, race  # noqa: E402
from plain import PlainPython

import presslens  # noqa: E402

CUDA = ("CUDAExecutionProvider", "CPUExecutionProvider")


def gpu_name() -> str:
    try:
        return subprocess.run(["nvidia-smi", "--query-gpu=name,driver_version", "--format=csv,noheader"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError) as e:
        return f"unknown ({e})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=510, help="first N BBC business articles (all: 510)")
    parser.add_argument("--batch-sizes", default="8,32,64,128,256")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--models", type=Path, default=Path(os.environ.get("PRESSLENS_MODELS", Path(__file__).resolve().parents[2] / "shared" / "models")))
    parser.add_argument("--int8", action="store_true", help="also race precision='int8' against fp32 on the GPU")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    batch_sizes = [int(b) for b in args.batch_sizes.split(",")]
    cores = os.cpu_count() or 1

    texts = articles(args.articles)
    sentences = [s.text for t in texts for s in presslens.segment(t).sentences]
    warm = sentences[:512]
    results: dict = {"gpu": gpu_name(), "cpu_cores": cores, "articles": len(texts), "sentences": len(sentences), "runs": args.runs}
    cpu = presslens.Pipeline(args.models, threads=cores)
    started = time.perf_counter()
    cpu_vectors = cpu.embed(sentences)
    results["cpu_presslens_embed_sentences_per_s"] = len(sentences) / (time.perf_counter() - started)

    # Embeddings: at each batch size, presslens and the plain pipeline in the same rounds
    results["embed"] = {}
    for bs in batch_sizes:
        ours = presslens.Pipeline(args.models, device="cuda", batch_size=bs)
        assert ours.device == "cuda", "presslens fell back to the CPU: is onnxruntime-gpu installed?"
        plain = PlainPython(args.models / "minilm-l6-v2", cores, bs, 256, pair=False, providers=CUDA)
        seconds, ratios, vectors = race(
            {"plain Python (onnxruntime-gpu)": lambda: plain.embed(sentences), "presslens cuda": lambda: ours.embed(sentences)},
            args.runs,
            {"plain Python (onnxruntime-gpu)": lambda: plain.embed(warm), "presslens cuda": lambda: ours.embed(warm)},
        )
        results["embed"][bs] = {
            "sentences_per_s": {k: len(sentences) / v for k, v in seconds.items()},
            "ratio_vs_plain": ratios,
            "min_cosine_cuda_vs_cpu": float((vectors["presslens cuda"] * cpu_vectors).sum(1).min()),
        }
        del ours, plain

    best = max(batch_sizes, key=lambda b: results["embed"][b]["sentences_per_s"]["presslens cuda"])
    if args.int8:  # int8 (dynamically quantised) models on the GPU, against fp32, at the best batch size
        fp32 = presslens.Pipeline(args.models, device="cuda", batch_size=best)
        int8 = presslens.Pipeline(args.models, device="cuda", batch_size=best, precision="int8")
        seconds, ratios, vectors = race({"presslens cuda fp32": lambda: fp32.embed(sentences), "presslens cuda int8": lambda: int8.embed(sentences)}, args.runs)
        results["int8"] = {
            "batch_size": best,
            "sentences_per_s": {k: len(sentences) / v for k, v in seconds.items()},
            "ratio_vs_fp32": ratios,
            "min_cosine_int8_vs_fp32": float((vectors["presslens cuda int8"] * vectors["presslens cuda fp32"]).sum(1).min()),
        }
        del fp32, int8

    # Analysis end to end on the GPU, and stance on every mention it found
    gpu = presslens.Pipeline(args.models, device="cuda", batch_size=best)
    gpu.analyze_many(texts[:20])  # warm-up
    walls, shares = [], []
    for _ in range(args.runs):
        before, started = gpu.onnx_run_seconds, time.perf_counter()
        corpus = gpu.analyze_many(texts)
        walls.append(time.perf_counter() - started)
        shares.append(1 - (gpu.onnx_run_seconds - before) / walls[-1])
    results["analyze_batch_size"] = best
    results["analyze_articles_per_s_cuda"] = len(texts) / statistics.median(walls)
    results["analyze_share_outside_onnx_run_cuda"] = statistics.median(shares)
    started = time.perf_counter()
    cpu.analyze_many(texts[:60])
    results["analyze_articles_per_s_cpu_all_cores_60_articles"] = len(texts[:60]) / (time.perf_counter() - started)

    mentions = [(m.text, m.sentence) for art in corpus for a in art.actors for m in a.mentions]
    targets, contexts = [m for m, _ in mentions], [s for _, s in mentions]
    results["mentions"] = len(mentions)
    cpu_p = cpu.target_sentiment(targets, contexts)
    results["stance"] = {}
    for bs in batch_sizes:
        ours = presslens.Pipeline(args.models, device="cuda", batch_size=bs)
        plain = PlainPython(args.models / "stance-minilm-l6", cores, bs, 128, pair=True, providers=CUDA)
        seconds, ratios, probabilities = race(
            {"plain Python (onnxruntime-gpu)": lambda: plain.target_sentiment(targets, contexts), "presslens cuda": lambda: ours.target_sentiment(targets, contexts)},
            args.runs,
        )
        p = probabilities["presslens cuda"]
        results["stance"][bs] = {
            "mentions_per_s": {k: len(mentions) / v for k, v in seconds.items()},
            "ratio_vs_plain": ratios,
            "max_abs_diff_cuda_vs_cpu": float(np.abs(p - cpu_p).max()),
            "label_agreement_cuda_vs_cpu": float((p.argmax(1) == cpu_p.argmax(1)).mean()),
        }
        del ours, plain

    print(f"{results['gpu']}; {len(sentences)} sentences of {len(texts)} BBC business articles, {len(mentions)} mentions; median of {args.runs} rounds")
    print(f"presslens on the CPU ({cores} cores): {results['cpu_presslens_embed_sentences_per_s']:.0f} sentences/s\n")
    print("| batch | plain onnxruntime-gpu sentences/s | presslens cuda sentences/s | ratio | min cosine vs CPU | plain mentions/s | presslens mentions/s | ratio | stance labels = CPU |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for bs in batch_sizes:
        e, s = results["embed"][bs], results["stance"][bs]
        pe, ps = e["sentences_per_s"], s["mentions_per_s"]
        print(
            f"| {bs} | {pe['plain Python (onnxruntime-gpu)']:.0f} | {pe['presslens cuda']:.0f} | {e['ratio_vs_plain']['presslens cuda']:.2f}x | {e['min_cosine_cuda_vs_cpu']:.6f} "
            f"| {ps['plain Python (onnxruntime-gpu)']:.0f} | {ps['presslens cuda']:.0f} | {s['ratio_vs_plain']['presslens cuda']:.2f}x | {s['label_agreement_cuda_vs_cpu']:.4f} |"
        )
    print(f"\nanalyze_many, {len(texts)} articles, batch {best}: {results['analyze_articles_per_s_cuda']:.1f} articles/s on the GPU, {results['analyze_share_outside_onnx_run_cuda']:.1%} of it outside ONNX run; CPU ({cores} cores, 60 articles): {results['analyze_articles_per_s_cpu_all_cores_60_articles']:.2f} articles/s")
    if "int8" in results:
        i = results["int8"]
        print(f"int8 on the GPU, batch {i['batch_size']}: {i['sentences_per_s']['presslens cuda int8']:.0f} sentences/s, {i['ratio_vs_fp32']['presslens cuda int8']:.2f}x fp32; min cosine vs fp32 {i['min_cosine_int8_vs_fp32']:.4f}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
