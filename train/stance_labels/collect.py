"""Run presslens over the actor-stance development set and the seeds, and keep what the stance rule
needs (per actor: its mentions' probabilities, offsets and sentences; the article's sentence count)
as plain JSON, so that fitting and benchmarking read the model outputs once.

Only the public Python API is used (``Pipeline.analyze_many`` and the result attributes), so this
keeps working when the native layer is refactored.
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("PRESSLENS_SHARED", ROOT.parent.parent / "shared"))
if not SHARED.exists():
    SHARED = Path("/work/shared")
DATA = SHARED / "data"
DEV = DATA / "actor_stance" / "dev.jsonl"
BBC = DATA / "bbc"
SEEDS = SHARED / "seeds"

# Leading words that make an alias a description or pronoun rather than a name.
_FUNCTION_WORDS = {"the", "a", "an", "it", "its", "he", "she", "him", "his", "her", "they", "them", "their", "we", "us", "our", "i", "there", "this", "that"}


def fold(text: str) -> str:
    """Accent- and case-blind key."""
    decomposed = unicodedata.normalize("NFKD", text)
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).lower().split())


def usable_alias(alias: str) -> bool:
    """Whether presslens's whole-word, case-aware matcher can use this alias sensibly: it must hold a
    name (a capitalised word that is not a leading pronoun or determiner). Pronouns ("its", "He"),
    lowercase descriptions ("the company") and capitalised descriptions ("The company", "The
    economy") would match every pronoun or description in the article; bare numbers ("3") would
    match every number."""
    words = re.findall(r"[\w'&.-]+", alias)
    if not words or all(w.isdigit() for w in words):
        return False
    for i, w in enumerate(words):
        # "US" is a name, "Us"/"us" a pronoun; a lone "I" is the pronoun.
        if i == 0 and w.lower() in _FUNCTION_WORDS and not (w.isupper() and len(w) > 1):
            continue
        if w[0].isupper() or w[0].isdigit():
            return True
    return False


def load_dev() -> list[dict]:
    return [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()]


def article_text(article: str) -> str:
    category, name = article.split("/")
    return (BBC / category / "articles" / name).read_text(encoding="utf-8", errors="replace")


def _dump_actor(analysis, actor, references: bool = False) -> dict:
    sentences = analysis.sentences
    mentions = []
    # The shipped rule reads mentions by name only: pronoun and description mentions (issue 28) are
    # listed by presslens but do not weigh in the score (builds before them have no `via`).
    # `references` keeps them, to measure what weighing them would do.
    for m in (m for m in actor.mentions if references or getattr(m, "via", "name") == "name"):
        sentence_start = sentences[m.sentence_index].start
        mentions.append(
            {
                "text": m.text,
                "start": m.start,
                "end": m.end,
                "sentence_index": m.sentence_index,
                "sentence": m.sentence,
                "offset_in_sentence": m.start - sentence_start,
                "probabilities": [m.negative, m.neutral, m.positive],
                "score": m.score,
                "confidence": m.confidence,
                "via": getattr(m, "via", "name"),
            }
        )
    return {"name": actor.name, "kind": actor.kind, "score": actor.score, "label": actor.label, "mentions": mentions}


def _dump_corpus_actor(c) -> dict:
    out = {"name": c.name, "kind": c.kind, "score": c.score, "label": c.label, "mentions": c.mentions, "articles": [(s.doc_id, s.name) for s in c.articles]}
    # Polar mention counts, where this build has them (older dumps lack the keys).
    for key in ("positive_mentions", "negative_mentions"):
        if hasattr(c, key):
            out[key] = getattr(c, key)
    return out


def _dump(corpus, references: bool = False) -> list[dict]:
    return [{"n_sentences": len(a.sentences), "actors": [_dump_actor(a, x, references) for x in a.actors]} for a in corpus.articles]


def run(models: str | None = None, threads: int = 1, stance_head: bool = False, references: bool = False) -> dict:
    """Everything the rule needs, from one presslens run: dev set discovered and given, seeds.
    ``stance_head``: mentions scored by the stance head (``stance_model=None``), not the default
    cross-encoder. ``references``: pronoun and description mentions scored and kept in the dump
    (the rule then weighs them like names: the issue 28 decision)."""
    import presslens

    stance_model = None if stance_head else presslens.pipeline.CROSS_ENCODER_STANCE_MODEL
    options = {"score_references": True} if references else {}
    pipeline = presslens.Pipeline(models or os.environ.get("PRESSLENS_MODELS"), threads=threads, stance_model=stance_model, **options)
    rows = load_dev()
    texts = [article_text(r["article"]) for r in rows]
    discovered = pipeline.analyze_many(texts, [r["article"] for r in rows])

    def dump(corpus) -> list[dict]:
        return _dump(corpus, references)

    given = []
    dropped: list[str] = []
    for r, text in zip(rows, texts):
        actors = {}
        for a in r["actors"]:
            keep = [x for x in a["aliases"] if usable_alias(x) and x != a["name"]]
            dropped += [x for x in a["aliases"] if not usable_alias(x)]
            actors[a["name"]] = keep
        given.append(dump(pipeline.analyze_many([text], [r["article"]], actors))[0])
    seed_paths = sorted(SEEDS.glob("*.txt"))
    seeds = pipeline.analyze_many([p.read_text(encoding="utf-8") for p in seed_paths], [p.name for p in seed_paths])
    return {
        "presslens_version": presslens.__version__,
        "articles": [r["article"] for r in rows],
        "discovered": dump(discovered),
        "given": given,
        "dropped_aliases": sorted(set(dropped)),
        "seeds": {"files": [p.name for p in seed_paths], "articles": dump(seeds), "corpus": [_dump_corpus_actor(c) for c in seeds.actors]},
    }


def cached(path: Path | None, models: str | None = None, threads: int = 1, stance_head: bool = False, references: bool = False) -> dict:
    """`run()`, read from `path` if it exists, else computed and written there."""
    if path is not None and path.exists():
        return json.loads(path.read_text())
    out = run(models, threads, stance_head, references)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(out))
    return out


if __name__ == "__main__":
    import sys

    # python collect.py [FILE] [--stance-head] [--references]
    flags = {"--stance-head", "--references"}
    args = [a for a in sys.argv[1:] if a not in flags]
    target = Path(args[0]) if args else Path("/work/cache/stance/presslens_822e487.json")
    data = cached(target, stance_head="--stance-head" in sys.argv[1:], references="--references" in sys.argv[1:])
    print(target, sum(len(a["actors"]) for a in data["discovered"]), "discovered actors")


def match_gold(rows: list[dict], articles: list[dict], given: bool) -> list[tuple[int, dict, dict]]:
    """(article index, gold actor, presslens actor) for each AGREED gold actor that presslens found.
    Given mode: the actor of the same name. Discovery: a discovered actor whose name equals the gold
    name or one of its aliases (accent- and case-blind, a leading "the" ignored); when several
    match, the most mentioned; a discovered actor is used for one gold actor at most."""
    out = []
    for index, (row, art) in enumerate(zip(rows, articles)):
        used: set[int] = set()
        for g in row["actors"]:
            if not g["agreed"]:
                continue
            if given:
                hits = [i for i, a in enumerate(art["actors"]) if a["name"] == g["name"]]
            else:
                keys = {_key(g["name"])} | {_key(x) for x in g["aliases"]}
                hits = [i for i, a in enumerate(art["actors"]) if _key(a["name"]) in keys and i not in used]
            if hits:
                best = max(hits, key=lambda i: len(art["actors"][i]["mentions"]))
                used.add(best)
                out.append((index, g, art["actors"][best]))
    return out


def _key(name: str) -> str:
    key = fold(name)
    return key[4:] if key.startswith("the ") else key
