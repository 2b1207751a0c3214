#!/usr/bin/env bash
# The MLX backend next to the CPU backend on the same shapes and inputs, in one run (needs mlx-c:
# see README "MLX backend"). Usage: scripts/bench-mlx.sh [threads] [--quick]
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
mvn -q -B -pl models -am test-compile dependency:build-classpath -Dmdep.outputFile=target/mlx-bench.cp -Dmdep.includeScope=runtime
exec "$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx3g \
  -cp "models/target/classes:mlx-bindings/target/classes:$(cat models/target/mlx-bench.cp)" \
  ai.ominix.bench.MlxVsCpuBench "$@"
