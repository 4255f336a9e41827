"""Which dynamic-quantisation settings make MiniLM-L6 embeddings faster on this CPU, if any.

    PRESSLENS_MODELS=../shared/models .venv/bin/python bench/int8_variants.py --sentences 500

Quantises the embedding model with several ``onnxruntime.quantization.quantize_dynamic`` settings
(into ``--work``), then races them against fp32 on one thread and one lane, the same sentences
for all, the starting variant rotating each round. Prints sentences/s, the within-round ratio to
fp32 and the minimum cosine to the fp32 vectors. presslens ships the first setting (s8, per channel).
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import presslens
from perf import articles, race

VARIANTS = {
    "s8 per channel (shipped)": {"weight_type": "QInt8", "per_channel": True},
    "s8 per channel, reduce_range": {"weight_type": "QInt8", "per_channel": True, "reduce_range": True},
    "s8 per tensor": {"weight_type": "QInt8", "per_channel": False},
    "u8 per tensor": {"weight_type": "QUInt8", "per_channel": False},
}


def quantised_copy(models: Path, work: Path, settings: dict) -> Path:
    """A models folder whose embedding model is quantised with `settings` (stance model copied)."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    root = work / "_".join(f"{k}-{v}" for k, v in settings.items())
    target = root / "minilm-l6-v2"
    if not (target / "model.onnx").is_file():
        target.mkdir(parents=True, exist_ok=True)
        graph = onnx.load(str(models / "minilm-l6-v2" / "model.onnx"))
        del graph.graph.value_info[:]  # shape hints the quantiser's shape inference may contradict
        onnx.save(graph, str(root / "source.onnx"))
        quantize_dynamic(root / "source.onnx", target / "model.onnx", **{**settings, "weight_type": QuantType[settings["weight_type"]]})
        for name in ("tokenizer.json", "config.json"):
            shutil.copy2(models / "minilm-l6-v2" / name, target / name)
        shutil.copytree(models / "stance-minilm-l6", root / "stance-minilm-l6", dirs_exist_ok=True)
    return root


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sentences", type=int, default=500, help="first N sentences of the BBC business articles")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--models", type=Path, default=Path(os.environ.get("PRESSLENS_MODELS", Path(__file__).resolve().parents[2] / "shared" / "models")))
    parser.add_argument("--work", type=Path, default=Path("/tmp/presslens-int8-variants"))
    args = parser.parse_args(argv)
    logging.getLogger().setLevel(logging.ERROR)  # the quantiser's pre-processing advice

    sentences = [s.text for t in articles(60) for s in presslens.segment(t).sentences][: args.sentences]
    pipelines = {"fp32": presslens.Pipeline(args.models, threads=1, lanes=1)}
    for name, settings in VARIANTS.items():
        pipelines[name] = presslens.Pipeline(quantised_copy(args.models, args.work, settings), threads=1, lanes=1)
    seconds, ratios, vectors = race(
        {name: (lambda p=p: p.embed(sentences)) for name, p in pipelines.items()},
        args.runs,
        {name: (lambda p=p: p.embed(sentences[:50])) for name, p in pipelines.items()},
    )
    print(f"{len(sentences)} sentences, 1 thread, 1 lane, median of {args.runs} rounds\n")
    print("| model | sentences/s | vs fp32 | min cosine vs fp32 |\n| --- | ---: | ---: | ---: |")
    for name in pipelines:
        print(f"| {name} | {len(sentences) / seconds[name]:.1f} | {ratios[name]:.2f}x | {float((vectors[name] * vectors['fp32']).sum(1).min()):.4f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
