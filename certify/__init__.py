"""certify: exact certificates for randomness amplification with no-signalling devices.

The pipeline, one subpackage per stage (``docs/architecture.md``): scenario
and Bell expression -> no-signalling LP -> float proposal -> exact solve
(:mod:`certify.lp`) -> expression formats (:mod:`certify.formats`) ->
certificate documents, JSON and the stored set (:mod:`certify.builder`) ->
independent check (:mod:`certify.checker`, standard library only); on top,
:mod:`certify.simulation`, :mod:`certify.params`, :mod:`certify.report` and
the command line :mod:`certify.cli`.

For a notebook, ``import certify`` gives a handful of functions (each
documented, with an example, where it is defined):

* :func:`lemma11_value_function` - the exact v(b) of one pair (u*, x*);
* :func:`optimum_table` - exact max P(x*|u*) under a Bell-value bound, every pair;
* :func:`expression_bounds` - local bound, no-signalling optimum, largest output
  probability at it, for any Bell expression;
* :func:`params_report` - Lemma 10, Theorems 20/27, finite size and noise;
* :func:`simulate` - one seeded run of Protocol I or II;
* :func:`audit` - the trusted checker's verdict on stored certificates.

They are imported on first use, so ``import certify`` stays light.

>>> import certify
>>> certify.optimum_table("paper", "1/10", "0001", "1000")["optima"]
{'0001|1000': '11/30'}
"""

from certify.version import __version__

__all__ = ["__version__", "lemma11_value_function", "optimum_table", "expression_bounds", "params_report",
           "simulate", "audit"]

_API = {
    "lemma11_value_function": "certify.builder.pairs",
    "optimum_table": "certify.builder.optimum",
    "expression_bounds": "certify.builder.bounds",
    "params_report": "certify.params.report",
    "simulate": "certify.simulation.run",
    "audit": "certify.checker.audit",
}


def __getattr__(name: str):
    if name in _API:
        import importlib

        return getattr(importlib.import_module(_API[name]), name)
    raise AttributeError(f"module 'certify' has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + list(_API))
