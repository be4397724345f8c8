#!/bin/bash
# The weight sweep (hw-configs/sweeps/weights.sh) as a Slurm job array: task k of n runs the points
# i with i mod n == k into its own directory; a dependent job merges them.
#
#   jid=$(sbatch --parsable hw-configs/sweeps/slurm-weights.sh)
#   sbatch --dependency=afterok:$jid --wrap \
#       '.build/release/eqspike sweep --merge runs/sweep-weights-shard* --out results/sweep-weights'
#
# Each task is resumable: resubmitting the array (or one task, --array=3) runs only what is missing.
#SBATCH --job-name=eqspike-weights
#SBATCH --array=0-12
#SBATCH --cpus-per-task=2
#SBATCH --mem=2G
#SBATCH --time=02:00:00
#SBATCH --output=runs/slurm-%A_%a.out
set -euo pipefail
cd "${SLURM_SUBMIT_DIR:-.}"
N=${SLURM_ARRAY_TASK_COUNT:-13}
K=${SLURM_ARRAY_TASK_ID:?run with sbatch --array}
exec sh hw-configs/sweeps/weights.sh --jobs "${SLURM_CPUS_PER_TASK:-1}" --shard "$K/$N" --out "runs/sweep-weights-shard$K"
