"""Train the presslens NER head on CoNLL-2003 train, choose the epoch and the transition weight on
dev, write the artifact (src/data/ner/ner_head.safetensors + SHA256SUMS) and the Python/Rust
parity fixture (tests/fixtures/ner_parity.*).

    python train/ner/train.py                 # the real run (numpy + onnxruntime + tokenizers)
    python train/ner/train.py --smoke         # seconds, a few sentences, writes to a temp dir

Features, per pre-tokenizer word of the sentence (see nerlib.py): mean of the word's minilm
`last_hidden_state` pieces (384) + 13 casing/shape flags of the original text. Head: per-word
projection (ReLU), a +-window concat of projections, one hidden ReLU layer, 9 BIO logits; decoded by
Viterbi with BIO constraints and transition scores counted on train.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import embed_cache
import nerlib

ROOT = Path(__file__).resolve().parents[2]


def log(msg):
    print(msg, flush=True)


# ---------------------------------------------------------------- data


class Split:
    """Word-level arrays of one split."""

    def __init__(self, name, sents, states, rows, tokenizer, gaz):
        self.name = name
        self.sents = sents
        texts = [nerlib.rebuild(t)[0] for t, _, _ in sents]
        encs = tokenizer.encode_batch(texts)
        xs, ys, sid, self.words, self.gold = [], [], [], [], []
        for i, ((toks, tags, _), text, enc) in enumerate(zip(sents, texts, encs)):
            _, spans = nerlib.rebuild(toks)
            words = nerlib.words_of(enc.offsets, enc.word_ids)
            st = states[rows[i] : rows[i + 1]]
            assert st.shape[0] == len(enc.ids), (i, st.shape, len(enc.ids))
            x = np.concatenate([nerlib.word_states(st, words), nerlib.shape_features(text, words, *gaz)], axis=1)
            xs.append(x)
            ys.append(nerlib.word_labels(words, spans, tags))
            sid.append(np.full(len(words), i))
            self.words.append(words)
            self.gold.append(nerlib.token_entities(tags, spans))
        self.x = np.concatenate(xs).astype(np.float32)
        self.y = np.concatenate(ys)
        self.sid = np.concatenate(sid)
        self.starts = np.zeros(len(sents) + 1, dtype=np.int64)
        self.starts[1:] = np.cumsum([len(w) for w in self.words])


def neighbours(sid, idx, window):
    """[len(idx), 2w+1] word indices of the window around each word, -1 outside its sentence."""
    n = len(sid)
    out = np.empty((len(idx), 2 * window + 1), dtype=np.int64)
    for k, off in enumerate(range(-window, window + 1)):
        j = idx + off
        ok = (j >= 0) & (j < n)
        jj = np.clip(j, 0, n - 1)
        ok &= sid[jj] == sid[idx]
        out[:, k] = np.where(ok, j, -1)
    return out


# ---------------------------------------------------------------- model


def init_params(rng, d_in, proj, hidden, window, n_tags, mean, std):
    def glorot(a, b):
        return (rng.standard_normal((a, b)) * np.sqrt(2.0 / a)).astype(np.float32)

    return {
        "in_mean": mean.astype(np.float32),
        "in_std": std.astype(np.float32),
        "w1": glorot(d_in, proj),
        "b1": np.zeros(proj, np.float32),
        "w2": glorot(proj * (2 * window + 1), hidden),
        "b2": np.zeros(hidden, np.float32),
        "w3": glorot(hidden, n_tags) * 0.5,
        "b3": np.zeros(n_tags, np.float32),
    }


TRAINED = ["w1", "b1", "w2", "b2", "w3", "b3"]


def forward_backward(params, X, idx, sid, y, rng, drop_in, drop_hid, window):
    """Cross-entropy loss and gradients for a batch of whole sentences (idx: their word indices,
    sentence by sentence). Each word is projected once; the window concat then gathers the
    projections of its neighbours in the same sentence (zero rows outside it)."""
    B = len(idx)
    nb = neighbours_local(sid[idx], window)  # [B, K] local indices or -1
    K = nb.shape[1]
    xn = (X[idx] - params["in_mean"]) / params["in_std"]
    if drop_in:
        xn = xn * ((rng.random(xn.shape) > drop_in).astype(np.float32) / (1 - drop_in))
    a1 = xn @ params["w1"] + params["b1"]
    p = np.maximum(a1, 0)
    ppad = np.vstack([p, np.zeros((1, p.shape[1]), np.float32)])
    z = ppad[np.where(nb >= 0, nb, B)].reshape(B, -1)  # [B, K*proj]
    if drop_hid:
        kz = (rng.random(z.shape) > drop_hid).astype(np.float32) / (1 - drop_hid)
        z = z * kz
    a2 = z @ params["w2"] + params["b2"]
    h = np.maximum(a2, 0)
    if drop_hid:
        kh = (rng.random(h.shape) > drop_hid).astype(np.float32) / (1 - drop_hid)
        h = h * kh
    logits = h @ params["w3"] + params["b3"]
    lp = nerlib.log_softmax(logits)
    loss = -lp[np.arange(B), y].mean()
    d = np.exp(lp)
    d[np.arange(B), y] -= 1
    d /= B
    g = {"w3": h.T @ d, "b3": d.sum(0)}
    dh = d @ params["w3"].T
    if drop_hid:
        dh *= kh
    dh *= a2 > 0
    g["w2"] = z.T @ dh
    g["b2"] = dh.sum(0)
    dz = dh @ params["w2"].T
    if drop_hid:
        dz *= kz
    dz = dz.reshape(B, K, -1)
    dp = np.zeros_like(p)
    for k in range(K):
        ok = nb[:, k] >= 0
        dp[nb[ok, k]] += dz[ok, k]  # a word is the k-th neighbour of at most one word
    dp *= a1 > 0
    g["w1"] = xn.T @ dp
    g["b1"] = dp.sum(0)
    return loss, g


def neighbours_local(sid, window):
    """[n, 2w+1] indices into the batch of each word's window, -1 outside its sentence."""
    n = len(sid)
    ar = np.arange(n)
    out = np.empty((n, 2 * window + 1), dtype=np.int64)
    for k, off in enumerate(range(-window, window + 1)):
        j = ar + off
        jj = np.clip(j, 0, n - 1)
        out[:, k] = np.where((j >= 0) & (j < n) & (sid[jj] == sid), j, -1)
    return out


def logits_all(params, split, window, chunk=8192):
    out = np.empty((len(split.y), params["b3"].shape[0]), np.float32)
    for a in range(0, len(split.y), chunk):
        idx = np.arange(a, min(a + chunk, len(split.y)))
        nb = neighbours(split.sid, idx, window)
        B, _ = nb.shape
        mask = (nb >= 0).astype(np.float32)
        xn = (split.x[np.where(nb >= 0, nb, 0).reshape(-1)] - params["in_mean"]) / params["in_std"]
        p = np.maximum(xn @ params["w1"] + params["b1"], 0) * mask.reshape(-1, 1)
        h = np.maximum(p.reshape(B, -1) @ params["w2"] + params["b2"], 0)
        out[idx] = h @ params["w3"] + params["b3"]
    return out


def transition_scores(y, sid, weight):
    """Transition and start scores: weight * log P(tag | previous tag) counted on train words
    (add-one smoothing), with BIO-forbidden moves at -1e9."""
    T = len(nerlib.TAGS)
    allowed, start_ok = nerlib.allowed_transitions()
    c = np.ones((T, T))
    same = sid[1:] == sid[:-1]
    np.add.at(c, (y[:-1][same], y[1:][same]), 1)
    s = np.ones(T)
    first = np.r_[True, ~same]
    np.add.at(s, y[first], 1)
    trans = weight * np.log(c / c.sum(1, keepdims=True))
    start = weight * np.log(s / s.sum())
    trans = np.where(allowed, trans, -1e9).astype(np.float32)
    start = np.where(start_ok, start, -1e9).astype(np.float32)
    return trans, start


def score_entities(gold, pred, types=("PER", "ORG", "LOC", "MISC")):
    """Exact span+type P/R/F1 per type and overall (over the given types)."""
    res = {}
    for t in list(types) + ["ALL"]:
        tp = fp = fn = 0
        for g, p in zip(gold, pred):
            gs = {(s, e, k) for s, e, k in g if (k == t if t != "ALL" else k in types)}
            ps = {(s, e, k) for s, e, k in p if (k == t if t != "ALL" else k in types)}
            tp += len(gs & ps)
            fp += len(ps - gs)
            fn += len(gs - ps)
        pr = tp / (tp + fp) if tp + fp else 0.0
        rc = tp / (tp + fn) if tp + fn else 0.0
        res[t] = {"p": pr, "r": rc, "f1": 2 * pr * rc / (pr + rc) if pr + rc else 0.0, "n": tp + fn}
    return res


def decode_split(logits, split, trans, start):
    lp = nerlib.log_softmax(logits)
    preds = []
    for i in range(len(split.words)):
        a, b = split.starts[i], split.starts[i + 1]
        path = nerlib.viterbi(lp[a:b], trans, start)
        preds.append([(s, e, k) for s, e, k, _ in nerlib.spans_from_tags(path, split.words[i])])
    return preds


# ---------------------------------------------------------------- main


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument(
        "--data",
        default=next((str(p) for p in (ROOT / "../shared/data/conll2003", ROOT / "../../shared/data/conll2003") if p.exists()), "../shared/data/conll2003"),
    )
    ap.add_argument("--models", default=os.environ.get("PRESSLENS_MODELS", "/work/shared/models"))
    ap.add_argument("--cache", default="/work/cache/ner")
    ap.add_argument("--out", default=str(ROOT / "src/data/ner"))
    ap.add_argument("--fixture", default=str(ROOT / "tests/fixtures"))
    ap.add_argument("--epochs", type=int, default=14)
    ap.add_argument("--proj", type=int, default=256)
    ap.add_argument("--hidden", type=int, default=256)
    ap.add_argument("--window", type=int, default=2)
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--drop-in", type=float, default=0.1)
    ap.add_argument("--drop-hid", type=float, default=0.3)
    ap.add_argument("--seed", type=int, default=17)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--smoke", action="store_true", help="a few sentences, 2 epochs, temp output")
    args = ap.parse_args()
    t_start = time.time()

    tok = nerlib.load_tokenizer(args.models)
    gaz = nerlib.gazetteer_words(ROOT / "src/data/gazetteer.tsv", tok)
    data = Path(args.data)
    train_s = nerlib.read_conll(data / "train.txt")
    dev_s = nerlib.read_conll(data / "dev.txt")
    if args.smoke:
        tmp = Path(tempfile.mkdtemp(prefix="ner-smoke-"))
        train_s, dev_s = train_s[:48], dev_s[:24]
        args.epochs, args.cache, args.out, args.fixture = 2, str(tmp / "cache"), str(tmp / "out"), str(tmp / "fixture")
        args.proj = args.hidden = 32
    splits = {}
    for name, s in (("train", train_s), ("dev", dev_s)):
        texts = [nerlib.rebuild(t)[0] for t, _, _ in s]
        states, rows = embed_cache.cached_states(name, texts, args.cache, args.models, tok, args.threads, log)
        t0 = time.time()
        splits[name] = Split(name, s, states, rows, tok, gaz)
        log(f"{name}: {len(s)} sentences, {len(splits[name].y)} words, features in {time.time() - t0:.0f}s")
    tr, dv = splits["train"], splits["dev"]
    t_train0 = time.time()

    rng = np.random.default_rng(args.seed)
    mean = tr.x.mean(0)
    std = tr.x.std(0) + 1e-3
    params = init_params(rng, tr.x.shape[1], args.proj, args.hidden, args.window, len(nerlib.TAGS), mean, std)
    m = {k: np.zeros_like(params[k]) for k in TRAINED}
    v = {k: np.zeros_like(params[k]) for k in TRAINED}
    step = 0
    b1, b2, eps = 0.9, 0.999, 1e-8
    trans1, start1 = transition_scores(tr.y, tr.sid, 1.0)
    best = (-1.0, None, None)
    history = []
    for epoch in range(1, args.epochs + 1):
        t0 = time.time()
        lr = args.lr * (0.85 ** (epoch - 1))
        order = rng.permutation(len(tr.words))
        losses = []
        batches, cur, size = [], [], 0
        for si in order:  # batches of whole sentences, about args.batch words each
            cur.append(np.arange(tr.starts[si], tr.starts[si + 1]))
            size += len(cur[-1])
            if size >= args.batch:
                batches.append(np.concatenate(cur))
                cur, size = [], 0
        if cur:
            batches.append(np.concatenate(cur))
        for idx in batches:
            loss, g = forward_backward(params, tr.x, idx, tr.sid, tr.y[idx], rng, args.drop_in, args.drop_hid, args.window)
            losses.append(loss)
            step += 1
            for k in TRAINED:
                m[k] = b1 * m[k] + (1 - b1) * g[k]
                v[k] = b2 * v[k] + (1 - b2) * g[k] * g[k]
                mh = m[k] / (1 - b1**step)
                vh = v[k] / (1 - b2**step)
                params[k] -= (lr * mh / (np.sqrt(vh) + eps)).astype(np.float32)
        lg = logits_all(params, dv, args.window)
        f1 = score_entities(dv.gold, decode_split(lg, dv, trans1, start1))["ALL"]["f1"]
        history.append({"epoch": epoch, "loss": float(np.mean(losses)), "dev_f1": f1})
        log(f"epoch {epoch}: loss {np.mean(losses):.4f}  dev entity F1 {f1:.4f}  ({time.time() - t0:.0f}s)")
        if f1 > best[0]:
            best = (f1, epoch, {k: a.copy() for k, a in params.items()})
        elif epoch - best[1] >= 3:
            log("no dev gain in 3 epochs: stop")
            break
    params = best[2]
    lg = logits_all(params, dv, args.window)
    choice = None
    for w in (0.0, 0.5, 1.0, 1.5):
        tr_w, st_w = transition_scores(tr.y, tr.sid, w)
        res = score_entities(dv.gold, decode_split(lg, dv, tr_w, st_w))
        log(f"transition weight {w}: dev F1 {res['ALL']['f1']:.4f}")
        if choice is None or res["ALL"]["f1"] > choice[0]:
            choice = (res["ALL"]["f1"], w, tr_w, st_w, res)
    _, weight, params["trans"], params["start"], res = choice
    train_seconds = time.time() - t_train0
    log(f"chosen: epoch {best[1]}, transition weight {weight}; training {train_seconds:.0f}s")
    log("dev (words of the rebuilt CoNLL sentences, exact char span + type):")
    for t in ["PER", "ORG", "LOC", "MISC", "ALL"]:
        r = res[t]
        log(f"  {t:5s} P {r['p']:.4f} R {r['r']:.4f} F1 {r['f1']:.4f} (gold {r['n']})")

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    meta = {
        "format": "presslens-ner-head/1",
        "encoder": "minilm-l6-v2 last_hidden_state",
        "tags": json.dumps(nerlib.TAGS),
        "shape_features": json.dumps(nerlib.SHAPE_NAMES),
        "window": args.window,
        "max_pieces": nerlib.MAX_PIECES,
        "gaz_country": json.dumps(gaz[0], ensure_ascii=False),
        "gaz_org": json.dumps(gaz[1], ensure_ascii=False),
        "epoch": best[1],
        "transition_weight": weight,
        "dev_scores": json.dumps({t: {k: round(v, 4) for k, v in r.items()} for t, r in res.items()}),
    }
    path = out / "ner_head.safetensors"
    nerlib.save_safetensors(path, params, meta)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    (out / "SHA256SUMS").write_text(f"{digest}  ner_head.safetensors\n")
    log(f"wrote {path} ({path.stat().st_size} bytes, sha256 {digest})")
    (out / "train_log.json").write_text(
        json.dumps(
            {
                "args": vars(args),
                "history": history,
                "chosen_epoch": best[1],
                "transition_weight": weight,
                "train_seconds": round(train_seconds, 1),
                "total_seconds": round(time.time() - t_start, 1),
                "dev": res,
            },
            indent=1,
        )
        + "\n"
    )
    import parity_fixture

    parity_fixture.write(path, args.models, Path(args.fixture), dev_s[:8] if not args.smoke else dev_s[:3], log)
    log(f"total {time.time() - t_start:.0f}s")


if __name__ == "__main__":
    main()
