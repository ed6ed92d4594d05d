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
#
# A training longer than the partition's time limit finishes across several runs of this job: SLURM sends USR1
# two minutes before the limit (--signal), the training writes its checkpoint (OUT.slime.checkpoint) and stops,
# and the job requeues itself (--requeue); the next run goes on from the checkpoint (the same command), and the
# file it ends with equals an uninterrupted training's. scancel, preemption and a node shutdown send TERM: the
# checkpoint is written too, and resubmitting the same command goes on from it. The log is appended across runs.
#SBATCH --job-name=slime-train
#SBATCH --cpus-per-task=8
#SBATCH --mem=24G
#SBATCH --time=04:00:00
#SBATCH --signal=B:USR1@120
#SBATCH --requeue
#SBATCH --open-mode=append
#SBATCH --output=slime-train-%j.log
set -uo pipefail
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
echo "slurm_train.sh: job ${SLURM_JOB_ID:-none} (run ${SLURM_RESTART_COUNT:-0}) on $(hostname) at $(date -Is)"
# java runs in the background so that this shell can take SLURM's signals and pass them on
java ${SLIME_JAVA_OPTIONS:--Xmx4g} -jar "$JAR" train --model "$MODEL" --out "$OUT" --image "$IMAGE" \
    "$KIND" "$ANNOTATION" "$@" &
TRAINING=$!

stop_training() {
    kill -TERM "$TRAINING" 2>/dev/null
    wait "$TRAINING"
}

time_limit_near() {
    echo "slurm_train.sh: the time limit is near: the training writes its checkpoint and the job is requeued"
    stop_training
    if [ -n "${SLURM_JOB_ID:-}" ] && scontrol requeue "$SLURM_JOB_ID"; then
        exit 0
    fi
    echo "slurm_train.sh: the job could not be requeued: submit the same command again to go on" >&2
    exit 1
}

trap time_limit_near USR1
trap 'stop_training; exit 143' TERM
wait "$TRAINING"
status=$?
# a trapped signal ends wait early; the handlers exit, so here java itself has ended
exit $status
