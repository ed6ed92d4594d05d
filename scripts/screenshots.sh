#!/bin/bash
# Regenerates the README's screenshots from a real ImageJ 1.x window on a virtual display (Xvfb):
#   scripts/screenshots.sh [OUT_FOLDER]     (default docs/screenshots)
# The dialog, the live training preview and a segmentation result, on the tests' tiny random model.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-docs/screenshots}
command -v xvfb-run >/dev/null || { echo "screenshots.sh: needs xvfb-run (Debian: apt-get install xvfb xauth)" >&2; exit 2; }
mvn -B -q test-compile dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test
cp="target/test-classes:target/classes:$(cat target/test-classpath.txt)"
xvfb-run -a -s "-screen 0 1400x1000x24" java -Dai.djl.offline=true -cp "$cp" org.slime4j.Screenshots "$out" sample-data
