"""Built-in Bell expressions, each in penalty form (total probability of losing).

Every built-in is a game: the coefficient of P(x|u) is 1 when the outcome x
loses at setting u and 0 otherwise, so ``B.P`` (to be minimised) is the sum
over the settings that occur of the probability of losing there.

* ``paper``: eqs. (4)-(7) of the paper (four parties; settings of Hamming
  weight 1 lose on even output parity, weight 3 on odd parity).
* ``chsh``: two parties, lose when ``a XOR b != x * y`` (settings x, y;
  outcomes a, b).
* ``mermin3``, ``mermin5``: from ``M_N = Re[(X + iY)^{(x) N}]`` with setting 1
  meaning Y: the settings with an even number w of ones occur (the
  coefficient of such a term is ``Re(i^w) = (-1)^{w/2}``), and an outcome
  loses when its parity differs from ``(w/2) mod 2`` (outcome 0 is the
  eigenvalue +1).
* ``magic-square``: Alice gets a row r (setting 0..2), Bob a column c; each
  answers three bits, Alice bit i for column i, Bob bit i for row i. Outcome
  digit o (0..7) encodes the bits most significant first: bit i is
  ``(o >> (2 - i)) & 1``. Lose unless Alice's bits have even parity, Bob's
  odd parity, and Alice's bit c equals Bob's bit r.

N-party families (binary parties):

* ``paper-n<N>`` (N = 2..8): the paper's construction generalised: settings
  of Hamming weight 1 lose on even output parity, settings of weight N - 1 on
  odd parity (``paper-n4`` is ``paper``). For N = 2 the two sets coincide and
  both penalties apply.
* ``mermin-n<N>`` (odd N = 3..7): the Mermin game above (``mermin-n3`` is
  ``mermin3``).

>>> chsh = chsh_expression()
>>> chsh.coefficient_at("11|00"), chsh.coefficient_at("11|01"), chsh.coefficient_at("00|01")
(Fraction(1, 1), Fraction(0, 1), Fraction(1, 1))
>>> dict(paper_family_expression(4).coefficients) == dict(paper_bell_expression().coefficients)
True
>>> len(mermin_expression(3).coefficients), len(magic_square_expression().coefficients)
(16, 504)
"""

from __future__ import annotations

from fractions import Fraction
from typing import Callable

from certify.lp.expression import BellExpression, paper_bell_expression
from certify.errors import InputError
from certify.lp.scenario import Scenario

__all__ = ["chsh_expression", "mermin_expression", "magic_square_expression", "paper_family_expression", "family_names",
           "LIBRARY", "FAMILIES", "builtin_expression", "builtin_names", "resolve_expression", "as_expression"]


def _game(name: str, scenario: Scenario, loses) -> BellExpression:
    coefficients = {}
    for setting in scenario.setting_tuples:
        for outcome in scenario.outcome_tuples:
            if loses(setting, outcome):
                coefficients[scenario.index(setting, outcome)] = Fraction(1)
    return BellExpression(name, scenario, coefficients, "minimise")


def chsh_expression() -> BellExpression:
    """CHSH game: lose when ``a XOR b != x * y``; local bound 1, no-signalling 0."""
    return _game("chsh", Scenario.binary(2), lambda u, x: (x[0] ^ x[1]) != (u[0] & u[1]))


def mermin_expression(parties: int, name: str | None = None) -> BellExpression:
    """Mermin game on ``parties`` binary parties (see the module docstring)."""
    if parties < 2:
        raise ValueError("the Mermin game needs at least two parties")

    def loses(u, x):
        weight = sum(u)
        return weight % 2 == 0 and sum(x) % 2 != (weight // 2) % 2

    return _game(name or f"mermin-n{parties}", Scenario.binary(parties), loses)


def paper_family_expression(parties: int, name: str | None = None) -> BellExpression:
    """The paper's construction for ``parties`` binary parties: weight-1 settings
    lose on even parity, weight-(N-1) settings on odd parity (eq. (7) for N = 4)."""
    if parties < 2:
        raise ValueError("the construction needs at least two parties")

    def loses(u, x):
        weight, parity = sum(u), sum(x) % 2
        return (weight == 1 and parity == 0) or (weight == parties - 1 and parity == 1)

    return _game(name or f"paper-n{parties}", Scenario.binary(parties), loses)


def magic_square_expression() -> BellExpression:
    """Mermin-Peres magic square game (see the module docstring)."""

    def bits(outcome: int) -> tuple[int, int, int]:
        return tuple((outcome >> (2 - i)) & 1 for i in range(3))

    def loses(u, x):
        row, column = u
        alice, bob = bits(x[0]), bits(x[1])
        return not (sum(alice) % 2 == 0 and sum(bob) % 2 == 1 and alice[column] == bob[row])

    return _game("magic-square", Scenario((3, 3), (8, 8)), loses)


LIBRARY: dict[str, Callable[[], BellExpression]] = {
    "paper": paper_bell_expression,
    "chsh": chsh_expression,
    "mermin3": lambda: mermin_expression(3, "mermin3"),
    "mermin5": lambda: mermin_expression(5, "mermin5"),
    "magic-square": magic_square_expression,
}
"""The built-in library (certificates committed under ``certificates/expressions/``)."""

FAMILIES: dict[str, Callable[[], BellExpression]] = {
    **{f"paper-n{n}": (lambda n=n: paper_family_expression(n)) for n in range(2, 9)},
    **{f"mermin-n{n}": (lambda n=n: mermin_expression(n)) for n in (3, 5, 7)},
}
"""The N-party families (by name)."""


def builtin_names() -> list[str]:
    """Every built-in name: the library, then the families."""
    return list(LIBRARY) + list(FAMILIES)


def family_names() -> list[str]:
    """Family members with stored certificates (``certificates/families/``, N >= 3),
    the paper's construction first, each family by increasing N.

    >>> family_names()[:3], family_names()[-1]
    (['paper-n3', 'paper-n4', 'paper-n5'], 'mermin-n7')
    """
    names = [name for name in FAMILIES if int(name.rsplit("-n", 1)[1]) >= 3]
    return sorted(names, key=lambda name: (name.split("-n")[0] != "paper", int(name.rsplit("-n", 1)[1])))


def builtin_expression(name: str) -> BellExpression:
    """A built-in expression by name; raises InputError listing the names."""
    if name in LIBRARY:
        return LIBRARY[name]()
    if name in FAMILIES:
        return FAMILIES[name]()
    raise InputError(f"--expression: unknown built-in {name!r}; expected a file or one of {builtin_names()}")


def resolve_expression(name_or_file: str) -> BellExpression:
    """A built-in name, the path of an expression file (``certify/bell-expression``), or a
    faacets YAML file (``.yaml``/``.yml``, :mod:`certify.formats.faacets`)."""
    from pathlib import Path

    from certify.formats.native import load_expression_file

    if name_or_file in LIBRARY or name_or_file in FAMILIES:
        return builtin_expression(name_or_file)
    path = Path(name_or_file)
    if path.is_file() and path.suffix.lower() in (".yaml", ".yml"):
        from certify.formats.faacets import load_faacets_file

        return load_faacets_file(path)
    if path.is_file():
        return load_expression_file(path)
    raise InputError(f"--expression: {name_or_file!r} is neither a built-in "
                     f"({', '.join(builtin_names())}) nor a readable file")


def as_expression(value) -> BellExpression:
    """``value`` itself when it is a :class:`BellExpression`, else :func:`resolve_expression` of it."""
    return value if isinstance(value, BellExpression) else resolve_expression(value)
