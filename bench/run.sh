#!/usr/bin/env bash
# Runs the benchmarks and writes bench/results/<date>-<scenario>.md (see bench/README.md).
#   bench/run.sh                every scenario (= all)
#   bench/run.sh all            the catalog planner (JMH) and the seven system scenarios, about 10-12 minutes
#   bench/run.sh planner        only the catalog planner (JMH)
#   bench/run.sh <scenario>...  some of: enqueue pickup model-bound model-streamed scale-out status-reads sse isolation
# Environment: BENCH_SCALE=0.3 shortens every warm-up and measurement (smoke test; the numbers mean little),
# BENCH_SKIP_BUILD=1 uses the apps as last built, BENCH_OVERWRITE=1 replaces a report of the same day
# (by default an existing report is kept and the new one gets a -2, -3, ... suffix).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/find-java.sh

system_scenarios=(enqueue pickup model-bound model-streamed scale-out status-reads sse isolation)
requested=("$@")
[ ${#requested[@]} -eq 0 ] && requested=(all)
selected=()
for s in "${requested[@]}"; do
  case "$s" in
    all) selected+=(planner "${system_scenarios[@]}") ;;
    planner|enqueue|pickup|model-bound|model-streamed|scale-out|status-reads|sse|isolation) selected+=("$s") ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "unknown scenario '$s' (known: all planner ${system_scenarios[*]})" >&2; exit 2 ;;
  esac
done

started=$(date +%s)
command_line="$( (env | grep -E '^BENCH_' || true) | sort | tr '\n' ' ')bench/run.sh${*:+ $*}"
# the SSE scenario holds 10,000 streams: one descriptor each on both ends
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

if [ -z "${BENCH_SKIP_BUILD:-}" ]; then
  echo "[bench] building api, worker and bench"
  ./mvnw -q -B -Pbench -DskipTests -pl api,worker,bench -am install
fi
# Snapshot the packaged apps: the run takes minutes, and a rebuild of api/ or worker/ meanwhile must not
# change (or delete) the jars under the running scenarios.
rm -rf bench/target/apps && mkdir -p bench/target/apps
for m in api worker; do
  if [ ! -f "$m/target/quarkus-app/quarkus-run.jar" ]; then
    echo "error: $m/target/quarkus-app is missing; build it (./mvnw -B -q -DskipTests install)" >&2; exit 1
  fi
  cp -a "$m/target/quarkus-app" "bench/target/apps/$m"
done
# The bench's own classpath: jars of this repository's modules are copied too, for the same reason.
mkdir -p bench/target/apps/lib
CP="bench/target/classes"
IFS=: read -r -a entries < bench/target/bench.classpath || true  # no newline at the end: read says 1
for entry in "${entries[@]}"; do
  case "$entry" in
    "$PWD"/*/target/*.jar) cp "$entry" bench/target/apps/lib/ && CP="$CP:bench/target/apps/lib/$(basename "$entry")" ;;
    *) CP="$CP:$entry" ;;
  esac
done
day=$(date +%Y-%m-%d)
mkdir -p bench/results

# A report is a record: an existing one is not replaced unless BENCH_OVERWRITE is set.
report_path() {
  local base="bench/results/$day-$1" f n=2
  f="$base.md"
  while [ -e "$f" ] && [ -z "${BENCH_OVERWRITE:-}" ]; do f="$base-$n.md"; n=$((n + 1)); done
  echo "$f"
}

commit() { # without running git
  local head ref
  head=$(cat .git/HEAD 2>/dev/null) || { echo unknown; return; }
  if [[ $head == ref:* ]]; then
    ref=${head#ref: }
    if [ -f ".git/$ref" ]; then cut -c1-12 ".git/$ref"; else grep -m1 " $ref\$" .git/packed-refs 2>/dev/null | cut -c1-12 || echo unknown; fi
  else
    echo "${head:0:12}"
  fi
}

machine() {
  echo "- date: $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "- cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs) × $(nproc)"
  echo "- memory: $(free -g | awk '/Mem:/ {print $2}') GiB"
  echo "- java: $(java -version 2>&1 | head -1)"
  echo "- commit: $(commit)"
}

failed=()
for scenario in "${selected[@]}"; do
  if [ "$scenario" = planner ]; then
    out=$(report_path planner)
    raw=$(mktemp)
    java -cp "$CP" org.openjdk.jmh.Main PlannerBenchmark -rf text -rff "$raw" | tail -20
    {
      echo "# Catalog planner: 14 days × 4 meals"
      echo
      echo "Target: one plan in under 50 ms (issue 3). Command: \`$command_line\` (JMH, average time per call, 1 fork, 3×2 s warm-up, 5×2 s measurement)."
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
    rm -f "$raw"
    echo "wrote $out"
    continue
  fi
  out=$(report_path "$scenario")
  echo "[bench] ---- $scenario → $out"
  if ! java -Xmx3g -XX:+UseParallelGC -Djava.util.logging.manager=org.jboss.logmanager.LogManager \
      -Drepo.root="$PWD" -cp "$CP" app.mealplanner.bench.BenchMain "$scenario" --out "$out" \
      --command "$command_line"; then
    failed+=("$scenario")
  fi
done

echo "[bench] done in $(( $(date +%s) - started )) s"
if [ ${#failed[@]} -gt 0 ]; then
  echo "[bench] failed: ${failed[*]} (logs of the apps: bench/target/logs/)" >&2
  exit 1
fi
