"""Soft labels for distilling the stance head: every mention presslens discovers in the BBC business
and tech articles and the CoNLL-2003 train documents, read by the `stance-minilm-l6` cross-encoder
(the model the head replaces as presslens's default).

    PRESSLENS_MODELS=../shared/models .venv/bin/python train/stance/teacher_labels.py [--out FILE]

Runs under the presslens build (its discovery finds the mentions; `stance_model=` scores them with the
cross-encoder). Leaves out the articles of the annotated sets presslens is measured on
(`actor_stance/`, `actor_mentions/`), so that distillation never reads their text. Writes one JSON object
a line: `sentence`, `from`, `to` (character offsets of the mention in the sentence), `probabilities`
(negative, neutral, positive), `source`.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT.parent / "shared" / "data"
sys.path.insert(0, str(ROOT / "train" / "ner"))


def annotated_articles() -> set[str]:
    """`business/005.txt`-style names of the articles in the annotated dev sets."""
    names = set()
    for path in [DATA / "actor_stance" / "dev.jsonl", *sorted((DATA / "actor_mentions").glob("*.jsonl"))]:
        names.update(json.loads(line)["article"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
    return names


def corpora(limit: int | None) -> list[tuple[str, str]]:
    """(source, text): BBC business and tech articles outside the annotated sets, and CoNLL-2003 train
    documents (tokens joined by spaces, sentences by newlines)."""
    import nerlib

    skip = annotated_articles()
    out = []
    for category in ("business", "tech"):
        for path in sorted((DATA / "bbc" / category / "articles").glob("*.txt")):
            if f"{category}/{path.name}" not in skip:
                out.append((f"bbc/{category}/{path.name}", path.read_text(encoding="utf-8", errors="replace")))
    docs: dict[int, list[str]] = {}
    for tokens, _, doc in nerlib.read_conll(DATA / "conll2003" / "train.txt"):
        docs.setdefault(doc, []).append(" ".join(tokens))
    out += [(f"conll-train/{doc}", "\n".join(lines)) for doc, lines in sorted(docs.items())]
    return out[:limit] if limit else out


def main(argv: list[str] | None = None) -> int:
    import presslens

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path("/work/cache/stance_head/teacher.jsonl"))
    parser.add_argument("--limit", type=int, default=None, help="only the first N texts (a smoke run)")
    args = parser.parse_args(argv)
    texts = corpora(args.limit)
    teacher = presslens.Pipeline(os.environ.get("PRESSLENS_MODELS"), threads=2, stance_model=presslens.pipeline.CROSS_ENCODER_STANCE_MODEL)
    order = [teacher.stance_labels.index(label) for label in ("negative", "neutral", "positive")]
    corpus = teacher.analyze_many([t for _, t in texts], ids=[s for s, _ in texts], show_progress=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    n = 0
    with args.out.open("w", encoding="utf-8") as f:
        for art in corpus:
            for actor in art.actors:
                for m in actor.mentions:
                    start = m.start - art.sentences[m.sentence_index].start
                    probs = [m.negative, m.neutral, m.positive]
                    f.write(
                        json.dumps(
                            {"sentence": m.sentence, "from": start, "to": start + len(m.text), "probabilities": [probs[i] for i in order], "source": art.doc_id}
                        )
                        + "\n"
                    )
                    n += 1
    print(f"{n} mentions in {len(texts)} texts -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
