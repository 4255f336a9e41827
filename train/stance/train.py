"""Train the stance head on the embedding model's token states (issue 26).

    pip install -r train/stance/requirements.txt
    PRESSLENS_MODELS=../shared/models .venv/bin/python train/stance/teacher_labels.py   # soft labels (presslens build)
    PRESSLENS_MODELS=../shared/models python train/stance/train.py --distill /work/cache/stance_head/teacher.jsonl
    python train/stance/train.py --smoke                                      # seconds: a few items, temp dir

Data: NewsMTSC train (political news) and news_stance train (Reuters world/business/sport and BBC
business/tech, business valence read as the guide says), plus (``--distill``) the soft labels of the
cross-encoder the head replaces over the mentions presslens discovers in BBC and CoNLL text outside the
annotated sets (``teacher_labels.py``; items whose sentence is in a dev split are left out); the epoch is
chosen on the dev splits only
(NewsMTSC dev_mt and dev_rw, news_stance dev) by the mean of their macro-F1. Writes
`src/data/stance/stance_head.safetensors`, `SHA256SUMS`, `train_log.json` and the parity fixture
`tests/fixtures/stance_parity.{json,safetensors}`.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "train" / "ner"))
import embed_cache  # noqa: E402
import stancelib  # noqa: E402
from stancelib import nerlib  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
SPLITS = {
    "mtsc_train": "newsmtsc/train.jsonl",
    "mtsc_dev_mt": "newsmtsc/dev_mt.jsonl",
    "mtsc_dev_rw": "newsmtsc/dev_rw.jsonl",
    "ns_train": "news_stance/train.jsonl",
    "ns_dev": "news_stance/dev.jsonl",
}
DEV = ["ns_dev", "mtsc_dev_mt", "mtsc_dev_rw"]


def log(msg):
    print(time.strftime("%H:%M:%S"), msg, flush=True)


def macro_f1(gold, pred, k=3):
    f1s = []
    for c in range(k):
        tp = sum(1 for g, p in zip(gold, pred) if g == c and p == c)
        fp = sum(1 for g, p in zip(gold, pred) if g != c and p == c)
        fn = sum(1 for g, p in zip(gold, pred) if g == c and p != c)
        f1s.append(0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn))
    return float(np.mean(f1s))


class Examples:
    """One split: per item its sentence's states (float16 rows of the cache), target rows, and the
    label (0..2) or, for teacher items, the teacher's probabilities."""

    def __init__(self, name, items, states, rows, tokenizer, smoothing=0.0):
        self.name = name
        sentences = sorted({it[0] for it in items})
        index = {s: i for i, s in enumerate(sentences)}
        encs = tokenizer.encode_batch(sentences)
        self.states, self.rows = states, rows
        self.sentence_of, self.targets, self.labels, self.soft, self.lengths = [], [], [], [], []
        self.skipped = 0
        for sentence, start, end, label, _ in items:
            i = index[sentence]
            target = stancelib.target_rows(encs[i].offsets, start, end)
            if not target:  # beyond the 256 pieces the encoder reads: not trainable on these states
                self.skipped += 1
                continue
            self.sentence_of.append(i)
            self.targets.append(target)
            if isinstance(label, int):
                soft = np.full(3, smoothing / 3, dtype=np.float32)
                soft[label] += 1.0 - smoothing
            else:
                soft = np.asarray(label, dtype=np.float32)
            self.labels.append(int(np.argmax(soft)))
            self.soft.append(soft)
            self.lengths.append(int(rows[i + 1] - rows[i]))
        self.sentences = sentences

    def __len__(self):
        return len(self.labels)

    def batch(self, idx):
        import torch

        T = max(self.lengths[j] for j in idx)
        B = len(idx)
        x = np.zeros((B, T, nerlib.HIDDEN), dtype=np.float32)
        target = np.zeros((B, T), dtype=np.float32)
        dist = np.zeros((B, T), dtype=np.int64)
        pad = np.ones((B, T), dtype=bool)
        for r, j in enumerate(idx):
            i, n = self.sentence_of[j], self.lengths[j]
            x[r, :n] = self.states[self.rows[i] : self.rows[i + 1]]
            target[r, self.targets[j]] = 1.0
            dist[r, :n] = stancelib.distance_buckets(n, self.targets[j])
            pad[r, :n] = False
        y = torch.from_numpy(np.stack([self.soft[j] for j in idx]))
        return torch.from_numpy(x), torch.from_numpy(target), torch.from_numpy(dist), torch.from_numpy(pad), y


def batches(ex, size, rng, shuffle):
    order = sorted(range(len(ex)), key=lambda j: (ex.lengths[j], rng.random() if shuffle else j))
    chunks = [order[i : i + size] for i in range(0, len(order), size)]
    if shuffle:
        rng.shuffle(chunks)
    return chunks


def evaluate(head, ex):
    import torch

    head.eval()
    probs = np.zeros((len(ex), 3), dtype=np.float32)
    with torch.no_grad():
        for idx in batches(ex, 64, random.Random(0), False):
            x, t, d, p, _ = ex.batch(idx)
            probs[idx] = head(x, t, d, p).softmax(-1).numpy()
    pred = probs.argmax(1).tolist()
    acc = float(np.mean([a == b for a, b in zip(pred, ex.labels)]))
    return {"macro_f1": round(macro_f1(ex.labels, pred), 4), "accuracy": round(acc, 4)}, probs


def sha256(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def write_fixture(head, ex, out_dir):
    """A few dev items' states, target rows and the head's probabilities (PyTorch and the numpy
    reference), for the Rust parity test."""
    tensors = stancelib.export_tensors(head)
    picks = list(range(0, len(ex), max(1, len(ex) // 6)))[:6]
    items, arrays = [], {}
    for n, j in enumerate(picks):
        i = ex.sentence_of[j]
        states = np.asarray(ex.states[ex.rows[i] : ex.rows[i + 1]], dtype=np.float32)
        probs = stancelib.numpy_forward(tensors, head.config, states, [ex.targets[j]])[0]
        arrays[f"states_{n}"] = states
        items.append({"sentence": ex.sentences[i], "target_rows": ex.targets[j], "probabilities": probs.tolist()})
    out_dir.mkdir(parents=True, exist_ok=True)
    nerlib.save_safetensors(out_dir / "stance_parity.safetensors", arrays, {"format": "presslens-stance-parity/1"})
    (out_dir / "stance_parity.json").write_text(json.dumps({"items": items}, indent=1) + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--models", default=os.environ.get("PRESSLENS_MODELS", str(ROOT.parent / "shared" / "models")))
    ap.add_argument("--cache", default="/work/cache/stance_head")
    ap.add_argument("--out", default=str(ROOT / "src" / "data" / "stance"))
    ap.add_argument("--fixture", default=str(ROOT / "tests" / "fixtures"))
    ap.add_argument("--epochs", type=int, default=14)
    ap.add_argument("--lr", type=float, default=4e-4)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--d", type=int, default=256)
    ap.add_argument("--layers", type=int, default=2)
    ap.add_argument("--dropout", type=float, default=0.1)
    ap.add_argument("--smoothing", type=float, default=0.1)
    ap.add_argument("--seed", type=int, default=17)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--distill", type=Path, default=None, help="teacher soft labels (teacher_labels.py output)")
    ap.add_argument("--smoke", action="store_true", help="a few items, two epochs, temp dirs: checks the recipe runs")
    args = ap.parse_args()

    import torch

    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    rng = random.Random(args.seed)
    if args.smoke:
        tmp = Path(tempfile.mkdtemp(prefix="stance-smoke-"))
        args.epochs, args.cache, args.out, args.fixture = 2, str(tmp / "cache"), str(tmp / "out"), str(tmp / "fixture")

    tok = nerlib.load_tokenizer(args.models)
    data = {}
    for name, rel in SPLITS.items():
        items = stancelib.read_items(DATA / rel)
        if args.smoke:
            items = items[:40]
        sentences = sorted({it[0] for it in items})
        states, rows = embed_cache.cached_states(name, sentences, args.cache, args.models, tok, args.threads, log)
        data[name] = Examples(name, items, states, rows, tok, smoothing=args.smoothing)
        log(f"{name}: {len(data[name])} items ({data[name].skipped} with the target past {nerlib.MAX_PIECES} pieces left out)")

    train_sets = [data["mtsc_train"], data["ns_train"]]
    if args.distill:
        dev_sentences = {s for name in DEV for s in data[name].sentences}
        items = []
        for line in args.distill.read_text(encoding="utf-8").splitlines():
            r = json.loads(line)
            if r["sentence"] not in dev_sentences:
                items.append((r["sentence"], r["from"], r["to"], r["probabilities"], r["source"]))
        if args.smoke:
            items = items[:40]
        sentences = sorted({it[0] for it in items})
        states, rows = embed_cache.cached_states("teacher", sentences, args.cache, args.models, tok, args.threads, log)
        data["teacher"] = Examples("teacher", items, states, rows, tok)
        train_sets.append(data["teacher"])
        log(f"teacher: {len(data['teacher'])} items")
    head = stancelib.build_torch_head(d=args.d, layers=args.layers, ffn=2 * args.d, dropout=args.dropout)
    n_params = sum(p.numel() for p in head.parameters())
    log(f"head: {n_params:,} parameters")
    steps_per_epoch = sum((len(e) + args.batch - 1) // args.batch for e in train_sets)
    total = steps_per_epoch * args.epochs
    opt = torch.optim.AdamW(head.parameters(), lr=args.lr, weight_decay=0.01)
    warm = max(1, steps_per_epoch // 2)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / warm) * max(0.0, (total - s) / max(1, total - warm)))

    def loss_fn(logits, target):  # cross-entropy against (smoothed) gold or teacher distributions
        return -(target * torch.log_softmax(logits, -1)).sum(-1).mean()

    history, best = [], (-1.0, None, None)
    t_start = time.time()
    for epoch in range(1, args.epochs + 1):
        head.train()
        t0 = time.time()
        plan = [(e, idx) for e in train_sets for idx in batches(e, args.batch, rng, True)]
        rng.shuffle(plan)
        total_loss = 0.0
        for e, idx in plan:
            x, t, d, p, y = e.batch(idx)
            loss = loss_fn(head(x, t, d, p), y)
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(head.parameters(), 1.0)
            opt.step()
            sched.step()
            total_loss += float(loss.detach()) * len(idx)
        scores = {name: evaluate(head, data[name])[0] for name in DEV}
        mean = float(np.mean([scores[n]["macro_f1"] for n in DEV]))
        history.append(
            {
                "epoch": epoch,
                "loss": round(total_loss / sum(len(e) for e in train_sets), 4),
                "dev": scores,
                "dev_mean_macro_f1": round(mean, 4),
                "seconds": round(time.time() - t0, 1),
            }
        )
        log(f"epoch {epoch}: " + json.dumps(history[-1]))
        if mean > best[0]:
            best = (mean, epoch, {k: v.clone() for k, v in head.state_dict().items()})
    train_seconds = time.time() - t_start
    head.load_state_dict(best[2])
    scores = {name: evaluate(head, data[name])[0] for name in DEV}
    log(f"best epoch {best[1]}: {scores}")

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    meta = {
        "format": stancelib.FORMAT,
        "labels": json.dumps(stancelib.LABELS),
        "config": json.dumps(head.config),
        "distance_clip": stancelib.DISTANCE_CLIP,
        "max_pieces": nerlib.MAX_PIECES,
        "epoch": best[1],
        "dev_scores": json.dumps(scores),
    }
    path = out / "stance_head.safetensors"
    nerlib.save_safetensors(path, stancelib.export_tensors(head), meta)
    (out / "SHA256SUMS").write_text(f"{sha256(path)}  stance_head.safetensors\n")
    (out / "train_log.json").write_text(
        json.dumps(
            {"args": vars(args), "parameters": n_params, "history": history, "best_epoch": best[1], "dev": scores, "train_seconds": round(train_seconds)},
            indent=1,
            default=str,
        )
        + "\n"
    )
    write_fixture(head, data["ns_dev"], Path(args.fixture))
    log(f"wrote {path} ({path.stat().st_size:,} bytes) and the parity fixture in {args.fixture}")


if __name__ == "__main__":
    main()
