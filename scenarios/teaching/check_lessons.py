#!/usr/bin/env python3
"""Check that every lesson of lessons.toml shows what its `expect` says.

For each lesson, run side A and side B of its scenario with the same seed and replicates
(common random numbers), pair replicate r of A with replicate r of B, and compute the paired
difference B - A of each expected outcome with its 95 % confidence interval (Student t).
An expectation holds when the whole interval lies on the stated side of 0.

    python3 scenarios/teaching/check_lessons.py PALERMO [--replicates N] [--seed S ...]
                                                 [--lesson ID ...]

PALERMO is the path of the palermo binary. Without --seed each lesson runs with its
scenario's own run.seed; with several --seed, every lesson is checked with each of them.

How an outcome is measured per run (docs/TEACHING.md says the same):
- a column of summary.csv, with no `country`: the run's value (world totals and rates);
- a column of timeseries.csv (with `country`, that country's rows; without, the world's
  ALL rows): a flow is summed over the recorded weeks, a stock is averaged over the last
  52 recorded weeks (all of them if the run is shorter).

Prints one row per expectation and exits 0 if all hold, 1 if any does not, 2 on bad input
or a failed run. Standard library only.
"""

import argparse
import csv
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib

HERE = os.path.dirname(os.path.abspath(__file__))
LESSONS = os.path.join(HERE, "lessons.toml")

# The stock columns of timeseries.csv (docs/OUTPUTS.md): counted at the end of a week.
STOCKS = {
    "at_home", "seeking", "in_transit", "exploited", "safe_migrants", "in_support",
    "investigations_running", "traffickers_active", "traffickers_imprisoned",
    "networks_active",
}
FINAL_WEEKS = 52
DIRECTIONS = ("lower", "higher")
LESSON_KEYS = {"id", "title", "scenario", "question", "a", "b", "look_at", "expect"}
EXPECT_KEYS = {"outcome", "direction", "country"}


# --- Student t quantile, from the regularized incomplete beta function ---

def _betacf(a, b, x):
    """Continued fraction of the incomplete beta function (modified Lentz)."""
    tiny = 1e-300
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 300):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < 1e-15:
            break
    return h


def _betai(a, b, x):
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    front = math.exp(math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
                     + a * math.log(x) + b * math.log(1.0 - x))
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _betacf(a, b, x) / a
    return 1.0 - front * _betacf(b, a, 1.0 - x) / b


def t_cdf(t, df):
    tail = 0.5 * _betai(df / 2.0, 0.5, df / (df + t * t))
    return 1.0 - tail if t >= 0 else tail


def t_quantile(p, df):
    """The p quantile (p > 0.5) of Student's t with df degrees of freedom, by bisection."""
    lo, hi = 0.0, 1e4
    for _ in range(200):
        mid = (lo + hi) / 2.0
        if t_cdf(mid, df) < p:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2.0


def paired_ci(diffs):
    """Mean of the paired differences and its 95 % interval (Student t)."""
    n = len(diffs)
    mean = statistics.fmean(diffs)
    if n < 2:
        return mean, float("nan"), float("nan")
    half = t_quantile(0.975, n - 1) * statistics.stdev(diffs) / math.sqrt(n)
    return mean, mean - half, mean + half


# --- lessons.toml ---

def fail(message):
    print(f"error: {message}", file=sys.stderr)
    sys.exit(2)


def load_lessons(path):
    try:
        with open(path, "rb") as f:
            doc = tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError) as e:
        fail(f"{path}: {e}")
    if doc.get("schema") != 1:
        fail(f"{path}: missing `schema = 1` at the top of the file")
    lessons = doc.get("lesson", [])
    if not lessons:
        fail(f"{path}: no [[lesson]]")
    ids = set()
    for i, lesson in enumerate(lessons):
        where = f"{path}: lesson {i + 1} ({lesson.get('id', '?')})"
        unknown = set(lesson) - LESSON_KEYS
        missing = LESSON_KEYS - set(lesson)
        if unknown or missing:
            fail(f"{where}: unknown keys {sorted(unknown)}, missing keys {sorted(missing)}")
        if lesson["id"] in ids:
            fail(f"{where}: id given twice")
        ids.add(lesson["id"])
        folder = os.path.dirname(os.path.abspath(path))
        if not os.path.isfile(os.path.join(folder, lesson["scenario"])):
            fail(f"{where}: no scenario {lesson['scenario']} in {folder}")
        for side in ("a", "b"):
            if not all(isinstance(s, str) and "=" in s for s in lesson[side]):
                fail(f"{where}: `{side}` must be a list of PATH=VALUE strings")
        if not lesson["expect"]:
            fail(f"{where}: no expectation")
        for e in lesson["expect"]:
            if set(e) - EXPECT_KEYS or "outcome" not in e or "direction" not in e:
                fail(f"{where}: an expectation has the keys outcome, direction and, "
                     f"optionally, country: {e}")
            if e["direction"] not in DIRECTIONS:
                fail(f"{where}: direction must be one of {DIRECTIONS}: {e}")
    return lessons


# --- running and measuring ---

def run_side(palermo, scenario, sets, replicates, seed, out):
    cmd = [palermo, "run", scenario, "--replicates", str(replicates), "--out", out, "-q"]
    if seed is not None:
        cmd += ["--seed", str(seed)]
    for s in sets:
        cmd += ["--set", s]
    start = time.monotonic()
    done = subprocess.run(cmd, capture_output=True, text=True)
    elapsed = time.monotonic() - start
    if done.returncode != 0:
        fail(f"{' '.join(cmd)} exited {done.returncode}:\n{done.stderr.strip()}")
    with open(os.path.join(out, "summary.csv"), newline="") as f:
        summary = {int(row["replicate"]): row for row in csv.DictReader(f)}
    series = {}
    with open(os.path.join(out, "timeseries.csv"), newline="") as f:
        reader = csv.DictReader(f)
        columns = reader.fieldnames
        for row in reader:
            series.setdefault((int(row["replicate"]), row["country"]), []).append(row)
    for rows in series.values():
        rows.sort(key=lambda r: int(r["week"]))
    return {"summary": summary, "series": series, "columns": columns, "seconds": elapsed}


def measure(side, replicate, outcome, country):
    """The outcome of one run, as a float, or None where it is undefined."""
    row = side["summary"][replicate]
    if country is None and outcome in row:
        value = row[outcome]
        return float(value) if value != "" else None
    key = (replicate, country or "ALL")
    if outcome not in side["columns"]:
        fail(f"unknown outcome `{outcome}` (not a column of summary.csv or timeseries.csv)")
    if key not in side["series"]:
        fail(f"unknown country `{country}`")
    rows = side["series"][key]
    if outcome in STOCKS:
        last = rows[-FINAL_WEEKS:]
        return statistics.fmean(float(r[outcome]) for r in last)
    return sum(float(r[outcome]) for r in rows)


def how(outcome, country, side):
    if country is None and outcome in side["summary"][0]:
        return "run"
    return "final-year mean" if outcome in STOCKS else "sum of weeks"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("palermo", help="path of the palermo binary")
    parser.add_argument("--replicates", type=int, default=20)
    parser.add_argument("--seed", type=int, action="append",
                        help="base seed (repeatable); default: each scenario's run.seed")
    parser.add_argument("--lesson", action="append", help="check only this lesson (repeatable)")
    parser.add_argument("--lessons", default=LESSONS,
                        help="the lessons file (default: lessons.toml beside this script); "
                             "scenarios are looked up in its folder")
    args = parser.parse_args()
    if args.replicates < 2:
        fail("--replicates must be 2 or more")
    lessons = load_lessons(args.lessons)
    if args.lesson:
        known = {lesson["id"] for lesson in lessons}
        for wanted in args.lesson:
            if wanted not in known:
                fail(f"no lesson `{wanted}` (lessons: {', '.join(sorted(known))})")
        lessons = [lesson for lesson in lessons if lesson["id"] in args.lesson]
    seeds = args.seed or [None]

    failures = 0
    header = (f"{'lesson':22} {'seed':>9} {'outcome':32} {'country':9} {'measure':15} "
              f"{'mean A':>12} {'mean B':>12} {'B - A':>11} {'95 % CI':>25} {'n':>3} "
              f"{'pairs':>5}  verdict")
    print(header)
    print("-" * len(header))
    with tempfile.TemporaryDirectory(prefix="palermo-lessons-") as tmp:
        for lesson in lessons:
            scenario = os.path.join(os.path.dirname(os.path.abspath(args.lessons)),
                                    lesson["scenario"])
            for seed in seeds:
                tag = f"{lesson['id']}-{seed}"
                a = run_side(args.palermo, scenario, lesson["a"], args.replicates, seed,
                             os.path.join(tmp, tag, "a"))
                b = run_side(args.palermo, scenario, lesson["b"], args.replicates, seed,
                             os.path.join(tmp, tag, "b"))
                for name in lesson["look_at"]:
                    if name not in a["summary"][0] and name not in a["columns"]:
                        fail(f"{lesson['id']}: look_at `{name}` is not a column of "
                             "summary.csv or timeseries.csv")
                for r in range(args.replicates):
                    if a["summary"][r]["seed"] != b["summary"][r]["seed"]:
                        fail(f"{lesson['id']}: replicate {r} has different seeds in A and B")
                shown_seed = seed if seed is not None else "file"
                for e in lesson["expect"]:
                    outcome, country = e["outcome"], e.get("country")
                    pairs = [(measure(a, r, outcome, country), measure(b, r, outcome, country))
                             for r in range(args.replicates)]
                    pairs = [(x, y) for x, y in pairs if x is not None and y is not None]
                    diffs = [y - x for x, y in pairs]
                    if len(diffs) < 2:
                        mean, low, high = float("nan"), float("nan"), float("nan")
                    else:
                        mean, low, high = paired_ci(diffs)
                    if e["direction"] == "lower":
                        holds = high < 0
                    else:
                        holds = low > 0
                    failures += not holds
                    # How many single pairs already show the stated direction.
                    agree = sum(d < 0 if e["direction"] == "lower" else d > 0 for d in diffs)
                    mean_a = statistics.fmean(x for x, _ in pairs) if pairs else float("nan")
                    mean_b = statistics.fmean(y for _, y in pairs) if pairs else float("nan")
                    verdict = (f"{e['direction']}: ok" if holds
                               else f"{e['direction']}: NOT SHOWN")
                    print(f"{lesson['id']:22} {shown_seed!s:>9} {outcome:32} "
                          f"{country or 'world':9} {how(outcome, country, a):15} "
                          f"{mean_a:12.4g} {mean_b:12.4g} {mean:11.4g} "
                          f"[{low:11.4g}, {high:11.4g}] {len(diffs):3} {agree:5}  {verdict}")
                print(f"{'':22} {'':>9} time of {args.replicates} replicates: "
                      f"A {a['seconds']:.2f} s, B {b['seconds']:.2f} s")
    if failures:
        print(f"\n{failures} expectation(s) not shown", file=sys.stderr)
        return 1
    print("\nevery expectation holds")
    return 0


if __name__ == "__main__":
    sys.exit(main())
