"""Checking and normalising what users pass in, with errors that say what to do."""

from __future__ import annotations

import math
import numbers
import operator
import sys
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


class Unusable:
    """A row the command line read but cannot analyse (a text over its limit): ``status`` says why,
    and the row stays in every output with that status."""

    def __init__(self, status: str) -> None:
        self.status = status

    def __repr__(self) -> str:
        return f"<{self.status}>"


def is_missing(value: object) -> bool:
    """None, a NaN of any float type (numpy's too), and pandas' ``NA`` and ``NaT``."""
    if value is None or (isinstance(value, numbers.Real) and not isinstance(value, numbers.Integral) and math.isnan(value)):
        return True
    pandas = sys.modules.get("pandas")  # a pandas missing value exists only once pandas is imported
    return pandas is not None and (value is pandas.NA or value is pandas.NaT)


def text_problem(value: object) -> str | None:
    """Why ``value`` cannot be analysed as text, or None if it can (empty text can: it gives an
    empty result)."""
    if isinstance(value, Unusable):
        return f"is {value.status}"
    if is_missing(value):
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
    """A short status for tables: ok, empty, missing, not text (int), invalid text (...), or the
    command line's own (too long ...)."""
    if isinstance(value, Unusable):
        return value.status
    problem = text_problem(value)
    if problem is None:
        return "ok" if str(value).strip() else "empty"
    if problem.endswith("(a missing value)"):
        return "missing"
    if problem.startswith("must be a str"):
        return f"not text ({type(value).__name__})"
    return "invalid text (unpaired surrogates)"


def items(values: object, name: str, of: str = "str") -> list[object]:
    """``values`` as a list: a list, tuple, numpy array, pandas Series or other iterable, but not a
    single str or bytes (iterating one gives its characters) nor a mapping (its keys)."""
    if isinstance(values, (str, bytes)):
        raise InputError(f"{name} must be a sequence of {of}, not a single {type(values).__name__}; wrap it in a list.")
    if isinstance(values, Mapping):
        # Iterating a dict gives its keys: using them silently is never what was meant.
        raise InputError(f"{name} must be a sequence of {of}, not a mapping ({type(values).__name__}); pass list(d.values()) or list(d).")
    if not isinstance(values, Iterable):
        raise InputError(f"{name} must be a sequence of {of}, got {type(values).__name__}.")
    return list(values)


def text_list(values: object, name: str) -> list[str]:
    """A list of str from a list, tuple, numpy array or pandas Series, naming the first bad item."""
    values = items(values, name)
    for i, item in enumerate(values):
        problem = text_problem(item)
        if problem is not None:
            raise InputError(f"{name}[{i}] {problem} ({item!r:.40}).", index=i)
    return values  # type: ignore[return-value]


def screen(values: object, name: str, errors: str) -> tuple[list[str], list[str | None]]:
    """Texts to analyse (bad items replaced by "") and, per item, what was wrong with it.

    ``errors="raise"`` raises :class:`InputError` on the first bad item instead.
    """
    if errors not in ERROR_MODES:
        raise InputError(f"errors must be one of {ERROR_MODES}, got {errors!r}.")
    listed = items(values, name)
    problems = [text_problem(item) for item in listed]
    if errors == "raise":
        for i, problem in enumerate(problems):
            if problem is not None:
                raise InputError(f"{name}[{i}] {problem} ({listed[i]!r:.40}); pass errors='mark' to flag bad rows or errors='skip' to leave them out.", index=i)
    return [item if p is None else "" for item, p in zip(listed, problems)], problems  # type: ignore[misc]


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
    number = as_int(value)
    if number is None or not low <= number <= high:
        also = f" or None ({none})" if none is not None else ""
        kind = {0: "a non-negative int", 1: "a positive int"}.get(low, "an int")
        raise InputError(f"{name} must be {kind} ({low} to {high}){also}, got {value!r:.60}.")
    return number


def as_int(value: object) -> int | None:
    """``value`` as a Python int if it is an integer (numpy's too, through ``__index__``), else
    None. Booleans are not counts, and 2.0 or "2" are not ints."""
    if isinstance(value, bool) or type(value).__name__ == "bool":  # numpy.bool refuses __index__ itself
        return None
    try:
        return operator.index(value)  # type: ignore[arg-type]
    except TypeError:
        return None


def as_float(value: object) -> float | None:
    """``value`` as a float if it is a real number (numpy's float32 too), else None."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return None
    return float(value)


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


def check_unique_columns(columns: Iterable[object], used: Iterable[object], where: str) -> None:
    """Each column presslens reads (text, id) must have one name: pandas gives a frame of both for a
    duplicated name, and a CSV reader keeps one silently."""
    names = list(columns)
    for name in dict.fromkeys(u for u in used if u is not None):
        count = names.count(name)
        if count > 1:
            raise InputError(f"{where} has {count} columns named {name!r}; rename or drop all but one.")


def check_actor_texts(actors: list[tuple[str, list[str]]] | None) -> None:
    """Names and aliases must be text the core can read (no unpaired surrogates)."""
    for name, aliases in actors or ():
        for text in (name, *aliases):
            problem = text_problem(text)
            if problem is not None:
                raise InputError(f"actor {name!r:.40}: alias {text!r:.40} {problem}.")
