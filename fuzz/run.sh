#!/usr/bin/env bash
# Runs every fuzz target for a bounded time: fuzz/run.sh [SECONDS_PER_TARGET] (default 20).
# Fails on a crash (a panic), a hang (-timeout) or runaway memory (-rss_limit_mb); the input
# that did it is left in fuzz/artifacts/TARGET/. Installs cargo-fuzz when missing. libFuzzer
# needs nightly-only flags: RUSTC_BOOTSTRAP=1 allows them on the stable toolchain, and the
# address sanitizer is left out (safe Rust; what is hunted is panics, hangs and memory).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
seconds="${1:-20}"
if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "installing cargo-fuzz"
    cargo install cargo-fuzz --locked --quiet
fi
export RUSTC_BOOTSTRAP=1
targets=(scenario set sweep record targets request)
cargo fuzz build --sanitizer none
total=0
for t in "${targets[@]}"; do
    # A scratch copy of the committed seed corpus: what the run discovers is not committed.
    work="$(mktemp -d)"
    cp -r "corpus/$t/." "$work/"
    log="$(mktemp)"
    if ! cargo fuzz run "$t" --sanitizer none "$work" -- \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        >"$log" 2>&1; then
        tail -40 "$log"
        echo "fuzz target $t failed: see fuzz/artifacts/$t/" >&2
        exit 1
    fi
    runs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)"
    echo "fuzz $t: $runs inputs in ${seconds} s, no crash, hang or runaway memory"
    total=$((total + runs))
    rm -rf "$work" "$log"
done
echo "fuzz: $total inputs in all"
