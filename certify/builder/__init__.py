"""Certificate builders and the stored set.

Each builder solves its LPs with :mod:`certify.lp`, turns the exact optima
into a JSON document, and checks that document exactly (:mod:`~certify.builder.verify`)
before anything is written: :mod:`~certify.builder.lemma11` (one Lemma-11
document per pair; :mod:`~certify.builder.pairs` solves one pair per symmetry
orbit and maps the rest), :mod:`~certify.builder.expressions` (any Bell
expression: bounds and per-pair value functions), :mod:`~certify.builder.families`
(the symmetry-reduced N-party family documents), :mod:`~certify.builder.optimum`
and :mod:`~certify.builder.bounds` (exact optimum tables and expression bounds
on demand). :mod:`~certify.builder.jsonio` gives the canonical bytes and atomic
writes, :mod:`~certify.builder.store` reads stored documents back,
:mod:`~certify.builder.regenerate` rebuilds ``certificates/`` from scratch with
its manifest, and :mod:`~certify.builder.vipr` exports to the VIPR format.
"""
