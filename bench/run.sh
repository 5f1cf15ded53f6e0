#!/usr/bin/env bash
# Runs the benchmarks and writes bench/results/<date>-<scenario>.md.
#   bench/run.sh            every scenario available
#   bench/run.sh planner    only the catalog planner (JMH)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/find-java.sh
scenario="${1:-all}"
./mvnw -q -B -Pbench -DskipTests -pl bench -am install
CP="bench/target/classes:$(cat bench/target/bench.classpath)"
day=$(date +%Y-%m-%d)
mkdir -p bench/results

machine() {
  echo "- date: $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "- cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs) × $(nproc)"
  echo "- memory: $(free -g | awk '/Mem:/ {print $2}') GiB"
  echo "- java: $(java -version 2>&1 | head -1)"
  echo "- commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
}

if [ "$scenario" = all ] || [ "$scenario" = planner ]; then
  out="bench/results/$day-planner.md"
  raw=$(mktemp)
  java -cp "$CP" org.openjdk.jmh.Main PlannerBenchmark -rf text -rff "$raw" | tail -20
  {
    echo "# Catalog planner: 14 days × 4 meals"
    echo
    echo "Target: one plan in under 50 ms (issue 3). Command: \`bench/run.sh planner\` (JMH, average time per call, 1 fork, 3×2 s warm-up, 5×2 s measurement)."
    echo
    echo "## Machine"
    machine
    echo
    echo "## Figures (ms per operation, lower is better)"
    echo
    echo '```'
    cat "$raw"
    echo '```'
  } > "$out"
  echo "wrote $out"
fi
