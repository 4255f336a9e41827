"""Link precision/recall of the light resolver (coref.py) against the actor_mentions annotations
(12 BBC articles, two passes). Per pass: that pass's actors (name + usable name aliases) are given to
presslens, whose name mentions seed the resolver; a link is (actor, body sentence), annotation
sentences found by their "start" words. Run from the repository root:
    PRESSLENS_MODELS=/work/shared/models python train/stance_labels/experiments/coref_links.py
Name mentions are cached in /work/cache/coref/mention_names.json."""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))
from collect import article_text, usable_alias  # noqa: E402
from coref import Options, resolve  # noqa: E402

DATA = Path("/work/shared/data/actor_mentions")
CACHE = Path("/work/cache/coref/mention_names.json")


def norm(s: str) -> str:
    return " ".join(s.replace("\u2019", "'").replace("\u201c", '"').replace("\u201d", '"').split())


def passes() -> dict[str, list[dict]]:
    return {p: [json.loads(l) for l in (DATA / f"dev_{p}.jsonl").read_text().splitlines() if l.strip()] for p in ("pass1", "pass2")}


def name_mentions() -> dict:
    """{pass: {article: {"sentences": [{text, kind}], "names": [[actor, start, end, surface] per sentence]}}}"""
    if CACHE.exists():
        return json.loads(CACHE.read_text())
    import presslens

    pipe = presslens.Pipeline(os.environ["PRESSLENS_MODELS"], threads=1)
    out: dict = {}
    for p, rows in passes().items():
        out[p] = {}
        for r in rows:
            text = article_text(r["article"])
            actors = {a["name"]: [x for x in a["aliases"] if usable_alias(x) and x != a["name"]] for a in r["actors"]}
            an = pipe.analyze(text, actors)
            seg = presslens.segment(text).sentences
            sents = [{"text": s.text, "kind": s.kind, "start": s.start} for s in seg]
            names = [[] for _ in sents]
            for a in an.actors:
                for m in a.mentions:
                    st = m.start - seg[m.sentence_index].start
                    names[m.sentence_index].append([a.name, st, st + len(m.text), m.text])
            out[p][r["article"]] = {"sentences": sents, "names": names}
    CACHE.parent.mkdir(parents=True, exist_ok=True)
    CACHE.write_text(json.dumps(out))
    return out


def align(sents: list[dict], ann: list[dict]) -> list[int | None]:
    """Annotation sentence -> presslens sentence index (greedy, in order), by the start words."""
    out = []
    k = 0
    body = [i for i, s in enumerate(sents) if s["kind"] != "headline"]
    for a in ann:
        start = norm(a["start"])
        hit = None
        for t in range(k, len(body)):
            if norm(sents[body[t]]["text"]).startswith(start) or start.startswith(norm(sents[body[t]]["text"])[: len(start)]) and len(start) > 15 and norm(sents[body[t]]["text"])[:25] == start[:25]:
                hit = body[t]
                k = t + 1
                break
        out.append(hit)
    return out


def prf(pred: set, gold: set) -> tuple[float, float, float, int, int, int]:
    tp = len(pred & gold)
    p = tp / len(pred) if pred else 0.0
    r = tp / len(gold) if gold else 0.0
    return p, r, 2 * p * r / (p + r) if p + r else 0.0, tp, len(pred), len(gold)


def evaluate(opt: Options, verbose: bool = False) -> dict:
    data = name_mentions()
    res = {}
    for p, rows in passes().items():
        gold, names_only, pred, added_gold_types = set(), set(), set(), Counter()
        spk_pred, spk_gold = set(), set()
        by_type_gold, by_type_hit = Counter(), Counter()
        unaligned = 0
        errors = []
        for r in rows:
            d = data[p][r["article"]]
            kinds = {a["name"]: a["kind"] for a in r["actors"]}
            outs = resolve(d["sentences"], [[tuple(x) for x in ns] for ns in d["names"]], kinds, opt)
            idx = align(d["sentences"], r["sentences"])
            unaligned += sum(i is None for i in idx)
            for a, i in zip(r["sentences"], idx):
                if i is None:
                    for ref in a["refs"]:
                        gold.add((r["article"], ref["actor"], ("lost", a["start"])))
                    continue
                types = {}
                for ref in a["refs"]:
                    gold.add((r["article"], ref["actor"], i))
                    types.setdefault(ref["actor"], set()).add(ref["type"])
                for actor, ts in types.items():
                    t = "name" if "name" in ts else "pronoun" if "pronoun" in ts else "description"
                    by_type_gold[t] += 1
                    if (r["article"], actor, i) in {(r["article"], x.actor, i) for x in outs[i].refs}:
                        by_type_hit[t] += 1
                if a.get("speaker"):
                    spk_gold.add((r["article"], i, a["speaker"]))
                if outs[i].speaker:
                    spk_pred.add((r["article"], i, outs[i].speaker))
                for x in outs[i].refs:
                    pred.add((r["article"], x.actor, i))
                    if x.type == "name":
                        names_only.add((r["article"], x.actor, i))
                    elif verbose and (r["article"], x.actor, i) not in gold:
                        errors.append((r["article"], i, x.type, x.expr, x.actor, [g["actor"] + ":" + g["expr"] for g in a["refs"]]))
        added = pred - names_only
        missing_gold = gold - names_only
        res[p] = {
            "names only": prf(names_only, gold),
            "names + coref": prf(pred, gold),
            "coref links": prf(added, missing_gold),
            "speaker": prf(spk_pred, spk_gold),
            "by type recall": {t: (by_type_hit[t], by_type_gold[t]) for t in by_type_gold},
            "unaligned": unaligned,
        }
        if verbose:
            for e in errors:
                print(p, "WRONG", e)
    return res


def table(res: dict, label: str) -> str:
    lines = []
    for p, r in res.items():
        a, b, c, s = r["names only"], r["names + coref"], r["coref links"], r["speaker"]
        bt = r["by type recall"]
        lines.append(
            f"| {label} | {p} | {a[0]:.3f} / {a[1]:.3f} | {b[0]:.3f} / {b[1]:.3f} | {c[0]:.3f} ({c[3]}/{c[4]}) / {c[1]:.3f} ({c[3]}/{c[5]}) | "
            + " ".join(f"{t} {h}/{n}" for t, (h, n) in sorted(bt.items()))
            + f" | {s[0]:.3f} / {s[1]:.3f} |"
        )
    return "\n".join(lines)


HEADER = "| resolver | gold | links P / R, names only | links P / R, names + coref | coref-added links P / R (of the links names miss) | recall of (actor, sentence) links by best ref type | speaker P / R |\n| --- | --- | --- | --- | --- | --- | --- |"

VARIANTS = {
    "default (subject-first, window 2, it as subject, descriptions, I/we in quotes)": Options(),
    "prefer nearest (last) antecedent": Options(prefer="last"),
    "window 1": Options(window=1),
    "window 3": Options(window=3),
    "person window 2": Options(person_window=2),
    "person window 5": Options(person_window=5),
    "speaker not salient": Options(speaker_salient=False),
    "speaker = rule.is_speaker only (+ quote continuation)": Options(speaker="rule"),
    "every it": Options(it_subject_only=False),
    "+ they/their/them -> organisation": Options(plural=True),
    "no descriptions": Options(descriptions=False),
    "no I/we": Options(first_person=False),
    "pronouns only": Options(descriptions=False, first_person=False),
    "descriptions only": Options(pronouns=False, first_person=False),
}

if __name__ == "__main__":
    verbose = "-v" in sys.argv
    print(HEADER)
    for name, opt in VARIANTS.items():
        res = evaluate(opt, verbose=verbose and name.startswith("default"))
        print(table(res, name))
    print("\nunaligned annotation sentences:", {p: r["unaligned"] for p, r in res.items()})
