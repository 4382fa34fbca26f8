"""``certify export``: the Lemma-11 certificates in other formats (:func:`certify.builder.vipr.export_folder`)."""

from __future__ import annotations

import json
import os

from certify.builder.store import DEFAULT_CERTIFICATES
from certify.builder.vipr import export_folder

__all__ = ["add_parser"]


def _run(args) -> int:
    written = export_folder(args.certificates, args.vipr)
    if args.json:
        print(json.dumps({"written": written, "directory": args.vipr}, indent=1))
    else:
        print(f"export: wrote {len(written)} VIPR 1.0 files to {args.vipr}")
    return 0


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "export", help="write the Lemma-11 certificates in the VIPR 1.0 format",
        description=("Write every Lemma-11 certificate (paper claim and each value-function piece) "
                     "as a VIPR 1.0 file (Cheung, Gleixner, Steffy; checked by viprchk): maximise "
                     "P(x*|u*) - slope * B.P over the no-signalling polytope, with the exact "
                     "optimum proven by one 'lin' derivation and attained by a witness. Only files "
                     "the trusted checker accepts are exported."))
    parser.add_argument("--vipr", required=True, metavar="DIR", help="output folder (created)")
    parser.add_argument("--certificates", default=os.path.join(DEFAULT_CERTIFICATES, "lemma11"),
                        metavar="DIR", help="folder of output-bound certificates (default: %(default)s)")
    parser.add_argument("--json", action="store_true", help="machine-readable result on stdout")
    parser.set_defaults(func=_run)
