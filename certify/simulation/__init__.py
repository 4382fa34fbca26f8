"""A lightweight simulator of the protocols, to cross-check certified numbers.

:mod:`~certify.simulation.quantum_box` computes, exactly, the box of the state
of eq. (8) measured in X/Z (and its noisy versions);
:mod:`~certify.simulation.source` samples Santha-Vazirani sources,
:mod:`~certify.simulation.devices` the honest, adversarial and local devices,
:mod:`~certify.simulation.extractor` the block extractor, and
:mod:`~certify.simulation.protocols` runs Protocols I and II with seeded,
reproducible randomness and compares the observed statistics with the
certified bounds. Samples are floating point by nature; they never decide a
certificate.
"""
