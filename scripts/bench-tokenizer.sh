#!/usr/bin/env bash
# Tokenizer speed: ours (Java) next to transformers.js on the same texts, in one run.
# Needs JDK 25, Maven and npm. Usage: scripts/bench-tokenizer.sh [rounds]
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
rounds=${1:-5}
mvn -q -B -pl models -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/tokenizer-bench.cp -Dmdep.includeScope=test
(cd models/src/test/tokenizer-golden && npm ci --no-audit --no-fund --silent)
cd models
texts=target/tokenizer-bench-texts.json
"$JAVA_HOME/bin/java" -Xmx1g -cp "target/classes:target/test-classes:$(cat target/tokenizer-bench.cp)" \
  ai.ominix.tokenizer.TokenizerBench "$texts" "$rounds"
node src/test/tokenizer-golden/bench.mjs "$texts" "$rounds"
