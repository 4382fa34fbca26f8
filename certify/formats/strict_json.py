"""Strict JSON reading for every file the package reads outside the checker.

``json.loads`` on its own accepts ``NaN``, ``Infinity``, floats and duplicate
keys (the last one wins); :func:`load_document` refuses all four, so a file
that the trusted checker would reject is never half-trusted by a builder or
a report. Errors are :class:`~certify.errors.InputError` naming the file.

>>> import pathlib, tempfile
>>> with tempfile.TemporaryDirectory() as folder:
...     path = pathlib.Path(folder) / "x.json"
...     _ = path.write_text('{"a": 1, "a": 2}')
...     try:
...         load_document(path)
...     except InputError as error:
...         print(str(error).endswith("duplicate key(s) ['a']"))
True
"""

from __future__ import annotations

import json
from pathlib import Path

from certify.errors import InputError

__all__ = ["load_document", "loads_document"]


def _reject_constant(name: str):
    raise ValueError(f"non-finite number {name} is not allowed")


def _reject_float(text: str):
    raise ValueError(f"floating-point number {text} is not allowed (exact numbers are strings such as \"1/10\")")


def _no_duplicates(pairs):
    keys = [k for k, _ in pairs]
    if len(keys) != len(set(keys)):
        raise ValueError(f"duplicate key(s) {sorted({k for k in keys if keys.count(k) > 1})}")
    return dict(pairs)


def loads_document(text: str, where) -> dict:
    """Parse JSON text strictly (no floats, NaN or duplicate keys); errors name ``where``."""
    try:
        return json.loads(text, parse_float=_reject_float, parse_constant=_reject_constant,
                          object_pairs_hook=_no_duplicates)
    except ValueError as error:
        raise InputError(f"{where}: {error}") from None


def load_document(path: Path) -> dict:
    """Parse one JSON file strictly (no floats, NaN or duplicate keys)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"{path}: {error}") from None
    return loads_document(text, path)
