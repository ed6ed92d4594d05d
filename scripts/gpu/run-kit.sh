#!/bin/bash
# The GPU proof kit's one command, run on a GPU machine with PyTorch (python3), CMake, ninja and a C++ compiler but
# no Java or internet, from the unpacked kit (scripts/gpu/prepare-kit.sh makes it):
#
#   bash gpu-kit/run-kit.sh OUT            # build DJL's JNI against the local PyTorch, then check and measure
#   bash gpu-kit/run-kit.sh OUT --dry-run  # here, on a CPU machine: the same steps on the CPU (see below)
#
# The limits below add up to under 10 minutes with the JNI build (about a minute on 16 cores): one device call.
# Steps, each logged to OUT/kit.log: (1) the machine (nvidia-smi, torch's version, CUDA, lib folder, CMake prefix);
# (2) build libdjl_torch.so with CMake + ninja on all cores (full compiler output in OUT/jni-build.log; on failure
# the first errors are printed and the run stops); (3) put it where DJL looks for its JNI,
# <DJL cache>/pytorch/<version>-<flavour>-linux-x86_64/0.36.0-libdjl_torch.so; (4) a folder holding only the
# libtorch libraries DJL should load (links into torch/lib, with torch's version.py beside it, so SLiMe reads the
# version and flavour), given as PYTORCH_LIBRARY_PATH; (5) each with a time limit: slime info (OUT/info.txt), the device
# check against the CPU on the tiny model (OUT/device-check.txt), the measured GPU rates (OUT/rates.txt), and
# SlimeBench at SD-2.1 size on the GPU: training steps, segmentations, both, a 200-epoch training, the engine calls
# of a step and a segmentation with the host time per call (OPS lines; on a GPU calls only launch) (OUT/bench.txt)
# and fp16 segmentation (OUT/bench-fp16.txt), with the GPU memory sampled every 200 ms (OUT/gpu-memory.csv).
# Dry run: no GPU, no compiler: TORCH_LIB names a libtorch 2.7.1 CPU folder and JNI_SO a prebuilt JNI for it;
# the device is the CPU and the benchmark the tiny model. A PyTorch without CUDA takes the real path on the CPU
# (the JNI is built; the device check compares the CPU with itself; the benchmark is the tiny model's).
set -uo pipefail
kit=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: run-kit.sh OUT [--dry-run]}
dry=${2:-}
mkdir -p "$out"
out=$(cd "$out" && pwd)
exec > >(tee -a "$out/kit.log") 2>&1
work=${KIT_WORK:-/tmp/slime-kit}
rm -rf "$work"
mkdir -p "$work"
java=("$kit/jre/bin/java" -Xmx${KIT_HEAP:-32g} -cp "$kit/lib/*")
step() { echo; echo "== $(date +%T) $*"; }
limit() { local seconds=$1; shift; timeout --kill-after=10 "$seconds" "$@"; local rc=$?; [ $rc -eq 124 ] && echo "(stopped at its ${seconds} s limit)"; return $rc; }

step "1. the machine"
if [ "$dry" = --dry-run ]; then
    lib=${TORCH_LIB:?dry run: set TORCH_LIB to a libtorch 2.7.1 CPU folder}
    torch_version=${TORCH_VERSION:-2.7.1+cpu}
    device=cpu
else
    nvidia-smi || echo "nvidia-smi failed"
    python=${PYTHON:-python3}
    info=$("$python" -c 'import os, torch, torch.utils
print(torch.__version__); print(torch.version.cuda); print(os.path.join(os.path.dirname(torch.__file__), "lib"))
print(torch.utils.cmake_prefix_path); print(torch.cuda.is_available(), torch.cuda.get_device_name(0) if torch.cuda.is_available() else "")') || {
        echo "run-kit: $python cannot import torch"; exit 1; }
    echo "$info"
    torch_version=$(echo "$info" | sed -n 1p)
    lib=$(echo "$info" | sed -n 3p)
    prefix=$(echo "$info" | sed -n 4p)
    device=$(echo "$info" | sed -n 5p | grep -q '^True' && echo gpu || echo cpu)
    echo "device: $device"
fi
version=${torch_version%%+*}
flavour=${torch_version#*+}
[ "$flavour" = "$torch_version" ] && flavour=cpu
echo "PyTorch $version, flavour $flavour, libraries in $lib"

step "2. build DJL's JNI against it"
src="$kit/djl-jni/engines/pytorch/pytorch-native"
if [ "$dry" = --dry-run ]; then
    so=${JNI_SO:?dry run: set JNI_SO to a prebuilt libdjl_torch.so for TORCH_LIB}
    echo "dry run: would run cmake -S $src -G Ninja -DCMAKE_PREFIX_PATH=<torch's cmake prefix> ... ; using $so"
else
    [ -f "$src/CMakeLists.txt" ] || { echo "run-kit: the kit has no DJL JNI sources (made without DJL_CHECKOUT)"; exit 1; }
    cuda=$([ "$flavour" = cpu ] && echo 0 || echo 1)
    build() {
        cmake -S "$1" -B "$work/build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$prefix" \
            -DJAVA_INCLUDE_PATH="$kit/djl-jni/jni" -DJAVA_INCLUDE_PATH2="$kit/djl-jni/jni/linux" \
            -DJAVA_JVM_LIBRARY=NotNeeded -DUSE_CUDA=$cuda >> "$out/jni-build.log" 2>&1 &&
        cmake --build "$work/build" -j "$(nproc)" >> "$out/jni-build.log" 2>&1
    }
    if ! build "$src"; then
        if grep -q "C++20 or later" "$out/jni-build.log"; then
            echo "this PyTorch needs C++20: building again with CXX_STANDARD 20 (the only change)"
            cp -r "$kit/djl-jni" "$work/djl-jni20"
            sed -i 's/CXX_STANDARD 17/CXX_STANDARD 20/' "$work/djl-jni20/engines/pytorch/pytorch-native/CMakeLists.txt"
            rm -rf "$work/build"
            build "$work/djl-jni20/engines/pytorch/pytorch-native" || { echo "run-kit: the JNI does not build; first errors:"
                grep -n -m 20 -E "error|Error" "$out/jni-build.log"; exit 1; }
        else
            echo "run-kit: the JNI does not build; first errors (whole output in jni-build.log):"
            grep -n -m 20 -E "error|Error" "$out/jni-build.log"
            exit 1
        fi
    fi
    so="$work/build/libdjl_torch.so"
    echo "built $so ($(du -k "$so" | cut -f1) KB)"
fi

step "3. the JNI where DJL looks for it"
export DJL_CACHE_DIR="$work/djl-cache"
jni_dir="$DJL_CACHE_DIR/pytorch/$version-$flavour-linux-x86_64"
mkdir -p "$jni_dir"
cp "$so" "$jni_dir/0.36.0-libdjl_torch.so"
echo "$jni_dir/0.36.0-libdjl_torch.so"

step "4. only the libtorch libraries DJL should load"
mkdir -p "$work/torch/lib" "$work/jna"
for f in "$lib"/libc10.so "$lib"/libc10_cuda.so "$lib"/libtorch.so "$lib"/libtorch_cpu.so "$lib"/libtorch_cuda.so \
         "$lib"/libgomp*.so* "$lib"/libcaffe2_nvrtc.so; do
    [ -e "$f" ] && ln -s "$f" "$work/torch/lib/"
done
echo "__version__ = '$torch_version'" > "$work/torch/version.py"
ls -l "$work/torch/lib"
export PYTORCH_LIBRARY_PATH="$work/torch/lib" XDG_CONFIG_HOME="$work/config"   # DJL's own variable
# libtorch's own dependencies (pip's nvidia wheels beside torch/) and cudart for DJL's GPU count through JNA
site=$(dirname "$(dirname "$lib")")
export LD_LIBRARY_PATH="$lib$(for d in "$site"/nvidia/*/lib; do [ -d "$d" ] && printf ':%s' "$d"; done)${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
cudart=$(ls "$site"/nvidia/cuda_runtime/lib/libcudart.so.* "$site"/nvidia/cu*/lib/libcudart.so.* 2>/dev/null | head -1)
[ -n "$cudart" ] && ln -sf "$cudart" "$work/jna/libcudart.so"
java+=(-Djna.library.path="$work/jna")

step "5a. slime info"
limit 60 "${java[@]}" org.slime4j.cli.SlimeCli info --device $device | tee "$out/info.txt"

step "5b. device check on the tiny model ($device against the CPU)"
limit 150 "${java[@]}" org.slime4j.bench.DeviceCheck "$kit/model" $device | tee "$out/device-check.txt"

if [ "$dry" = --dry-run ] || [ "$device" = cpu ]; then
    step "5c. benchmark (no GPU: the tiny model on the CPU)"
    limit 300 "${java[@]}" org.slime4j.bench.SlimeBench tiny "$kit/model" device=cpu steps=1 segmentations=1 epochs=2 \
        ops=1 | tee "$out/bench.txt"
    exit 0
fi

step "5c. the GPU's measured rates (PyTorch, the FLOP bound's denominator)"
limit 45 "$python" - <<'PY' | tee "$out/rates.txt"
import time, torch
def rate(f, flop, n=20):
    f(); torch.cuda.synchronize(); t = time.perf_counter()
    for _ in range(n): f()
    torch.cuda.synchronize(); return flop * n / (time.perf_counter() - t) / 1e12
a = torch.randn(8192, 8192, device="cuda")
x = torch.randn(1, 320, 64, 64, device="cuda"); w = torch.randn(320, 320, 3, 3, device="cuda")
for tf32 in (False, True):
    torch.backends.cuda.matmul.allow_tf32 = tf32; torch.backends.cudnn.allow_tf32 = tf32
    print(f"tf32={tf32}: matmul 8192^3 {rate(lambda: a @ a, 2 * 8192**3):.1f} TFLOP/s, conv 3x3 320->320 at 64^2 "
          f"{rate(lambda: torch.nn.functional.conv2d(x, w, padding=1), 2 * 320 * 320 * 9 * 64 * 64):.1f} TFLOP/s")
print("SD-2.1 size, S = 512: training step 3.53 TFLOP, segmentation 1.92 TFLOP (SlimeBench flops)")
PY

step "5d. SlimeBench at SD-2.1 size on the GPU (fp32, TF32 products), then fp16 segmentation"
nvidia-smi --query-gpu=timestamp,memory.used --format=csv,noheader,nounits -lms 200 > "$out/gpu-memory.csv" 2>&1 &
sampler=$!
limit 270 "${java[@]}" org.slime4j.bench.SlimeBench sd21 "$kit/model/tokenizer" device=gpu steps=20 segmentations=10 \
    epochs=200 ops=1 | tee "$out/bench.txt"
echo "after fp32: GPU memory peak $(cut -d, -f2 "$out/gpu-memory.csv" | sort -n | tail -1) MiB"
limit 60 "${java[@]}" org.slime4j.bench.SlimeBench sd21 "$kit/model/tokenizer" device=gpu precision=fp16 steps=0 \
    segmentations=10 | tee "$out/bench-fp16.txt"
kill $sampler 2>/dev/null
echo "GPU memory peak over both: $(cut -d, -f2 "$out/gpu-memory.csv" | sort -n | tail -1) MiB (nvidia-smi, whole GPU)"
