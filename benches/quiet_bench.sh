#!/usr/bin/env bash
# The wall-clock figures of docs/PERFORMANCE.md, in one sitting on a quiet machine: the
# previous and the new binary run alternately (old, new, old, new, ...) on each workload of
# benches/README.md, and the medians (with the range) of wall time and peak memory are printed.
#
#   benches/quiet_bench.sh OLD_BINARY NEW_BINARY [ROUNDS]
#
# Workloads: W4 (one replicate of scenarios/baseline.toml, world building included, one thread;
# and its ten replicates on one and on two threads, as runs per second), W1 (benches/w1.toml,
# 1 M persons, 520 weeks, one thread) and W1 at 10 M persons. ROUNDS (default 7) is the
# number of runs of each binary on W4 and W1; the 10 M workload gets 3. With the default it
# takes about 6 minutes on a 2-core machine (most of it the 10 M runs, about 15 s each).
# Nothing else should run meanwhile; say the machine with the figures.
set -euo pipefail

if [[ $# -lt 2 ]]; then
    echo "usage: $0 OLD_BINARY NEW_BINARY [ROUNDS]" >&2
    exit 2
fi
old=$(realpath "$1")
new=$(realpath "$2")
rounds=${3:-7}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# W1's countries times ten (docs/PERFORMANCE.md, "Cost against size").
ten_million=()
for c in Aurelia:2000000 Meridia:1800000 Solara:1500000 Caldera:800000 Dravia:700000 \
    Estmark:600000 Borealis:900000 Fennmoor:800000 Galvenia:900000; do
    ten_million+=(--set "country.${c%%:*}.at_risk=${c##*:}")
done

# run NAME BINARY ARGS...: one timed run; appends "wall_s peak_kb" to $work/NAME.
run() {
    local name=$1 binary=$2
    shift 2
    /usr/bin/time -f "%e %M" -o "$work/time" "$binary" run "$@" --out "$work/out" --force --quiet
    cat "$work/time" >>"$work/$name"
}

# bench LABEL ROUNDS ARGS...: alternates the two binaries, then prints their medians.
bench() {
    local label=$1 n=$2
    shift 2
    for ((i = 0; i < n; i++)); do
        run "$label.old" "$old" "$@"
        run "$label.new" "$new" "$@"
    done
    for which in old new; do
        sort -n "$work/$label.$which" | awk -v label="$label" -v which="$which" '
            { wall[NR] = $1; mem[NR] = $2 }
            END {
                n = asort(mem, m)
                printf "%-34s %s  wall median %.3f s (%.3f-%.3f, %d runs)  peak memory median %.1f MB\n",
                    label, which, wall[int((NR + 1) / 2)], wall[1], wall[NR], NR, m[int((n + 1) / 2)] / 1000
            }'
    done
}

cd "$root"
echo "old: $old"
echo "new: $new"
echo "machine: $(nproc) cores, $(uname -m), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
bench "W4, 1 replicate, 1 thread" "$((rounds * 3))" scenarios/baseline.toml --replicates 1 --threads 1
bench "W4, 10 replicates, 1 thread" "$rounds" scenarios/baseline.toml --threads 1
bench "W4, 10 replicates, 2 threads" "$rounds" scenarios/baseline.toml --threads 2
bench "W1, 1 M persons, 1 thread" "$rounds" benches/w1.toml --threads 1
bench "W1, 10 M persons, 1 thread" 3 benches/w1.toml --threads 1 "${ten_million[@]}"
echo "(runs per second of W4: 10 / the median wall time of its 10 replicates)"
