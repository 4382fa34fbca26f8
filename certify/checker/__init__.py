"""The trusted checker: standard library only, independent of the rest.

Nothing in this folder imports anything from the rest of ``certify`` or
outside Python's standard library (an import-linter contract and a test
enforce it), so a referee can read it alone. :mod:`~certify.checker.core` is
the trusted core (at most 300 code lines, importing nothing but the standard
library): strict JSON and rationals, the no-signalling rows, the Bell
expression of eq. (7), the inequality certificate, the witness box, the value
function and the Lemma-11 file. The sibling modules build on it:
:mod:`~certify.checker.registry` (the claims the default audit establishes),
:mod:`~certify.checker.files`, :mod:`~certify.checker.expressions`,
:mod:`~certify.checker.manifest`, :mod:`~certify.checker.records`,
:mod:`~certify.checker.dispatch` (one entry point for every format),
:mod:`~certify.checker.audit` (whole folders) and
:mod:`~certify.checker.describe` (the statements a file proves, as the checker
parsed them). Everything else in the package may import the checker; the
checker imports none of it.
"""
