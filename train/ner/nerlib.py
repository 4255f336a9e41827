"""Shared code of the NER recipe: CoNLL reading, words from the tokenizer, features, the head's
forward pass, BIO Viterbi, safetensors I/O.

Everything the Rust module `src/actors/ner.rs` recomputes at run time lives here, written so that
the two can be checked line by line (and are, by the parity fixture). Words are the minilm
tokenizer's pre-tokenizer words (`Encoding.word_ids`: whitespace + punctuation split), because
that is what Rust gets from the same tokenizer on raw text; CoNLL token labels are projected onto
them.
"""

from __future__ import annotations

import json
import struct
from pathlib import Path

import numpy as np

TYPES = ["PER", "ORG", "LOC", "MISC"]
TAGS = ["O"] + [f"{p}-{t}" for t in TYPES for p in ("B", "I")]
TAG_INDEX = {t: i for i, t in enumerate(TAGS)}
MAX_PIECES = 256
HIDDEN = 384
SHAPE_NAMES = [
    "init_cap",  # first char is an uppercase letter
    "all_caps",  # has a letter and every letter is uppercase
    "inner_cap",  # an uppercase letter after the first char (McDonald, iPhone)
    "all_lower",  # has a letter and every letter is lowercase
    "has_digit",  # an ASCII digit
    "all_digit",  # only ASCII digits
    "no_alnum",  # punctuation or symbols only
    "single_char",
    "first_word",  # word 0 of the sentence
    "glued_prev",  # no whitespace between the previous word and this one (U.S., 1996-08-30)
    "glued_next",
    "gaz_country",  # the word is a word of a country name/alias in the frozen gazetteer list
    "gaz_org",
    "caps_sentence",  # most words with letters are all caps (headlines, sports results): casing says little
]
N_SHAPE = len(SHAPE_NAMES)


# ---------------------------------------------------------------- CoNLL


def read_conll(path):
    """Sentences as (tokens, tags, doc_index); -DOCSTART- starts a new document."""
    sents, toks, tags, doc = [], [], [], -1
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        line = line.rstrip("\n")
        if not line.strip():
            if toks:
                sents.append((toks, tags, doc))
                toks, tags = [], []
            continue
        parts = line.split(" ")
        if parts[0] == "-DOCSTART-":
            if toks:
                sents.append((toks, tags, doc))
                toks, tags = [], []
            doc += 1
            continue
        toks.append(parts[0])
        tags.append(parts[-1])
    if toks:
        sents.append((toks, tags, doc))
    return sents


def rebuild(tokens):
    """The sentence as text (tokens joined by single spaces) and each token's char span."""
    spans, pos = [], 0
    for t in tokens:
        spans.append((pos, pos + len(t)))
        pos += len(t) + 1
    return " ".join(tokens), spans


def token_entities(tags, spans):
    """Gold entities as (char_start, char_end, type) from BIO2 token tags."""
    out, cur = [], None
    for (s, e), tag in zip(spans, tags):
        if tag.startswith("B-") or (tag.startswith("I-") and (cur is None or cur[2] != tag[2:])):
            if cur:
                out.append(tuple(cur))
            cur = [s, e, tag[2:]]
        elif tag.startswith("I-"):
            cur[1] = e
        else:
            if cur:
                out.append(tuple(cur))
            cur = None
    if cur:
        out.append(tuple(cur))
    return out


# ---------------------------------------------------------------- tokenizer and words


def load_tokenizer(models_dir):
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(Path(models_dir) / "minilm-l6-v2" / "tokenizer.json"))
    tok.no_padding()
    tok.enable_truncation(MAX_PIECES)
    return tok


def words_of(offsets, word_ids):
    """Per word: (first piece row, last piece row + 1, char start, char end), in word order.

    Rows index the encoding (row 0 is [CLS]). A word's pieces are contiguous in a BERT encoding.
    """
    words = []
    for row, w in enumerate(word_ids):
        if w is None:
            continue
        s, e = offsets[row]
        if w == len(words):
            words.append([row, row + 1, s, e])
        elif w == len(words) - 1:
            words[-1][1] = row + 1
            words[-1][3] = max(words[-1][3], e)
        else:
            raise ValueError(f"word ids are not contiguous at row {row}")
    return [tuple(w) for w in words]


def is_upper(c):
    return c.isupper()


def is_lower(c):
    return c.islower()


def is_letter(c):
    return c.isalpha()


def is_alnum(c):
    return c.isalnum()


def is_ascii_digit(c):
    return "0" <= c <= "9"


def shape_features(sentence, words, gaz_country, gaz_org):
    """[n_words, N_SHAPE] float32 from the ORIGINAL (cased) text of each word."""
    out = np.zeros((len(words), N_SHAPE), dtype=np.float32)
    for i, (_, _, s, e) in enumerate(words):
        w = sentence[s:e]
        letters = [c for c in w if is_letter(c)]
        f = out[i]
        f[0] = bool(w) and is_upper(w[0])
        f[1] = bool(letters) and all(is_upper(c) for c in letters)
        f[2] = any(is_upper(c) for c in w[1:])
        f[3] = bool(letters) and all(is_lower(c) for c in letters)
        f[4] = any(is_ascii_digit(c) for c in w)
        f[5] = bool(w) and all(is_ascii_digit(c) for c in w)
        f[6] = not any(is_alnum(c) for c in w)
        f[7] = len(w) == 1
        f[8] = i == 0
        f[9] = i > 0 and words[i - 1][3] == s
        f[10] = i + 1 < len(words) and words[i + 1][2] == e
        f[11] = w in gaz_country
        f[12] = w in gaz_org
    has_letter = np.array([any(is_letter(c) for c in sentence[s:e]) for _, _, s, e in words], dtype=bool)
    caps = int((out[:, 1] > 0)[has_letter].sum()) if len(words) else 0
    out[:, 13] = 2 * caps > int(has_letter.sum())
    return out


def gazetteer_words(path, tokenizer):
    """Frozen word lists (country / organisation) from src/data/gazetteer.tsv, split into
    pre-tokenizer words; stored inside the artifact so a later gazetteer edit cannot shift the
    features the head was trained on."""
    country, org = set(), set()
    pre = tokenizer.pre_tokenizer
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        names = [cols[0]] + (cols[2].split("|") if len(cols) > 2 and cols[2] else [])
        target = country if cols[1] == "country" else org if cols[1] == "organization" else None
        if target is None:
            continue
        for n in names:
            for w, _ in pre.pre_tokenize_str(n):
                if any(c.isalpha() for c in w) and w[0].isupper():
                    target.add(w)
    return sorted(country), sorted(org)


def word_states(states, words):
    """Mean of each word's piece states: [n_words, HIDDEN] float32."""
    out = np.zeros((len(words), states.shape[1]), dtype=np.float32)
    for i, (a, b, _, _) in enumerate(words):
        out[i] = states[a:b].astype(np.float32).mean(axis=0)
    return out


def word_labels(words, spans, tags):
    """Project CoNLL token tags onto words: a word takes the tag of the token holding its start;
    only the first word of a B- token keeps B-."""
    labels = np.zeros(len(words), dtype=np.int64)
    ti = 0
    prev_token = -1
    for i, (_, _, s, _) in enumerate(words):
        while ti + 1 < len(spans) and spans[ti][1] <= s:
            ti += 1
        tag = tags[ti]
        if tag == "O":
            labels[i] = 0
        else:
            kind = tag[2:]
            first = ti != prev_token
            labels[i] = TAG_INDEX[("B-" if tag.startswith("B-") and first else "I-") + kind]
        prev_token = ti
    return labels


# ---------------------------------------------------------------- head


def head_forward(params, x, window):
    """Logits [n, 9] for one sentence's word features x [n, HIDDEN + N_SHAPE] (no dropout).

    proj = relu(x @ W1 + b1); z = concat(proj[i-window .. i+window]) with zero rows outside the
    sentence; hid = relu(z @ W2 + b2); logits = hid @ W3 + b3.
    """
    x = (x - params["in_mean"]) / params["in_std"]
    p = np.maximum(x @ params["w1"] + params["b1"], 0.0)
    z = window_concat(p, window)
    h = np.maximum(z @ params["w2"] + params["b2"], 0.0)
    return h @ params["w3"] + params["b3"]


def window_concat(p, window):
    n, d = p.shape
    pad = np.zeros((n + 2 * window, d), dtype=p.dtype)
    pad[window : window + n] = p
    return np.concatenate([pad[k : k + n] for k in range(2 * window + 1)], axis=1)


def allowed_transitions():
    """BIO constraint: I-X only after B-X or I-X (and not at the start)."""
    allowed = np.ones((len(TAGS), len(TAGS)), dtype=bool)
    start = np.ones(len(TAGS), dtype=bool)
    for j, t in enumerate(TAGS):
        if t.startswith("I-"):
            start[j] = False
            for i, f in enumerate(TAGS):
                allowed[i, j] = f in ("B-" + t[2:], t)
    return allowed, start


def log_softmax(z):
    z = z - z.max(axis=1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=1, keepdims=True))


def viterbi(logp, trans, start):
    """Best tag path under emission log-probs [n, T], transition scores [T, T] (-inf where
    forbidden) and start scores [T]. Ties go to the lower tag index (Rust does the same)."""
    n, T = logp.shape
    if n == 0:
        return []
    score = start + logp[0]
    back = np.zeros((n, T), dtype=np.int64)
    for i in range(1, n):
        cand = score[:, None] + trans  # [from, to]
        back[i] = cand.argmax(axis=0)
        score = cand.max(axis=0) + logp[i]
    path = [int(score.argmax())]
    for i in range(n - 1, 0, -1):
        path.append(int(back[i][path[-1]]))
    return path[::-1]


def spans_from_tags(path, words, probs=None):
    """Entities (char_start, char_end, type, score) from a BIO path over words. Score = mean
    probability of the chosen tags over the entity's words."""
    out, cur = [], None
    for i, t in enumerate(path):
        tag = TAGS[t]
        p = float(probs[i, t]) if probs is not None else 1.0
        if tag.startswith("B-") or (tag.startswith("I-") and (cur is None or cur[2] != tag[2:])):
            if cur:
                out.append(cur)
            cur = [words[i][2], words[i][3], tag[2:], [p]]
        elif tag.startswith("I-"):
            cur[1] = words[i][3]
            cur[3].append(p)
        else:
            if cur:
                out.append(cur)
            cur = None
    if cur:
        out.append(cur)
    return [(s, e, k, sum(ps) / len(ps)) for s, e, k, ps in out]


def decode(params, meta, x, words):
    logits = head_forward(params, x, int(meta["window"]))
    logp = log_softmax(logits)
    path = viterbi(logp, params["trans"], params["start"])
    return path, spans_from_tags(path, words, np.exp(logp)), logits


# ---------------------------------------------------------------- safetensors


def save_safetensors(path, tensors, metadata):
    header, blobs, off = {}, [], 0
    for name in sorted(tensors):
        a = np.ascontiguousarray(tensors[name], dtype="<f4")
        b = a.tobytes()
        header[name] = {"dtype": "F32", "shape": list(a.shape), "data_offsets": [off, off + len(b)]}
        blobs.append(b)
        off += len(b)
    header["__metadata__"] = {k: str(v) for k, v in metadata.items()}
    h = json.dumps(header, separators=(",", ":"), sort_keys=True).encode()
    h += b" " * ((8 - len(h) % 8) % 8)  # align the data section to 8 bytes
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def load_safetensors(path):
    raw = Path(path).read_bytes()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + n])
    meta = header.pop("__metadata__", {})
    base = 8 + n
    out = {}
    for name, info in header.items():
        assert info["dtype"] == "F32", name
        a, b = info["data_offsets"]
        out[name] = np.frombuffer(raw[base + a : base + b], dtype="<f4").reshape(info["shape"]).copy()
    return out, meta
