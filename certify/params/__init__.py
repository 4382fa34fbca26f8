"""Parameters of the protocols, proved symbolically.

:mod:`~certify.params.lemma10` links the protocol threshold on L_n with the
plain Bell sum B.P (Lemma 10, eqs. (36)-(38)); :mod:`~certify.params.theorems`
decides the admissible regions of Theorems 20 and 27 (the paper's and the
certified ones, from the Lemma-11 value functions); :mod:`~certify.params.finite_size`
computes round counts for a target error, :mod:`~certify.params.noise` the noise
tolerance of the quantum realisation, :mod:`~certify.params.report` the parameter
report of ``certify params``, and :mod:`~certify.params.records` writes the
machine-checkable proof records (``proofs/params/``) that the checker replays.
"""
