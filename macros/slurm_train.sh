#!/bin/bash
# SLURM job that trains learned parts with the command-line jar, ideally on a GPU node; the segmentation array
# waits for it:
#
#   jid=$(sbatch --parsable macros/slurm_train.sh MODEL OUT.slime IMAGE ANNOTATION [train options...])
#   sbatch --dependency=afterok:$jid --array=0-15 macros/slurm_cli.sh IN OUT_FOLDER MODEL OUT.slime
#
# ANNOTATION is an ROI-set .zip (ROIs named after their parts) or a label image (then add --parts a,b,...).
# Submit from the folder that holds target/slime-cli.jar (the checkout), or set SLIME_JAR. Add e.g.
# --gres=gpu:1 to sbatch for a GPU node (--device auto picks it when the CUDA build of PyTorch is there).
#SBATCH --job-name=slime-train
#SBATCH --cpus-per-task=8
#SBATCH --mem=24G
#SBATCH --time=04:00:00
#SBATCH --output=slime-train-%j.log
set -euo pipefail
if [ $# -lt 4 ]; then
    echo "usage: sbatch slurm_train.sh MODEL OUT.slime IMAGE ANNOTATION [train options...]" >&2
    exit 2
fi
MODEL=$1; OUT=$2; IMAGE=$3; ANNOTATION=$4; shift 4
JAR=${SLIME_JAR:-${SLURM_SUBMIT_DIR:-$PWD}/target/slime-cli.jar}
if [ ! -f "$JAR" ]; then
    echo "slurm_train.sh: no CLI jar at $JAR; submit from the SLiMe checkout or set SLIME_JAR=/path/slime-cli.jar" >&2
    exit 2
fi
case "$ANNOTATION" in
    *.zip) KIND=--rois ;;
    *) KIND=--labels ;;
esac
echo "slurm_train.sh: job ${SLURM_JOB_ID:-none} on $(hostname)"
exec java ${SLIME_JAVA_OPTIONS:--Xmx4g} -jar "$JAR" train --model "$MODEL" --out "$OUT" --image "$IMAGE" \
    "$KIND" "$ANNOTATION" "$@"
