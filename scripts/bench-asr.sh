#!/usr/bin/env bash
# Qwen3-ASR speed at the real dimensions (random weights written once under ~/.cache/ominix-bench):
# log-mel, encoder, prefill, decode, RTF, CPU s, peak RSS on the CPU backend (or --backend mlx),
# next to the decode ceiling from the measured read bandwidth and the float32 PyTorch reference
# on the same weights, all in one run. Needs JDK 25, Maven, Debian's python3-torch + python3-numpy.
# Usage: scripts/bench-asr.sh [--model qwen3-asr-0.6b|qwen3-asr-1.7b] [--bits 8|4] [--clips 30,600]
#                             [--new-tokens 64] [--threads N] [--backend cpu|mlx] [--repeat N] [--no-torch]
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
torch=(--torch models/src/test/python/qwen3asr_reference_bench.py)
args=()
for a in "$@"; do
  if [ "$a" = "--no-torch" ]; then torch=(); else args+=("$a"); fi
done
mvn -q -B -pl models -am test-compile dependency:build-classpath -Dmdep.outputFile=target/asr-bench.cp -Dmdep.includeScope=runtime
"$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx4g \
  -cp "models/target/classes:$(cat models/target/asr-bench.cp)" ai.ominix.bench.AsrBench "${torch[@]}" "${args[@]}"
