#!/usr/bin/env bash
# palermo's sensitivity.csv against SALib's indices on the same points.csv: installs the pinned
# SALib (requirements.txt) in a virtual environment, runs a short Sobol' sweep and a short
# Morris sweep of the shipped sweep files, and runs check_sensitivity.py on both; then checks
# that the check fails on a perturbed sensitivity.csv (an index moved out of SALib's interval,
# and one moved by a millionth), so that its passing means something.
#
#   tests/salib/run.sh target/release/palermo
#
# The virtual environment is kept in target/salib-venv (SALIB_VENV overrides it).
set -euo pipefail

bin="$(realpath "${1:?usage: tests/salib/run.sh PATH/TO/palermo}")"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="${SALIB_VENV:-$root/target/salib-venv}"

if [[ ! -x "$venv/bin/python" ]]; then
    python3 -m venv "$venv"
fi
# --no-deps: requirements.txt lists every package the check needs (not SALib's plotting).
"$venv/bin/pip" install --no-deps --quiet --disable-pip-version-check -r "$here/requirements.txt"
python="$venv/bin/python"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# Short runs: the agreement is about the arithmetic on points.csv, not about the model.
short=(--replicates 1 --set run.weeks=26 --set run.burn_in=0 --aggregate none --quiet)
"$bin" sweep "$root/scenarios/sweeps/sensitivity_sobol.toml" --out "$tmp/sobol" "${short[@]}"
"$bin" sweep "$root/scenarios/sweeps/screening_morris.toml" --out "$tmp/morris" "${short[@]}"

"$python" "$here/check_sensitivity.py" "$tmp/sobol" "$tmp/morris"

# The check must fail when palermo's file is wrong.
perturb() { # DIR COLUMN FACTOR_OF_HALF_WIDTH RELATIVE
    "$python" - "$@" <<'PY'
import sys
import pandas as pd
d, col, by_width, rel = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
path = f"{d}/sensitivity.csv"
t = pd.read_csv(path, keep_default_na=False, na_values=[""])
i = t[t[col].notna() & (t[col] != 0)].index[0]
half = (t.at[i, f"{col}_ci_high"] - t.at[i, f"{col}_ci_low"]) / 2
t.at[i, col] += by_width * half + rel * abs(t.at[i, col])
t.to_csv(path, index=False)
PY
}
for case in "S1 3 0" "ST 0 1e-6"; do
    read -r col width rel <<<"$case"
    rm -rf "$tmp/bad" && cp -r "$tmp/sobol" "$tmp/bad"
    perturb "$tmp/bad" "$col" "$width" "$rel"
    if "$python" "$here/check_sensitivity.py" "$tmp/bad" >"$tmp/bad.log"; then
        echo "check_sensitivity.py passed a sensitivity.csv with $col moved ($case)" >&2
        exit 1
    fi
    echo "a perturbed $col ($width half-widths, $rel relative) is caught: $(grep -c FAIL "$tmp/bad.log") failure(s)"
done
echo "palermo's sensitivity indices agree with SALib's"
