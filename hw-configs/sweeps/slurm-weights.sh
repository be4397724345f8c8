#!/bin/bash
# The weight sweep (hw-configs/sweeps/weights.sh) as a Slurm job array: task k of SHARDS runs the
# points i with i mod SHARDS == k into RUN/shard-k; a merge job, submitted to wait for the whole
# array, joins them into RUN/results.csv.
#
# Run it from the repository root on a login node (do not sbatch it: Slurm opens --output before
# the job starts and does not create its directory, so this script creates RUN/logs first, then
# submits itself):
#
#   bash hw-configs/sweeps/slurm-weights.sh                  # 13 tasks + merge -> runs/sweep-weights-slurm
#   RUN=runs/w10k TRAIN=10000 bash hw-configs/sweeps/slurm-weights.sh
#   bash hw-configs/sweeps/slurm-weights.sh --array=3        # resubmit task 3 only (and the merge)
#
# Environment: RUN (run directory, default runs/sweep-weights-slurm; never results/), SHARDS
# (default 13; the shard count is this, not the array's size, so a resubmitted single task keeps
# its k/13), EQSPIKE (the tool, default .build/release/eqspike), TRAIN, TEST, WEIGHTS (as in
# weights.sh), SBATCH_EXTRA (more sbatch options, e.g. "--partition=debug").
# Each task is resumable: resubmitting runs only the points its shard is missing.
#SBATCH --job-name=eqspike-weights
#SBATCH --cpus-per-task=2
#SBATCH --mem=2G
#SBATCH --time=02:00:00
set -euo pipefail

RUN=${RUN:-runs/sweep-weights-slurm}
SHARDS=${SHARDS:-13}
EQSPIKE=${EQSPIKE:-.build/release/eqspike}
export RUN SHARDS EQSPIKE

if [ -n "${SLURM_JOB_ID:-}" ]; then
  # Inside Slurm: the submit directory is the repository root.
  cd "${SLURM_SUBMIT_DIR:-.}"
  if [ "${1:-}" = "--merge" ]; then
    shards=()
    for ((k = 0; k < SHARDS; k++)); do shards+=("$RUN/shard-$k"); done
    exec "$EQSPIKE" sweep --merge "${shards[@]}" --out "$RUN"
  fi
  K=${SLURM_ARRAY_TASK_ID:?"not an array task: submit with 'bash $0' (or sbatch --array=0-$((SHARDS - 1)))"}
  if [ "$K" -ge "$SHARDS" ]; then
    echo "slurm-weights.sh: task $K is not a shard of $SHARDS (SHARDS=$SHARDS; arrays are 0-$((SHARDS - 1)))" >&2
    exit 2
  fi
  OUT="$RUN/shard-$K" exec sh hw-configs/sweeps/weights.sh --jobs "${SLURM_CPUS_PER_TASK:-1}" --shard "$K/$SHARDS"
fi

# On the login node: check, create the run directory, submit the array and the merge.
cd "$(dirname "$0")/../.."
command -v sbatch >/dev/null || { echo "slurm-weights.sh: sbatch not found (is this a Slurm login node?)" >&2; exit 1; }
[ -x "$EQSPIKE" ] || { echo "slurm-weights.sh: $EQSPIKE not built (make build)" >&2; exit 1; }
case "$RUN" in results|results/*) echo "slurm-weights.sh: RUN=$RUN would overwrite committed results; pick a directory under runs/" >&2; exit 1 ;; esac
array="--array=0-$((SHARDS - 1))"
for a in "$@"; do case "$a" in --array=*) array=$a ;; *) echo "slurm-weights.sh: unknown argument $a (only --array=LIST)" >&2; exit 1 ;; esac; done
mkdir -p "$RUN/logs"
# shellcheck disable=SC2086
jid=$(sbatch --parsable $array ${SBATCH_EXTRA:-} --export=ALL --output="$RUN/logs/task-%A_%a.out" "$0")
jid=${jid%%;*}
# shellcheck disable=SC2086
mid=$(sbatch --parsable ${SBATCH_EXTRA:-} --export=ALL --dependency="afterok:$jid" --kill-on-invalid-dep=yes \
        --job-name=eqspike-weights-merge --cpus-per-task=1 --output="$RUN/logs/merge-%j.out" "$0" --merge)
mid=${mid%%;*}
echo "array job $jid ($array, $SHARDS shards), merge job $mid after it: $RUN/results.csv; logs in $RUN/logs"
