"""certify: exact certificates for randomness amplification with no-signalling devices.

The pipeline, one subpackage per stage (``docs/architecture.md``):
scenario and Bell expression -> no-signalling LP -> float proposal -> exact
solve (:mod:`certify.lp`) -> expression formats (:mod:`certify.formats`) ->
certificate documents, JSON and the stored set (:mod:`certify.builder`) ->
independent check (:mod:`certify.checker`, standard library only); on top,
:mod:`certify.params`, :mod:`certify.simulation`, :mod:`certify.report` and
the command line :mod:`certify.cli`.
"""

from certify.version import __version__

__all__ = ["__version__"]
