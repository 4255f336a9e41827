"""Hidden states of minilm-l6-v2 for every CoNLL sentence (rebuilt as tokens joined by spaces),
cached as float16 so that training never runs the encoder twice.

Cache layout for a split (in --cache): <split>.states.npy [total_pieces, 384] float16 (every row
of every encoding, [CLS]/[SEP] included), <split>.rows.npy [n_sentences + 1] int64 (row ranges),
<split>.key.txt (sha256 of the rebuilt sentences, so a changed input is never read from a stale
cache).
"""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

import numpy as np


def sentences_key(texts):
    h = hashlib.sha256()
    for t in texts:
        h.update(t.encode("utf-8") + b"\n")
    return h.hexdigest()


def open_session(models_dir, threads):
    import onnxruntime as ort

    so = ort.SessionOptions()
    so.intra_op_num_threads = threads
    so.inter_op_num_threads = 1
    return ort.InferenceSession(str(Path(models_dir) / "minilm-l6-v2" / "model.onnx"), so, providers=["CPUExecutionProvider"])


def encode_states(session, tokenizer, texts, batch_size=64, log=None):
    """float32 states per text ([n_pieces, 384] each) and the encodings, batched by length."""
    encs = tokenizer.encode_batch(texts)
    order = sorted(range(len(texts)), key=lambda i: len(encs[i].ids))
    out = [None] * len(texts)
    t0 = time.time()
    for bi in range(0, len(order), batch_size):
        idx = order[bi : bi + batch_size]
        L = max(len(encs[i].ids) for i in idx)
        ids = np.zeros((len(idx), L), dtype=np.int64)
        mask = np.zeros((len(idx), L), dtype=np.int64)
        for r, i in enumerate(idx):
            n = len(encs[i].ids)
            ids[r, :n] = encs[i].ids
            mask[r, :n] = 1
        (hs,) = session.run(["last_hidden_state"], {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)})
        for r, i in enumerate(idx):
            out[i] = hs[r, : len(encs[i].ids)]
        if log and (bi // batch_size) % 50 == 0:
            log(f"  {bi + len(idx)}/{len(texts)} sentences, {time.time() - t0:.0f}s")
    return out, encs


def cached_states(split, texts, cache, models_dir, tokenizer, threads=2, log=print):
    """(states float16 [total, 384], rows [n+1]) for the texts, computed once and cached."""
    cache = Path(cache)
    key = sentences_key(texts)
    st, rw, kf = (cache / f"{split}.states.npy", cache / f"{split}.rows.npy", cache / f"{split}.key.txt")
    if st.exists() and rw.exists() and kf.exists() and kf.read_text().strip() == key:
        return np.load(st, mmap_mode="r"), np.load(rw)
    cache.mkdir(parents=True, exist_ok=True)
    log(f"encoding {len(texts)} {split} sentences with minilm-l6-v2 ({threads} threads)")
    t0 = time.time()
    session = open_session(models_dir, threads)
    states, _ = encode_states(session, tokenizer, texts, log=log)
    rows = np.zeros(len(texts) + 1, dtype=np.int64)
    rows[1:] = np.cumsum([s.shape[0] for s in states])
    allst = np.concatenate(states).astype(np.float16)
    np.save(st, allst)
    np.save(rw, rows)
    kf.write_text(key)
    log(f"  {split}: {rows[-1]} pieces in {time.time() - t0:.0f}s -> {st}")
    return allst, rows
