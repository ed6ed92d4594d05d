#!/bin/bash
# SLURM array job: each task segments its share of a folder with headless Fiji.
#   sbatch --array=1-16 macros/slurm_fiji.sh /data/in /data/out
#SBATCH --job-name=slime
#SBATCH --cpus-per-task=8
#SBATCH --mem=24G
#SBATCH --time=08:00:00
set -euo pipefail
IN=$1; OUT=$2
FIJI=${FIJI:-$HOME/Fiji.app/ImageJ-linux64}
N=${SLURM_ARRAY_TASK_COUNT:-1}; I=${SLURM_ARRAY_TASK_ID:-1}
export SLIME_THREADS=${SLURM_CPUS_PER_TASK:-8}
"$FIJI" --headless -macro "$(dirname "$0")/segment_folder.ijm" "in=$IN out=$OUT shard=$I/$N"
