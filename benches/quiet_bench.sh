#!/usr/bin/env bash
# The wall-clock figures of docs/PERFORMANCE.md, in one sitting on a quiet machine: the
# previous and the new binary run alternately (old, new, old, new, ...) on each workload of
# benches/README.md, and the medians (with the range) of wall time and peak memory are printed.
#
#   benches/quiet_bench.sh OLD_BINARY NEW_BINARY [ROUNDS]
#
# Workloads: W4 (one replicate of scenarios/baseline.toml, world building included, one thread;
# and its ten replicates on one and on two threads, as runs per second), W1 (benches/w1.toml,
# 1 M persons, 520 weeks, one thread), W1 at 10 M persons, and building W1's world (the
# whole process with `--weeks 1`: start-up, the world, one week and the CSV files). ROUNDS
# (default 7) is the number of runs of each binary on W1, on its building and on W4's ten
# replicates (three times as many on its single replicate); the 10 M workload gets 3. With the default it takes about 3 minutes on
# a quiet 2-core machine, most of it the 10 M runs (about 15 s each). Outputs go to a fresh
# directory under $TMPDIR: point it at a tmpfs (TMPDIR=/dev/shm) to keep the disk out of the
# figures. Nothing else should run meanwhile; say the machine with the figures.
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
    local start end
    start=$(date +%s%N)
    /usr/bin/time -f "%M" -o "$work/time" "$binary" run "$@" --out "$work/out" --force --quiet
    end=$(date +%s%N)
    # Wall time to the millisecond (`time`'s own has hundredths, too coarse for W4).
    echo "$(awk -v ns=$((end - start)) 'BEGIN { printf "%.3f", ns / 1e9 }') $(cat "$work/time")" >>"$work/$name"
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
        local file="$work/$label.$which" n wall mem
        n=$(wc -l <"$file")
        # Medians (the middle value; the upper one of an even count) and the range of wall time.
        wall=$(cut -d' ' -f1 "$file" | sort -g | awk -v n="$n" '
            NR == 1 { low = $1 } NR == int(n / 2) + 1 { mid = $1 } END { print mid, low, $1 }')
        mem=$(cut -d' ' -f2 "$file" | sort -g | awk -v n="$n" 'NR == int(n / 2) + 1 { print $1 / 1000 }')
        set -- $wall
        printf "%-30s %s  wall median %s s (%s-%s, %d runs)  peak memory median %s MB\n" \
            "$label" "$which" "$1" "$2" "$3" "$n" "$mem"
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
bench "build 1 M (W1, --weeks 1)" "$rounds" benches/w1.toml --threads 1 --weeks 1
echo "(runs per second of W4: 10 / the median wall time of its 10 replicates)"
