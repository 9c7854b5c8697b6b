#!/usr/bin/env python3
"""Plots the results of the baseline scenario and prints the per-run summary means.

Usage:
    cargo run --release -- run scenarios/baseline.toml --out results/baseline
    python3 notebooks/plot_baseline.py results/baseline baseline.png

Reads RESULTS/timeseries.csv and RESULTS/summary.csv (columns in docs/OUTPUTS.md) and draws
three panels into OUT.png:

1. world prevalence (persons in exploitation, the `ALL` rows) over weeks: the mean across
   replicates and the band holding the middle 95 % of replicates;
2. identifications per year by channel (border, labour inspection, police, NGO, self-report),
   the mean across replicates;
3. the flow of trafficked persons through the transit countries Caldera, Dravia and Estmark,
   to show the displacement after Caldera's crackdown at week 156.

The same code is in notebooks/baseline.ipynb. Needs pandas and matplotlib only.
"""

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # write a file, never open a window
import matplotlib.pyplot as plt
import pandas as pd

# The identification channels of timeseries.csv, with a label for the legend.
CHANNELS = {
    "identified_border": "border control",
    "identified_inspection": "labour inspection",
    "identified_police": "police",
    "identified_ngo": "NGO",
    "identified_self": "self-report",
}
# The transit countries of the baseline world.
TRANSIT = ["Caldera", "Dravia", "Estmark"]
# The baseline's policy timeline (scenarios/baseline.toml), in recorded weeks.
EVENTS = {
    104: "South harmonizes laws",
    156: "Caldera crackdown",
    200: "Solara drought",
    260: "Dravia-Fennmoor pact",
    312: "Dravia anti-corruption",
}
CRACKDOWN_WEEK = 156
CRACKDOWN_RAMP = 26  # weeks over which the crackdown is phased in
WEEKS_PER_YEAR = 52
QUARTER = 13  # weeks


def load(results):
    """Reads the two CSV files of a results directory. `seed` is a 64-bit unsigned integer,
    so it is read as text (a float would lose its last digits)."""
    results = Path(results)
    ts = pd.read_csv(results / "timeseries.csv", dtype={"seed": str})
    summary = pd.read_csv(results / "summary.csv", dtype={"seed": str})
    return ts, summary


def world_rows(ts):
    """The world rows (`country == "ALL"`): one per run and week."""
    return ts[ts["country"] == "ALL"]


def prevalence_band(ts):
    """Persons in exploitation in the world, per week: the mean across replicates and the
    2.5th and 97.5th percentiles (the band holding the middle 95 % of replicates)."""
    by_run = world_rows(ts).pivot(index="week", columns="run", values="exploited")
    return pd.DataFrame(
        {
            "mean": by_run.mean(axis=1),
            "low": by_run.quantile(0.025, axis=1),
            "high": by_run.quantile(0.975, axis=1),
        }
    )


def mark_events(ax):
    """Dotted vertical lines at the weeks of the baseline's policy timeline, labelled."""
    for week, label in EVENTS.items():
        ax.axvline(week, color="grey", linestyle=":", linewidth=1)
        ax.annotate(
            label,
            (week, 1),
            xycoords=("data", "axes fraction"),
            xytext=(2, -2),
            textcoords="offset points",
            rotation=90,
            va="top",
            fontsize=7,
            color="dimgrey",
        )


def headroom(ax, top, share=0.3):
    """Room above the data for the event labels."""
    low, _ = ax.get_ylim()
    ax.set_ylim(low, top + share * (top - low))


def plot_prevalence(ax, ts):
    band = prevalence_band(ts)
    runs = world_rows(ts)["run"].nunique()
    ax.fill_between(
        band.index, band["low"], band["high"], alpha=0.3, label=f"middle 95 % of {runs} replicates"
    )
    ax.plot(band.index, band["mean"], linewidth=1.5, label="mean of replicates")
    mark_events(ax)
    headroom(ax, band["high"].max())
    ax.set_title("World prevalence: persons in exploitation")
    ax.set_xlabel("week")
    ax.set_ylabel("persons in exploitation")
    ax.legend(loc="lower left")


def identifications_by_year(ts):
    """Identifications per year by channel in the world: summed over each run's year, then
    averaged across replicates."""
    world = world_rows(ts).assign(year=lambda d: d["week"] // WEEKS_PER_YEAR)
    per_run = world.groupby(["run", "year"])[list(CHANNELS)].sum()
    return per_run.groupby("year").mean().rename(columns=CHANNELS)


def plot_identifications(ax, ts):
    ids = identifications_by_year(ts)
    ids.plot.bar(ax=ax, stacked=True, width=0.8, rot=0)
    ax.set_title("Victims identified per year, by channel (mean of replicates)")
    ax.set_xlabel("year (52 weeks from week 0)")
    ax.set_ylabel("persons identified per year")
    ax.legend(title="channel", loc="upper left", ncol=len(CHANNELS), fontsize=8)
    ax.margins(y=0.2)


def transit_flow(ts):
    """Trafficked persons entering each transit country, per week, averaged over quarters
    (13 weeks) and across replicates; indexed by the quarter's middle week."""
    rows = ts[ts["country"].isin(TRANSIT)].assign(quarter=lambda d: d["week"] // QUARTER)
    per_run = rows.groupby(["run", "country", "quarter"])["transit_flow"].mean()
    flow = per_run.groupby(["quarter", "country"]).mean().unstack("country")[TRANSIT]
    flow.index = flow.index * QUARTER + QUARTER / 2
    return flow


def plot_transit(ax, ts):
    flow = transit_flow(ts)
    for country in TRANSIT:
        ax.plot(flow.index, flow[country], marker="o", markersize=3, label=country)
    ax.axvspan(
        CRACKDOWN_WEEK,
        CRACKDOWN_WEEK + CRACKDOWN_RAMP,
        color="grey",
        alpha=0.2,
        label="Caldera crackdown phased in",
    )
    mark_events(ax)
    ax.set_ylim(bottom=0)
    headroom(ax, flow.max().max())
    ax.set_title("Displacement: trafficked persons entering each transit country (mean of replicates)")
    ax.set_xlabel("week")
    ax.set_ylabel("persons per week (13-week mean)")
    ax.legend(loc="upper right", ncol=2)


def summary_means(summary):
    """Per-run outcomes of summary.csv across runs: mean, standard deviation, min and max."""
    outcomes = summary.drop(columns=["scenario", "run", "replicate", "seed"])
    outcomes = outcomes.select_dtypes("number")
    return outcomes.agg(["mean", "std", "min", "max"]).T


def figure(ts):
    fig, axes = plt.subplots(3, 1, figsize=(11, 13), constrained_layout=True)
    plot_prevalence(axes[0], ts)
    plot_identifications(axes[1], ts)
    plot_transit(axes[2], ts)
    scenarios = ", ".join(sorted(ts["scenario"].unique()))
    fig.suptitle(f"palermo: scenario {scenarios}", fontsize=14)
    return fig


def main(argv):
    if len(argv) != 3:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    results, out = argv[1], argv[2]
    ts, summary = load(results)
    if ts["scenario"].nunique() > 1:
        print("note: several scenarios in these results; the plots pool them", file=sys.stderr)
    fig = figure(ts)
    fig.savefig(out, dpi=120)
    print(f"wrote {out}")
    with pd.option_context("display.width", 120, "display.float_format", "{:.6g}".format):
        print(f"\nPer-run outcomes across {len(summary)} runs (summary.csv):")
        print(summary_means(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
