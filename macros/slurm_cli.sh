#!/bin/bash
# SLURM array job without Fiji: the command-line jar (mvn package -> target/slime-cli.jar).
#   sbatch --array=1-16 macros/slurm_cli.sh /data/in /data/out /models/sd-2-1-base /data/cell.slime
#SBATCH --job-name=slime-cli
#SBATCH --cpus-per-task=8
#SBATCH --mem=24G
#SBATCH --time=08:00:00
set -euo pipefail
IN=$1; OUT=$2; MODEL=$3; LEARNED=$4
JAR=${SLIME_JAR:-$(dirname "$0")/../target/slime-cli.jar}
N=${SLURM_ARRAY_TASK_COUNT:-1}; I=${SLURM_ARRAY_TASK_ID:-1}
export SLIME_THREADS=${SLURM_CPUS_PER_TASK:-8}
java -Xmx4g -jar "$JAR" segment --model "$MODEL" --slime "$LEARNED" "$IN" --output "$OUT" --shard "$I/$N" --device auto
