"""Export Lemma-11 certificates in the VIPR certificate format, version 1.0.

VIPR ("Verifying Integer Programming Results", Cheung, Gleixner and Steffy,
IPCO 2017; format ``cert_spec_v1_0`` checked by their ``viprchk``) states an
optimisation problem and a derivation of a bound on its optimum. Each
inequality of an output-bound certificate (docs/certificate-format.md),

    P(x*|u*) <= a + slope * B.P   for every no-signalling box P,

becomes one VIPR file for the LP

    maximise   P(x*|u*) - slope * B.P          (B of eq. (7), slope >= 0)
    subject to P >= 0 (256 bound constraints, listed first),
               the 16 normalisation rows = 1 and the 256 no-signalling rows = 0
               (row order of the format spec),

with ``RTP range lower upper``, one solution (the certificate's witness,
whose objective value is ``lower``) and one derived constraint
``OBJ <= a`` whose reason ``{ lin ... }`` combines the equality rows with the
multipliers y and every bound ``P_j >= 0`` with ``-s_j <= 0``, where
``s_j = (A^T y)_j - (e*_j - slope B_j) >= 0``; the combination equals the
objective exactly and its right-hand side is ``a``. For the paper claim
(slope 2/3) ``lower = a`` (the best constant) and ``upper = 1/3`` (eq. (42)),
so viprchk verifies ``a <= 1/3`` as well; for value-function piece i
(slope s_i, constant c_i) ``lower = upper = c_i``, attained at breakpoint
witness W_i because ``W_i* - s_i B.W_i >= v_i - s_i delta_i = c_i``.

Format details followed (cert_spec_v1_0): comment lines start with ``%``
(written ``% text``, as viprchk reads the first token), then ``VER 1.0``,
sections VAR, INT, OBJ, CON (``CON m b`` with the b bound constraints first),
RTP, SOL, DER in this order; a constraint is ``name sense rhs k i1 a1 ...``
or ``name sense rhs OBJ``; a reason is ``{ lin k i1 l1 ... }``; each derived
constraint ends with the index after which it may be discarded (``-1``:
never). Values are written ``p/q`` or ``p`` (exact rationals).

>>> names = variable_names()
>>> len(names), names[24]
(256, 'p_u0001_x1000')
"""

from __future__ import annotations

import os
from fractions import Fraction
from itertools import product
from pathlib import Path

from certify.builder.jsonio import write_folder
from certify.checker import core as checker
from certify.checker import dispatch as checker_dispatch
from certify.checker import files as checker_files
from certify.errors import ClaimNotProven, InputError

__all__ = ["vipr_lines", "certificate_files", "export_document", "export_folder", "variable_names"]

NUM_PROBABILITIES = 256


def variable_names() -> list[str]:
    """``p_u<setting>_x<outcome>`` in canonical order (index = setting*16 + outcome)."""
    digits = ["".join(bits) for bits in product("01", repeat=4)]
    return [f"p_u{u}_x{x}" for u in digits for x in digits]


def _constraint_names(num_normalisation: int, num_rows: int) -> list[str]:
    names = [f"nonneg_{name}" for name in variable_names()]
    names += [f"norm_u{format(k, '04b')}" for k in range(num_normalisation)]
    names += [f"nosignal_{r}" for r in range(num_normalisation, num_rows)]
    return names


def _terms(pairs) -> str:
    pairs = [(i, v) for i, v in pairs if v != 0]
    return " ".join([str(len(pairs))] + [f"{i} {v}" for i, v in pairs])


def vipr_lines(title: str, target: int, slope: Fraction, bound: Fraction, multipliers,
               witness, lower, upper) -> list[str]:
    """The lines of one VIPR 1.0 file proving ``max P* - slope B.P <= bound``.

    Args:
        title: comment naming the statement.
        target: canonical index of P(x*|u*).
        slope, bound: the inequality ``P* <= bound + slope B.P``.
        multipliers: ``[(row, Fraction)]`` over the no-signalling rows.
        witness: ``[(index, Fraction)]`` box written to SOL (empty: no SOL).
        lower, upper: the RTP range (``None`` is -inf / inf).
    """
    rows, num_normalisation = checker.no_signalling_rows((2, 2, 2, 2), (2, 2, 2, 2))
    bell = checker.paper_bell_coefficients()
    objective = [Fraction(0)] * NUM_PROBABILITIES
    objective[target] += 1
    for column, b in bell.items():
        objective[column] -= slope * b
    reduced = [-value for value in objective]  # s = A^T y - objective
    for r, y in multipliers:
        for column, a in rows[r]:
            reduced[column] += y * a
    if any(value < 0 for value in reduced):
        raise ClaimNotProven(f"{title}: multipliers do not dominate the objective")
    rhs = sum((y for r, y in multipliers if r < num_normalisation), Fraction(0))
    if rhs != bound:
        raise ClaimNotProven(f"{title}: normalisation multipliers sum to {rhs}, not {bound}")
    names = variable_names()
    constraint_names = _constraint_names(num_normalisation, len(rows))
    lines = [f"% {title}",
             "% maximise P(x*|u*) - slope * B.P over the no-signalling polytope; B of eq. (7)",
             "% of Brandao et al.; written by certify.builder.vipr from a certificate that certify.checker.core accepted",
             "VER 1.0", f"VAR {NUM_PROBABILITIES}", *names, "INT 0", "OBJ max",
             _terms(enumerate(objective)),
             f"CON {NUM_PROBABILITIES + len(rows)} {NUM_PROBABILITIES}"]
    lines += [f"{constraint_names[j]} G 0 1 {j} 1" for j in range(NUM_PROBABILITIES)]
    for r, row in enumerate(rows):
        sense_rhs = "E 1" if r < num_normalisation else "E 0"
        lines.append(f"{constraint_names[NUM_PROBABILITIES + r]} {sense_rhs} {_terms(row)}")
    low = "-inf" if lower is None else str(lower)
    high = "inf" if upper is None else str(upper)
    lines.append(f"RTP range {low} {high}")
    lines.append(f"SOL {1 if witness else 0}")
    if witness:
        lines.append(f"witness {_terms(witness)}")
    combination = [(j, -s) for j, s in enumerate(reduced) if s != 0]
    combination += [(NUM_PROBABILITIES + r, y) for r, y in multipliers]
    lines += ["DER 1", f"upper_bound L {bound} OBJ {{ lin {_terms(combination)} }} -1"]
    return lines


def _fractions(scaled) -> list[tuple[int, Fraction]]:
    """``(d, {index: value * d})`` from :func:`certify.checker.core.sparse` as ``[(index, value)]``."""
    d, values = scaled
    return [(index, Fraction(value, d)) for index, value in sorted(values.items())]


def export_document(document, where: str) -> dict[str, list[str]]:
    """VIPR files (name -> lines) for one output-bound document the checker accepted."""
    target = document["target"]
    stem = f"u{target['setting']}-x{target['outcome']}"
    key = f"P({target['outcome']}|{target['setting']})"
    index = target["index"]
    claim = document["paper_claim"]
    files = {}
    slope = Fraction(claim["slope"])
    bound = Fraction(claim["certificate"]["bound"])
    files[f"{stem}-paper-claim.vipr"] = vipr_lines(
        f"Lemma 11, eq. (42), pair {key}: max {key} - 2/3 B.P = {bound} <= 1/3 ({where})",
        index, slope, bound,
        _fractions(checker.sparse(claim["certificate"]["multipliers"], 272, where)),
        _fractions(checker.sparse(claim["witness"], NUM_PROBABILITIES, where)),
        bound, Fraction(claim["constant"]))
    value_function = document["value_function"]
    for i, (piece, breakpoint) in enumerate(zip(value_function["pieces"], value_function["breakpoints"])):
        constant, piece_slope = Fraction(piece["constant"]), Fraction(piece["slope"])
        files[f"{stem}-piece-{i}.vipr"] = vipr_lines(
            f"value function of {key}, piece {i}: max {key} - {piece_slope} B.P = {constant} ({where})",
            index, piece_slope, constant,
            _fractions(checker.sparse(piece["certificate"]["multipliers"], 272, where)),
            _fractions(checker.sparse(breakpoint["witness"], NUM_PROBABILITIES, where)),
            constant, constant)
    return files


def certificate_files(folder: str) -> list[str]:
    """The output-bound files ``u<setting>-x<outcome>.json`` of a folder, sorted."""
    try:
        names = sorted(n for n in os.listdir(folder) if n.startswith("u") and n.endswith(".json"))
    except OSError as error:
        raise InputError(f"{folder}: cannot list: {error.strerror or error}") from None
    if not names:
        raise InputError(f"{folder}: no output-bound certificates u<setting>-x<outcome>.json")
    return [os.path.join(folder, name) for name in names]


def _is_earlier_export(folder) -> bool:
    """A folder holding only ``.vipr`` files (an earlier export) may be replaced."""
    return all(entry.is_file() and entry.name.endswith(".vipr") for entry in Path(folder).iterdir())


def export_folder(certificates, out_dir) -> list[str]:
    """Check every certificate of ``certificates`` with the trusted checker and write
    its VIPR files as the folder ``out_dir``, all at once (a staging folder renamed into
    place; an existing ``out_dir`` must be empty or hold only ``.vipr`` files)."""
    files = {}
    for path in certificate_files(str(certificates)):
        try:
            checker_dispatch.check_file(path)
            document = checker_files.read_json(path)
        except checker.CheckError as error:
            raise (InputError if error.exit_code == 2 else ClaimNotProven)(str(error)) from None
        for name, lines in export_document(document, path).items():
            files[name] = "\n".join(lines) + "\n"
    return [str(path) for path in write_folder(Path(out_dir), files, _is_earlier_export)]
