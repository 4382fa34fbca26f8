"""certify: exact certificates for randomness amplification with no-signalling devices.

Stages (one module each): :mod:`certify.scenario` -> :mod:`certify.bell_expression`
-> :mod:`certify.no_signalling` -> :mod:`certify.float_solve` ->
:mod:`certify.exact_lp` -> :mod:`certify.certificate` -> :mod:`certify.jsonio`
-> :mod:`certify.checker` (the small trusted checker, standard library only).
"""

__version__ = "0.1.0"
