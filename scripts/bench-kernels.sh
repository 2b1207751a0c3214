#!/usr/bin/env bash
# CPU kernel benchmark: ceilings (copy, read, FMA peak, GEMM cube) and the kernels at real layer
# shapes, measured side by side in one run. Usage: scripts/bench-kernels.sh [threads] [--quick]
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
mvn -q -B -pl models -am compile
exec "$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx2g \
  -cp models/target/classes ai.ominix.bench.KernelBench "$@"
