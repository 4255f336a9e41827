"""The plain Python pipeline on presslens's model files, written once for the tests and the benches.

Both versions use only the `tokenizers` and `onnxruntime` packages and numpy pooling, straight from
the model contract in ../shared/models/README.md (input names, max tokens, mean pooling + L2 norm for
embeddings, softmax over logits for target sentiment):

- `reference_embeddings` / `reference_target_sentiment`: one input at a time, no padding at all.
  The parity tests (tests/python/test_parity.py) and bench/newsmtsc.py hold presslens to it.
- `PlainPython`: what a good engineer writes without presslens: length-sorted batches padded to
  their longest item, one session with the same thread count. bench/perf.py, embed_throughput.py
  and gpu.py race presslens against it.

Tests import it as `plain` (tests/python/conftest.py puts bench/ on `sys.path`); bench scripts
import it from their own folder.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import onnxruntime as ort
from tokenizers import Encoding, Tokenizer

# The contract of each model folder: max tokens, and whether its input is a (mention, sentence) pair.
EMBEDDING = ("minilm-l6-v2", 256, False)
STANCE = ("stance-minilm-l6", 128, True)
CPU = ("CPUExecutionProvider",)


class PlainModel:
    """One model folder: its tokenizer truncating as the contract says, and one ONNX session."""

    def __init__(self, folder: Path, max_tokens: int, pair: bool, threads: int = 2, providers: Sequence[str] = CPU, padding: bool = False) -> None:
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        # Pairs are truncated in the sentence only, so the mention always survives.
        self.tokenizer.enable_truncation(max_tokens, strategy="only_second" if pair else "longest_first")
        if padding:
            self.tokenizer.enable_padding()  # to the longest item of each batch
        else:
            self.tokenizer.no_padding()
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        self.session = ort.InferenceSession(str(folder / "model.onnx"), options, providers=list(providers))
        self.input_names = {i.name for i in self.session.get_inputs()}

    def run(self, encodings: Sequence[Encoding]) -> tuple[np.ndarray, np.ndarray]:
        """The first output for a batch of equally long encodings, and their attention mask."""
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feeds = {
            "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
            "attention_mask": mask,
            "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64),
        }
        return self.session.run(None, {k: v for k, v in feeds.items() if k in self.input_names})[0], mask


def mean_pool(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Masked mean over tokens, then L2-normalised rows (sentence-transformers' all-MiniLM-L6-v2)."""
    m = mask[:, :, None].astype(np.float32)
    pooled = (hidden * m).sum(1) / np.clip(m.sum(1), 1e-9, None)
    return pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)


def softmax(logits: np.ndarray) -> np.ndarray:
    e = np.exp(logits - logits.max(1, keepdims=True))
    return e / e.sum(1, keepdims=True)


def reference_embeddings(models: Path, texts: list[str]) -> np.ndarray:
    """One sentence at a time, unpadded: the reference presslens's embeddings must match."""
    name, max_tokens, pair = EMBEDDING
    model = PlainModel(models / name, max_tokens, pair)
    rows = [mean_pool(*model.run([model.tokenizer.encode(text)]))[0] for text in texts]
    return np.stack(rows).astype(np.float32) if rows else np.zeros((0, 384), dtype=np.float32)


def reference_target_sentiment(models: Path, mentions: list[str], sentences: list[str]) -> np.ndarray:
    """One (mention, sentence) pair at a time, unpadded: [negative, neutral, positive] per row."""
    name, max_tokens, pair = STANCE
    model = PlainModel(models / name, max_tokens, pair)
    rows = [softmax(model.run([model.tokenizer.encode(m, s)])[0])[0] for m, s in zip(mentions, sentences, strict=True)]
    return np.stack(rows).astype(np.float32) if rows else np.zeros((0, 3), dtype=np.float32)


class PlainPython:
    """The batched peer: length-sorted batches, dynamic padding, one session, numpy pooling."""

    def __init__(self, folder: Path, threads: int, batch_size: int, max_tokens: int, pair: bool, providers: Sequence[str] = CPU) -> None:
        self.model = PlainModel(folder, max_tokens, pair, threads=threads, providers=providers, padding=True)
        self.tokenizer = self.model.tokenizer
        self.session = self.model.session
        self.batch_size = batch_size

    def _batches(self, order: list[int]):
        for start in range(0, len(order), self.batch_size):
            yield order[start : start + self.batch_size]

    def embed(self, texts: list[str]) -> np.ndarray:
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.zeros((len(texts), 384), dtype=np.float32)
        for rows in self._batches(order):
            out[rows] = mean_pool(*self.model.run(self.tokenizer.encode_batch([texts[i] for i in rows])))
        return out

    def target_sentiment(self, mentions: list[str], sentences: list[str]) -> np.ndarray:
        order = sorted(range(len(mentions)), key=lambda i: len(mentions[i]) + len(sentences[i]))
        out = np.zeros((len(mentions), 3), dtype=np.float32)
        for rows in self._batches(order):
            logits, _ = self.model.run(self.tokenizer.encode_batch([(mentions[i], sentences[i]) for i in rows]))
            out[rows] = softmax(logits)
        return out
