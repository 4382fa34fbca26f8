"""Bell-expression formats and the built-in library.

:mod:`~certify.formats.native` reads and writes the project's own JSON
expression format (``certify/bell-expression``: full probabilities,
Collins-Gisin or correlators), :mod:`~certify.formats.faacets` reads faacets'
``BellExpression`` YAML files (a strict subset, no YAML library), and
:mod:`~certify.formats.library` defines the built-in expressions by name
(``paper``, ``chsh``, ``mermin3``, ``mermin5``, ``magic-square``) and the
N-party families (``paper-nN``, ``mermin-nN``). Everything here turns text or
a name into a :class:`~certify.lp.expression.BellExpression`; no LP is solved.
"""
