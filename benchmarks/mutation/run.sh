#!/usr/bin/env bash
# Mutation testing of the trusted core (certify/checker/core.py) with cosmic-ray.
#
#   bash benchmarks/mutation/run.sh [PYTHON]      (from the repository root)
#
# PYTHON (default .venv/bin/python) runs the tests; cosmic-ray itself is installed from
# benchmarks/mutation/requirements.txt into its own virtual environment under the work
# folder. Two HTTP workers, each in its own copy of the repository (a worker writes the
# mutant into its copy), share the mutants; each mutant runs the fast core test set
# (tests/test_checker_core_branches.py, about a second). Prints the cosmic-ray report
# and writes the surviving mutants to WORK/survivors.txt.
set -euo pipefail
ROOT=$(pwd)
PYTHON=$(realpath "${1:-.venv/bin/python}")
WORK=${MUTATION_WORK:-/tmp/certify-mutation}
rm -rf "$WORK" && mkdir -p "$WORK"
python3 -m venv "$WORK/venv"
"$WORK/venv/bin/pip" install -q -r benchmarks/mutation/requirements.txt
CR="$WORK/venv/bin/cosmic-ray"
PIDS=()
trap 'for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done' EXIT
for port in 9876 9877; do
  mkdir -p "$WORK/w$port"
  git ls-files -z | xargs -0 cp --parents -t "$WORK/w$port"
  (cd "$WORK/w$port" && PATH="$(dirname "$PYTHON"):$PATH" exec "$CR" http-worker --port "$port" \
      > "$WORK/worker-$port.log" 2>&1) &
  PIDS+=($!)
done
sleep 2
"$CR" init benchmarks/mutation/cosmic-ray.toml "$WORK/session.sqlite"
"$CR" exec benchmarks/mutation/cosmic-ray.toml "$WORK/session.sqlite"
"$WORK/venv/bin/cr-report" "$WORK/session.sqlite" --surviving-only | tee "$WORK/survivors.txt" | tail -3
