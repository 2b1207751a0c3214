#!/usr/bin/env bash
# Audio front-end throughput (decode + resample per format, log-mel) vs FFmpeg/numpy, same run.
# usage: scripts/audio-bench.sh [seconds-of-audio]   (from the repository root)
set -euo pipefail
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
mvn -q -B -pl audio test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath
cd audio && exec "$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector -Xmx2g -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" \
  ai.ominix.audio.bench.AudioBench "$@"
