"""Load stored certificates back, after the builder's exact check.

>>> import pathlib
>>> root = pathlib.Path(__file__).resolve().parents[2] / "certificates"
>>> functions = load_value_functions(root) if (root / "lemma11").is_dir() else {}
>>> not functions or functions["0001|1000"].evaluate(Fraction(1, 10)) == Fraction(11, 30)
True
"""

from __future__ import annotations

import hashlib
from fractions import Fraction
from pathlib import Path

from certify.builder.verify import exact, verify_lemma11_document
from certify.errors import ClaimNotProven, InputError
from certify.formats.strict_json import loads_document
from certify.lp.scenario import Scenario
from certify.lp.value_function import ValueFunction

__all__ = ["DEFAULT_CERTIFICATES", "certificates_dir", "remember_verified", "read_checked", "load_lemma11", "load_value_functions", "value_function_of"]


DEFAULT_CERTIFICATES = "certificates"
"""The one rule for where certificates are read: ``./certificates`` under the
current folder (as ``certify audit``, ``check`` and ``export`` read it),
unless a command is given ``--certificates DIR``."""


def certificates_dir(option=None) -> Path:
    """The certificates folder: ``option`` when given, else ``./certificates``.

    >>> certificates_dir(), certificates_dir("elsewhere/certificates")
    (PosixPath('certificates'), PosixPath('elsewhere/certificates'))
    """
    return Path(option) if option else Path(DEFAULT_CERTIFICATES)


_VERIFIED: set[bytes] = set()
"""SHA-256 digests of documents the builder checked exactly in this process, before writing them."""


def remember_verified(text: str) -> None:
    """Record that exactly these bytes passed the builder's exact check in this process
    (so that a report built in the same run reads them without checking them again)."""
    _VERIFIED.add(hashlib.sha256(text.encode("utf-8")).digest())


def read_checked(path: Path, verify):
    """``(document, summary)`` of a stored document, parsed strictly and checked by
    ``verify(document)``; when the builder checked exactly these bytes earlier in this
    process (:func:`remember_verified`), the check is not repeated and ``summary`` is None."""
    path = Path(path)
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"{path}: {error}") from None
    document = loads_document(text, path)
    if hashlib.sha256(raw).digest() in _VERIFIED:
        return document, None
    try:
        return document, verify(document)
    except (InputError, ClaimNotProven) as error:
        raise type(error)(f"{path}: {error}") from None


def load_lemma11(certificates_dir: Path) -> dict[str, dict]:
    """All Lemma-11 documents under ``certificates_dir/lemma11``, keyed by pair,
    each checked exactly; raises if one is missing, malformed or unproven."""
    folder = Path(certificates_dir) / "lemma11"
    if not folder.is_dir():
        raise InputError(f"{folder}: no Lemma-11 certificates (run `certify regenerate`)")
    documents = {}
    for path in sorted(folder.glob("u*-x*.json")):
        document, summary = read_checked(path, verify_lemma11_document)
        key = summary["target"] if summary else f"{document['target']['setting']}|{document['target']['outcome']}"
        documents[key] = document
    scenario = Scenario.binary(4)
    expected = {scenario.pair_key(j) for j in range(scenario.num_probabilities)}
    missing = sorted(expected - set(documents))
    if missing:
        raise InputError(f"{folder}: missing certificates for {len(missing)} pair(s), e.g. {missing[0]}")
    return documents


def value_function_of(document: dict) -> ValueFunction:
    """The :class:`ValueFunction` stored in an (already checked) document."""
    scenario = Scenario(tuple(document["scenario"]["settings"]), tuple(document["scenario"]["outcomes"]))
    target = document["target"]["index"]
    function = document["value_function"]
    breakpoints = tuple((exact(p["bell_value"], "bell_value"), exact(p["value"], "value"))
                        for p in function["breakpoints"])
    pieces = tuple((exact(p["constant"], "constant"), exact(p["slope"], "slope"))
                   for p in function["pieces"])
    witnesses = []
    for point in function["breakpoints"]:
        box = [Fraction(0)] * scenario.num_probabilities
        for j, value in point["witness"]:
            box[j] = exact(value, "witness")
        witnesses.append(tuple(box))
    return ValueFunction(target, breakpoints, pieces, tuple(witnesses))


def load_value_functions(certificates_dir: Path) -> dict[str, ValueFunction]:
    """Checked value functions of all 256 pairs, keyed ``"u1u2u3u4|x1x2x3x4"``."""
    return {key: value_function_of(document) for key, document in load_lemma11(certificates_dir).items()}
