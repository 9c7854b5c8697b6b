#!/usr/bin/env bash
# Runs every browser test (tests/browser/*.test.mjs) against a built palermo binary:
#   tests/browser/run.sh [PALERMO_BINARY]      (default: target/release/palermo)
# Installs what it needs when missing: Debian's Chromium (apt, needs root) and playwright-core
# from the committed lock file (npm ci). Screenshots go to target/screenshots/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
export PALERMO_BIN="$(realpath "${1:-target/release/palermo}")"
if [[ ! -x /usr/bin/chromium ]]; then
    echo "installing Debian's chromium"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        chromium fonts-dejavu-core >/dev/null
fi
(cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)
shopt -s nullglob
tests=(tests/browser/*.test.mjs)
if [[ ${#tests[@]} -eq 0 ]]; then
    echo "no browser tests"
    exit 0
fi
for t in "${tests[@]}"; do
    echo "--- $t"
    node "$t"
done
echo "browser tests passed: ${#tests[@]}"
