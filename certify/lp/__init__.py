"""The LP machinery: from a Bell scenario to exact optima.

A :class:`~certify.lp.scenario.Scenario` fixes parties, settings and outcomes
and the canonical order of the probabilities P(x|u); a
:class:`~certify.lp.expression.BellExpression` is a coefficient vector over
them (eq. (7) of the paper is :func:`~certify.lp.expression.paper_bell_expression`).
:mod:`~certify.lp.no_signalling` writes the normalisation and no-signalling
rows, :mod:`~certify.lp.program` builds the LPs ``max P(x*|u*)`` subject to
``B.P <= b``, :mod:`~certify.lp.float_solve` lets HiGHS propose an optimal basis
in floating point, and :mod:`~certify.lp.exact` decides it in exact rationals
(verifying the basis, or an exact simplex when the proposal is wrong). On top:
:mod:`~certify.lp.symmetry` (relabelings that fix an expression),
:mod:`~certify.lp.reduced` (LPs reduced by a symmetry group),
:mod:`~certify.lp.local_bound` (exhaustive enumeration of deterministic
strategies) and :mod:`~certify.lp.value_function` (the exact piecewise-linear
``v(b) = max P(x*|u*)`` subject to ``B.P <= b``). Nothing here writes files.
"""
