"""The built-in Bell expressions, rebuilt by name from their definitions.

Standard library only, built on :mod:`certify.checker.core`. A certificate
whose expression carries one of these names must have exactly these
coefficients in exactly this scenario (and direction ``minimise``), or it is
rejected: a name is a claim about which expression was bounded. Every
built-in is a game: the coefficient of P(x|u) is 1 when outcome x loses at
setting u, so B.P (minimised) is the total probability of losing.

- ``paper``: eq. (7) (:func:`certify.checker.core.paper_bell_coefficients`).
- ``paper-n<N>`` (N = 2..8 binary parties): settings of Hamming weight 1 lose
  on even output parity, settings of weight N - 1 on odd parity (``paper-n4``
  is eq. (7)).
- ``chsh``: two binary parties, lose when ``x1 XOR x2 != u1 AND u2``.
- ``mermin-n<N>`` (N = 2..8), ``mermin3`` = ``mermin-n3``, ``mermin5`` =
  ``mermin-n5``: from ``Re[(X + iY)^{(x) N}]`` with setting 1 meaning Y, the
  settings of even weight w occur, and an outcome loses when its parity differs
  from ``(w/2) mod 2``.
- ``magic-square``: Alice gets a row r, Bob a column c (3 settings each); each
  answers 3 bits, outcome digit o holding bit i as ``(o >> (2 - i)) & 1``. Lose
  unless Alice's bits have even parity, Bob's odd, and Alice's bit c equals
  Bob's bit r.

>>> shape, coefficients = definition("chsh")
>>> shape, sorted(coefficients)
(((2, 2), (2, 2)), [1, 2, 5, 6, 9, 10, 12, 15])
>>> definition("paper-n4") == (((2,) * 4, (2,) * 4), paper_bell_coefficients())
True
>>> definition("no-such-name") is None
True
"""

import re
from functools import lru_cache
from itertools import product

from certify.checker.core import paper_bell_coefficients, product_of

_FAMILY = re.compile(r"(paper|mermin)-n([2-8])")


def _game(settings, outcomes, loses):
    """``(shape, {index: 1})`` of the game losing on ``loses(u, x)`` (canonical indices)."""
    width, coefficients = product_of(outcomes), {}
    for s, u in enumerate(product(*map(range, settings))):
        for o, x in enumerate(product(*map(range, outcomes))):
            if loses(u, x):
                coefficients[s * width + o] = 1
    return (tuple(settings), tuple(outcomes)), coefficients


def _paper_family(n):
    return _game((2,) * n, (2,) * n, lambda u, x: (sum(u) == 1 and sum(x) % 2 == 0)
                 or (sum(u) == n - 1 and sum(x) % 2 == 1))


def _mermin(n):
    return _game((2,) * n, (2,) * n, lambda u, x: sum(u) % 2 == 0 and sum(x) % 2 != (sum(u) // 2) % 2)


def _magic_square_loses(u, x):
    (row, column), (alice, bob) = u, ([(o >> (2 - i)) & 1 for i in range(3)] for o in x)
    return not (sum(alice) % 2 == 0 and sum(bob) % 2 == 1 and alice[column] == bob[row])


@lru_cache(maxsize=4)
def definition(name):
    """``(shape, {index: coefficient})`` of the built-in ``name``, or None for any other name."""
    family = _FAMILY.fullmatch(name) if isinstance(name, str) else None
    if family:
        return (_paper_family if family[1] == "paper" else _mermin)(int(family[2]))
    if name == "paper":
        return ((2,) * 4, (2,) * 4), paper_bell_coefficients()
    if name == "chsh":
        return _game((2, 2), (2, 2), lambda u, x: (x[0] ^ x[1]) != (u[0] & u[1]))
    if name in ("mermin3", "mermin5"):
        return _mermin(int(name[-1]))
    if name == "magic-square":
        return _game((3, 3), (8, 8), _magic_square_loses)
    return None
