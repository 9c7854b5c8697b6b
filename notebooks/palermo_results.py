"""What the notebooks and plot_baseline.py share: running palermo, reading a results directory,
and the scenario's timeline and countries read from the results themselves.

A results directory of `palermo run` holds timeseries.csv, summary.csv and manifest.json
(docs/OUTPUTS.md). The manifest records the text of every scenario run, so the weeks of its
policies and shocks and its countries are parsed from there with tomllib: nothing here knows
any one scenario. Needs pandas and scipy (both in notebooks/requirements.txt).
"""

import json
import os
import subprocess
import tomllib
from pathlib import Path

import pandas as pd
from scipy import stats

ROOT = Path(__file__).resolve().parent.parent

# The identification channels of timeseries.csv, with a label for a legend.
CHANNELS = {
    "identified_border": "border control",
    "identified_inspection": "labour inspection",
    "identified_police": "police",
    "identified_ngo": "NGO",
    "identified_self": "self-report",
    "identified_self_exit": "escaped, came forward",
}


def binary():
    """The palermo binary: $PALERMO, else the release build of this checkout."""
    path = Path(os.environ.get("PALERMO", ROOT / "target" / "release" / "palermo"))
    if not path.is_file():
        raise FileNotFoundError(
            f"no palermo binary at {path}: run `cargo build --release` in {ROOT}, "
            "or set PALERMO to the binary's path"
        )
    return path


def palermo(*args):
    """Runs `palermo ARGS...` quietly; raises with palermo's message if it fails."""
    cmd = [str(binary()), *map(str, args), "--quiet"]
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {done.returncode}:\n{done.stderr.strip()}")
    return done.stdout


def load(results):
    """timeseries.csv, summary.csv and the parsed manifest.json of a `palermo run` directory.
    `seed` is a 64-bit unsigned integer, read as text (a float would lose its last digits)."""
    results = Path(results)
    ts = pd.read_csv(results / "timeseries.csv", dtype={"seed": str})
    summary = pd.read_csv(results / "summary.csv", dtype={"seed": str})
    manifest = json.loads((results / "manifest.json").read_text())
    return ts, summary, manifest


def scenario_doc(manifest, name=None):
    """The scenario `name` (the first if None) as the manifest records it, with its text
    parsed: (entry, parsed TOML)."""
    entries = manifest["scenarios"]
    entry = entries[0] if name is None else next(s for s in entries if s["name"] == name)
    return entry, tomllib.loads(entry["text"])


def countries(manifest, name=None):
    """The scenario's countries, in the order of its file."""
    return [c["name"] for c in scenario_doc(manifest, name)[1].get("country", [])]


def describe_change(policy):
    """A short label of a [[policy]]: its target and what it sets or scales."""
    def show(value):
        if isinstance(value, list):
            more = f" +{len(value) - 3}" if len(value) > 3 else ""
            return ", ".join(map(str, value[:3])) + more
        return str(value)

    parts = [f"{k} = {show(v)}" for k, v in policy.get("set", {}).items()]
    parts += [f"{k} x {v}" for k, v in policy.get("scale", {}).items()]
    target = policy["target"].split(".", 1)[-1]
    return f"{target}: {', '.join(parts)}"


def timeline(manifest, name=None):
    """The scenario's policies and shocks, one row each: kind, week (the first recorded week it
    acts), end (the week it is fully phased in, or the shock's last week + 1), label. Weeks at or
    past the run's recorded weeks are kept (they never come in this run), flagged `in_run`."""
    entry, doc = scenario_doc(manifest, name)
    rows = []
    for p in doc.get("policy", []):
        ramp = max(int(p.get("ramp_weeks", 0)), 1)
        rows.append(("policy", int(p["week"]), int(p["week"]) + ramp, describe_change(p)))
    for s in doc.get("shock", []):
        label = f"shock in {s['country']}: vulnerability x {s['vulnerability']}"
        rows.append(("shock", int(s["week"]), int(s["week"]) + int(s["weeks"]), label))
    table = pd.DataFrame(rows, columns=["kind", "week", "end", "label"])
    table["in_run"] = table["week"] < int(entry["weeks"])
    return table.sort_values("week", ignore_index=True)


def transit_countries(ts):
    """The countries trafficked persons pass through (a positive `transit_flow`), the busiest
    first."""
    flow = ts[ts["country"] != "ALL"].groupby("country")["transit_flow"].sum()
    return list(flow[flow > 0].sort_values(ascending=False).index)


def mean_ci(values, level=0.95):
    """Mean and Student-t confidence interval of the mean: (mean, low, high); NaN bounds for
    fewer than two values."""
    values = pd.Series(values, dtype=float).dropna()
    mean = values.mean()
    if len(values) < 2:
        return mean, float("nan"), float("nan")
    half = stats.t.ppf(0.5 + level / 2, len(values) - 1) * values.std(ddof=1) / len(values) ** 0.5
    return mean, mean - half, mean + half
