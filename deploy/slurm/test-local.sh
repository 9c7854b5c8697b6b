#!/usr/bin/env bash
# Proves deploy/slurm/sweep.sbatch on a real Slurm: installs Debian's slurm-wlm and munge,
# starts a single-node cluster on localhost, submits a shortened shipped sweep as a job array
# of shards plus a dependent merge job, waits for them, checks that the merged files are the
# bytes a single-machine `palermo sweep` writes, and stops the daemons it started. Its
# configuration, state and logs live in $PIDDIR (default /tmp/slurm-ci, through SLURM_CONF):
# nothing of a Slurm installed on the host is touched. Run as root on Debian 12 (no systemd
# needed), from anywhere:
#
#   deploy/slurm/test-local.sh            # builds palermo (cargo build --release) in cargo's
#                                         # target directory (CARGO_TARGET_DIR honoured)
#   PALERMO=/path/to/palermo deploy/slurm/test-local.sh
#
# .ci/run runs it. About 30 s on two cores once palermo is built (the install included).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
repo=$(pwd)
say() { echo "test-local: $*"; }
fail() {
    echo "test-local: FAILED: $*" >&2
    exit 1
}

[[ $(id -u) -eq 0 ]] || fail "needs root (it installs packages and starts the Slurm and munge daemons)"

shards=3
scenario=scenarios/sweeps/cooperation_corruption.toml
# 20 points x 2 replicates of one year: small enough for CI, big enough for every shard.
options=(--replicates 2 --set run.weeks=52 --set run.burn_in=0 --timeseries world)

if [[ -z ${PALERMO:-} ]]; then
    say "building palermo (cargo build --release: quick when it is up to date)"
    cargo build --release --quiet
fi
# The target directory cargo builds into: CARGO_TARGET_DIR or a config may move it.
target_dir=$(cargo metadata --format-version 1 --no-deps 2>/dev/null |
    sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
palermo=$(realpath "${PALERMO:-${target_dir:-${CARGO_TARGET_DIR:-$repo/target}}/release/palermo}")

# --- install -------------------------------------------------------------------------------
if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
    say "installing slurm-wlm and munge"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends slurm-wlm munge >/dev/null
fi
# On a host with systemd, the packages start their own services: this test runs its own.
if [[ -d /run/systemd/system ]]; then
    systemctl stop slurmd slurmctld munge 2>/dev/null || true
fi

piddir=${PIDDIR:-/tmp/slurm-ci}
work=$(mktemp -d /tmp/palermo-slurm.XXXXXX)
# Daemons and commands (sbatch, squeue, sinfo, scontrol) all read this file.
export SLURM_CONF=$piddir/slurm.conf

# Whether a process of this name runs (zombies, which only wait to be reaped, do not count).
running() {
    local p
    for p in $(pgrep -x "$1"); do
        grep -q '^State:[[:space:]]*Z' "/proc/$p/status" 2>/dev/null || return 0
    done
    return 1
}

stop_daemons() {
    for d in slurmd slurmctld munged; do
        local f="$piddir/$d.pid"
        [[ -f $f ]] || continue
        local p
        p=$(cat "$f")
        if kill -TERM "$p" 2>/dev/null; then
            for _ in $(seq 50); do
                [[ -d /proc/$p ]] && ! grep -q '^State:[[:space:]]*Z' "/proc/$p/status" 2>/dev/null || break
                sleep 0.1
            done
            kill -KILL "$p" 2>/dev/null || true
        fi
        # Reap it when it is this shell's child (not after a killed earlier run).
        wait "$p" 2>/dev/null || true
        rm -f "$f"
    done
    # The step daemons of finished jobs outlive slurmd by a moment.
    for _ in $(seq 50); do
        running slurmstepd || break
        sleep 0.1
    done
}

cleanup() {
    local rc=$?
    if ((rc != 0)); then
        echo "--- squeue" >&2
        squeue 2>&1 | head -20 >&2 || true
        for log in "$work"/*.out "$piddir"/log/slurmctld.log "$piddir"/log/slurmd.log; do
            [[ -f $log ]] || continue
            echo "--- $log (last lines)" >&2
            tail -n 15 "$log" >&2
        done
    fi
    stop_daemons
    rm -rf "$work"
    exit "$rc"
}

# Daemons left by an earlier run of this script that was killed: stop them first (a second
# slurmd would kill the first through its pid file).
stop_daemons
if running slurmctld || running slurmd; then
    fail "a Slurm daemon this script did not start is running: it would be disturbed; stop it first"
fi
trap cleanup EXIT

# --- bring up a single-node cluster (../shared/notes/slurm.md) ------------------------------
say "starting munge, slurmctld and slurmd on localhost"
# A fresh state every time: no job of an earlier run comes back.
rm -rf "$piddir/state" "$piddir/spool"
mkdir -p "$piddir/state" "$piddir/spool" "$piddir/log" /run/munge
chown munge:munge /run/munge
chmod 0755 /run/munge
if [[ ! -s /etc/munge/munge.key ]]; then
    dd if=/dev/urandom of=/etc/munge/munge.key bs=1 count=1024 2>/dev/null
    chown munge:munge /etc/munge/munge.key
    chmod 0400 /etc/munge/munge.key
fi
hardware=$(slurmd -C | head -1 | sed -e 's/^NodeName=[^ ]* //')
cat >"$SLURM_CONF" <<CONF
# Written by palermo's deploy/slurm/test-local.sh for its single-node test cluster.
ClusterName=palermo-ci
SlurmctldHost=localhost
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
MpiDefault=none
MailProg=/bin/true
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/backfill
SchedulerParameters=sched_interval=1
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
StateSaveLocation=$piddir/state
SlurmdSpoolDir=$piddir/spool
SlurmctldPidFile=$piddir/slurmctld.daemon.pid
SlurmdPidFile=$piddir/slurmd.daemon.pid
SlurmctldLogFile=$piddir/log/slurmctld.log
SlurmdLogFile=$piddir/log/slurmd.log
MinJobAge=300
KillWait=5
InactiveLimit=0
NodeName=localhost NodeAddr=127.0.0.1 $hardware State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
setpriv --reuid=munge --regid=munge --init-groups /usr/sbin/munged -F >"$piddir/munged.stdout" 2>&1 &
echo $! >"$piddir/munged.pid"
for _ in $(seq 50); do
    munge -n </dev/null 2>/dev/null | unmunge >/dev/null 2>&1 && break
    sleep 0.1
done
/usr/sbin/slurmctld -D >"$piddir/slurmctld.stdout" 2>&1 &
echo $! >"$piddir/slurmctld.pid"
/usr/sbin/slurmd -D -N localhost >"$piddir/slurmd.stdout" 2>&1 &
echo $! >"$piddir/slurmd.pid"
up=
for _ in $(seq 150); do
    if [[ $(sinfo -h -n localhost -o %T 2>/dev/null) == idle ]]; then
        up=1
        break
    fi
    sleep 0.2
done
[[ -n $up ]] || fail "the node did not become idle: $(sinfo -N -l 2>&1 | tail -n 2)"
say "cluster up: $(sinfo -h -o '%P %D %c CPUs %T')"

# --- submit the sweep with the shipped script, wait, check -----------------------------------
cp "$scenario" "$work/sweep.toml"
cd "$work"
submitted=$(PALERMO="$palermo" PALERMO_SHARDS=$shards "$repo/deploy/slurm/sweep.sbatch" \
    sweep.toml result "${options[@]}")
say "$submitted"
array=$(sed -n 's/.*array job \([0-9]*\).*/\1/p' <<<"$submitted")
merge=$(sed -n 's/.*merge as job \([0-9]*\).*/\1/p' <<<"$submitted")
[[ -n $array && -n $merge ]] || fail "sweep.sbatch did not say which jobs it submitted"
start=$SECONDS
while squeue -h 2>/dev/null | grep -q .; do
    ((SECONDS - start < 600)) || fail "the jobs did not finish within 600 s"
    sleep 0.5
done
say "all jobs left the queue after $((SECONDS - start)) s"
# One record per array task, then the merge's.
states=$(scontrol show job "$array" | grep -o 'JobState=[A-Z_]*' | sort | uniq -c | xargs)
[[ $states == "$shards JobState=COMPLETED" ]] || fail "the shards of array job $array ended as: $states"
state=$(scontrol show job "$merge" | grep -o 'JobState=[A-Z_]*')
[[ $state == JobState=COMPLETED ]] || fail "the merge job $merge ended as $state"

for k in $(seq "$shards"); do
    [[ -s result.shards/$k/shard.json ]] || fail "shard $k wrote no shard.json"
done
say "every shard finished; comparing the merged sweep with one machine's"
"$palermo" sweep sweep.toml --out single --quiet "${options[@]}"
checked=0
for f in single/*; do
    name=$(basename "$f")
    [[ -f result/$name ]] || fail "the merged sweep lacks $name"
    [[ $name == manifest.json ]] && continue
    cmp "$f" "result/$name" || fail "$name differs between the Slurm sweep and one machine's"
    checked=$((checked + 1))
done
[[ $(ls result | wc -l) == $(ls single | wc -l) ]] || fail "the merged sweep has other files: $(ls result)"
fingerprint() { grep -o '"fingerprint": "[0-9a-f]*"' "$1/manifest.json"; }
[[ $(fingerprint single) == $(fingerprint result) ]] || fail "the manifests name different sweeps"
grep -q "\"shards\": $shards" result/manifest.json || fail "the merged manifest does not record $shards shards"
say "PASSED: $shards shards on Slurm merged into the same bytes as one machine ($checked files, $(($(wc -l <result/summary.csv) - 1)) runs)"
