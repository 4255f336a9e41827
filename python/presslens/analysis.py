"""Actor stance results: per mention, per actor in an article, per actor across a corpus.

The result classes (:class:`MentionStance`, :class:`ActorStance`, :class:`Analysis`,
:class:`ArticleStance`, :class:`CorpusActor`, :class:`CorpusAnalysis`) are native: the Rust core
builds them and merges actors across articles. This module holds what is Python's: the pandas
tables behind their ``to_pandas``/``*_frame`` methods and the rows the command line writes.

A mention's ``score`` is P(positive) - P(negative) from the stance head (or the cross-encoder given as
``stance_model``). An actor's ``score`` is the rule fitted to annotated article-level judgements
(``train/stance_labels/``; ``rule.py`` is its Python reference): each sentence naming the actor counts
once, with the mean of its mentions' scores; the actor's score is the sum of those sentence scores
divided by (number of sentences + :data:`PRIOR_SENTENCES`), so thin evidence stays near 0 and one polar
sentence never labels an actor. It is in (-1, 1). Labels: ``positive`` above :data:`POSITIVE_ABOVE`,
``negative`` below :data:`NEGATIVE_BELOW`, ``neutral`` in between. Across a corpus the same rule runs over all
mentions of the merged actor, a sentence being (article, sentence index). A corpus actor's
``positive_mentions``/``negative_mentions`` count the mentions the model reads as positive/negative
on their own (its most probable class), not mentions past the actor thresholds.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from . import _native
from ._native import ActorStance, Analysis, ArticleStance, CorpusActor, CorpusAnalysis, MentionStance, Quote, Stories, Story
from .exceptions import InputError

if TYPE_CHECKING:  # pandas is optional
    import pandas as pd

POSITIVE_ABOVE: float = _native.POSITIVE_ABOVE
NEGATIVE_BELOW: float = _native.NEGATIVE_BELOW
PRIOR_SENTENCES: float = _native.PRIOR_SENTENCES

ActorsArg = Mapping[str, Sequence[str]] | Sequence[str] | None

__all__ = [
    "NEGATIVE_BELOW",
    "POSITIVE_ABOVE",
    "PRIOR_SENTENCES",
    "ActorStance",
    "Analysis",
    "ArticleStance",
    "CorpusActor",
    "CorpusAnalysis",
    "MentionStance",
    "Quote",
    "Stories",
    "Story",
]

ACTOR_COLUMNS = [
    "doc_id",
    "actor",
    "kind",
    "score",
    "label",
    "mentions",
    "evidence",
    "evidence_start",
    "evidence_end",
    "positive_evidence",
    "negative_evidence",
]
MENTION_COLUMNS = ["doc_id", "actor", "mention", "via", "start", "end", "sentence_index", "sentence", "negative", "neutral", "positive", "score", "confidence"]
QUOTE_COLUMNS = ["doc_id", "speaker", "cue", "text", "start", "end", "sentence_index", "sentence"]
SPEAKER_COLUMNS = ["speaker", "target", "score", "label", "quotes", "mentions", "evidence", "evidence_doc_id"]
CORPUS_ACTOR_COLUMNS = ["actor", "kind", "score", "label", "mentions", "articles", "evidence", "evidence_doc_id"]


# The methods of the native result classes call these (by name: see src/python/results.rs).
def analysis_frame(analysis: Analysis) -> pd.DataFrame:
    return _frame(actor_rows(analysis), ACTOR_COLUMNS)


def analysis_mentions_frame(analysis: Analysis) -> pd.DataFrame:
    return _frame(mention_rows(analysis), MENTION_COLUMNS)


def analysis_quotes_frame(analysis: Analysis) -> pd.DataFrame:
    return _frame(quote_rows(analysis), QUOTE_COLUMNS)


def corpus_quotes_frame(corpus: CorpusAnalysis) -> pd.DataFrame:
    return _frame([row for a in corpus.articles for row in quote_rows(a)], QUOTE_COLUMNS)


def analysis_speaker_frame(analysis: Analysis) -> pd.DataFrame:
    return _frame(speaker_rows([analysis]), SPEAKER_COLUMNS)


def corpus_speaker_frame(corpus: CorpusAnalysis) -> pd.DataFrame:
    names = corpus.corpus_names()
    return _frame(speaker_rows(list(corpus.articles), lambda doc_id, name: names.get((doc_id, name), name)), SPEAKER_COLUMNS)


def speaker_rows(articles: Sequence[Analysis], rename: Callable[[Hashable, str], str] | None = None) -> list[dict[str, Any]]:
    """(speaker, target) pairs over the articles' quotes: every mention of another actor inside a
    quote's reported words is how that speaker positions that target; the pair's score and label
    are the stance rule over those mentions (`_native.stance_of`), most quoted pairs first."""
    pairs: dict[tuple[str, str], list[tuple[int, MentionStance]]] = {}
    for d, analysis in enumerate(articles):
        doc_id = analysis.doc_id

        def named(name: str, doc_id: Hashable = doc_id) -> str:
            return rename(doc_id, name) if rename else name

        by_sentence: dict[int, list[tuple[str, MentionStance]]] = {}
        for actor in analysis.actors:
            for m in actor.mentions:
                by_sentence.setdefault(m.sentence_index, []).append((actor.name, m))
        for q in analysis.quotes:
            if q.speaker is None:
                continue
            for target, m in by_sentence.get(q.sentence_index, []):
                # An unscored reference (NaN: `score_references=False`) says nothing here.
                if target != q.speaker and q.start <= m.start and m.end <= q.end and not math.isnan(m.score):
                    pairs.setdefault((named(q.speaker), named(target)), []).append((d, m))
    rows: list[dict[str, Any]] = []
    for (speaker, target), items in pairs.items():
        score, label = _native.stance_of([(d, m.sentence_index) for d, m in items], [m.score for _, m in items])
        # The evidence: the mention most in the label's direction, for neutral the least polar.
        if label == "positive":
            d, best = max(items, key=lambda item: item[1].score)
        elif label == "negative":
            d, best = min(items, key=lambda item: item[1].score)
        else:
            d, best = min(items, key=lambda item: abs(item[1].score))
        rows.append(
            {
                "speaker": speaker,
                "target": target,
                "score": score,
                "label": label,
                "quotes": len({(d, m.sentence_index) for d, m in items}),
                "mentions": len(items),
                "evidence": best.sentence,
                "evidence_doc_id": articles[d].doc_id,
            }
        )
    rows.sort(key=lambda r: (-r["quotes"], r["speaker"], r["target"]))
    return rows


def corpus_frame(corpus: CorpusAnalysis) -> pd.DataFrame:
    return _with_corpus_names(_frame([row for a in corpus.articles for row in actor_rows(a)], ACTOR_COLUMNS), corpus)


def corpus_actors_frame(corpus: CorpusAnalysis) -> pd.DataFrame:
    return _frame(corpus_actor_rows(corpus, per_article=True), CORPUS_ACTOR_COLUMNS + ["per_article"])


def corpus_mentions_frame(corpus: CorpusAnalysis) -> pd.DataFrame:
    return _with_corpus_names(_frame([row for a in corpus.articles for row in mention_rows(a)], MENTION_COLUMNS), corpus)


STORY_ARTICLE_COLUMNS = ["doc_id", "story", "story_name", "story_size", "headline", "summary", "error"]
STORY_COLUMNS = ["story", "name", "articles", "doc_ids", "summary", "top_actors"]


def stories_articles_frame(stories: Stories) -> pd.DataFrame:
    rows = []
    for article, story_id in zip(stories.articles, stories.story_ids):
        story = stories.stories[story_id]
        rows.append(
            {
                "doc_id": article.doc_id,
                "story": story_id,
                "story_name": story.name,
                "story_size": len(story),
                "headline": article.sentences[0].text if article.sentences else None,
                "summary": str(article.summary),
                "error": article.error,
            }
        )
    return _frame(rows, STORY_ARTICLE_COLUMNS)


def stories_frame(stories: Stories) -> pd.DataFrame:
    return _frame(story_rows(stories), STORY_COLUMNS)


def story_rows(stories: Stories, top: int = 5) -> list[dict[str, Any]]:
    """One row per story; ``top_actors``: its ``top`` most mentioned actors as "name (label)"."""
    return [
        {
            "story": s.id,
            "name": s.name,
            "articles": len(s),
            "doc_ids": list(s.doc_ids),
            "summary": " ".join(" ".join(x.text.split()) for x in s.summary.sentences),
            "top_actors": [f"{a.name} ({a.label})" for a in s.actors[:top]],
        }
        for s in stories.stories
    ]


def _with_corpus_names(frame: pd.DataFrame, corpus: CorpusAnalysis) -> pd.DataFrame:
    names = corpus.corpus_names()
    frame.insert(2, "corpus_actor", [names.get((d, a), a) for d, a in zip(frame["doc_id"], frame["actor"])])
    return frame


def corpus_actor_rows(corpus: CorpusAnalysis | Story, per_article: bool = False) -> list[dict[str, Any]]:
    """One row per actor of a corpus (or of one story)."""
    rows = []
    for a in corpus.actors:
        best = a.evidence
        row: dict[str, Any] = {
            "actor": a.name,
            "kind": a.kind,
            "score": a.score,
            "label": a.label,
            "mentions": a.mentions,
            "articles": len(a.articles),
            "evidence": best.sentence if best else None,
            "evidence_doc_id": best.doc_id if best else None,
        }
        if per_article:
            row["per_article"] = {s.doc_id: round(s.score, 4) for s in a.articles}
        rows.append(row)
    return rows


def actor_rows(analysis: Analysis) -> list[dict[str, Any]]:
    rows = []
    for a in analysis.actors:
        best = a.evidence
        sentence = None if best is None else analysis.sentences[best.sentence_index]
        rows.append(
            {
                "doc_id": analysis.doc_id,
                "actor": a.name,
                "kind": a.kind,
                "score": a.score,
                "label": a.label,
                "mentions": a.mention_count,
                "evidence": best.sentence if best else None,
                "evidence_start": None if sentence is None else sentence.start,
                "evidence_end": None if sentence is None else sentence.end,
                "positive_evidence": [m.sentence for m in a.positive_evidence],
                "negative_evidence": [m.sentence for m in a.negative_evidence],
            }
        )
    return rows


def mention_rows(analysis: Analysis) -> list[dict[str, Any]]:
    return [
        {
            "doc_id": analysis.doc_id,
            "actor": a.name,
            "mention": m.text,
            "via": m.via,
            "start": m.start,
            "end": m.end,
            "sentence_index": m.sentence_index,
            "sentence": m.sentence,
            "negative": m.negative,
            "neutral": m.neutral,
            "positive": m.positive,
            "score": m.score,
            "confidence": m.confidence,
        }
        for a in analysis.actors
        for m in a.mentions
    ]


def quote_rows(analysis: Analysis) -> list[dict[str, Any]]:
    # Every column after doc_id is the Quote attribute of that name.
    return [{"doc_id": analysis.doc_id, **{c: getattr(q, c) for c in QUOTE_COLUMNS[1:]}} for q in analysis.quotes]


def _frame(rows: list[dict[str, Any]], columns: list[str]) -> pd.DataFrame:
    try:
        import pandas as pd
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError("to_pandas() needs pandas: pip install 'presslens[pandas]'") from e
    return pd.DataFrame(rows, columns=columns)


def normalise_actors(actors: ActorsArg) -> list[tuple[str, list[str]]] | None:
    """``{"name": ["alias", ...]}`` or ``["name", ...]`` -> [(name, aliases)]; None stays None."""
    if actors is None:
        return None
    if isinstance(actors, str):
        raise InputError("actors must be a mapping {name: [aliases]} or a list of names, not a single string; wrap it: [name].")
    items = actors.items() if isinstance(actors, Mapping) else ((name, []) for name in actors)
    out: list[tuple[str, list[str]]] = []
    for name, aliases in items:
        if not isinstance(name, str) or not name.strip():
            raise InputError(f"actor names must be non-empty strings, got {name!r}.")
        if isinstance(aliases, str):
            aliases = [aliases]
        if aliases is None:
            aliases = []
        if not isinstance(aliases, (list, tuple, set, frozenset)) or not all(isinstance(a, str) and a.strip() for a in aliases):
            raise InputError(f"aliases of actor {name!r} must be a list of non-empty strings, got {aliases!r}.")
        out.append((name.strip(), [a.strip() for a in aliases]))
    if not out:
        raise InputError("actors is empty; pass None to discover actors, or at least one name.")
    return out


def empty_analysis(doc_id: Hashable, error: str) -> Analysis:
    """The placeholder for a row that could not be analysed (``errors="mark"``)."""
    from ._native import Summary

    return Analysis(doc_id=doc_id, sentences=(), summary=Summary([], doc_id=doc_id, error=error), actors=(), quotes=(), error=error)
