"""The :class:`Pipeline`: models loaded once, then embeddings and target sentiment on demand."""

from __future__ import annotations

import operator
import os
import threading
from collections.abc import Callable, Hashable, Iterable, Sequence
from pathlib import Path
from typing import Any, TypeVar, Union, overload

import numpy as np

from . import _native
from ._inputs import Errors, as_float, bounded_int, check_actor_texts, check_ids, items, limit, require_text, screen, text_list
from ._runtime import find_ort_library
from .analysis import ActorsArg, Analysis, CorpusAnalysis, Stories, empty_analysis, normalise_actors
from .exceptions import InputError
from .models import locate, search_roots, verify_at_load
from .summary import CorpusSummary, Summary
from .text import Document, segment

PathLike = Union[str, "os.PathLike[str]"]
T = TypeVar("T")

DEFAULT_EMBEDDING_MODEL: str = _native.DEFAULT_EMBEDDING_MODEL
# The target-sentiment cross-encoder that scores stance by default (one encoder pass per mention);
# ``stance_model=None`` reads stance with the bundled stance head instead.
CROSS_ENCODER_STANCE_MODEL: str = _native.CROSS_ENCODER_STANCE_MODEL


class Pipeline:
    """Both presslens models, loaded once and shared by every call (and every Python thread).

    Args:
        models: folder holding the model folders. If omitted, ``$PRESSLENS_MODELS``, the installed
            ``presslens-models`` package, then the user cache (``~/.cache/presslens/models``, where
            ``presslens models fetch`` puts them) are searched; the error lists every place tried.
        threads: total CPU cores presslens may use (tokenising and ONNX Runtime share them).
            Default: all available.
        lanes: ONNX sessions per model that run batches side by side, sharing ``threads``
            between them. On a few cores, two one-thread sessions get more done than one
            two-thread session (less waiting between threads on small matrices), but each lane
            holds its own copy of the model weights (about 150 MiB per model). Default: one per
            core, at most 4 (one on a GPU); ``lanes=1`` for the smallest memory.
        batch_size: sentences per model call. Inputs are sorted by length and each batch is
            padded only to its own longest item. Default: 8 on the CPU, where small batches are
            fastest, and 256 on a GPU, where large ones are (``bench/perf.py``, ``bench/gpu.py``).
        max_article_sentences: summaries and actor analysis read at most this many sentences of an
            article (results longer than that say ``truncated=True``).
        precision: ``"fp32"`` (the shipped models) or ``"int8"`` (dynamically quantised copies, made at
            first use and cached; see :mod:`presslens.quantize`). For the CPU only; slightly less
            accurate, and faster only on CPUs with fast int8 instructions (VNNI).
        device: ``"cpu"`` or ``"cuda"`` (ONNX Runtime's CUDA execution provider; needs the
            ``onnxruntime-gpu`` package instead of ``onnxruntime``). Without it presslens warns and
            runs on the CPU.
        embedding_model: folder name of the embedding model inside ``models``.
        stance_model: folder name inside ``models`` of the target-sentiment cross-encoder that scores
            each mention (default ``"stance-minilm-l6"``, :data:`CROSS_ENCODER_STANCE_MODEL`; one
            encoder pass per mention). ``None`` reads stance with the bundled stance head on the
            token states of the embedding pass the summaries and the entity recogniser already run:
            no second encoder pass (``analyze_many`` 1.6x as fast on 2 cores), but its article labels
            measured below the cross-encoder's (``src/data/stance/MODEL_CARD.md``).
        score_references: also score the mentions made by pronoun or description ("he", "the
            company"; ``MentionStance.via``) with the stance model. They never weigh in an actor's
            score; with the cross-encoder each costs one more encoder pass (about 47% more
            mentions on BBC business news, ``analyze_many`` at 0.84x), so by default they are
            listed with NaN probabilities and scores, and ``speaker_frame`` reads only the
            mentions by name inside quotes.

    Everything is loaded here, so a missing or broken model or runtime raises now
    (:class:`~presslens.ModelError`, :class:`~presslens.RuntimeLibraryError`), not at first use.
    """

    def __init__(
        self,
        models: PathLike | None = None,
        *,
        threads: int | None = None,
        lanes: int | None = None,
        batch_size: int | None = None,
        max_article_sentences: int = _native.DEFAULT_MAX_ARTICLE_SENTENCES,
        precision: str = "fp32",
        device: str = "cpu",
        embedding_model: str = DEFAULT_EMBEDDING_MODEL,
        stance_model: str | None = CROSS_ENCODER_STANCE_MODEL,
        score_references: bool = False,
    ) -> None:
        # The ranges live in the core (pipeline.rs); the core also caps threads at 4 per core.
        bounded_int(threads, "threads", 1, limit("threads"), "all cores")
        bounded_int(lanes, "lanes", 1, limit("lanes"), "automatic")
        bounded_int(batch_size, "batch_size", 1, limit("batch_size"), "the device's default")
        bounded_int(max_article_sentences, "max_article_sentences", 1, limit("max_article_sentences"))
        if precision not in ("fp32", "int8"):
            raise InputError(f"precision must be 'fp32' or 'int8', got {precision!r}.")
        if not isinstance(device, str):
            raise InputError(f"device must be 'cpu' or 'cuda', got {device!r}.")
        if precision == "int8" and device == "cuda":
            # Dynamically quantised MatMulInteger runs outside the GPU's fast paths: on an H100 the int8
            # models embedded 0.07x as many sentences/s as fp32 (bench/gpu.py --int8).
            raise InputError(
                "precision='int8' is a CPU option: on a GPU the int8 models run about 14x slower than fp32. Use precision='fp32' with device='cuda'."
            )
        self._config: dict[str, Any] = {
            "models": None if models is None else os.fspath(models),
            "threads": threads,
            "lanes": lanes,
            "batch_size": batch_size,
            "max_article_sentences": max_article_sentences,
            "precision": precision,
            "device": device,
            "embedding_model": embedding_model,
            "stance_model": stance_model,
            "score_references": bool(score_references),
        }
        ort_dylib = str(find_ort_library())
        models_dir = self._config["models"]
        search_roots()  # tells the core where an installed presslens-models package is
        sources = None
        if precision == "int8":
            from .quantize import int8_models

            sources = [locate(name, models_dir) for name in (embedding_model, stance_model) if name is not None]
            models_dir = str(int8_models(sources))
        self.device = _usable_device(device, ort_dylib)
        self._inner = _native.NativePipeline(
            models_dir,
            threads=threads or 0,
            lanes=lanes or 0,
            batch_size=batch_size or 0,  # 0: the device's default, chosen by the core
            max_article_sentences=max_article_sentences,
            device=self.device,
            embedding_model=embedding_model,
            stance_model=stance_model,
            ort_dylib=ort_dylib,
            score_references=bool(score_references),
        )
        # After loading, so that a file the core cannot use gets the core's more precise error; a
        # file that loads but is not the manifest's (damaged in place) is refused here.
        loaded = zip((embedding_model, stance_model), sources or self.model_dirs)
        verify_at_load((name, folder) for name, folder in loaded if name is not None and folder is not None)
        self.precision = precision

    # Pickling ships the configuration, never the sessions: each process loads its own models.
    def __getstate__(self) -> dict[str, Any]:
        return dict(self._config)

    def __setstate__(self, state: dict[str, Any]) -> None:
        config = dict(state)
        models = config.pop("models")
        self.__init__(models, **config)  # type: ignore[misc]

    def __repr__(self) -> str:
        embedding, stance = self.model_dirs
        stance_text = "stance head" if stance is None else str(stance)
        return f"Pipeline(embedding={str(embedding)!r}, stance={stance_text!r}, threads={self.threads}, lanes={self.lanes}, batch_size={self.batch_size}, precision={self.precision!r}, device={self.device!r})"

    @property
    def threads(self) -> int:
        """CPU cores in use."""
        return self._inner.threads

    @property
    def lanes(self) -> int:
        """ONNX sessions per model that run batches side by side."""
        return self._inner.lanes

    @property
    def batch_size(self) -> int:
        return self._inner.batch_size

    @property
    def model_dirs(self) -> tuple[Path, Path | None]:
        """Folders the embedding model and the stance cross-encoder were loaded from (``None`` for
        the stance head, which is bundled with presslens)."""
        embedding, stance = self._inner.model_dirs
        return Path(embedding), None if stance is None else Path(stance)

    @property
    def runtime_library(self) -> Path:
        """The ONNX Runtime library in use."""
        return Path(self._inner.runtime_library)

    @property
    def onnx_run_seconds(self) -> float:
        """Wall-clock seconds with some session of either model inside ONNX Runtime's ``run`` since
        loading (overlapping lanes count once). A profiling aid: compare with wall time to see how
        much goes to tokenising, ranking and matching."""
        return self._inner.onnx_run_seconds

    @property
    def stance_labels(self) -> list[str]:
        """Class names of :meth:`target_sentiment` columns, in the model's order."""
        return list(self._inner.stance_labels)

    def segment(self, text: str) -> Document:
        """Same as :func:`presslens.segment`."""
        return segment(text)

    @overload
    def embed(self, texts: str) -> np.ndarray: ...
    @overload
    def embed(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed(self, texts: str | Sequence[str]) -> np.ndarray:
        """Sentence embeddings: float32, L2-normalised, 384 wide.

        A single ``str`` gives one vector ``(384,)``; a sequence (list, tuple, pandas Series) gives
        ``(len(texts), 384)`` in input order. Texts longer than 256 word pieces are truncated, as the
        model was trained. A text that occurs more than once is run through the model once; every
        position still gets its row.
        """
        if isinstance(texts, str):
            return _interruptible(self._inner.embed, [texts])[0]
        return _interruptible(self._inner.embed, text_list(texts, "texts"))

    def target_sentiment(self, mentions: Sequence[str], sentences: Sequence[str], spans: Sequence[tuple[int, int]] | None = None) -> np.ndarray:
        """How each sentence portrays its target: probabilities ``(n, 3)``.

        ``mentions[i]`` is the target as written in ``sentences[i]`` (e.g. ``"Rubio"``): the stance
        head reads the first place it occurs there (exact, else ignoring case) and raises
        :class:`~presslens.InputError` when it does not occur. ``spans[i] = (start, end)``, character
        offsets into ``sentences[i]``, says where the target is instead (a name that occurs twice,
        NewsMTSC's ``from``/``to``). Columns follow :attr:`stance_labels` (``negative, neutral,
        positive``); each row sums to 1. A stance score in [-1, 1] is ``p[:, positive] - p[:, negative]``.
        """
        mentions = text_list(mentions, "mentions")
        sentences = text_list(sentences, "sentences")
        if len(mentions) != len(sentences):
            raise InputError(f"got {len(mentions)} mentions but {len(sentences)} sentences; pass one mention per sentence.")
        if spans is None:
            return _interruptible(self._inner.target_sentiment, mentions, sentences)
        if isinstance(spans, (str, bytes, dict)):
            raise InputError(f"spans must be a sequence of (start, end) pairs, got {type(spans).__name__}.")
        pairs = list(spans)
        if len(pairs) != len(sentences):
            raise InputError(f"got {len(pairs)} spans for {len(sentences)} sentences; pass one (start, end) per sentence.")
        try:
            checked = [(operator.index(start), operator.index(end)) for start, end in pairs]
        except (TypeError, ValueError) as e:
            raise InputError(f"each span must be a pair of integers (start, end): {e}") from None
        return _interruptible(self._inner.span_sentiment, sentences, checked)

    def analyze(self, text: str, actors: ActorsArg = None, *, max_sentences: int = 3, doc_id: Hashable = 0) -> Analysis:
        """Summary, actors and per-actor stance of one article.

        ``actors``: ``{"United States": ["US", "U.S.", "Washington"], ...}`` (the name itself always
        counts as an alias) or a list of names; ``None`` discovers people, countries and
        organisations in the text. Matching is whole-word, case-aware and accent-blind.
        """
        return self.analyze_many([require_text(text, "text")], [doc_id], actors, max_sentences=max_sentences).articles[0]

    def analyze_many(
        self,
        texts: Iterable[str],
        ids: Sequence[Hashable] | None = None,
        actors: ActorsArg = None,
        *,
        max_sentences: int = 3,
        errors: Errors = "raise",
        show_progress: bool = False,
        chunk_size: int = 64,
    ) -> CorpusAnalysis:
        """:meth:`analyze` for many articles, in parallel, in input order, plus the actors merged
        across articles (:attr:`CorpusAnalysis.actors`). ``ids`` name the articles (default:
        positions). With ``actors=None`` each article's actors are discovered in that article
        alone, so its result does not depend on the rest of the batch. ``errors``, progress and
        Ctrl-C work as in :meth:`summarize_many`; a marked row is an empty :class:`Analysis` with
        ``.error`` set.
        """
        texts, problems = screen(texts, "texts", errors)
        ids = _ids(ids, len(texts))
        given = normalise_actors(actors)
        check_actor_texts(given)
        budget = _count(max_sentences, "max_sentences")
        articles: list[Analysis] = []
        work = lambda chunk, chunk_ids: self._inner.analyze_many(chunk, chunk_ids, given, budget)  # noqa: E731
        for position, analysis in self._chunked(texts, ids, chunk_size, show_progress, "analyze", work):
            problem = problems[position]
            if problem is None:
                articles.append(analysis)
            elif errors == "mark":
                articles.append(empty_analysis(ids[position], problem))
        return _native.corpus_analysis(articles)

    def stories(
        self,
        texts: Iterable[str],
        ids: Sequence[Hashable] | None = None,
        dates: Sequence[object] | None = None,
        *,
        max_sentences: int = 5,
        errors: Errors = "raise",
        show_progress: bool = False,
        chunk_size: int = 64,
    ) -> Stories:
        """Group articles into stories (same specific event chain, not same topic) and read each:
        one summary across its articles and one actor table.

        Every article is analysed as by :meth:`analyze_many` (its result is in
        :attr:`Stories.articles`), and the same encoder pass gives what grouping needs: the
        headline and lead embeddings, the actors and the rare names articles share. A story of one
        article is normal. ``dates`` (anything :func:`pandas.to_datetime` reads, or datetimes; None
        for unknown) order each story's articles; without them, input order. ``max_sentences`` is
        the length of each story's summary. ``errors``, progress and Ctrl-C work as in
        :meth:`summarize_many`; a marked row is a story of its own.
        """
        budget = _count(max_sentences, "max_sentences")
        rows = items(texts, "texts")
        # Dates are checked before any work, so that a bad one does not cost the analysis.
        stamps = None if dates is None else _timestamps(items(dates, "dates"), len(rows))
        articles, profiles, kept = self._analyze_for_stories(rows, ids, budget, errors, show_progress, chunk_size)
        kept_dates = None if stamps is None else [stamps[position] for position in kept]
        return _interruptible(_native.stories, articles, profiles, budget, kept_dates)

    def _analyze_for_stories(
        self, texts: Iterable[object], ids: Sequence[Hashable] | None, budget: int, errors: Errors, show_progress: bool, chunk_size: int
    ) -> tuple[list[Analysis], list[Any], list[int]]:
        """Each article's analysis and story profile (None for a marked row), and the input
        positions of the rows kept (``errors="skip"`` leaves some out)."""
        texts, problems = screen(texts, "texts", errors)
        ids = _ids(ids, len(texts))
        articles: list[Analysis] = []
        profiles: list[Any] = []
        kept: list[int] = []
        work = lambda chunk, chunk_ids: self._inner.analyze_for_stories(chunk, chunk_ids, budget)  # noqa: E731
        for position, (analysis, profile) in self._chunked(texts, ids, chunk_size, show_progress, "stories", work):
            problem = problems[position]
            if problem is None:
                articles.append(analysis)
                profiles.append(profile)
            elif errors == "mark":
                articles.append(empty_analysis(ids[position], problem))
                profiles.append(None)
            else:
                continue
            kept.append(position)
        return articles, profiles, kept

    def summarize(self, text: str, *, max_sentences: int | None = 3, max_words: int | None = None, ratio: float | None = None) -> Summary:
        """Extractive summary of one article, in document order.

        Exactly one budget applies: ``max_words`` or ``ratio`` (a share of the sentences) when given,
        else ``max_sentences``. Asking for more sentences than exist returns all candidates; an empty
        article gives an empty summary. Headlines and sentences under five words are never chosen.
        """
        return self.summarize_many([require_text(text, "text")], max_sentences=max_sentences, max_words=max_words, ratio=ratio, ids=[None])[0]

    def summarize_many(
        self,
        texts: Iterable[str],
        *,
        max_sentences: int | None = 3,
        max_words: int | None = None,
        ratio: float | None = None,
        ids: Sequence[Hashable] | None = None,
        errors: Errors = "raise",
        show_progress: bool = False,
        chunk_size: int = 64,
    ) -> list[Summary]:
        """Summaries of many articles, in input order; work runs in parallel in Rust.

        ``errors``: what to do with an item that is not text (None, bytes, numbers, unpaired
        surrogates): ``"raise"`` an :class:`InputError` naming it, ``"mark"`` it (its summary is
        empty with ``.error`` set), or ``"skip"`` it (left out; ``.doc_id`` tells the rest apart).
        ``show_progress=True`` draws a tqdm bar; work goes in chunks of ``chunk_size`` articles and
        Ctrl-C stops between chunks.
        """
        texts, problems = screen(texts, "texts", errors)
        ids = _ids(ids, len(texts))
        sentences, words, share = _optional_count(max_sentences, "max_sentences"), _optional_count(max_words, "max_words"), _ratio(ratio)
        results: list[Summary] = []
        work = lambda chunk, chunk_ids: self._inner.summarize_many(chunk, chunk_ids, max_sentences=sentences, max_words=words, ratio=share)  # noqa: E731
        for position, summary in self._chunked(texts, ids, chunk_size, show_progress, "summarize", work):
            problem = problems[position]
            if problem is None:
                results.append(summary)
            elif errors == "mark":
                results.append(Summary([], doc_id=ids[position], error=problem))
        return results

    def _chunked(self, texts: list[str], ids: list[Hashable], chunk_size: int, show_progress: bool, what: str, work):
        """Run ``work(texts, ids)`` over chunks; yield (input position, result) in input order,
        updating a progress bar. Ctrl-C stops the loop at once (see :func:`_interruptible`)."""
        bounded_int(chunk_size, "chunk_size", 1, limit("chunk_size"))
        bar = _progress(len(texts), show_progress, what)
        try:
            for begin in range(0, len(texts), chunk_size):
                chunk = texts[begin : begin + chunk_size]
                for offset, result in enumerate(_interruptible(work, chunk, ids[begin : begin + chunk_size])):
                    yield begin + offset, result
                if bar is not None:
                    bar.update(len(chunk))
        finally:
            if bar is not None:
                bar.close()

    def summarize_corpus(self, texts: Iterable[str], ids: Sequence[object] | None = None, *, max_sentences: int = 5) -> CorpusSummary:
        """One summary across articles on the same story.

        Central, non-redundant sentences are picked across all articles; a sentence several outlets
        repeat is kept once (from the article where it scores best) with the others listed in
        ``sources``. Each sentence is attributed to its article by ``ids`` (default: positions).
        Past ``MAX_CORPUS_SENTENCES`` sentences (about 200 articles) the articles are grouped into
        stories first (see :meth:`stories`) and the summary takes the best sentence of each of the
        largest stories, so memory grows with the articles, not their square.
        """
        texts = text_list(texts, "texts")
        return _interruptible(self._inner.summarize_corpus, texts, _ids(ids, len(texts)), _count(max_sentences, "max_sentences"))


def _usable_device(device: str, ort_dylib: str) -> str:
    """``cuda`` only when the ONNX Runtime library presslens loads has the CUDA provider; otherwise
    say so and use the CPU.

    The library is asked, not the importable ``onnxruntime`` package: ``$PRESSLENS_ORT_DYLIB`` may
    name another build. With CUDA, the CUDA and cuDNN libraries of the ``nvidia-*`` wheels are
    preloaded (``onnxruntime.preload_dlls``), as ONNX Runtime's own Python API expects, so that
    ``pip install onnxruntime-gpu[cuda,cudnn]`` is all a user needs.
    """
    if device != "cuda":
        return device
    import warnings

    if _native.cuda_available(ort_dylib):
        try:
            import onnxruntime

            onnxruntime.preload_dlls()
        except (ImportError, AttributeError, OSError):  # no Python package, or an old one: the system's libraries may still do
            pass
        return "cuda"
    warnings.warn(
        f"device='cuda' needs ONNX Runtime's CUDA execution provider, and {ort_dylib} is a CPU-only build. "
        f"Install onnxruntime-gpu in place of onnxruntime (`pip uninstall onnxruntime && pip install onnxruntime-gpu[cuda,cudnn]=={_native.ORT_VERSION}`). Running on the CPU.",
        RuntimeWarning,
        stacklevel=3,
    )
    return "cpu"


def _interruptible(call: Callable[..., T], *args: Any) -> T:
    """``call(*args)``, a native call that releases the GIL, run on a helper thread while this one
    waits: Python delivers Ctrl-C only between bytecodes of the main thread, so a call made here
    would hold it back until it returned (minutes for a long batch). Interrupted, the call goes on
    to its end in the background (it cannot be stopped half way) and its result is dropped; the
    Pipeline stays usable."""
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["value"] = call(*args)
        except BaseException as e:  # handed to the caller's thread
            outcome["error"] = e

    worker = threading.Thread(target=run, name="presslens-call")
    worker.start()
    worker.join()  # Ctrl-C interrupts this wait
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def _timestamps(dates: list[object], n: int) -> list[float | None]:
    """Seconds since the epoch per date (None where unknown), one per text."""
    if len(dates) != n:
        raise InputError(f"got {len(dates)} dates for {n} texts; pass one date (or None) per text")
    try:
        import pandas as pd
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError("dates= needs pandas to read them: pip install 'presslens[pandas]'") from e
    out: list[float | None] = []
    for position, value in enumerate(dates):
        try:
            stamp = pd.to_datetime(value, utc=True)
        except (ValueError, TypeError, OverflowError) as e:
            raise InputError(f"dates[{position}] ({value!r}) is not a date: {e}; pass dates pandas.to_datetime reads, or None") from None
        out.append(None if pd.isna(stamp) else stamp.timestamp())
    return out


def _ids(ids: Sequence[Hashable] | None, n: int) -> list[Hashable]:
    """The caller's ids as a list (the core checks there is one per text), else positions; each must
    be hashable, since ids key the corpus tables. A str or a mapping is refused, as for texts."""
    return check_ids(list(range(n)) if ids is None else items(ids, "ids", of="ids"))


def _count(value: object, name: str) -> int:
    """Type and range (the core's limits, ``_native.LIMITS``): checked here because pyo3 turns an
    int too large for the core into an ``OverflowError`` before the core can say what the range is."""
    checked = bounded_int(value, name, 0, limit(name))
    assert checked is not None  # None is refused when no meaning for None is given
    return checked


def _optional_count(value: object, name: str) -> int | None:
    return None if value is None else _count(value, name)


def _ratio(value: object) -> float | None:
    if value is None:
        return None
    number = as_float(value)
    if number is None:
        raise InputError(f"ratio must be a number in (0, 1], got {value!r}.")
    return number


def _progress(total: int, enabled: bool, what: str):
    if not enabled:
        return None
    try:
        from tqdm.auto import tqdm
    except ImportError as e:
        raise InputError("show_progress=True needs tqdm: pip install tqdm") from e
    return tqdm(total=total, desc=what, unit="article")
