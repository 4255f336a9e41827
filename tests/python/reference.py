"""A plain Python pipeline on the same model files: the `tokenizers` and `onnxruntime` packages and
numpy pooling, one input at a time (no padding at all), written straight from the model contract in
../shared/models/README.md. presslens must agree with it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnxruntime as ort
from tokenizers import Tokenizer


class ReferenceModel:
    def __init__(self, folder: Path, max_tokens: int, pair: bool) -> None:
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(max_tokens, strategy="only_second" if pair else "longest_first")
        options = ort.SessionOptions()
        options.intra_op_num_threads = 2
        self.session = ort.InferenceSession(str(folder / "model.onnx"), options, providers=["CPUExecutionProvider"])
        self.input_names = {i.name for i in self.session.get_inputs()}

    def run(self, encoding) -> np.ndarray:
        feeds = {
            "input_ids": np.array([encoding.ids], dtype=np.int64),
            "attention_mask": np.array([encoding.attention_mask], dtype=np.int64),
            "token_type_ids": np.array([encoding.type_ids], dtype=np.int64),
        }
        return self.session.run(None, {k: v for k, v in feeds.items() if k in self.input_names})[0]


def reference_embeddings(models: Path, texts: list[str]) -> np.ndarray:
    model = ReferenceModel(models / "minilm-l6-v2", 256, pair=False)
    rows = []
    for text in texts:
        encoding = model.tokenizer.encode(text)
        hidden = model.run(encoding)[0]
        mask = np.array(encoding.attention_mask, dtype=np.float32)[:, None]
        mean = (hidden * mask).sum(0) / max(mask.sum(), 1e-9)
        rows.append(mean / max(np.linalg.norm(mean), 1e-12))
    return np.stack(rows).astype(np.float32)


def reference_target_sentiment(models: Path, mentions: list[str], sentences: list[str]) -> np.ndarray:
    model = ReferenceModel(models / "stance-minilm-l6", 128, pair=True)
    rows = []
    for mention, sentence in zip(mentions, sentences):
        logits = model.run(model.tokenizer.encode(mention, sentence))[0]
        e = np.exp(logits - logits.max())
        rows.append(e / e.sum())
    return np.stack(rows).astype(np.float32)
