#!/bin/bash
# Tries the Slurm recipe (hw-configs/sweeps/slurm-weights.sh) end to end on a single-node Slurm
# started here on localhost, as a cluster user would run it from a fresh clone:
#   1. installs Debian's slurm-wlm and munge when missing (root with apt-get only);
#   2. starts munged, slurmctld and slurmd with a generated minimal slurm.conf in a scratch
#      directory (its own ports, state, spool, logs and pid files; nothing in /etc is changed);
#   3. runs the recipe on a small grid: 2 array tasks (SHARDS=2), 20 training and 20 test images,
#      two weight formats, then the dependent merge;
#   4. runs the same grid unsplit and checks that the merged results.csv equals it (but for the
#      last column, wall_seconds);
#   5. stops the daemons it started (by their pid files), also on failure or Ctrl-C.
# Prints "slurm-localhost: PASS" or "slurm-localhost: FAIL: why" last; exit status 0 on PASS.
#
#   make slurm-demo                        # builds the release tool first
#   bash scripts/slurm-localhost.sh        # uses EQSPIKE (default .build/release/eqspike)
# Environment: RUN (default runs/slurm-demo), KEEP=1 keeps the scratch directory (daemon logs).
set -euo pipefail
cd "$(dirname "$0")/.."
RUN=${RUN:-runs/slurm-demo}
EQSPIKE=${EQSPIKE:-.build/release/eqspike}
export EQSPIKE
fail() { echo "slurm-localhost: FAIL: $*" >&2; exit 1; }

[ -x "$EQSPIKE" ] || fail "$EQSPIKE not built (make build, or set EQSPIKE)"
if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "slurm-localhost: installing slurm-wlm and munge (Debian packages)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge >/dev/null
  else
    fail "slurmctld/munged not installed and not root with apt-get (install slurm-wlm and munge)"
  fi
fi
# Slurm's daemons run as root here (SlurmUser=root): a demo on one machine, not a cluster setup.
[ "$(id -u)" = 0 ] || fail "needs root to start munged, slurmctld and slurmd"

scratch=$(mktemp -d /tmp/eqspike-slurm.XXXXXX)
chmod 755 "$scratch"   # munged runs as user munge and must reach its directory inside
munge_pid=""
cleanup() {
  # Only the daemons started below, each by the pid file it wrote.
  for pidfile in "$scratch/slurmd.pid" "$scratch/slurmctld.pid" "$scratch/munged.pid"; do
    [ -s "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null || true
  done
  sleep 1
  if [ "${KEEP:-0}" = 1 ]; then echo "slurm-localhost: scratch directory kept: $scratch"; else rm -rf "$scratch"; fi
}
trap cleanup EXIT

# munge: its own socket directory (world-searchable, as munged requires), key (copied from the
# package's, or made; in a private directory), pid and log.
mkdir -p "$scratch/munge" "$scratch/munge-key"
chown munge:munge "$scratch/munge" "$scratch/munge-key"
chmod 755 "$scratch/munge"
chmod 700 "$scratch/munge-key"
key="$scratch/munge-key/munge.key"
if [ -r /etc/munge/munge.key ]; then
  cp /etc/munge/munge.key "$key"
else
  dd if=/dev/urandom of="$key" bs=128 count=1 status=none
fi
chown munge:munge "$key"
chmod 400 "$key"
socket="$scratch/munge/munge.socket"
runuser -u munge -- munged --socket="$socket" --key-file="$key" \
  --pid-file="$scratch/munge/munged.pid" --log-file="$scratch/munge/munged.log" --seed-file="$scratch/munge-key/munged.seed" \
  || fail "munged did not start ($scratch/munge/munged.log)"
cp "$scratch/munge/munged.pid" "$scratch/munged.pid"

# A minimal slurm.conf: this host as controller and only node, no accounting, no cgroups.
host=$(hostname -s)
cpus=$(nproc)
mem=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 * 3 / 4 ))
mkdir -p "$scratch/state" "$scratch/spool"
conf="$scratch/slurm.conf"
cat > "$conf" <<EOF
ClusterName=eqspikedemo
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
SlurmctldPort=16817
SlurmdPort=16818
AuthType=auth/munge
AuthInfo=socket=$socket
CredType=cred/munge
StateSaveLocation=$scratch/state
SlurmdSpoolDir=$scratch/spool
SlurmctldPidFile=$scratch/slurmctld.pid
SlurmdPidFile=$scratch/slurmd.pid
SlurmctldLogFile=$scratch/slurmctld.log
SlurmdLogFile=$scratch/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
ReturnToService=2
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
MinJobAge=600
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=demo Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF="$conf"
slurmctld -f "$conf" || fail "slurmctld did not start ($scratch/slurmctld.log)"
slurmd -f "$conf" || fail "slurmd did not start ($scratch/slurmd.log)"
for _ in $(seq 30); do
  sinfo -h -o '%T' 2>/dev/null | grep -qE '^(idle|mixed|allocated)' && break
  sleep 1
done
sinfo -h -o '%T' | grep -qE '^(idle|mixed|allocated)' || fail "node not idle: $(sinfo 2>&1 | tail -1) ($scratch/slurmd.log)"
echo "slurm-localhost: Slurm $(sinfo -V | awk '{print $2}') up on $host ($cpus CPUs), scratch $scratch"

# The recipe, as the README gives it, on a small grid.
rm -rf "$RUN"
export RUN SHARDS=2 TRAIN=20 TEST=20 WEIGHTS=s1.7,s1.11 SBATCH_EXTRA="--cpus-per-task=1 --mem=1G --time=00:30:00"
state() { scontrol show job "$1" 2>/dev/null | grep -oE 'JobState=[A-Z_]+' | head -1 | cut -d= -f2; }
# Submits the recipe (arguments go to slurm-weights.sh) and waits for its merge job to end.
submit_and_wait() {
  local submitted array merge s=""
  submitted=$(bash hw-configs/sweeps/slurm-weights.sh "$@")
  echo "slurm-localhost: $submitted"
  array=$(echo "$submitted" | sed -E 's/^array job ([0-9]+).*/\1/')
  merge=$(echo "$submitted" | sed -E 's/.*merge job ([0-9]+).*/\1/')
  for _ in $(seq 1200); do
    s=$(state "$merge")
    case "$s" in COMPLETED|FAILED|CANCELLED|TIMEOUT|NODE_FAIL|OUT_OF_MEMORY) break ;; esac
    sleep 1
  done
  echo "slurm-localhost: array job $array: $(scontrol show job "$array" | grep -oE 'JobState=[A-Z_]+' | sort | uniq -c | tr -s ' ' | tr '\n' ' ')"
  echo "slurm-localhost: merge job $merge: $s"
  [ "$s" = COMPLETED ] || fail "merge job $merge ended $s (logs: $RUN/logs; daemons: KEEP=1)"
  [ -s "$RUN/results.csv" ] || fail "no $RUN/results.csv"
}
submit_and_wait
# Resubmitting one task (the script header's --array=K) redoes that shard only, as shard K of 2.
rm -rf "$RUN/shard-1" "$RUN/results.csv"
submit_and_wait --array=1
grep -q "shard 1/2" "$RUN"/logs/task-*_1.out || fail "the resubmitted task did not run shard 1/2"
[ -s "$RUN/shard-1/results.csv" ] || fail "the resubmitted task did not rebuild $RUN/shard-1"

# The same grid unsplit, compared without wall_seconds (the last column).
OUT="$RUN/unsplit" sh hw-configs/sweeps/weights.sh --jobs "$cpus" >"$RUN/logs/unsplit.out" 2>&1 || fail "unsplit sweep failed ($RUN/logs/unsplit.out)"
strip() { sed 's/,[^,]*$//' "$1"; }
if ! diff <(strip "$RUN/results.csv") <(strip "$RUN/unsplit/results.csv") >"$RUN/logs/diff.out"; then
  fail "merged results.csv differs from the unsplit sweep ($RUN/logs/diff.out)"
fi
echo "slurm-localhost: merged $RUN/results.csv ($(($(wc -l <"$RUN/results.csv") - 1)) points) equals the unsplit sweep but for wall_seconds"
echo "slurm-localhost: PASS"
