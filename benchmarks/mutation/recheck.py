"""Re-run the surviving mutants of a cosmic-ray session against the current tests.

    python benchmarks/mutation/recheck.py SESSION.sqlite [COSMIC_RAY]   (from the repository root)

Each survivor's diff (as cosmic-ray stored it) is applied with ``patch`` to a copy of
the current ``certify/checker/core.py`` in a temporary copy of the repository, and the
fast core test set is run; prints one line per survivor: ``killed`` or ``survived``,
the operator, the line and the change. Used after adding tests, instead of a full new run.
"""

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

TESTS = ["tests/test_checker_core_branches.py"]


def main(argv):
    session, cosmic_ray = argv[0], argv[1] if len(argv) > 1 else "cosmic-ray"
    dump = subprocess.run([cosmic_ray, "dump", session], capture_output=True, text=True, check=True).stdout
    survivors = []
    for line in dump.splitlines():
        item, result = json.loads(line)
        if result and result.get("test_outcome") == "survived":
            survivors.append((item["mutations"][0], result["diff"]))
    root = Path.cwd()
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "repo"
        files = subprocess.run(["git", "ls-files"], capture_output=True, text=True, check=True).stdout.split()
        for name in files + TESTS:
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(root / name, copy / name)
        core = copy / "certify" / "checker" / "core.py"
        original = core.read_text()
        counts = {"killed": 0, "survived": 0, "not applied": 0}
        for mutation, diff in survivors:
            core.write_text(original)
            body = diff.split("\n", 1)[1]  # drop cosmic-ray's "--- mutation diff ---" line
            patched = subprocess.run(["patch", "-p1", "-s", "-d", str(copy)], input=body, text=True,
                                     capture_output=True)
            changed = [l for l in body.splitlines() if l.startswith(("-", "+")) and not l.startswith(("---", "+++"))]
            if patched.returncode != 0:
                outcome = "not applied"
            else:
                tests = subprocess.run([sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *TESTS],
                                       cwd=copy, capture_output=True, text=True)
                outcome = "survived" if tests.returncode == 0 else "killed"
            counts[outcome] += 1
            print(f"{outcome:<11} {mutation['operator_name'].split('/')[-1]} line {mutation['start_pos'][0]}: "
                  + " => ".join(l[1:].strip() for l in changed))
        core.write_text(original)
    print(f"{len(survivors)} survivors of the session: {counts}")


if __name__ == "__main__":
    main(sys.argv[1:])
