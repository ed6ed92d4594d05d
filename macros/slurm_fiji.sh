#!/bin/bash
# SLURM array job with headless Fiji (or plain ImageJ 1.x): each task segments its share of a folder.
#
#   sbatch --array=0-15 macros/slurm_fiji.sh IN OUT MODEL LEARNED [key=value ...]
#   e.g. sbatch --array=0-15 macros/slurm_fiji.sh /data/in /data/out /models/sd21 cell.slime pattern=*.png
#
# Keys: pattern, tiling (squeeze|tiles), tile_scale, tile_overlap, seed, device (see segment-folder.ijm).
# FIJI: the Fiji.app folder or its launcher (default ~/Fiji.app; fiji-linux-x64, else the older ImageJ-linux64).
# IMAGEJ: instead of Fiji, a plain ImageJ 1.x folder holding ij.jar and the plugin (target/ImageJ.app/plugins);
# it runs in ImageJ's -batch mode on a virtual display (xvfb-run), as plain ImageJ cannot run plugins headless.
# SLIME_MACRO: segment-folder.ijm, if not in the installation's plugins/Macros/SLiMe or the submit folder's macros/.
# Relative paths are taken from the folder you submit from. Any array range works (0-15, 1-16, 0-30:2);
# --cpus-per-task sets the PyTorch threads; one log per task; resubmitting after a kill finishes the rest.
#SBATCH --job-name=slime-fiji
#SBATCH --cpus-per-task=8
#SBATCH --mem=24G
#SBATCH --time=08:00:00
#SBATCH --output=slime-fiji-%A_%a.log
set -euo pipefail
if [ $# -lt 4 ]; then
    echo "usage: sbatch --array=0-15 slurm_fiji.sh IN OUT MODEL LEARNED [key=value ...]" >&2
    exit 2
fi
absolute() { realpath -m -- "$1"; }
IN=$(absolute "$1"); OUT=$(absolute "$2"); LEARNED=$(absolute "$4"); MODEL=$3; shift 4
if [ -e "$MODEL" ]; then MODEL=$(absolute "$MODEL"); fi        # else an org/name from the Hugging Face cache
ARGS="in=[$IN] out=[$OUT] model=[$MODEL] slime=[$LEARNED] shard=slurm"
for kv in "$@"; do ARGS="$ARGS ${kv%%=*}=[${kv#*=}]"; done

if [ -n "${IMAGEJ:-}" ]; then
    # plain ImageJ 1.x has no true headless mode (it builds AWT menus), so its -batch mode runs on a virtual display
    APP=$(absolute "$IMAGEJ")
    RUN=(java ${SLIME_JAVA_OPTIONS:--Xmx4g} -Dplugins.dir="$APP" -jar "$APP/ij.jar" -ijpath "$APP" -batch)
    if [ -z "${DISPLAY:-}" ]; then
        if ! command -v xvfb-run >/dev/null; then
            echo "slurm_fiji.sh: plain ImageJ needs a display: install xvfb (xvfb-run) on the nodes, or use Fiji" >&2
            exit 2
        fi
        RUN=(xvfb-run -a "${RUN[@]}")
    fi
else
    FIJI=${FIJI:-$HOME/Fiji.app}
    if [ -d "$FIJI" ]; then
        APP=$FIJI
        for name in fiji-linux-x64 ImageJ-linux64; do
            if [ -x "$APP/$name" ]; then LAUNCHER=$APP/$name; break; fi
        done
    else
        APP=$(dirname "$FIJI"); LAUNCHER=$FIJI
    fi
    if [ -z "${LAUNCHER:-}" ] || [ ! -x "$LAUNCHER" ]; then
        echo "slurm_fiji.sh: no Fiji launcher (fiji-linux-x64 or ImageJ-linux64) in $FIJI; set FIJI=/path/Fiji.app" >&2
        exit 2
    fi
    RUN=("$LAUNCHER" --headless -macro)
fi
MACRO=${SLIME_MACRO:-$APP/plugins/Macros/SLiMe/segment-folder.ijm}
[ -f "$MACRO" ] || MACRO=${SLURM_SUBMIT_DIR:-$PWD}/macros/segment-folder.ijm
if [ ! -f "$MACRO" ]; then
    echo "slurm_fiji.sh: segment-folder.ijm is neither in $APP/plugins/Macros/SLiMe nor in macros/; set SLIME_MACRO" >&2
    exit 2
fi
echo "slurm_fiji.sh: job ${SLURM_ARRAY_JOB_ID:-${SLURM_JOB_ID:-none}} task ${SLURM_ARRAY_TASK_ID:-none} on" \
    "$(hostname): ${RUN[0]}"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
"${RUN[@]}" "$MACRO" "$ARGS" 2>&1 | tee "$log"
# Headless Fiji exits 0 whatever the macro did (plain ImageJ's -batch mode exits 1 on a failed SLiMe command, which
# pipefail catches): a file that failed, a failed command (logged as [ERROR]) or a macro error fails the task as the
# CLI's would
if grep -q -E '(^|\] )SLiMe failed: |^\[ERROR\] |Macro Error|^java\.[A-Za-z.]*(Exception|Error)' "$log"; then
    exit 1
fi
