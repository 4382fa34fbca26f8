"""Manifests: every listed file is a regular file inside the folder with that SHA-256.

Standard library only, built on :mod:`certify.checker.core` and
:mod:`certify.checker.files`.
"""

import hashlib
import os
import re

from certify.checker.core import Malformed, NotProven, array, fields, show
from certify.checker.files import read_bytes

_SAFE_PATH = re.compile(r"[A-Za-z0-9._-]+(?:/[A-Za-z0-9._-]+)*")


def check_manifest(document, folder, where):
    """Check a manifest: safe, sorted, unique paths, each a regular file with that SHA-256."""
    _, _, files, provenance = fields(document, f"{where}: $", ("format", "version", "files", "provenance"))
    if not isinstance(provenance, dict) or not all(isinstance(v, str) for v in provenance.values()):
        raise Malformed(f"{where}: $.provenance: expected an object of strings")
    listed = []
    for k, entry in enumerate(array(files, f"{where}: $.files", 0, 100_000)):
        path, digest = fields(entry, f"{where}: $.files[{k}]", ("path", "sha256"))
        if not (isinstance(path, str) and _SAFE_PATH.fullmatch(path)) or set(path.split("/")) & {".", ".."}:
            raise Malformed(f"{where}: $.files[{k}].path: expected a relative '/'-separated path inside the "
                            f"folder (letters, digits, '._-', no '..'), found {show(path)}")
        if not (isinstance(digest, str) and re.fullmatch("[0-9a-f]{64}", digest)):
            raise Malformed(f"{where}: $.files[{k}].sha256: expected 64 lowercase hex digits")
        listed.append((path, digest))
    if [p for p, _ in listed] != sorted({p for p, _ in listed}):
        raise Malformed(f"{where}: $.files: paths must be sorted and unique")
    for path, digest in listed:
        parts = path.split("/")
        if any(os.path.islink(os.path.join(folder, *parts[:depth])) for depth in range(1, len(parts))):
            raise Malformed(f"{where}: {path}: goes through a symbolic link")
        if not os.path.lexists(os.path.join(folder, *parts)):
            raise NotProven(f"{where}: listed file {path} does not exist")
        if hashlib.sha256(read_bytes(os.path.join(folder, *parts), f"{where}: {path}")).hexdigest() != digest:
            raise NotProven(f"{where}: {path}: SHA-256 differs from the manifest")
    return {p for p, _ in listed}
