"""Shared code of the stance-head recipe: the data, the target marking, the head (PyTorch) and its
export.

The head reads the token states of minilm-l6-v2, the encoder pass presslens already runs over every
sentence for summaries and entities, so stance costs no second encoder pass. `src/infer/stance_head.rs`
recomputes the forward pass at run time from the exported weights; the parity fixture written by
`train.py` (`tests/fixtures/stance_parity.*`) checks that both give the same probabilities.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "ner"))
import nerlib

LABELS = ["negative", "neutral", "positive"]
FORMAT = "presslens-stance-head/1"
MAX_PIECES = nerlib.MAX_PIECES
HIDDEN = nerlib.HIDDEN
# Distance of a piece to the target span, in pieces, clipped to +-DISTANCE_CLIP (0 inside the span).
DISTANCE_CLIP = 16


def read_items(path, source=None):
    """NewsMTSC-format items: (sentence, from, to, label index 0..2, source)."""
    out = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        r = json.loads(line)
        out.append((r["sentence"], int(r["from"]), int(r["to"]), int(r["polarity"]) + 1, source or r.get("source", "")))
    return out


def target_rows(offsets, start, end):
    """Rows of the encoding (row 0 is [CLS]) whose piece overlaps characters start..end.

    Special tokens have the empty offset (0, 0) and are never part of a target."""
    return [row for row, (s, e) in enumerate(offsets) if e > s and s < end and e > start]


def distance_buckets(n_rows, rows):
    """Per row: its distance in rows to the nearest target row, signed (negative before the target),
    clipped, as an index 0..2*DISTANCE_CLIP."""
    first, last = min(rows), max(rows)
    out = np.empty(n_rows, dtype=np.int64)
    for i in range(n_rows):
        d = i - first if i < first else (i - last if i > last else 0)
        out[i] = max(-DISTANCE_CLIP, min(DISTANCE_CLIP, d)) + DISTANCE_CLIP
    return out


def gelu(x):
    """The tanh form of GELU (Rust has no erf in std; both sides use this one)."""
    return 0.5 * x * (1.0 + np.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x**3)))


def build_torch_head(d=256, heads=4, ffn=512, layers=2, dropout=0.1):
    import torch
    from torch import nn

    class Layer(nn.Module):
        def __init__(self):
            super().__init__()
            self.ln1, self.ln2 = nn.LayerNorm(d), nn.LayerNorm(d)
            self.qkv, self.proj = nn.Linear(d, 3 * d), nn.Linear(d, d)
            self.ff1, self.ff2 = nn.Linear(d, ffn), nn.Linear(ffn, d)
            self.drop = nn.Dropout(dropout)

        def forward(self, x, pad):  # x [B, T, d], pad [B, T] True where padding
            B, T, _ = x.shape
            q, k, v = self.qkv(self.ln1(x)).view(B, T, 3, heads, d // heads).permute(2, 0, 3, 1, 4)
            att = (q @ k.transpose(-1, -2)) / math.sqrt(d // heads)
            att = att.masked_fill(pad[:, None, None, :], float("-inf")).softmax(-1)
            x = x + self.drop(self.proj((att @ v).transpose(1, 2).reshape(B, T, d)))
            return x + self.drop(self.ff2(self.drop(nn.functional.gelu(self.ff1(self.ln2(x)), approximate="tanh"))))

    class Head(nn.Module):
        def __init__(self):
            super().__init__()
            self.config = {"d": d, "heads": heads, "ffn": ffn, "layers": layers}
            self.inp = nn.Linear(HIDDEN, d)
            self.target = nn.Parameter(torch.zeros(d))
            self.distance = nn.Embedding(2 * DISTANCE_CLIP + 1, d)
            self.layers = nn.ModuleList(Layer() for _ in range(layers))
            self.ln = nn.LayerNorm(d)
            self.key = nn.Linear(d, d)
            self.out1, self.out2 = nn.Linear(3 * d, d), nn.Linear(d, len(LABELS))
            self.drop = nn.Dropout(dropout)
            nn.init.normal_(self.distance.weight, std=0.02)

        def forward(self, states, target, dist, pad):
            # states [B, T, 384]; target [B, T] float 1 on the target's pieces; dist [B, T]; pad [B, T] bool
            x = self.inp(states) + target[..., None] * self.target + self.distance(dist)
            x = self.drop(x)
            for layer in self.layers:
                x = layer(x, pad)
            y = self.ln(x)
            t = (y * target[..., None]).sum(1) / target.sum(1, keepdim=True).clamp(min=1.0)
            valid = (~pad).float()
            mean = (y * valid[..., None]).sum(1) / valid.sum(1, keepdim=True)
            score = (self.key(y) @ t[..., None]).squeeze(-1) / math.sqrt(d)
            weights = score.masked_fill(pad, float("-inf")).softmax(-1)
            context = (weights[..., None] * y).sum(1)
            h = self.drop(nn.functional.gelu(self.out1(torch.cat([t, context, mean], -1)), approximate="tanh"))
            return self.out2(h)

    return Head()


def export_tensors(head):
    """The head's weights as float32 arrays, named as `src/infer/stance_head.rs` reads them; linear
    weights transposed to [in, out] so that both sides compute x @ W + b."""
    sd = {k: v.detach().cpu().numpy().astype(np.float32) for k, v in head.state_dict().items()}
    out = {}
    for k, v in sd.items():
        out[k] = v.T.copy() if k.endswith(".weight") and v.ndim == 2 and not k.startswith("distance") else v
    return out


def numpy_forward(t, config, states, target_rows_list):
    """Reference forward pass in numpy for one sentence (the Rust module mirrors it): probabilities
    for each target given as a list of rows."""
    d, heads = config["d"], config["heads"]

    def ln(x, name):
        mu = x.mean(-1, keepdims=True)
        var = ((x - mu) ** 2).mean(-1, keepdims=True)
        return (x - mu) / np.sqrt(var + 1e-5) * t[f"{name}.weight"] + t[f"{name}.bias"]

    def lin(x, name):
        return x @ t[f"{name}.weight"] + t[f"{name}.bias"]

    out = []
    n = states.shape[0]
    for rows in target_rows_list:
        mark = np.zeros(n, dtype=np.float32)
        mark[rows] = 1.0
        x = lin(states, "inp") + mark[:, None] * t["target"] + t["distance.weight"][distance_buckets(n, rows)]
        for i in range(config["layers"]):
            p = f"layers.{i}"
            qkv = lin(ln(x, f"{p}.ln1"), f"{p}.qkv").reshape(n, 3, heads, d // heads).transpose(1, 2, 0, 3)
            q, k, v = qkv[0], qkv[1], qkv[2]
            att = q @ k.transpose(0, 2, 1) / math.sqrt(d // heads)
            att = np.exp(att - att.max(-1, keepdims=True))
            att /= att.sum(-1, keepdims=True)
            x = x + lin((att @ v).transpose(1, 0, 2).reshape(n, d), f"{p}.proj")
            x = x + lin(gelu(lin(ln(x, f"{p}.ln2"), f"{p}.ff1")), f"{p}.ff2")
        y = ln(x, "ln")
        tv = y[rows].mean(0)
        mean = y.mean(0)
        score = lin(y, "key") @ tv / math.sqrt(d)
        w = np.exp(score - score.max())
        w /= w.sum()
        context = w @ y
        logits = lin(gelu(lin(np.concatenate([tv, context, mean]), "out1")), "out2")
        e = np.exp(logits - logits.max())
        out.append(e / e.sum())
    return np.array(out, dtype=np.float32)
