#!/usr/bin/env bash
# The MLX backend next to the CPU backend on the same shapes and inputs, in one run (needs mlx-c:
# see README "MLX backend").
#   scripts/bench-mlx.sh [threads] [--quick]        kernels: quantized matvec/GEMM, f32 GEMM, attention
#   scripts/bench-mlx.sh --models [threads] [--asr 0.6b|1.7b] [--sala-bits 4|8|0] [--tokens N]
#                                                   a decode step of Qwen3-ASR and MiniCPM-SALA 9B
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
main=ai.ominix.bench.MlxVsCpuBench
heap=-Xmx3g
if [[ "${1:-}" == "--models" ]]; then main=ai.ominix.bench.MlxVsCpuModelBench; heap=-Xmx6g; shift; fi
mvn -q -B -pl models -am test-compile dependency:build-classpath -Dmdep.outputFile=target/mlx-bench.cp \
  -Dmdep.includeScope=runtime
exec "$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED "$heap" \
  -cp "models/target/classes:mlx-bindings/target/classes:audio/target/classes:$(cat models/target/mlx-bench.cp)" \
  "$main" "$@"
