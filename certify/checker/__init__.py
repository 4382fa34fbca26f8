"""The trusted checker: standard library only, independent of the rest.

Nothing in this folder imports anything from the rest of ``certify`` or
outside Python's standard library (an import-linter contract and a test
enforce it), so a referee can read it alone: :mod:`~certify.checker.core`
rebuilds the scenario, the no-signalling rows and the Bell expression of
eq. (7) itself and decides every stored certificate exactly;
:mod:`~certify.checker.audit` checks a whole folder (coverage of every pair,
the manifest hashes) and :mod:`~certify.checker.describe` prints the
statements a file proves, as the checker parsed them. Everything else in the
package may import the checker; the checker imports none of it.
"""
