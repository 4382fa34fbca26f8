"""JSON stage: canonical serialisation, atomic writes and manifests.

Canonical serialisation: keys sorted, two-space indentation, ASCII only,
``[index, "rational"]`` pairs kept on one line, a final newline. The same
object always gives the same bytes, on every machine.

>>> dumps({"b": [[1, "1/2"], [3, "2"]], "a": "x"})
'{\\n  "a": "x",\\n  "b": [\\n    [1, "1/2"],\\n    [3, "2"]\\n  ]\\n}\\n'
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path

from certify.errors import InputError
from certify.numbers import format_exact

__all__ = ["dumps", "write_atomic", "write_folder", "sha256_file", "sparse", "expression_json",
           "write_manifest"]

_PAIR = re.compile(r'\[\n\s*(-?\d+),\n\s*("[^"\n]*")\n\s*\]')


def sparse(vector) -> list[list]:
    """``[[index, "value"], ...]`` for the non-zero entries of a dense vector."""
    return [[j, format_exact(v)] for j, v in enumerate(vector) if v]


def expression_json(expression) -> dict:
    """The ``"expression"`` object of a document: name, direction, sparse coefficients."""
    return {"name": expression.name, "direction": expression.direction,
            "coefficients": sparse(expression.dense())}


def dumps(document) -> str:
    text = json.dumps(document, sort_keys=True, indent=2, ensure_ascii=True, allow_nan=False)
    return _PAIR.sub(r"[\1, \2]", text) + "\n"


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file and a rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
        os.chmod(temporary, 0o666 & ~_umask())  # mkstemp creates 0600
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def write_folder(target: Path, files: Mapping[str, str], replaceable: Callable[[Path], bool]) -> list[Path]:
    """Write ``files`` (file name -> text) as the folder ``target``, all or nothing.

    The files go into a fresh staging folder beside ``target``, which is then
    renamed to ``target``: a reader never sees a half-written folder, and an
    error (or an interruption) leaves ``target`` as it was. An existing
    ``target`` is replaced only when it is empty or ``replaceable(target)``
    says it holds an earlier output of the same kind; anything else is
    refused with :class:`~certify.errors.InputError` before any work is done.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     out = Path(folder) / "out"
    ...     _ = write_folder(out, {"a.txt": "1\\n"}, lambda path: False)
    ...     sorted(p.name for p in out.iterdir())
    ['a.txt']
    """
    target = Path(target)
    _check_replaceable(target, replaceable)
    for name in files:
        if not name or "/" in name or name in (".", ".."):
            raise ValueError(f"write_folder: {name!r} is not a plain file name")
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.staging-", dir=target.parent))
    retired = None
    try:
        for name, text in files.items():
            (staging / name).write_text(text, encoding="utf-8", newline="\n")
        os.chmod(staging, 0o777 & ~_umask())  # mkdtemp creates 0700
        _check_replaceable(target, replaceable)  # again: the folder may have changed meanwhile
        if target.exists():
            retired = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
            os.replace(target, retired / "folder")
            try:
                os.replace(staging, target)
            except BaseException:
                os.replace(retired / "folder", target)
                raise
            shutil.rmtree(retired, ignore_errors=True)
        else:
            os.replace(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return [target / name for name in files]


def _check_replaceable(target: Path, replaceable: Callable[[Path], bool]) -> None:
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        raise InputError(f"{target}: exists and is not a folder; choose another output folder")
    if target.is_dir() and any(target.iterdir()) and not replaceable(target):
        raise InputError(f"{target}: exists, is not empty and does not hold an earlier export of this "
                         f"kind; remove it or choose another output folder")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def sha256_file(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def write_manifest(folder: Path, provenance: dict) -> Path:
    """Write ``folder/manifest.json`` listing every other JSON file below it."""
    folder = Path(folder)
    files = []
    # sorted as strings, as the checker requires ('a-b/...' before 'a/...'; Path order differs)
    for relative in sorted(path.relative_to(folder).as_posix() for path in folder.rglob("*.json")):
        if relative == "manifest.json":
            continue
        files.append({"path": relative, "sha256": sha256_file(folder / relative)})
    manifest = {"format": "certify/manifest", "version": 1, "files": files, "provenance": provenance}
    target = folder / "manifest.json"
    write_atomic(target, dumps(manifest))
    return target
