#!/usr/bin/env bash
# A fake OpenAI-compatible model server on localhost (default port 9999) that streams valid menus planned
# from the catalog at a realistic speed (60 tokens/s after 400 ms; recipes of about 200 tokens). Options:
# --port N, --tokens-per-second N, --tokens-per-chunk N, --first-token 400ms, --reasoning (acts as an OpenAI
# reasoning model), --azure <deployment> (acts as Azure OpenAI; key azure-fake-key), --chaos. Try the
# model path without a key:
#   bench/fake-model.sh &
#   OPENAI_BASE_URL=http://localhost:9999/v1 OPENAI_API_KEY=x ./run.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/find-java.sh
if [ ! -f bench/target/bench.classpath ]; then
  ./mvnw -q -B -Pbench -DskipTests -pl bench -am install
fi
exec java -cp "bench/target/classes:$(cat bench/target/bench.classpath)" app.mealplanner.worker.testing.FakeModelServer "$@"
