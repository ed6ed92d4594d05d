#!/bin/bash
# Prepares the GPU proof kit on this (CPU) machine: everything a GPU machine without Java or internet needs to
# build DJL's PyTorch JNI against its own PyTorch and run SLiMe's checks and benchmark there, as one compressed
# archive well under the 64 MiB a device run may carry.
#
#   scripts/gpu/prepare-kit.sh DJL_CHECKOUT [FIXTURE]
#
# DJL_CHECKOUT: a git clone of deepjavalibrary/djl holding the tag v0.36.0 (the engine this project uses); only
# the JNI's C++ sources and CMake file at that tag are taken (a build input, never part of src/). "-" makes a kit
# without them, good for run-kit.sh --dry-run only (what the tests do where no DJL clone is). FIXTURE: the tiny
# model (default $SLIME_FIXTURE, else ../shared/fixtures/tiny-sd1). Writes target/gpu-kit/ and
# target/gpu-kit.tar.gz (both ignored by git) and prints the archive's size and the command to run there.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
djl=${1:?usage: prepare-kit.sh DJL_CHECKOUT [FIXTURE]}
fixture=${2:-${SLIME_FIXTURE:-../shared/fixtures/tiny-sd1}}
tag=v0.36.0
commit=1a7265a7c98542027f168bda90969f6e0e567c5f
kit=target/gpu-kit
[ -f "$fixture/model_index.json" ] || { echo "prepare-kit: no model at $fixture (give FIXTURE)" >&2; exit 2; }
if [ "$djl" != - ]; then
    found=$(git -C "$djl" rev-parse "$tag^{commit}" 2>/dev/null) || { echo "prepare-kit: $djl has no tag $tag" >&2; exit 2; }
    [ "$found" = "$commit" ] || { echo "prepare-kit: $tag in $djl is $found, expected $commit" >&2; exit 2; }
fi

if [ ! -f target/slime-cli.jar ] || [ -n "$(find src pom.xml -newer target/slime-cli.jar -print -quit)" ]; then
    mvn -B -q package -DskipTests
fi
rm -rf "$kit" target/gpu-kit.tar.gz
mkdir -p "$kit/lib" "$kit/djl-jni" "$kit/model"

# the project's classes and runtime libraries, without any libtorch native jar or DJL's prebuilt JNI
mvn -B -q dependency:copy-dependencies -DincludeScope=runtime -DexcludeArtifactIds=pytorch-native-cpu,pytorch-jni,ij \
    -DoutputDirectory="$root/$kit/lib"
cp target/SLiMe_Fiji-*.jar "$kit/lib/"
cp "$(find ~/.m2/repository/net/imagej/ij -name 'ij-*.jar' | sort | tail -1)" "$kit/lib/"

# a Java runtime with only the modules the CLI (java.desktop: ImageJ types in its commands), the check and the
# benchmark use
modules=java.base,java.desktop,java.logging,java.management,java.net.http,jdk.unsupported
jlink --add-modules "$modules" --strip-debug --no-header-files --no-man-pages --output "$kit/jre"   # gzip packs it better

# DJL's JNI sources and CMake file at the tag, the utils header they include, the JNI header javac writes for
# PyTorchLibrary, and the JDK's jni.h / jni_md.h: nothing else is needed to build libdjl_torch.so there
if [ "$djl" = - ]; then
    echo "prepare-kit: no DJL checkout: a kit for dry runs only" >&2
else
    git -C "$djl" archive "$tag" engines/pytorch/pytorch-native/CMakeLists.txt engines/pytorch/pytorch-native/src/main/native \
        api/src/main/native engines/pytorch/pytorch-engine/src/main/java | tar -x -C "$kit/djl-jni"
    header=$(mktemp -d)
    javac -h "$kit/djl-jni/engines/pytorch/pytorch-native/build/include" -d "$header" \
        -sourcepath "$kit/djl-jni/engines/pytorch/pytorch-engine/src/main/java" \
        "$kit/djl-jni/engines/pytorch/pytorch-engine/src/main/java/ai/djl/pytorch/jni/PyTorchLibrary.java" \
        -cp "$(ls $kit/lib/*.jar | tr '\n' :)" 2>/dev/null || {
            echo "prepare-kit: javac -h failed for PyTorchLibrary" >&2; exit 1; }
    rm -rf "$header" "$kit/djl-jni/engines/pytorch/pytorch-engine"
    jdk=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
    mkdir -p "$kit/djl-jni/jni/linux"
    cp "$jdk/include/jni.h" "$kit/djl-jni/jni/"
    cp "$jdk/include/linux/jni_md.h" "$kit/djl-jni/jni/linux/"
fi

# the tiny model (its weights and configs; the golden tensors stay behind)
(cd "$fixture" && tar -cf - model_index.json scheduler text_encoder tokenizer unet vae) | tar -x -C "$kit/model"
cp scripts/gpu/run-kit.sh "$kit/"
git rev-parse HEAD > "$kit/COMMIT" 2>/dev/null || true

tar -czf target/gpu-kit.tar.gz -C target gpu-kit
size=$(du -m target/gpu-kit.tar.gz | cut -f1)
echo "kit: target/gpu-kit.tar.gz, ${size} MiB (unpacked $(du -sm "$kit" | cut -f1) MiB; jre $(du -sm "$kit/jre" | cut -f1) MiB)"
if [ "$size" -ge 60 ]; then
    echo "prepare-kit: the archive is over 60 MiB; a device run carries at most 64 MiB in all" >&2
    exit 1
fi
echo "on the GPU machine (carry target/gpu-kit.tar.gz):"
echo "  tar -xzf target/gpu-kit.tar.gz -C /tmp && bash /tmp/gpu-kit/run-kit.sh \$OUT"
