"""ROUGE evaluation of presslens summaries against the classic extractive summarisers.

    .venv/bin/pip install -r bench/requirements.txt
    .venv/bin/python bench/rouge.py [--data ../shared/data/bbc] [--categories business tech] [--limit N]

Every system picks from the same sentences (presslens's segmentation of the article body, the
headline line excluded), so only the choice of sentences differs. Two budgets: k = the number of
article sentences found in the reference summary, and k = 3. ROUGE-1/2/L F1 with stemming
(rouge-score). Also reported: a greedy ROUGE-2 oracle (the upper bound for picking k sentences).
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import presslens
from rouge_score import rouge_scorer

ROOT = Path(__file__).resolve().parents[1]
METRICS = ("rouge1", "rouge2", "rougeL")
Picker = Callable[[str, list[str], int], list[int]]


def normalise(text: str) -> str:
    return " ".join(text.split())


def load(category_dir: Path, limit: int | None) -> list[dict]:
    items = []
    for article in sorted((category_dir / "articles").glob("*.txt"))[:limit]:
        text = article.read_text(encoding="utf-8", errors="replace")
        reference = (category_dir / "summaries" / article.name).read_text(encoding="utf-8", errors="replace")
        doc = presslens.segment(text)
        body = [s.text for s in doc.sentences if s.kind != "headline"]
        ref_norm = normalise(reference)
        k_ref = sum(1 for s in body if normalise(s) in ref_norm)
        items.append({"id": article.stem, "text": text, "sentences": body, "reference": reference, "k_ref": max(k_ref, 1)})
    return items


# --- peers -----------------------------------------------------------------------------------


class _Words:
    """sumy's tokenizer interface with a regex word splitter (NLTK's punkt data is not available)."""

    language = "english"

    def to_sentences(self, paragraph: str) -> list[str]:  # never used: sentences come pre-split
        return [paragraph]

    def to_words(self, sentence: str) -> list[str]:
        return re.findall(r"[A-Za-z0-9]+(?:'[A-Za-z]+)?", sentence)


def sumy_picker(name: str) -> Picker:
    from sumy.models.dom import ObjectDocumentModel, Paragraph, Sentence
    from sumy.nlp.stemmers import Stemmer
    from sumy.summarizers.kl import KLSummarizer
    from sumy.summarizers.lex_rank import LexRankSummarizer
    from sumy.summarizers.lsa import LsaSummarizer
    from sumy.summarizers.luhn import LuhnSummarizer
    from sumy.summarizers.text_rank import TextRankSummarizer
    from sumy.utils import get_stop_words

    classes = {"LexRank": LexRankSummarizer, "TextRank": TextRankSummarizer, "LSA": LsaSummarizer, "Luhn": LuhnSummarizer, "KL-Sum": KLSummarizer}
    summarizer = classes[name](Stemmer("english"))
    summarizer.stop_words = get_stop_words("english")
    tokenizer = _Words()

    def pick(_text: str, sentences: list[str], k: int) -> list[int]:
        objects = [Sentence(s, tokenizer) for s in sentences]
        document = ObjectDocumentModel([Paragraph(objects)])
        chosen = {str(s) for s in summarizer(document, k)}
        return [i for i, s in enumerate(objects) if str(s) in chosen][:k]

    return pick


def lead(_text: str, sentences: list[str], k: int) -> list[int]:
    return list(range(min(k, len(sentences))))


def presslens_picker(pipeline: presslens.Pipeline) -> Picker:
    def pick(text: str, sentences: list[str], k: int) -> list[int]:
        summary = pipeline.summarize(text, max_sentences=k)
        index = {normalise(s): i for i, s in enumerate(sentences)}
        return [index[normalise(s.text)] for s in summary.sentences if normalise(s.text) in index]

    return pick


def oracle_picker(scorer: rouge_scorer.RougeScorer) -> Callable[[dict, int], list[int]]:
    """Greedy ROUGE-2 oracle: add the sentence that raises ROUGE-2 F1 most, while it rises.

    Computes ROUGE-2 F1 directly from bigram counts with rouge-score's own tokenizer (stemming on),
    which equals `scorer.score(...)["rouge2"]` because the tokens of joined sentences are the joined
    tokens; it avoids re-scoring ROUGE-1/L for every candidate.
    """
    tokenize = scorer._tokenizer.tokenize  # rouge-score's tokenizer with the Porter stemmer

    def bigrams(tokens: list[str]) -> Counter:
        return Counter(zip(tokens, tokens[1:]))

    def f1(reference: Counter, tokens: list[str]) -> float:
        candidate = bigrams(tokens)
        overlap = sum((reference & candidate).values())
        if not overlap:
            return 0.0
        precision, recall = overlap / sum(candidate.values()), overlap / sum(reference.values())
        return 2 * precision * recall / (precision + recall)

    def pick(item: dict, k: int) -> list[int]:
        reference = bigrams(tokenize(item["reference"]))
        tokens = [tokenize(s) for s in item["sentences"]]
        chosen: list[int] = []
        best = 0.0
        while len(chosen) < k:
            gains = [(f1(reference, [t for j in sorted(chosen + [i]) for t in tokens[j]]), i) for i in range(len(tokens)) if i not in chosen]
            if not gains:
                break
            score, i = max(gains)
            if score <= best:
                break
            best, chosen = score, chosen + [i]
        return sorted(chosen)

    return pick


# --- scoring ---------------------------------------------------------------------------------


def evaluate(items: list[dict], pick: Callable[[dict, int], list[int]], budget: str, scorer) -> dict[str, float]:
    totals = {m: [] for m in METRICS}
    for item in items:
        k = item["k_ref"] if budget == "ref" else 3
        chosen = sorted(set(pick(item, k)))
        summary = " ".join(item["sentences"][i] for i in chosen)
        scores = scorer.score(item["reference"], summary)
        for m in METRICS:
            totals[m].append(scores[m].fmeasure * 100)
    return {m: statistics.fmean(v) for m, v in totals.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "bbc")
    parser.add_argument("--categories", nargs="+", default=["business", "tech"])
    parser.add_argument("--limit", type=int, default=None, help="first N articles per category")
    parser.add_argument("--json", type=Path, default=None, help="also write the table as JSON here")
    parser.add_argument("--no-oracle", action="store_true")
    parser.add_argument("--int8", action="store_true", help="also score presslens with precision='int8' (the quality side of the int8 trade-off)")
    parser.add_argument("--systems", nargs="+", default=None, help="score only these systems (e.g. presslens 'presslens int8')")
    args = parser.parse_args(argv)

    scorer = rouge_scorer.RougeScorer(list(METRICS), use_stemmer=True)
    pipeline = presslens.Pipeline(threads=2)
    systems: dict[str, Picker] = {"Lead-k": lead}
    for name in ("LexRank", "TextRank", "LSA", "Luhn", "KL-Sum"):
        systems[name] = sumy_picker(name)
    systems["presslens"] = presslens_picker(pipeline)
    if args.int8:
        systems["presslens int8"] = presslens_picker(presslens.Pipeline(threads=2, precision="int8"))
    if args.systems:
        systems = {name: picker for name, picker in systems.items() if name in args.systems}

    results: dict = {}
    for category in args.categories:
        items = load(args.data / category, args.limit)
        mean_k = statistics.fmean(i["k_ref"] for i in items)
        print(f"\n## {category}: {len(items)} articles, reference length k = {mean_k:.1f} sentences on average")
        for budget in ("ref", "3"):
            print(f"\n| system (k = {'ref' if budget == 'ref' else 3}) | ROUGE-1 | ROUGE-2 | ROUGE-L | seconds |")
            print("| --- | ---: | ---: | ---: | ---: |")
            rows = dict(systems)
            for name, picker in rows.items():
                started = time.perf_counter()
                scores = evaluate(items, lambda item, k, p=picker: p(item["text"], item["sentences"], k), budget, scorer)
                elapsed = time.perf_counter() - started
                results.setdefault(category, {}).setdefault(budget, {})[name] = scores
                print(f"| {name} | {scores['rouge1']:.2f} | {scores['rouge2']:.2f} | {scores['rougeL']:.2f} | {elapsed:.1f} |")
            if not args.no_oracle:
                scores = evaluate(items, oracle_picker(scorer), budget, scorer)
                results[category][budget]["oracle (greedy ROUGE-2)"] = scores
                print(f"| oracle (greedy ROUGE-2) | {scores['rouge1']:.2f} | {scores['rouge2']:.2f} | {scores['rougeL']:.2f} | |")
            sys.stdout.flush()
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
