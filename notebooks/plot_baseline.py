#!/usr/bin/env python3
"""Plots the results of a `palermo run` (the baseline, or any scenario) with matplotlib.

Usage:
    cargo run --release -- run scenarios/baseline.toml --out results/baseline
    python3 notebooks/plot_baseline.py results/baseline baseline.png

`palermo run ... --report` (or `palermo report results/baseline`) already draws these charts and
more as one self-contained HTML page, with no Python; this script is for those who want the
figure as a PNG or the matplotlib code to start from. notebooks/01_quickstart.ipynb uses its
functions.

Reads RESULTS/timeseries.csv, summary.csv and manifest.json (docs/OUTPUTS.md) and draws three
panels into OUT.png:

1. world prevalence (persons in exploitation, the `ALL` rows) over weeks: the mean across
   replicates and the band holding the middle 95 % of replicates;
2. identifications per year by channel, the mean across replicates;
3. the flow of trafficked persons through each transit country (the countries with a transit
   flow), where a crackdown in one shows as displacement to its neighbours.

The weeks of the scenario's policies and shocks are marked on the time axes; they are read from
the scenario text the manifest records, so nothing here is particular to the baseline. With
several scenarios in one directory, the first is plotted (`--scenario NAME` picks another).
"""

import argparse
import sys

import matplotlib
import matplotlib.pyplot as plt
import pandas as pd

from palermo_results import CHANNELS, load, timeline, transit_countries

WEEKS_PER_YEAR = 52
QUARTER = 13  # weeks


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


def mark_events(ax, events):
    """A dotted line at each policy's and shock's first week, a shaded span while a policy is
    phased in or a shock lasts, and a label; events past the recorded weeks are left out, and
    a span is cut at the last one."""
    weeks = ax.get_xlim()
    for event in events[events["in_run"]].itertuples():
        ax.axvline(event.week, color="grey", linestyle=":", linewidth=1)
        if event.end - event.week > 1:
            ax.axvspan(event.week, event.end, color="grey", alpha=0.12, linewidth=0)
        ax.annotate(
            event.label,
            (event.week, 1),
            xycoords=("data", "axes fraction"),
            xytext=(2, -2),
            textcoords="offset points",
            rotation=90,
            va="top",
            fontsize=7,
            color="dimgrey",
        )
    ax.set_xlim(weeks)


def headroom(ax, top, share=0.8):
    """Room above the data for the event labels."""
    low, _ = ax.get_ylim()
    ax.set_ylim(low, top + share * (top - low))


def plot_prevalence(ax, ts, events):
    band = prevalence_band(ts)
    runs = world_rows(ts)["run"].nunique()
    ax.fill_between(
        band.index, band["low"], band["high"], alpha=0.3, label=f"middle 95 % of {runs} replicates"
    )
    ax.plot(band.index, band["mean"], linewidth=1.5, label="mean of replicates")
    mark_events(ax, events)
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
    transit = transit_countries(ts)
    rows = ts[ts["country"].isin(transit)].assign(quarter=lambda d: d["week"] // QUARTER)
    per_run = rows.groupby(["run", "country", "quarter"])["transit_flow"].mean()
    flow = per_run.groupby(["quarter", "country"]).mean().unstack("country")[transit]
    flow.index = flow.index * QUARTER + QUARTER / 2
    return flow


def plot_transit(ax, ts, events):
    flow = transit_flow(ts)
    for country in flow.columns:
        ax.plot(flow.index, flow[country], marker="o", markersize=3, label=country)
    mark_events(ax, events)
    ax.set_ylim(bottom=0)
    headroom(ax, flow.max().max())
    ax.set_title("Trafficked persons entering each transit country (mean of replicates)")
    ax.set_xlabel("week")
    ax.set_ylabel("persons per week (13-week mean)")
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), title="transit country")


def figure(ts, events, scenario):
    fig, axes = plt.subplots(3, 1, figsize=(11, 13), constrained_layout=True)
    plot_prevalence(axes[0], ts, events)
    plot_identifications(axes[1], ts)
    plot_transit(axes[2], ts, events)
    fig.suptitle(f"palermo: scenario {scenario}", fontsize=14)
    return fig


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("results", help="a directory written by `palermo run`")
    parser.add_argument("out", help="the PNG to write")
    parser.add_argument("--scenario", help="the scenario to plot (default: the first)")
    args = parser.parse_args(argv[1:])
    matplotlib.use("Agg")  # write a file, never open a window (not on import: 01 imports this)
    ts, summary, manifest = load(args.results)
    scenario = args.scenario or manifest["scenarios"][0]["name"]
    if scenario not in set(ts["scenario"]):
        print(f"error: no scenario {scenario!r} in {args.results}", file=sys.stderr)
        return 2
    ts = ts[ts["scenario"] == scenario]
    fig = figure(ts, timeline(manifest, scenario), scenario)
    fig.savefig(args.out, dpi=120)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
