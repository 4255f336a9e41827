"""Checking and normalising what users pass in, with errors that say what to do."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from typing import Literal

from .exceptions import InputError

Errors = Literal["raise", "skip", "mark"]
ERROR_MODES = ("raise", "skip", "mark")


def require_text(value: object, name: str) -> str:
    problem = text_problem(value)
    if problem is not None:
        raise InputError(f"{name} {problem}.")
    return value  # type: ignore[return-value]


def text_problem(value: object) -> str | None:
    """Why ``value`` cannot be analysed as text, or None if it can (empty text can: it gives an
    empty result)."""
    if value is None or (isinstance(value, float) and value != value):
        return f"must be a str, got {value!r} (a missing value)"
    if isinstance(value, (bytes, bytearray)):
        return "must be a str, got bytes; decode it first: value.decode('utf-8')"
    if not isinstance(value, str):
        return f"must be a str, got {type(value).__name__}"
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return "contains unpaired surrogate code points (a bad decode?); clean it: text.encode('utf-8', 'replace').decode()"
    return None


def status_of(value: object) -> str:
    """A short status for tables: ok, empty, missing, not text (int), invalid text (...)."""
    problem = text_problem(value)
    if problem is None:
        return "ok" if str(value).strip() else "empty"
    if problem.endswith("(a missing value)"):
        return "missing"
    if problem.startswith("must be a str"):
        return f"not text ({type(value).__name__})"
    return "invalid text (unpaired surrogates)"


def _items(values: object, name: str) -> list[object]:
    if isinstance(values, (str, bytes)):
        raise InputError(f"{name} must be a sequence of str, not a single {type(values).__name__}.")
    if isinstance(values, Mapping):
        # Iterating a dict gives its keys: embedding them silently is never what was meant.
        raise InputError(f"{name} must be a sequence of str, not a mapping ({type(values).__name__}); pass list(d.values()) or list(d).")
    if not isinstance(values, Iterable):
        raise InputError(f"{name} must be a sequence of str, got {type(values).__name__}.")
    return list(values)


def text_list(values: object, name: str) -> list[str]:
    """A list of str from a list, tuple, numpy array or pandas Series, naming the first bad item."""
    items = _items(values, name)
    for i, item in enumerate(items):
        problem = text_problem(item)
        if problem is not None:
            raise InputError(f"{name}[{i}] {problem} ({item!r:.40}).", index=i)
    return items  # type: ignore[return-value]


def screen(values: object, name: str, errors: str) -> tuple[list[str], list[str | None]]:
    """Texts to analyse (bad items replaced by "") and, per item, what was wrong with it.

    ``errors="raise"`` raises :class:`InputError` on the first bad item instead.
    """
    if errors not in ERROR_MODES:
        raise InputError(f"errors must be one of {ERROR_MODES}, got {errors!r}.")
    items = _items(values, name)
    problems = [text_problem(item) for item in items]
    if errors == "raise":
        for i, problem in enumerate(problems):
            if problem is not None:
                raise InputError(f"{name}[{i}] {problem} ({items[i]!r:.40}); pass errors='mark' to flag bad rows or errors='skip' to leave them out.", index=i)
    return [item if p is None else "" for item, p in zip(items, problems)], problems  # type: ignore[misc]


def limit(name: str) -> int:
    """The upper bound of a numeric option, as the Rust core defines it (``_native.LIMITS``)."""
    from . import _native

    return int(_native.LIMITS[name])


def bounded_int(value: object, name: str, low: int, high: int, none: str | None = None) -> int | None:
    """``value`` as an int in ``low..=high`` (or None when ``none`` says what None means), else an
    :class:`InputError` giving the range. Checked here because pyo3 turns an int too large for the
    core into an ``OverflowError`` before the core can say what the range is."""
    if value is None and none is not None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        also = f" or None ({none})" if none is not None else ""
        kind = {0: "a non-negative int", 1: "a positive int"}.get(low, "an int")
        raise InputError(f"{name} must be {kind} ({low} to {high}){also}, got {value!r:.60}.")
    return value


def check_ids(ids: list[object]) -> list[object]:
    """Ids name articles in results and key the corpus tables, so each must be hashable."""
    for i, value in enumerate(ids):
        if not isinstance(value, Hashable) or _unhashable(value):
            raise InputError(f"ids[{i}] is a {type(value).__name__} ({value!r:.40}), which cannot name an article: use a str, int or tuple.")
    return ids


def _unhashable(value: object) -> bool:
    try:
        hash(value)
    except TypeError:
        return True
    return False


def check_actor_texts(actors: list[tuple[str, list[str]]] | None) -> None:
    """Names and aliases must be text the core can read (no unpaired surrogates)."""
    for name, aliases in actors or ():
        for text in (name, *aliases):
            problem = text_problem(text)
            if problem is not None:
                raise InputError(f"actor {name!r:.40}: alias {text!r:.40} {problem}.")
