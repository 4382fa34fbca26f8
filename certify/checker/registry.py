"""The claims registry: which files a folder must hold for the claims it registers.

Standard library only, built on :mod:`certify.checker.core`.
"""

from certify.checker.core import NotProven


def check_coverage(proven, present, where="folder"):
    """Lemma 11 "for every (u*, x*)": one proven file ``u<setting>-x<outcome>.json`` per pair.

    ``proven`` maps file names to the statements of files that passed;
    ``present`` holds every certificate file name of the folder."""
    for name, statement in proven.items():
        if name != f"u{statement['setting']}-x{statement['outcome']}.json":
            raise NotProven(f"{where}: file {name} proves P({statement['outcome']}|{statement['setting']}); "
                            f"its name must match its target")
    pairs = [f"u{u:04b}-x{x:04b}.json" for u in range(16) for x in range(16)]
    absent = [p for p in pairs if p not in present]
    failed = [p for p in pairs if p in present and p not in proven]
    if absent or failed:
        raise NotProven(f"{where}: {256 - len(absent) - len(failed)} of 256 pairs proven; absent: "
                        f"{absent[:4] + ['...'] * (len(absent) > 4)}, "
                        f"not proven: {failed[:4] + ['...'] * (len(failed) > 4)}")
