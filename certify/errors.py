"""The package's one small exception family, mapped to exit codes by the CLI.

* :class:`InputError` (exit 2): a file, option or value is malformed or
  unreadable. The message says where (file, JSON path) and what was expected
  and found.
* :class:`ClaimNotProven` (exit 1): the input is well formed but the claim it
  makes does not hold (a multiplier has the wrong sign, a bound is too low,
  a pair is missing).

The trusted checker (:mod:`certify.checker.core`) defines its own copies of these
two classes so that it imports nothing from the package; the CLI maps both.
"""

from __future__ import annotations

__all__ = ["CertifyError", "InputError", "ClaimNotProven", "EXIT_OK", "EXIT_NOT_PROVEN", "EXIT_MALFORMED"]

EXIT_OK = 0
EXIT_NOT_PROVEN = 1
EXIT_MALFORMED = 2


class CertifyError(Exception):
    """Base class of the errors the command line reports without a traceback."""

    exit_code = EXIT_MALFORMED


class InputError(CertifyError, ValueError):
    """Malformed or unreadable input (exit code 2)."""

    exit_code = EXIT_MALFORMED


class ClaimNotProven(CertifyError):
    """Well-formed input whose claim does not hold (exit code 1)."""

    exit_code = EXIT_NOT_PROVEN
