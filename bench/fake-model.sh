#!/usr/bin/env bash
# A fake OpenAI-compatible model server on localhost (default port 9999, latency 2s) that answers with
# valid menus planned from the catalog. Try the model path without a key:
#   bench/fake-model.sh --latency 2s &
#   OPENAI_BASE_URL=http://localhost:9999/v1 OPENAI_API_KEY=x ./run.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/find-java.sh
if [ ! -f bench/target/bench.classpath ]; then
  ./mvnw -q -B -Pbench -DskipTests -pl bench -am install
fi
exec java -cp "bench/target/classes:$(cat bench/target/bench.classpath)" app.mealplanner.worker.testing.FakeModelServer "$@"
