"""Proof pages and citation, generated from the stored certificates.

:mod:`~certify.report.context` loads what the pages need (every number is read
from a certificate checked exactly), :mod:`~certify.report.claim` holds one
claim's status and page, :mod:`~certify.report.lemma11`,
:mod:`~certify.report.claims`, :mod:`~certify.report.families` and
:mod:`~certify.report.errata` write the claim pages, :mod:`~certify.report.latex`
the LaTeX versions, :mod:`~certify.report.citation` the set identifier, BibTeX
and ``CITATION.cff``, and :mod:`~certify.report.pages` writes all of
``proofs/``. :mod:`~certify.report.pipeline` runs the whole job: certificates,
then the proof pages built from them.
"""
