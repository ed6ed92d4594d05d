#!/bin/bash
# SLURM array job without Fiji: each task segments its share of a folder with the command-line jar.
#
#   sbatch --array=0-15 macros/slurm_cli.sh IN OUT MODEL LEARNED [segment options...]
#   e.g. sbatch --array=0-15 macros/slurm_cli.sh /data/in /data/out /models/sd21 cell.slime --pattern '*.png'
#
# Submit from the folder that holds target/slime-cli.jar (the checkout), or set SLIME_JAR. Relative paths are taken
# from the folder you submit from. Any array range works (0-15, 1-16, 0-30:2): the CLI works out this task's share
# from SLURM's variables. Resubmitting the same command after a kill or a time limit finishes the rest: existing
# outputs are skipped and no partial file is left. --cpus-per-task sets the PyTorch threads. One log per task.
#SBATCH --job-name=slime-segment
#SBATCH --cpus-per-task=8
#SBATCH --mem=24G
#SBATCH --time=08:00:00
#SBATCH --output=slime-segment-%A_%a.log
set -euo pipefail
if [ $# -lt 4 ]; then
    echo "usage: sbatch --array=0-15 slurm_cli.sh IN OUT MODEL LEARNED [segment options...]" >&2
    exit 2
fi
IN=$1; OUT=$2; MODEL=$3; LEARNED=$4; shift 4
JAR=${SLIME_JAR:-${SLURM_SUBMIT_DIR:-$PWD}/target/slime-cli.jar}
if [ ! -f "$JAR" ]; then
    echo "slurm_cli.sh: no CLI jar at $JAR; submit from the SLiMe checkout or set SLIME_JAR=/path/slime-cli.jar" >&2
    exit 2
fi
echo "slurm_cli.sh: job ${SLURM_ARRAY_JOB_ID:-${SLURM_JOB_ID:-none}} task ${SLURM_ARRAY_TASK_ID:-none} on $(hostname)"
exec java ${SLIME_JAVA_OPTIONS:--Xmx4g} -jar "$JAR" segment --model "$MODEL" --slime "$LEARNED" "$IN" \
    --output "$OUT" --shard slurm "$@"
