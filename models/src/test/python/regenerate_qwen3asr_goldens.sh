#!/bin/sh
# Regenerates the Qwen3-ASR golden files (models/src/test/resources/qwen3asr/golden) from the
# independent PyTorch reference. Needs Debian's python3-torch + python3-numpy (/usr/bin/python3).
# Run from anywhere; CI never runs this (the goldens are committed).
set -eu
ROOT=$(cd "$(dirname "$0")/../../../.." && pwd)
cd "$ROOT"
: "${JAVA_HOME:=/usr/lib/jvm/temurin-25-jdk-amd64}"
export JAVA_HOME
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mvn -q -B -pl models -am test-compile dependency:build-classpath \
    -Dmdep.outputFile="$WORK/classpath.txt" -Dmdep.includeScope=test
"$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector \
    -cp "models/target/test-classes:models/target/classes:$(cat "$WORK/classpath.txt")" \
    ai.ominix.models.qwen3asr.GoldenExport "$WORK/export"
/usr/bin/python3 models/src/test/python/qwen3asr_goldens.py "$WORK/export" models/src/test/resources/qwen3asr/golden
