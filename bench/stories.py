"""Stories: grouping quality on the annotated BBC business collection, the seeds, and cost.

    PRESSLENS_MODELS=../shared/models .venv/bin/python bench/stories.py [--json FILE] [--sizes 500 1000 2000]

1. Quality: `Pipeline.stories` on the 510 BBC business articles against both annotation passes of
   `data/stories/` (pairwise precision / recall / F1 over the pairs of articles put in one story,
   B-cubed F1, adjusted Rand index), next to the passes' agreement with each other and the peer: a
   scikit-learn TF-IDF + average-linkage clustering whose distance threshold is tuned on these same
   articles (its best case).
2. The seeds: alone, and mixed into the 510 articles (do they form one story that no BBC article
   joins?).
3. Cost: `analyze_many` and `stories` on the same N articles (BBC business and tech, repeated with
   new ids past 1,020), each in a fresh process: seconds, articles/s, the ratio, and peak resident
   memory.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import resource
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
SEEDS = ROOT / "seeds"


def business() -> tuple[list[str], list[str]]:
    paths = sorted((DATA / "bbc" / "business" / "articles").glob("*.txt"))
    return [p.name for p in paths], [p.read_text(encoding="utf-8", errors="replace") for p in paths]


def gold(pass_file: str, ids: list[str]) -> list[str]:
    label = {i: i for i in ids}
    for k, story in enumerate(json.loads((DATA / "stories" / pass_file).read_text())["stories"]):
        for article in story["articles"]:
            label[article] = f"story{k}"
    return [label[i] for i in ids]


def pairs(labels: list) -> set[tuple[int, int]]:
    members = defaultdict(list)
    for i, label in enumerate(labels):
        members[label].append(i)
    return {pair for m in members.values() for pair in itertools.combinations(m, 2)}


def pairwise(pred: list, truth: list) -> dict[str, float]:
    p, t = pairs(pred), pairs(truth)
    tp = len(p & t)
    precision = tp / len(p) if p else 1.0
    recall = tp / len(t) if t else 1.0
    return {"precision": precision, "recall": recall, "f1": 2 * precision * recall / (precision + recall) if precision + recall else 0.0}


def bcubed_f1(pred: list, truth: list) -> float:
    by_pred, by_truth = defaultdict(set), defaultdict(set)
    for i, (a, b) in enumerate(zip(pred, truth)):
        by_pred[a].add(i)
        by_truth[b].add(i)
    n = len(pred)
    precision = sum(len(by_pred[a] & by_truth[b]) / len(by_pred[a]) for a, b in zip(pred, truth)) / n
    recall = sum(len(by_pred[a] & by_truth[b]) / len(by_truth[b]) for a, b in zip(pred, truth)) / n
    return 2 * precision * recall / (precision + recall)


def scores(pred: list, passes: dict[str, list]) -> dict[str, dict[str, float]]:
    from sklearn.metrics import adjusted_rand_score

    return {name: {**pairwise(pred, truth), "bcubed_f1": bcubed_f1(pred, truth), "ari": adjusted_rand_score(truth, pred)} for name, truth in passes.items()}


def tfidf_peer(texts: list[str], passes: dict[str, list]) -> dict:
    """TF-IDF (sublinear, English stop words) + average-linkage clustering on cosine distance, its
    threshold chosen on these same articles for the best mean pairwise F1 against both passes."""
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.feature_extraction.text import TfidfVectorizer

    x = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform(texts).toarray()
    best = None
    for threshold in [t / 100 for t in range(30, 100, 2)]:
        labels = AgglomerativeClustering(n_clusters=None, metric="cosine", linkage="average", distance_threshold=threshold).fit_predict(x).tolist()
        mean_f1 = sum(pairwise(labels, truth)["f1"] for truth in passes.values()) / len(passes)
        if best is None or mean_f1 > best[0]:
            best = (mean_f1, threshold, labels)
    return {"distance_threshold": best[1], "scores": scores(best[2], passes)}


def quality(pipeline) -> dict:
    ids, texts = business()
    passes = {"pass1": gold("business_pass1.json", ids), "pass2": gold("business_pass2.json", ids)}
    started = time.perf_counter()
    result = pipeline.stories(texts, ids)
    seconds = time.perf_counter() - started
    pred = list(result.story_ids)
    out = {
        "articles": len(ids),
        "seconds": round(seconds, 1),
        "presslens": scores(pred, passes),
        "stories_of_two_or_more": sum(1 for s in result.stories if len(s) > 1),
        "articles_in_them": sum(len(s) for s in result.stories if len(s) > 1),
        "passes_agree": pairwise(passes["pass1"], passes["pass2"]),
        "tfidf_average_linkage_peer": tfidf_peer(texts, passes),
        "largest": [
            {
                "name": s.name,
                "articles": list(s.doc_ids),
                "summary": [" ".join(x.text.split()) for x in s.summary.sentences],
                "top_actors": [f"{a.name} ({a.label}, {a.score:+.2f})" for a in s.actors[:6]],
            }
            for s in result.stories[:5]
        ],
    }
    seed_paths = sorted(SEEDS.glob("*.txt"))
    seed_ids, seed_texts = [f"seed/{p.name}" for p in seed_paths], [p.read_text(encoding="utf-8") for p in seed_paths]
    alone = pipeline.stories(seed_texts, seed_ids)
    mixed = pipeline.stories(texts + seed_texts, ids + seed_ids)
    seed_stories = {mixed.story_ids[len(ids) + k] for k in range(len(seed_ids))}
    joined = [doc for story in seed_stories for doc in mixed.stories[story].doc_ids if doc not in seed_ids]
    out["seeds"] = {
        "alone_stories": len(alone),
        "alone_name": alone.stories[0].name,
        "mixed_seed_stories": len(seed_stories),
        "mixed_bbc_articles_joining": joined,
    }
    return out


def corpus(n: int) -> tuple[list[str], list[str]]:
    paths = sorted((DATA / "bbc" / "business" / "articles").glob("*.txt")) + sorted((DATA / "bbc" / "tech" / "articles").glob("*.txt"))
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in paths]
    ids = [f"{p.parent.parent.name}/{p.name}" for p in paths]
    return [f"{ids[i % len(ids)]}#{i // len(ids)}" for i in range(n)], [texts[i % len(texts)] for i in range(n)]


def cost_child(mode: str, n: int) -> None:
    """One measurement in this (fresh) process; prints a JSON line."""
    import presslens

    ids, texts = corpus(n)
    pipeline = presslens.Pipeline()
    pipeline.analyze_many(texts[:8], ids[:8])  # warm up
    before = _resident_mib()
    # ru_maxrss is set by loading the models; the peak of the call itself is sampled.
    peak = [before]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.05):
            peak[0] = max(peak[0], _resident_mib())

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.perf_counter()
    if mode == "analyze_many":
        pipeline.analyze_many(texts, ids)
    else:
        pipeline.stories(texts, ids)
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    row = {"mode": mode, "articles": n, "seconds": round(seconds, 2), "articles_per_s": round(n / seconds, 2), "peak_rss_mib": round(peak_mib)}
    print(json.dumps({**row, "call_peak_growth_mib": round(peak[0] - before)}))


def _resident_mib() -> float:
    """Resident memory now (the peak of ru_maxrss is set by loading the models)."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def cost(sizes: list[int]) -> list[dict]:
    rows = []
    for n in sizes:
        pair = {}
        # Alternate the order per size, so that neither mode always runs on a warmer machine.
        modes = ["analyze_many", "stories"] if len(rows) % 2 == 0 else ["stories", "analyze_many"]
        for mode in modes:
            line = subprocess.run([sys.executable, __file__, "--child", mode, str(n)], check=True, capture_output=True, text=True, env=os.environ).stdout
            pair[mode] = json.loads(line.strip().splitlines()[-1])
            print(pair[mode], flush=True)
        rows.append({"articles": n, **pair, "stories_time_ratio": round(pair["stories"]["seconds"] / pair["analyze_many"]["seconds"], 3)})
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", type=Path, default=None, help="write the results here")
    parser.add_argument("--sizes", type=int, nargs="*", default=[500, 1000, 2000], help="corpus sizes for the cost runs (none: skip them)")
    parser.add_argument("--child", nargs=2, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        cost_child(args.child[0], int(args.child[1]))
        return 0
    import presslens

    result = {"quality": quality(presslens.Pipeline())}
    print(json.dumps(result["quality"], indent=1, ensure_ascii=False), flush=True)
    result["cost"] = cost(args.sizes)
    if args.json:
        args.json.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
