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
import tempfile
from pathlib import Path

from certify.numbers import format_exact

__all__ = ["dumps", "write_atomic", "sha256_file", "sparse", "expression_json", "write_manifest"]

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
    for path in sorted(folder.rglob("*.json")):
        relative = path.relative_to(folder).as_posix()
        if relative == "manifest.json":
            continue
        files.append({"path": relative, "sha256": sha256_file(path)})
    manifest = {"format": "certify/manifest", "version": 1, "files": files, "provenance": provenance}
    target = folder / "manifest.json"
    write_atomic(target, dumps(manifest))
    return target
