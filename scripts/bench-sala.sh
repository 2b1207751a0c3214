#!/usr/bin/env bash
# MiniCPM-SALA speed at the real 9B shape on random 8-bit weights, next to the read-bandwidth and
# FMA ceilings measured in the same run (ai.ominix.bench.SalaBench). The ~10 GB checkpoint is
# written once into ~/.cache/ominix-bench (never the repository) and memory-mapped.
# Needs JDK 25 and Maven. Usage: scripts/bench-sala.sh [SalaBench options, e.g. --prompts 512,4096 --threads 2]
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
mvn -q -B -pl models -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/sala-bench.cp -Dmdep.includeScope=test
cd models
"$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx2g \
  -cp "target/classes:$(cat target/sala-bench.cp)" ai.ominix.bench.SalaBench "$@"
