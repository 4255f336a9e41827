"""Throughput of two installed presslens builds (old vs new), compared in ONE run.

    PRESSLENS_MODELS=/work/shared/models python bench/compare_builds.py \\
        --old /work/venv-base/bin/python --new /work/main/.venv/bin/python --articles 60 --rounds 3 --json out.json

Each build runs in its own interpreter: per round, per build, this script starts itself afresh under that
build's Python (``--worker``), which loads ``Pipeline(threads=N)`` (load time not timed), warms it up on a few
inputs, then times (1) ``analyze_many`` on the first N BBC business articles (articles/s) and (2) ``embed`` on
the body sentences of those articles, as ``presslens.segment`` splits them (sentences/s). Only the public API
both builds share is used. The two builds take turns (old,new then new,old, ...) so that noise from other work
on the machine, and any drift over the run, falls on both alike; the figure to read is the median of the
within-round ratios new/old (above 1: the new build is faster). The parent needs only the standard library.
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

ARTICLES = Path("/work/shared/data/bbc/business/articles")
METRICS = ("articles_per_s", "sentences_per_s")


def worker(n: int, threads: int) -> None:
    """Runs under a build's interpreter; prints one JSON line with its timings."""
    import presslens

    texts = [p.read_text(encoding="utf-8", errors="replace") for p in sorted(ARTICLES.glob("*.txt"))[:n]]
    sentences = [s.text for t in texts for s in presslens.segment(t).sentences if s.kind == "body"]
    pipeline = presslens.Pipeline(threads=threads)
    pipeline.analyze_many(texts[:1])  # warm-up: first-call allocations are not what we compare
    pipeline.embed(sentences[:16])
    started = time.perf_counter()
    pipeline.analyze_many(texts)
    analyze_s = time.perf_counter() - started
    started = time.perf_counter()
    pipeline.embed(sentences)
    embed_s = time.perf_counter() - started
    out = {"presslens_file": presslens.__file__, "articles": len(texts), "sentences": len(sentences), "analyze_s": analyze_s, "embed_s": embed_s}
    out.update(articles_per_s=len(texts) / analyze_s, sentences_per_s=len(sentences) / embed_s)
    print(json.dumps(out), flush=True)


def git_commit(presslens_file: str) -> str | None:
    """HEAD (with "-dirty" for uncommitted changes) of the checkout a build was installed from; None for a wheel."""
    folder = Path(presslens_file).parent
    if "site-packages" in folder.parts:
        return None

    def git(*args: str) -> str:
        return subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True, check=True).stdout.strip()

    try:
        head = git("rev-parse", "HEAD")
        return head + ("-dirty" if git("status", "--porcelain", "--untracked-files=no") else "")
    except (OSError, subprocess.CalledProcessError):
        return None


def run_build(python: str, args: argparse.Namespace) -> dict:
    command = [python, str(Path(__file__).resolve()), "--worker", "--articles", str(args.articles), "--threads", str(args.threads)]
    done = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "PRESSLENS_MODELS": str(args.models)})
    if done.returncode != 0:
        sys.exit(f"{python} failed (exit {done.returncode}):\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--old", help="Python of the old build")
    parser.add_argument("--new", help="Python of the new build")
    parser.add_argument("--old-label", default="822e487", help="what the old build is (default: the wheel of commit 822e487)")
    parser.add_argument("--new-label", default=None, help="what the new build is (default: git HEAD of its checkout)")
    parser.add_argument("--articles", type=int, default=60, help="first N BBC business articles")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--models", type=Path, default=Path(os.environ.get("PRESSLENS_MODELS", "/work/shared/models")))
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(args.articles, args.threads)
        return 0
    if not (args.old and args.new):
        parser.error("--old and --new are required")

    pythons = {"old": args.old, "new": args.new}
    rounds: list[dict] = []
    for r in range(args.rounds):
        order = ("old", "new") if r % 2 == 0 else ("new", "old")
        results = {name: run_build(pythons[name], args) for name in order}
        rounds.append({"order": list(order), **results})
        line = "  ".join(f"{n}: {results[n]['articles_per_s']:.2f} art/s {results[n]['sentences_per_s']:.1f} sent/s" for n in order)
        print(f"round {r + 1}/{args.rounds}  {line}", file=sys.stderr, flush=True)

    builds = {}
    for name, label in (("old", args.old_label), ("new", args.new_label)):
        file = rounds[0][name]["presslens_file"]
        commit = git_commit(file)
        builds[name] = {"label": label or commit or "unknown", "python": pythons[name], "presslens_file": file, "commit": commit}
    counts = {name: (rounds[0][name]["articles"], rounds[0][name]["sentences"]) for name in pythons}
    if counts["old"] != counts["new"]:
        print(f"warning: the builds segment differently (articles, sentences): {counts}", file=sys.stderr)

    summary = {}
    for metric in METRICS:
        ratios = [r["new"][metric] / r["old"][metric] for r in rounds]
        summary[metric] = {
            "old_median": statistics.median(r["old"][metric] for r in rounds),
            "new_median": statistics.median(r["new"][metric] for r in rounds),
            "ratio_new_over_old_median": statistics.median(ratios),
            "ratios": ratios,
        }

    print(f"\nold = {builds['old']['label']} ({builds['old']['presslens_file']})")
    print(f"new = {builds['new']['label']} ({builds['new']['presslens_file']})")
    print(f"{args.articles} articles, {counts['new'][1]} body sentences, threads={args.threads}, {args.rounds} rounds (medians)\n")
    print(f"{'metric':<18}{'old':>10}{'new':>10}{'new/old':>10}")
    for metric, s in summary.items():
        print(f"{metric:<18}{s['old_median']:>10.2f}{s['new_median']:>10.2f}{s['ratio_new_over_old_median']:>10.3f}")

    if args.json:
        config = {"articles": args.articles, "rounds": args.rounds, "threads": args.threads, "models": str(args.models), "cpu_cores": os.cpu_count()}
        report = {"config": config, "builds": builds, "summary": summary, "rounds": rounds}
        args.json.write_text(json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
