"""Would PERFECT coreference help? On the 12 actor-stance dev articles that actor_mentions annotates,
replace the resolver's references by the annotated pronoun/description references (those both
passes mark, same actor and expression) and the annotated speakers, then refit and cross-validate the
rule exactly as coref_stance.py does (8 folds by article over all 108 agreed actors; the other 20
articles keep names only or the resolver). Reported on all actors and on the 12 articles' actors.
    PRESSLENS_MODELS=/work/shared/models python train/stance_labels/experiments/coref_oracle.py"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))
import fit  # noqa: E402
from collect import _key, cached, load_dev  # noqa: E402
from coref import Options, Ref, SentenceOut  # noqa: E402
from coref_links import align, passes  # noqa: E402
from coref_stance import FAMILY_PRIOR, FAMILY_SPEAKER, LABELS, build, cv, segment_all  # noqa: E402


def oracle_outs(rows, sents_all):
    ps = passes()
    p1 = {r["article"]: r for r in ps["pass1"]}
    p2 = {r["article"]: r for r in ps["pass2"]}
    arts = [r["article"] for r in rows]
    out = {}
    unmapped = set()
    for art in p1:
        ai = arts.index(art)
        dev_actors = rows[ai]["actors"]
        keys = {}
        for a in dev_actors:
            for x in [a["name"]] + a["aliases"]:
                keys.setdefault(_key(x), a["name"])

        def map_actor(name, ann_actors):
            if _key(name) in keys:
                return keys[_key(name)]
            for a in ann_actors:
                if a["name"] == name:
                    for x in a["aliases"]:
                        if _key(x) in keys and x[:1].isupper() and x.lower() not in ("it", "its", "he", "she", "the government", "the company"):
                            return keys[_key(x)]
            # "finance ministry" -> "Cameroon finance ministry", "Ambuja Cement India Ltd" -> "Ambuja Cement India"
            near = {v for k, v in keys.items() if len(k) > 3 and (k in _key(name) or _key(name) in k)}
            if len(near) == 1:
                return near.pop()
            unmapped.add((art, name))
            return None

        sents = sents_all[ai]
        i1 = align(sents, p1[art]["sentences"])
        i2 = align(sents, p2[art]["sentences"])
        refs1, refs2, spk = {}, {}, {}
        for idx, ann, store in ((i1, p1[art], refs1), (i2, p2[art], refs2)):
            for a, i in zip(ann["sentences"], idx):
                if i is None:
                    continue
                for r in a["refs"]:
                    if r["type"] != "name":
                        m = map_actor(r["actor"], ann["actors"])
                        if m:
                            store.setdefault(i, []).append((m, r["expr"], r["type"]))
                if a.get("speaker"):
                    m = map_actor(a["speaker"], ann["actors"])
                    if m:
                        spk.setdefault(i, []).append(m)
        outs = [SentenceOut() for _ in sents]
        for i in range(len(sents)):
            both = list(refs1.get(i, []))
            other = list(refs2.get(i, []))
            used = []
            text = sents[i]["text"]
            for ref in both:
                if ref in other:
                    other.remove(ref)
                    actor, expr, typ = ref
                    pos = -1
                    start = 0
                    while True:
                        pos = text.find(expr, start)
                        if pos < 0 or all(pos >= e or pos + len(expr) <= s for s, e in used):
                            break
                        start = pos + 1
                    if pos < 0:
                        pos = text.lower().find(expr.lower())
                    if pos < 0:
                        continue
                    used.append((pos, pos + len(expr)))
                    outs[i].refs.append(Ref(actor, expr, typ, pos, pos + len(expr)))
            sp = spk.get(i, [])
            outs[i].speaker = sp[0] if sp else None
        out[ai] = outs
    return out, unmapped


def main():
    data = cached(Path("/work/cache/stance2/presslens_e1b7ec3.json"))
    rows = load_dev()
    sents_all = segment_all(data["articles"])
    dk = [{_key(a["name"]): a["kind"] for a in art["actors"]} for art in data["discovered"]]
    oracle, unmapped = oracle_outs(rows, sents_all)
    print("oracle articles:", len(oracle), "oracle refs:", sum(len(o.refs) for outs in oracle.values() for o in outs), "unmapped annotation actors:", len(unmapped))
    types = ("pronoun", "description", "first")
    runs = [
        ("names only", None, None, "expr", "prior", "text"),
        ("resolver everywhere (subst)", Options(), None, "subst", "prior", "text"),
        ("resolver everywhere (name)", Options(), None, "name", "prior", "text"),
        ("oracle refs on the 12, names elsewhere (subst)", None, oracle, "subst", "prior", "text"),
        ("oracle refs on the 12, names elsewhere (name)", None, oracle, "name", "prior", "text"),
        ("oracle refs on the 12, names elsewhere (expr)", None, oracle, "expr", "prior", "text"),
        ("oracle refs + oracle speaker weight on the 12 (name)", None, oracle, "name", "prior+speaker", "resolver"),
        ("names only + oracle speaker weight on the 12", None, {ai: [SentenceOut(refs=[], speaker=o.speaker) for o in outs] for ai, outs in oracle.items()}, "name", "prior+speaker", "resolver"),
    ]
    print("| run | coref mentions | CV acc (all 108) | CV macro-F1 (all) | recall neg / neu / pos (all) | CV acc (the 12 articles) | CV macro-F1 (12) | params fitted on all |")
    print("| --- | ---: | ---: | ---: | --- | ---: | ---: | --- |")
    for name, opt, override, variant, fam, spk in runs:
        items, gold, folds, ev, n_coref, _ = build(data, rows, sents_all, "given", opt, variant, types, "gold", dk, override=override)
        grid = FAMILY_PRIOR if fam == "prior" else FAMILY_SPEAKER
        _, (oof,), final, _ = cv(ev[spk], gold, folds, grid)
        m = fit.metrics(gold, oof)
        sub = [k for k, (ai, _, _) in enumerate(items) if ai in oracle]
        ms = fit.metrics([gold[k] for k in sub], [oof[k] for k in sub])
        rec = " / ".join(f"{sum(g == p == lab for g, p in zip(gold, oof))}/{gold.count(lab)}" for lab in LABELS)
        params = f"prior {final.prior:g}, pos > {final.positive_above:g}, neg < -{final.negative_below:g}" + (f", speaker w {final.speaker_weight:g}" if fam != "prior" else "")
        print(f"| {name} | {n_coref} | {m['accuracy']:.3f} | {m['macro_f1']:.3f} | {rec} | {ms['accuracy']:.3f} (n={len(sub)}) | {ms['macro_f1']:.3f} | {params} |")


if __name__ == "__main__":
    main()
