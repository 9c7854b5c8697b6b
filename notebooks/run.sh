#!/usr/bin/env bash
# Executes every notebook of notebooks/ top to bottom, headless, on small runs, and fails on any
# error: makes a virtual environment (target/salib-venv, shared with tests/salib/run.sh, or
# $NOTEBOOKS_VENV; reused when present), installs notebooks/requirements.txt into it, checks
# that the committed notebooks carry no outputs, and runs each with nbclient. Small runs through the notebooks' parameter
# variables (PALERMO_REPLICATES, PALERMO_WEEKS, ...: each notebook's first code cell); palermo's
# results and the executed notebooks go to a temporary folder (kept, and named, with
# NOTEBOOKS_KEEP=1), never into the committed notebooks.
#
#   notebooks/run.sh [PATH/TO/palermo]      (default: target/release/palermo)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
bin="$(realpath "${1:-$root/target/release/palermo}")"
if [[ ! -x "$bin" ]]; then
    echo "notebooks/run.sh: no palermo binary at $bin (cargo build --release first)" >&2
    exit 2
fi
# The venv of tests/salib/run.sh is reused: requirements.txt pins SALib and its dependencies at
# the versions of tests/salib/requirements.txt (checked here), so CI installs them once.
for pin in $(grep -v '^#' "$root/tests/salib/requirements.txt"); do
    if ! grep -qxF "$pin" "$here/requirements.txt"; then
        echo "notebooks/requirements.txt lacks $pin, pinned in tests/salib/requirements.txt" >&2
        exit 2
    fi
done
venv="${NOTEBOOKS_VENV:-$root/target/salib-venv}"
if [[ ! -x "$venv/bin/python" ]]; then
    python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt"

tmp="$(mktemp -d)"
if [[ "${NOTEBOOKS_KEEP:-0}" == 1 ]]; then
    echo "executed notebooks and results are kept in $tmp"
else
    trap 'rm -rf "$tmp"' EXIT
fi

# Small runs: enough replicates for an interval, enough weeks for a policy or two.
# Headless: matplotlib's inline backend draws into the executed notebook, never to a display
# (Agg would draw nothing at all there: plt.show() is a no-op under it, so a figure that fails
# to render would pass unseen).
export PALERMO="$bin" PALERMO_OUT="$tmp/results" MPLBACKEND=module://matplotlib_inline.backend_inline
export PALERMO_REPLICATES="${PALERMO_REPLICATES:-3}" PALERMO_WEEKS="${PALERMO_WEEKS:-208}"
export PALERMO_BURN_IN="${PALERMO_BURN_IN:-52}" PALERMO_SOBOL_SAMPLES="${PALERMO_SOBOL_SAMPLES:-16}"
export PALERMO_SOBOL_WEEKS="${PALERMO_SOBOL_WEEKS:-52}"

"$venv/bin/python" - "$here" "$tmp" <<'PY'
import sys, time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

here, tmp = Path(sys.argv[1]), Path(sys.argv[2])
notebooks = sorted(here.glob("*.ipynb"))
if not notebooks:
    sys.exit(f"no notebook in {here}")
for path in notebooks:
    nb = nbformat.read(path, as_version=4)
    dirty = [i for i, c in enumerate(nb.cells)
             if c.cell_type == "code" and (c.outputs or c.execution_count is not None)]
    if dirty:
        sys.exit(f"{path.name}: cells {dirty} carry outputs; commit notebooks without them "
                 "(clear the outputs before saving)")
for path in notebooks:
    start = time.monotonic()
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(here)}})
    client.execute()  # raises CellExecutionError, with the cell and its traceback, on an error
    nbformat.write(nb, tmp / path.name)
    # Every plt.show() must have left a picture in its cell's outputs.
    shows = [c for c in nb.cells if c.cell_type == "code" and "plt.show()" in c.source]
    blank = [nb.cells.index(c) for c in shows
             if not any("image/png" in o.get("data", {}) for o in c.outputs)]
    if blank:
        sys.exit(f"{path.name}: cells {blank} call plt.show() but drew no figure")
    print(f"{path.name}: {len(nb.cells)} cells executed, {len(shows)} figures drawn, "
          f"in {time.monotonic() - start:.1f} s")
PY
echo "every notebook ran without an error"
