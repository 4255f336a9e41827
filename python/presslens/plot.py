"""Plots of actor stance (matplotlib is optional: ``pip install 'presslens[plot]'``).

Both plots use a diverging colour map centred at 0 (red = negative, blue = positive), so the colour
of a neutral actor is white-ish whatever the range of the data, and size their figure to fit their
labels.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .analysis import CorpusAnalysis
from .exceptions import InputError

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

CMAP = "RdBu"


def _pyplot():
    try:
        import matplotlib.pyplot as plt
    except ImportError as e:
        raise ImportError("presslens.plot needs matplotlib: pip install 'presslens[plot]'") from e
    return plt


def _check(corpus: Any) -> CorpusAnalysis:
    if not isinstance(corpus, CorpusAnalysis):
        raise InputError(f"pass the result of Pipeline.analyze_many (or analyze_frame(...).corpus), got {type(corpus).__name__}.")
    return corpus


def _top_actors(corpus: CorpusAnalysis, top: int | None, min_mentions: int) -> list:
    actors = [a for a in corpus.actors if a.mentions >= min_mentions]
    return actors[:top] if top else actors


def stance_heatmap(corpus: CorpusAnalysis, *, top: int | None = 15, min_mentions: int = 2, ax: Axes | None = None) -> Figure:
    """Actor × article heatmap of stance scores; blank where an actor is absent, the number of
    mentions printed in each cell. Actors are the ``top`` most mentioned with at least
    ``min_mentions`` mentions in the corpus."""
    import numpy as np

    plt = _pyplot()
    corpus = _check(corpus)
    actors = _top_actors(corpus, top, min_mentions)
    docs = [str(a.doc_id) for a in corpus]
    column = {a.doc_id: j for j, a in enumerate(corpus)}
    scores = np.full((len(actors), len(docs)), np.nan)
    counts = np.zeros((len(actors), len(docs)), dtype=int)
    for i, actor in enumerate(actors):
        for part in actor.articles:
            scores[i, column[part.doc_id]] = part.score
            counts[i, column[part.doc_id]] = part.mentions
    if ax is None:
        width = max(6.0, 1.2 + 0.9 * len(docs) + 0.08 * max((len(a.name) for a in actors), default=10))
        fig, ax = plt.subplots(figsize=(width, max(3.0, 0.45 * len(actors) + 1.8)), layout="constrained")
    else:
        fig = ax.figure
    image = ax.imshow(np.ma.masked_invalid(scores), cmap=CMAP, vmin=-1, vmax=1, aspect="auto")
    ax.set_xticks(range(len(docs)), labels=docs, rotation=30, ha="right")
    ax.set_yticks(range(len(actors)), labels=[a.name for a in actors])
    for i in range(len(actors)):
        for j in range(len(docs)):
            if counts[i, j]:
                ax.text(j, i, str(counts[i, j]), ha="center", va="center", fontsize=8, color="white" if abs(scores[i, j]) > 0.6 else "black")
    ax.set_title("Stance by actor and article (number = mentions)")
    fig.colorbar(image, ax=ax, label="stance score (negative ← 0 → positive)", shrink=0.8)
    return fig


def actor_bars(corpus: CorpusAnalysis, *, top: int | None = 15, min_mentions: int = 2, ax: Axes | None = None) -> Figure:
    """Horizontal bars of each actor's corpus score, coloured by score, annotated with its number of
    mentions and how many of them read positive / negative on their own (the evidence)."""
    import matplotlib.colors as mcolors

    plt = _pyplot()
    corpus = _check(corpus)
    actors = _top_actors(corpus, top, min_mentions)[::-1]
    if ax is None:
        fig, ax = plt.subplots(figsize=(8.5, max(3.0, 0.42 * len(actors) + 1.5)), layout="constrained")
    else:
        fig = ax.figure
    cmap, norm = plt.get_cmap(CMAP), mcolors.Normalize(vmin=-1, vmax=1)
    scores = [a.score for a in actors]
    ax.barh([a.name for a in actors], scores, color=[cmap(norm(s)) for s in scores], edgecolor="0.3", linewidth=0.5)
    ax.axvline(0, color="0.3", linewidth=0.8)
    ax.set_xlim(-1.15, 1.15)
    for y, a in enumerate(actors):
        note = f"{a.mentions} mentions: {a.positive_mentions} positive, {a.negative_mentions} negative"
        ax.text(a.score + (0.03 if a.score >= 0 else -0.03), y, note, va="center", ha="left" if a.score >= 0 else "right", fontsize=8)
    ax.set_xlabel("stance score across articles (per-sentence P(pos) − P(neg), shrunk toward 0 by a neutral prior)")
    ax.set_title("Where each actor stands")
    return fig
