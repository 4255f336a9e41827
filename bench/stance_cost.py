"""Where `analyze_many`'s time goes, and whether the stance pass can be made cheaper (issue 17).

    PRESSLENS_MODELS=/work/shared/models .venv/bin/python bench/stance_cost.py [--articles 60] [--json out.json]

On the first N BBC business articles: `analyze_many` wall time and ONNX Runtime time; the stance
(mention, sentence) pairs it scored and their word pieces; then, on those pairs and on the body
sentences, the ONNX time per word piece of each model; and a sweep of batch size and lanes for the
stance pass alone. Word pieces are counted with the models' own tokenizers (no padding; stance
pairs truncated at 128, sentences at 256), as presslens feeds them.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import tokenizers

import presslens

ROOT = Path(__file__).resolve().parents[1]


def pieces(tokenizer_file: Path, inputs: list, max_length: int) -> list[int]:
    tok = tokenizers.Tokenizer.from_file(str(tokenizer_file))
    tok.no_padding()
    tok.enable_truncation(max_length)
    return [len(e.ids) for e in tok.encode_batch(inputs)]


def timed(pipeline: presslens.Pipeline, fn) -> tuple[float, float]:
    """(wall seconds, ONNX seconds) of one call."""
    onnx = pipeline.onnx_run_seconds
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started, pipeline.onnx_run_seconds - onnx


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=60)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    models = Path(os.environ.get("PRESSLENS_MODELS", ROOT.parent / "shared" / "models"))
    files = sorted((ROOT.parent / "shared/data/bbc/business/articles").glob("*.txt"))[: args.articles]
    if not files:
        files = sorted(Path("/work/shared/data/bbc/business/articles").glob("*.txt"))[: args.articles]
    texts = [f.read_text(encoding="utf-8", errors="replace") for f in files]

    pipeline = presslens.Pipeline(models, threads=args.threads)
    pipeline.analyze_many(texts[:2])  # warm-up
    result = []
    wall, onnx = timed(pipeline, lambda: result.append(pipeline.analyze_many(texts)))
    pairs = [(m.text, m.sentence) for a in result[0] for actor in a.actors for m in actor.mentions]
    targets, contexts = [t for t, _ in pairs], [s for _, s in pairs]
    sentences = [s.text for t in texts for s in presslens.segment(t).sentences if s.kind == "body"]
    stance_pieces = pieces(models / "stance-minilm-l6" / "tokenizer.json", pairs, 128)
    sentence_pieces = pieces(models / "minilm-l6-v2" / "tokenizer.json", sentences, 256)
    out: dict = {
        "articles": len(texts),
        "threads": args.threads,
        "analyze_many": {"wall_s": wall, "onnx_s": onnx, "mentions": len(pairs), "distinct_pairs": len(set(pairs))},
        "stance_pieces": sum(stance_pieces),
        "pairs_over_64_pieces": sum(n > 64 for n in stance_pieces) / max(len(stance_pieces), 1),
        "pieces_above_64": sum(max(n - 64, 0) for n in stance_pieces),
        "sentences": len(sentences),
        "sentence_pieces": sum(sentence_pieces),
    }
    _, stance_onnx = timed(pipeline, lambda: pipeline.target_sentiment(targets, contexts))
    _, embed_onnx = timed(pipeline, lambda: pipeline.embed(sentences))
    out["stance_onnx_s"], out["embed_onnx_s"] = stance_onnx, embed_onnx
    out["us_per_piece"] = {"stance": 1e6 * stance_onnx / out["stance_pieces"], "embedding": 1e6 * embed_onnx / out["sentence_pieces"]}
    sweep = []
    for lanes, batch in ((2, 8), (2, 16), (2, 32), (1, 8), (1, 32)):
        p = presslens.Pipeline(models, threads=args.threads, lanes=lanes, batch_size=batch)
        p.target_sentiment(targets[:16], contexts[:16])
        sweep.append({"lanes": lanes, "batch_size": batch, "stance_wall_s": timed(p, lambda p=p: p.target_sentiment(targets, contexts))[0]})
    out["stance_sweep"] = sweep
    text = json.dumps(out, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n")


if __name__ == "__main__":
    main()
