"""Per-actor article stance on the actor-stance development set (32 BBC business/tech articles, two
annotation passes): the installed (shipped) presslens build against the labels both passes agree on,
and against the rule it replaced.

    PRESSLENS_MODELS=/work/shared/models python bench/actor_stance.py [--json out.json] [--cache FILE] [--before FILE]

One presslens run (public Python API only: `Pipeline.analyze_many` and the result attributes;
`--cache FILE` reads the outputs from FILE if it exists, else writes them there) in two modes:
discovery (`actors=None`; a discovered actor counts for a gold actor when its name equals the gold
name or an alias, accent- and case-blind, a leading "the" ignored) and given actors (each article's
annotated actors passed as `actors=` with their NAME aliases; pronouns and descriptions such as
"its", "He", "the company" are dropped because the whole-word matcher would match every such word).

In each mode, on the agreed actors found: "all neutral"; the previous rule (confidence-weighted mean
at +/-0.15, what presslens shipped before issue 18, recomputed by `rule.previous_rule` from the
shipped build's own mention scores); the shipped build's label; `rule.py` with `params.json`
(in-sample, since it was fitted on this set); and the same rule out-of-fold (8-fold CV by article:
the honest number).

Parity: the shipped build's scores and labels against `rule.py` on the same mentions (article actors
in both modes and in the seeds, the seeds' corpus actors, and the corpus polar-mention counts against
`rule.mention_label`). Any disagreement makes the exit status 1.

Seeds: the five seeds' corpus actor table, before (`--before FILE`: a `collect.py` dump of an older
build, e.g. /work/cache/stance/presslens_822e487.json, its own labels; without it, the previous rule
recomputed on the shipped build's mentions) and after (the shipped build).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "train" / "stance_labels"))

from collect import cached, load_dev, match_gold, run  # noqa: E402
from fit import FAMILIES, LABELS, fold_of, metrics, out_of_fold  # noqa: E402
from rule import article_mentions, classify, label, load_params, mention_label, previous_rule, score, sentence_evidence  # noqa: E402

# Rust computes in f32, the reference in f64.
SCORE_TOLERANCE = 1e-5


def confusion(gold: list[str], pred: list[str]) -> list[list[int]]:
    return [[sum(g == a and p == b for g, p in zip(gold, pred)) for b in LABELS] for a in LABELS]


def print_system(name: str, gold: list[str], pred: list[str]) -> dict:
    m = metrics(gold, pred)
    per = m["per_label"]
    cells = " | ".join(f"{per[lab]['precision']:.2f} / {per[lab]['recall']:.2f} / {per[lab]['f1']:.2f}" for lab in LABELS)
    conf = confusion(gold, pred)
    print(f"| {name} | {m['accuracy']:.3f} | {m['macro_f1']:.3f} | {cells} | {conf} |")
    m["confusion"] = conf
    return m


def corpus_mentions(seeds: dict, c: dict) -> list[dict]:
    """All mentions of a corpus actor, sentences keyed by (article, sentence index)."""
    by_doc = dict(zip(seeds["files"], seeds["articles"]))
    mentions = []
    for doc_id, name in c["articles"]:
        actor = next(a for a in by_doc[doc_id]["actors"] if a["name"] == name)
        mentions += [dict(m, sentence_key=(doc_id, m["sentence_index"])) for m in actor["mentions"]]
    return mentions


def parity(data: dict, params) -> dict:
    """The shipped build's own scores, labels and polar counts against rule.py on the same mentions."""
    mismatches: list[str] = []
    worst = 0.0
    checked = 0

    def check(where: str, mentions: list[dict], shipped_score: float, shipped_label: str) -> None:
        nonlocal worst, checked
        value, lab = classify(mentions, params)
        checked += 1
        worst = max(worst, abs(value - shipped_score))
        if abs(value - shipped_score) > SCORE_TOLERANCE or lab != shipped_label:
            mismatches.append(f"{where}: presslens {shipped_label} {shipped_score:+.6f}, rule.py {lab} {value:+.6f}")

    for mode in ("discovered", "given"):
        for name, art in zip(data["articles"], data[mode]):
            for a in art["actors"]:
                check(f"{mode} {name} {a['name']}", article_mentions(a), a["score"], a["label"])
    for name, art in zip(data["seeds"]["files"], data["seeds"]["articles"]):
        for a in art["actors"]:
            check(f"seed {name} {a['name']}", article_mentions(a), a["score"], a["label"])
    polar_checked = 0
    for c in data["seeds"]["corpus"]:
        mentions = corpus_mentions(data["seeds"], c)
        check(f"seeds corpus {c['name']}", mentions, c["score"], c["label"])
        if "positive_mentions" in c:
            polar_checked += 1
            reads = [mention_label(m["probabilities"]) for m in mentions]
            expected = (reads.count("positive"), reads.count("negative"))
            if expected != (c["positive_mentions"], c["negative_mentions"]):
                mismatches.append(
                    f"seeds corpus {c['name']}: presslens polar mentions {(c['positive_mentions'], c['negative_mentions'])}, rule.mention_label {expected}"
                )
    return {"actors_checked": checked, "polar_counts_checked": polar_checked, "max_abs_score_diff": worst, "mismatches": mismatches}


def seeds_table(seeds: dict, params, before: dict | None) -> list[dict]:
    """Corpus actors of the seeds after (the shipped build) and before (`before`'s dump matched by name,
    or the previous rule on the same mentions)."""
    old = {c["name"]: c for c in before["seeds"]["corpus"]} if before else {}
    out = []
    for c in seeds["corpus"]:
        mentions = corpus_mentions(seeds, c)
        ev = sentence_evidence(mentions)
        if before:
            prev = old.get(c["name"])
            before_score, before_label = (prev["score"], prev["label"]) if prev else (None, None)
        else:
            before_score, before_label = previous_rule(mentions)
        out.append(
            {
                "name": c["name"],
                "kind": c["kind"],
                "mentions": c["mentions"],
                "articles": len(c["articles"]),
                "sentences": len(ev),
                "before_score": before_score,
                "before_label": before_label,
                "score": c["score"],
                "label": c["label"],
                "net_evidence": sum(s for s, _ in ev),
                "polar_mentions": (c.get("positive_mentions"), c.get("negative_mentions")),
            }
        )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", default=os.environ.get("PRESSLENS_MODELS"))
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--cache", type=Path, default=None, help="read/write the shipped build's outputs here instead of running every time")
    parser.add_argument("--before", type=Path, default=None, help="a collect.py dump of an older build, for the seeds' before/after table")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)

    data = cached(args.cache, args.models, args.threads) if args.cache else run(args.models, args.threads)
    before = json.loads(args.before.read_text()) if args.before else None
    params = load_params()
    rows = load_dev()
    results: dict = {
        "params": params.as_dict(),
        "presslens_version": data["presslens_version"],
        "before": str(args.before) if args.before else "previous rule recomputed",
        "dropped_aliases": data["dropped_aliases"],
    }
    agreed = sum(a["agreed"] for r in rows for a in r["actors"])
    total = sum(len(r["actors"]) for r in rows)
    print(f"dev set: {len(rows)} articles, {total} actors, {agreed} agreed (gold); presslens {data['presslens_version']}")

    items = {mode: match_gold(rows, data[mode], given=(mode == "given")) for mode in ("discovered", "given")}
    gold = {m: [g["stance"] for _, g, _ in its] for m, its in items.items()}
    folds = {m: np.array([fold_of(i) for i, _, _ in its]) for m, its in items.items()}
    evidence = {m: [sentence_evidence(article_mentions(a)) for _, _, a in its] for m, its in items.items()}
    _, labelled = out_of_fold(
        evidence["given"], gold["given"], folds["given"], FAMILIES[params_family()], [(evidence[m], folds[m]) for m in ("discovered", "given")]
    )
    oof = dict(zip(("discovered", "given"), labelled))
    for mode, its in items.items():
        title = "discovery (actors=None)" if mode == "discovered" else "given actors (actors= annotated names + name aliases)"
        print(f"\n### {title}: {len(its)} of {agreed} agreed actors found\n")
        print(
            "| system | accuracy | macro-F1 | negative P/R/F1 | neutral P/R/F1 | positive P/R/F1 | confusion (rows gold neg/neu/pos, cols predicted) |\n| --- | ---: | ---: | --- | --- | --- | --- |"
        )
        g = gold[mode]
        res = {
            "all neutral": print_system("all neutral", g, ["neutral"] * len(g)),
            "previous rule": print_system("previous rule (confidence-weighted mean, +/-0.15)", g, [previous_rule(a["mentions"])[1] for _, _, a in its]),
            "shipped build": print_system("**shipped presslens** (its own label)", g, [a["label"] for _, _, a in its]),
            "rule.py (in-sample)": print_system("rule.py, params.json (in-sample)", g, [label(score(e, params), params) for e in evidence[mode]]),
            "rule.py (out-of-fold)": print_system("rule.py, 8-fold CV out-of-fold", g, oof[mode]),
        }
        results[mode] = {"found": len(its), "systems": res}

    check = parity(data, params)
    results["parity"] = check
    print(
        f"\nparity, shipped build vs rule.py: {check['actors_checked']} actor scores/labels and {check['polar_counts_checked']} corpus polar counts checked, "
        f"max |score diff| {check['max_abs_score_diff']:.2e}, {len(check['mismatches'])} mismatches"
    )
    for line in check["mismatches"]:
        print(f"  {line}")

    table = seeds_table(data["seeds"], params, before)
    source = f"before = {args.before}" if args.before else "before = previous rule recomputed on the shipped mentions"
    print(f"\n### seeds: corpus actors (analyze_many on the five seeds -> corpus.actors); {source}, after = shipped build\n")
    print(
        "| actor | kind | mentions | articles | sentences | before score | before label | after score | after label | net sentence evidence | polar mentions +/- |\n| --- | --- | ---: | ---: | ---: | ---: | --- | ---: | --- | ---: | ---: |"
    )
    for t in table:
        mark = " **changed**" if t["label"] != t["before_label"] else ""
        b = f"{t['before_score']:+.3f}" if t["before_score"] is not None else "-"
        print(
            f"| {t['name']} | {t['kind']} | {t['mentions']} | {t['articles']} | {t['sentences']} | {b} | {t['before_label'] or '-'} | {t['score']:+.3f} | {t['label']}{mark} | {t['net_evidence']:+.2f} | {t['polar_mentions'][0]} / {t['polar_mentions'][1]} |"
        )
    results["seeds"] = table
    changed = []
    for name, doc in zip(data["seeds"]["files"], data["seeds"]["articles"]):
        for a in doc["actors"]:
            old_score, old_label = previous_rule(a["mentions"])
            if old_label != a["label"]:
                changed.append(
                    {
                        "article": name,
                        "name": a["name"],
                        "mentions": len(a["mentions"]),
                        "previous": f"{old_label} {old_score:+.3f}",
                        "shipped": f"{a['label']} {a['score']:+.3f}",
                    }
                )
    n_actors = sum(len(doc["actors"]) for doc in data["seeds"]["articles"])
    print(f"\nseeds, per article: {len(changed)} of {n_actors} article-level actor labels differ between the previous rule and the shipped build")
    for c in changed:
        print(f"  {c['article']} {c['name']} ({c['mentions']} mentions): {c['previous']} -> {c['shipped']}")
    results["seeds_article_changes"] = changed
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    return 1 if check["mismatches"] else 0


def params_family() -> str:
    raw = json.loads((ROOT / "train" / "stance_labels" / "params.json").read_text())
    return raw.get("family", "neutral prior")


if __name__ == "__main__":
    sys.exit(main())
