#!/usr/bin/env bash
# CPU kernel benchmark: ceilings (copy, read, FMA peak, GEMM cube) and the kernels at real layer
# shapes, each kernel run paired with a ceiling run. Usage: scripts/bench-kernels.sh [threads] [--quick]
# (the same measurement as `ominix bench kernels`).
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
mvn -q -B -pl models -am test-compile dependency:build-classpath -Dmdep.outputFile=target/kernel-bench.cp -Dmdep.includeScope=runtime
exec "$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx2g \
  -cp "models/target/classes:$(cat models/target/kernel-bench.cp)" ai.ominix.bench.KernelBench "$@"
