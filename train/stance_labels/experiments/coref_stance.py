"""Article-level actor stance with the light coreference of coref.py (issue 18 experiment).

The resolver's pronoun / description / quoted-I-we references become extra mentions, scored by the
stance model (target text: the expression as written, the actor's name, or the name substituted for
the expression in the sentence), and join the name mentions in rule.py's sentence evidence; the rule
(neutral prior + thresholds, and the speaker-weight family) is refitted by the same 8-fold CV by
article as fit.py. Run from the repository root:
    PRESSLENS_MODELS=/work/shared/models python train/stance_labels/experiments/coref_stance.py \
        [--cache /work/cache/stance2/presslens_e1b7ec3.json]
Model outputs for the resolved references are cached in /work/cache/coref/ (keyed by the pairs)."""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))
import fit  # noqa: E402
from collect import _key, article_text, cached, load_dev, match_gold  # noqa: E402
from coref import Options, Ref, resolve  # noqa: E402
from rule import Params, is_speaker, label, score  # noqa: E402

CACHE_DIR = Path("/work/cache/coref")
LABELS = fit.LABELS


def segment_all(articles: list[str]) -> list[list[dict]]:
    import presslens

    out = []
    for art in articles:
        out.append([{"text": s.text, "kind": s.kind, "start": s.start} for s in presslens.segment(article_text(art)).sentences])
    return out


def resolve_article(sents, art_actors, kinds, opt):
    names = [[] for _ in sents]
    for a in art_actors:
        for m in a["mentions"]:
            names[m["sentence_index"]].append((a["name"], m["offset_in_sentence"], m["offset_in_sentence"] + len(m["text"]), m["text"]))
    return resolve(sents, names, kinds, opt)


def substitute(sentence: str, r: Ref, name: str) -> str:
    low = r.expr.lower()
    rep = name + "'s" if low in ("its", "his", "her", "their", "my", "our") else name
    return sentence[: r.start] + rep + sentence[r.end :]


def pairs_for(refs_by_item, variant):
    T, S = [], []
    for (sentence, r, name) in refs_by_item:
        if variant == "expr":
            T.append(r.expr)
            S.append(sentence)
        elif variant == "name":
            T.append(name)
            S.append(sentence)
        else:
            T.append(name)
            S.append(substitute(sentence, r, name))
    return T, S


def model_scores(T: list[str], S: list[str]) -> np.ndarray:
    h = hashlib.sha1(json.dumps([T, S]).encode()).hexdigest()[:16]
    path = CACHE_DIR / f"pairs_{h}.npy"
    if path.exists():
        return np.load(path)
    import presslens

    pipe = presslens.Pipeline(os.environ["PRESSLENS_MODELS"], threads=1)
    assert list(pipe.stance_labels) == ["negative", "neutral", "positive"]
    p = pipe.target_sentiment(T, S) if T else np.zeros((0, 3), dtype=np.float32)
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    np.save(path, p)
    return p


def build(data, rows, sents_all, mode, opt, variant, types, kind_source, discovered_kinds, coref_weight=1.0, only_new=False, override=None):
    """Evidence (rule.py format: list of (sentence score, speaker flag) per actor) for the matched
    agreed actors, plus the speaker flags from the resolver (speaker_mode 'resolver')."""
    items = match_gold(rows, data[mode], given=(mode == "given"))
    # resolve every article once
    per_article = {}
    coref_refs = []  # (article idx, actor name, sentence idx, Ref)
    for ai, (row, art, sents) in enumerate(zip(rows, data[mode], sents_all)):
        if mode == "given":
            kinds = {}
            for g in row["actors"]:
                if kind_source == "gold":
                    kinds[g["name"]] = g["kind"]
                else:
                    kinds[g["name"]] = discovered_kinds[ai].get(_key(g["name"])) or next(
                        (discovered_kinds[ai][_key(x)] for x in g["aliases"] if _key(x) in discovered_kinds[ai]), "organization"
                    )
        else:
            kinds = {a["name"]: a["kind"] for a in art["actors"]}
        outs = resolve_article(sents, art["actors"], kinds, opt) if opt is not None else None
        if override is not None and ai in override:
            outs = override[ai]
        per_article[ai] = outs
        if outs is None:
            continue
        for si, o in enumerate(outs):
            for r in o.refs:
                if r.type != "name" and (r.type in types or ("subject" in types and r.type == "pronoun" and r.expr.lower() in ("he", "she", "it"))):
                    coref_refs.append((ai, r.actor, si, r))
    T, S = pairs_for([(sents_all[ai][si]["text"], r, name) for ai, name, si, r in coref_refs], variant)
    P = model_scores(T, S) if coref_refs else np.zeros((0, 3))
    extra: dict = {}
    for (ai, name, si, r), p in zip(coref_refs, P):
        extra.setdefault((ai, name), []).append({"sentence_index": si, "score": float(p[2] - p[0]), "coref": True, "ref": r})
    evidence = {"text": [], "resolver": []}
    n_coref, n_new_sent = 0, 0
    for ai, g, a in items:
        ms = [{"sentence_index": m["sentence_index"], "score": m["score"], "coref": False, "m": m} for m in a["mentions"]]
        ex = extra.get((ai, a["name"]), [])
        name_sents = {m["sentence_index"] for m in ms}
        if only_new:
            ex = [e for e in ex if e["sentence_index"] not in name_sents]
        n_coref += len(ex)
        n_new_sent += len({e["sentence_index"] for e in ex} - name_sents)
        groups: dict = {}
        for m in ms + ex:
            groups.setdefault(m["sentence_index"], []).append(m)
        ev_text, ev_res = [], []
        outs = per_article[ai]
        for si in sorted(groups):
            g_ms = groups[si]
            w = [coref_weight if m["coref"] else 1.0 for m in g_ms]
            s = sum(wi * m["score"] for wi, m in zip(w, g_ms)) / sum(w)
            sp_text = any(
                is_speaker(m["m"]["sentence"], m["m"]["offset_in_sentence"], m["m"]["offset_in_sentence"] + len(m["m"]["text"])) for m in g_ms if not m["coref"]
            )
            sp_res = bool(outs and outs[si].speaker == a["name"])
            ev_text.append((s, sp_text))
            ev_res.append((s, sp_res))
        evidence["text"].append(ev_text)
        evidence["resolver"].append(ev_res)
    gold = [g["stance"] for _, g, _ in items]
    folds = np.array([fit.fold_of(i) for i, _, _ in items])
    return items, gold, folds, evidence, n_coref, n_new_sent


FAMILY_PRIOR = {"dead_zone": [0.0], "prior": fit.GRID["prior"], "speaker_weight": [1.0]}
FAMILY_SPEAKER = {"dead_zone": [0.0], "prior": fit.GRID["prior"], "speaker_weight": fit.GRID["speaker_weight"]}


def cv(evidence, gold, folds, grid, apply=None):
    chosen, labelled = fit.out_of_fold(evidence, gold, folds, grid, [(evidence, folds)] + (apply or []))
    combos, table = fit.score_table(evidence, grid)
    final = fit.best(combos, table, gold, np.arange(len(gold)))
    insample = [label(score(e, final), final) for e in evidence]
    return chosen, labelled, final, insample


def confusion(gold, pred):
    m = np.zeros((3, 3), dtype=int)
    for g, p in zip(gold, pred):
        m[LABELS.index(g), LABELS.index(p)] += 1
    return m


def _diag(data, rows, sents_all, discovered_kinds, opt):
    items = match_gold(rows, data["given"], given=True)
    stats = {}
    for variant in ("name", "expr", "subst"):
        coref_refs = []
        for ai, (row, art, sents) in enumerate(zip(rows, data["given"], sents_all)):
            kinds = {g["name"]: g["kind"] for g in row["actors"]}
            for si, o in enumerate(resolve_article(sents, art["actors"], kinds, opt)):
                for r in o.refs:
                    if r.type != "name":
                        coref_refs.append((ai, r.actor, si, r))
        T, S = pairs_for([(sents_all[ai][si]["text"], r, name) for ai, name, si, r in coref_refs], variant)
        P = model_scores(T, S)
        by = {}
        for (ai, name, si, r), p in zip(coref_refs, P):
            by.setdefault((ai, name), []).append((r.type, float(p[2] - p[0])))
        for ai, g, a in items:
            sign = {"negative": -1, "positive": 1}.get(g["stance"], 0)
            rows_ = ([("name", m["score"])] for m in a["mentions"]) if variant == "name" else []
            for lst in rows_:
                for t, x in lst:
                    stats.setdefault(("name", sign != 0), []).append((x, sign))
            for t, x in by.get((ai, a["name"]), []):
                stats.setdefault((f"{t} (target {variant})", sign != 0), []).append((x, sign))
    for key in sorted({k[0] for k in stats}):
        neu = stats.get((key, False), [])
        pol = stats.get((key, True), [])
        npol = sum(abs(x) > 0.2 for x, _ in neu)
        ppol = [(x, s) for x, s in pol if abs(x) > 0.2]
        agree = sum((x > 0) == (s > 0) for x, s in ppol)
        print(f"| {key} | {len(neu)}, {npol / max(len(neu), 1):.2f} | {len(pol)}, {len(ppol) / max(len(pol), 1):.2f}, {agree}/{len(ppol)} |")


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--cache", type=Path, default=Path("/work/cache/stance2/presslens_e1b7ec3.json"))
    ap.add_argument("--json", type=Path, default=HERE / "coref_results.json")
    args = ap.parse_args(argv)
    data = cached(args.cache)
    rows = load_dev()
    assert data["articles"] == [r["article"] for r in rows]
    sents_all = segment_all(data["articles"])
    for art, sents in zip(data["given"], sents_all):
        assert art["n_sentences"] == len(sents)
    discovered_kinds = [{_key(a["name"]): a["kind"] for a in art["actors"]} for art in data["discovered"]]

    default = Options()
    variants = [
        # name, options, target variant, types, kind source, family, speaker source, coref weight, only_new
        ("names only (shipped rule, refitted)", None, "expr", (), "gold", "prior", "text", 1.0, False),
        ("names only + speaker weight (rule.is_speaker)", None, "expr", (), "gold", "prior+speaker", "text", 1.0, False),
        ("coref, target = expression", default, "expr", ("pronoun", "description", "first"), "gold", "prior", "text", 1.0, False),
        ("coref, target = actor name", default, "name", ("pronoun", "description", "first"), "gold", "prior", "text", 1.0, False),
        ("coref, name substituted in sentence", default, "subst", ("pronoun", "description", "first"), "gold", "prior", "text", 1.0, False),
        ("coref (subst), pronouns only", default, "subst", ("pronoun",), "gold", "prior", "text", 1.0, False),
        ("coref (name), subject he/she/it only", default, "name", ("subject",), "gold", "prior", "text", 1.0, False),
        ("coref (subst), descriptions only", default, "subst", ("description",), "gold", "prior", "text", 1.0, False),
        ("coref (subst), only sentences without a name mention", default, "subst", ("pronoun", "description", "first"), "gold", "prior", "text", 1.0, True),
        ("coref (subst), coref mentions weight 0.5", default, "subst", ("pronoun", "description", "first"), "gold", "prior", "text", 0.5, False),
        ("coref (subst), kinds from discovery (not annotated)", default, "subst", ("pronoun", "description", "first"), "discovered", "prior", "text", 1.0, False),
        ("names only + speaker weight, speaker = resolver (rule.is_speaker on refs + quote continuation)", Options(speaker="rule"), "expr", (), "gold", "prior+speaker", "resolver", 1.0, False),
        ("names only + speaker weight, speaker = resolver (extended)", default, "expr", (), "gold", "prior+speaker", "resolver", 1.0, False),
        ("coref (name), subject he/she/it + speaker weight, speaker = resolver (extended)", default, "name", ("subject",), "gold", "prior+speaker", "resolver", 1.0, False),
        ("coref (subst) + speaker weight, speaker = rule.is_speaker", default, "subst", ("pronoun", "description", "first"), "gold", "prior+speaker", "text", 1.0, False),
        ("coref (subst) + speaker weight, speaker = resolver", default, "subst", ("pronoun", "description", "first"), "gold", "prior+speaker", "resolver", 1.0, False),
        ("coref (expr) + speaker weight, speaker = resolver", default, "expr", ("pronoun", "description", "first"), "gold", "prior+speaker", "resolver", 1.0, False),
        ("coref (name) + speaker weight, speaker = resolver", default, "name", ("pronoun", "description", "first"), "gold", "prior+speaker", "resolver", 1.0, False),
    ]
    report = {}
    print("| variant | n | coref mentions | new sentences | CV acc | CV macro-F1 | recall neg / neu / pos | CV acc (discovery) | CV macro-F1 (discovery) | in-sample acc / macro-F1 | params fitted on all |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | --- | --- |")
    confusions = {}
    flips = {}
    base_oof = None
    for name, opt, variant, types, ksrc, fam, spk, cw, only_new in variants:
        items, gold, folds, ev, n_coref, n_new = build(data, rows, sents_all, "given", opt, variant, types, ksrc, discovered_kinds, cw, only_new)
        d_items, d_gold, d_folds, d_ev, _, _ = build(data, rows, sents_all, "discovered", opt, variant, types, ksrc, discovered_kinds, cw, only_new)
        grid = FAMILY_PRIOR if fam == "prior" else FAMILY_SPEAKER
        chosen, (oof, d_oof), final, ins = cv(ev[spk], gold, folds, grid, [(d_ev[spk], d_folds)])
        m = fit.metrics(gold, oof)
        dm = fit.metrics(d_gold, d_oof)
        im = fit.metrics(gold, ins)
        rec = " / ".join(
            f"{sum(g == p == lab for g, p in zip(gold, oof))}/{gold.count(lab)}" for lab in LABELS
        )
        fp = final
        params = f"prior {fp.prior:g}, pos > {fp.positive_above:g}, neg < -{fp.negative_below:g}" + (f", speaker w {fp.speaker_weight:g}" if fam != "prior" else "")
        print(
            f"| {name} | {len(gold)} | {n_coref} | {n_new} | {m['accuracy']:.3f} | {m['macro_f1']:.3f} | {rec} | {dm['accuracy']:.3f} | {dm['macro_f1']:.3f} | {im['accuracy']:.3f} / {im['macro_f1']:.3f} | {params} |"
        )
        confusions[name] = confusion(gold, oof)
        if base_oof is None:
            base_oof = oof
        won = sum(p == g != b for g, p, b in zip(gold, oof, base_oof))
        lost = sum(b == g != p for g, p, b in zip(gold, oof, base_oof))
        flips[name] = (won, lost)
        report[name] = {
            "n": len(gold),
            "coref_mentions": n_coref,
            "new_sentences": n_new,
            "oof": {"accuracy": m["accuracy"], "macro_f1": m["macro_f1"], "per_label": m["per_label"]},
            "oof_discovery": {"accuracy": dm["accuracy"], "macro_f1": dm["macro_f1"]},
            "in_sample": {"accuracy": im["accuracy"], "macro_f1": im["macro_f1"]},
            "final_params": final.as_dict(),
            "fold_params": [c.as_dict() for c in chosen],
            "confusion_oof": confusions[name].tolist(),
            "paired_vs_names_only": {"won": flips[name][0], "lost": flips[name][1]},
        }
    print("\nOut-of-fold confusion matrices (rows gold negative/neutral/positive, columns predicted):\n")
    for name, c in confusions.items():
        print(f"- {name}: " + "; ".join(f"{LABELS[i][:3]} [{' '.join(str(x) for x in c[i])}]" for i in range(3)))
    print("\nPaired with names only (out of fold): actors the variant gets right that names-only gets wrong / the reverse:\n")
    for name, (w, l) in flips.items():
        print(f"- {name}: +{w} / -{l}")
    print("\nMention-level check (given mode, resolver default; name = the pipeline's name mentions): share of mentions with |score| > 0.2, and")
    print("among those, share whose sign agrees with a polar gold actor's label:\n")
    print("| mentions | of neutral actors: n, polar share | of polar actors: n, polar share, sign agrees |\n| --- | --- | --- |")
    _diag(data, rows, sents_all, discovered_kinds, default)
    args.json.write_text(json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
