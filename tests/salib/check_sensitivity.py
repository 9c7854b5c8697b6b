#!/usr/bin/env python3
"""Checks palermo's sensitivity.csv against SALib's indices on the same points.csv.

Usage: check_sensitivity.py SWEEP_DIR [SWEEP_DIR...]

For each sweep directory of a `sobol` or `morris` design, reads problem.json, samples.csv,
points.csv, manifest.json and sensitivity.csv, computes SALib's indices of every outcome
(`F_mean` of points.csv) with the standard API (`SALib.analyze.sobol.analyze(problem, Y,
calc_second_order=True)`, `SALib.analyze.morris.analyze(problem, X, Y, num_levels=p)`), and
checks each of palermo's indices (S1 and ST; mu_star, with sigma and mu) against SALib's:

1. agreement within the bootstrap intervals (the rule of issue 11): palermo's estimate lies
   inside SALib's 95 % interval (estimate -+ conf), and palermo's interval overlaps SALib's;
2. the same estimator: the estimates differ by at most 1e-9 x max(1, |SALib's|) (both
   compute the same formula on the same numbers; only floating-point rounding differs);
3. intervals of the same size: the half-widths are within a factor of 1.5 of each other
   (both bootstraps draw 1,000 resamples, with different random numbers), for outcomes that
   vary at 5 base rows or more: when nearly every run gives the same value (a rare count in a
   short run), whether a resample keeps the few informative rows decides the interval, and
   the two bootstraps' different random numbers and handling of resamples without variance
   make the sizes incomparable (seen: 73x on `joint_investigations_total` in a 26-week
   sweep); rules 1, 2 and 4 still hold there, and the skipped outcomes are counted;
4. undefined means undefined: an outcome missing at some point, or one whose outputs do not
   vary (sobol), has empty cells in palermo's file, and every other outcome has numbers.

Prints one line per directory with the numbers compared and the largest differences, every
failure, and exits 1 if any check fails (2 if a file is missing or malformed).
"""

import json
import math
import sys
import tomllib
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from SALib.analyze import morris, sobol

RESAMPLES = 1000
SEED = 12345
EXACT = 1e-9
WIDTH_RATIO = 1.5


class Checks:
    def __init__(self, name):
        self.name = name
        self.failures = []
        self.compared = 0
        self.max_diff = 0.0
        self.max_ratio = 1.0
        self.inside = 0
        # Rule 3 applies to the outcome being checked (see the module's docstring).
        self.width_rule = True
        self.sparse = []

    def fail(self, message):
        self.failures.append(f"{self.name}: {message}")

    def index(self, where, mine, low, high, theirs, conf):
        """Rules 1-3 for one index: palermo's (mine, low, high) vs SALib's (theirs, conf)."""
        self.compared += 1
        if any(math.isnan(v) for v in (mine, low, high)):
            self.fail(f"{where}: palermo left it empty, SALib gives {theirs:.6g}")
            return
        diff = abs(mine - theirs)
        self.max_diff = max(self.max_diff, diff)
        if not theirs - conf <= mine <= theirs + conf:
            self.fail(
                f"{where}: palermo's {mine:.6g} outside SALib's interval "
                f"{theirs:.6g} -+ {conf:.3g}"
            )
        else:
            self.inside += 1
        if high < theirs - conf or low > theirs + conf:
            self.fail(f"{where}: intervals [{low:.6g}, {high:.6g}] and SALib's do not overlap")
        if diff > EXACT * max(1.0, abs(theirs)):
            self.fail(f"{where}: palermo {mine!r} vs SALib {theirs!r}: not the same estimator")
        half = (high - low) / 2
        if not self.width_rule:
            pass
        elif conf > 0 and half > 0:
            ratio = max(half / conf, conf / half)
            self.max_ratio = max(self.max_ratio, ratio)
            if ratio > WIDTH_RATIO:
                self.fail(f"{where}: half-widths {half:.3g} (palermo) and {conf:.3g} (SALib)")
        elif abs(half - conf) > EXACT:
            self.fail(f"{where}: half-widths {half:.3g} (palermo) and {conf:.3g} (SALib)")

    def value(self, where, mine, theirs):
        """Rule 2 for a statistic SALib gives no interval for (mu, sigma)."""
        self.compared += 1
        if math.isnan(mine) or abs(mine - theirs) > EXACT * max(1.0, abs(theirs)):
            self.fail(f"{where}: palermo {mine!r} vs SALib {theirs!r}")
        else:
            self.max_diff = max(self.max_diff, abs(mine - theirs))


def read(directory):
    d = Path(directory)
    try:
        problem = json.loads((d / "problem.json").read_text())
        manifest = json.loads((d / "manifest.json").read_text())
        points = pd.read_csv(d / "points.csv")
        samples = pd.read_csv(d / "samples.csv")
        indices = pd.read_csv(d / "sensitivity.csv", keep_default_na=False, na_values=[""])
    except (OSError, ValueError) as e:
        print(f"error: {directory}: {e}", file=sys.stderr)
        sys.exit(2)
    return problem, manifest, points, samples, indices


def levels(manifest):
    """The morris design's levels, from the scenario text the manifest records."""
    text = manifest["scenarios"][0]["text"]
    return int(tomllib.loads(text)["sweep"].get("levels", 4))


def rows_of(indices, outcome, names):
    rows = indices[indices["outcome"] == outcome].set_index("parameter")
    if list(rows.index) != names:
        return None
    return rows


def check(directory):
    problem, manifest, points, samples, indices = read(directory)
    design = manifest["sweep"]["design"]
    names = problem["names"]
    checks = Checks(directory)
    outcomes = [c[: -len("_mean")] for c in points.columns if c.endswith("_mean")]
    if sorted(set(indices["outcome"])) != sorted(outcomes):
        checks.fail("sensitivity.csv's outcomes are not points.csv's")
    X = samples[names].to_numpy(dtype=float)
    defined = 0
    for outcome in outcomes:
        Y = points[f"{outcome}_mean"].to_numpy(dtype=float)
        rows = rows_of(indices, outcome, names)
        if rows is None:
            checks.fail(f"{outcome}: not one row per parameter, in problem.json's order")
            continue
        numbers = rows.drop(columns="outcome").to_numpy(dtype=float)
        if design == "sobol":
            step = 2 * len(names) + 2
            ab = np.r_[Y[0::step], Y[step - 1 :: step]]
            undefined = np.isnan(Y).any() or np.ptp(ab) == 0
            # Base rows away from the typical value: below 5, rule 3 does not apply.
            varying = np.count_nonzero(ab != np.median(ab)) if not undefined else 0
            checks.width_rule = varying >= 5
            if not undefined and not checks.width_rule:
                checks.sparse.append(outcome)
            keys = ("S1", "ST")
        else:
            undefined = np.isnan(Y).any()
            checks.width_rule = True
            keys = ("mu_star",)
        if undefined:
            first = [f"{k}" for k in keys]
            if not rows[first].isna().all().all():
                checks.fail(f"{outcome}: undefined (missing or constant), yet palermo has numbers")
            continue
        if np.isnan(numbers[:, 0]).any():
            checks.fail(f"{outcome}: defined, yet palermo left cells empty")
            continue
        defined += 1
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if design == "sobol":
                si = sobol.analyze(
                    problem, Y, calc_second_order=True, num_resamples=RESAMPLES, seed=SEED
                )
            else:
                si = morris.analyze(
                    problem,
                    X,
                    Y,
                    num_levels=levels(manifest),
                    num_resamples=RESAMPLES,
                    seed=SEED,
                )
        for j, name in enumerate(names):
            row = rows.loc[name]
            where = f"{outcome} / {name}"
            for key in keys:
                checks.index(
                    f"{where} {key}",
                    row[key],
                    row[f"{key}_ci_low"],
                    row[f"{key}_ci_high"],
                    float(si[key][j]),
                    float(si[f"{key}_conf"][j]),
                )
            if design == "morris":
                checks.value(f"{where} mu", row["mu"], float(si["mu"][j]))
                checks.value(f"{where} sigma", row["sigma"], float(si["sigma"][j]))
    if defined == 0:
        checks.fail("no outcome is defined at every point: nothing was compared")
    print(
        f"{directory}: {design}, {defined} outcomes x {len(names)} parameters, "
        f"{checks.compared} indices compared, {checks.inside} estimates inside SALib's "
        f"intervals, largest |palermo - SALib| {checks.max_diff:.3g}, "
        f"largest half-width ratio {checks.max_ratio:.3f}"
        f" (not compared for {len(checks.sparse)} outcomes varying at under 5 base rows:"
        f" {', '.join(checks.sparse) or 'none'}), {len(checks.failures)} failures"
    )
    for f in checks.failures[:20]:
        print(f"  FAIL {f}")
    return not checks.failures


def main(argv):
    if len(argv) < 2:
        print(__doc__.splitlines()[2], file=sys.stderr)
        return 2
    ok = [check(d) for d in argv[1:]]
    return 0 if all(ok) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
