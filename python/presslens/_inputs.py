"""Checking and normalising what users pass in, with errors that say what to do."""

from __future__ import annotations

from collections.abc import Iterable

from .exceptions import InputError


def require_text(value: object, name: str) -> str:
    if not isinstance(value, str):
        raise InputError(f"{name} must be a str, got {type(value).__name__}; decode bytes first (value.decode('utf-8')).")
    return value


def text_list(values: object, name: str) -> list[str]:
    """A list of str from a list, tuple, numpy array or pandas Series, naming the first bad item."""
    if isinstance(values, (str, bytes)):
        raise InputError(f"{name} must be a sequence of str, not a single {type(values).__name__}.")
    if not isinstance(values, Iterable):
        raise InputError(f"{name} must be a sequence of str, got {type(values).__name__}.")
    items = list(values)
    for i, item in enumerate(items):
        if not isinstance(item, str):
            raise InputError(f"{name}[{i}] is {type(item).__name__} ({item!r:.40}), not str.")
    return items
