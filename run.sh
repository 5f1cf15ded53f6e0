#!/usr/bin/env bash
# Runs the Smart Meal Planner locally: embedded PostgreSQL (port 5433, data in .data/pg), the worker
# (health on 8081, JobRunr dashboard on 8000) and the api (8080). Ctrl-C stops all three.
# With QUARKUS_DATASOURCE_JDBC_URL set, that database is used instead of the embedded one.
# API_PORT, WORKER_PORT, DASHBOARD_PORT and DB_PORT move the four ports (to run two copies side by side).
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)
source scripts/find-java.sh

DATA="$ROOT/.data"
LOGS="$DATA/logs"
mkdir -p "$LOGS"
PIDS=()

stop_all() {
  trap - INT TERM EXIT
  if [ ${#PIDS[@]} -gt 0 ]; then
    echo
    echo "Stopping..."
    # api first, then worker (it finishes or re-queues running jobs), then the database
    for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
      kill -TERM "${PIDS[$i]}" 2>/dev/null || true
      wait "${PIDS[$i]}" 2>/dev/null || true
    done
    echo "Stopped."
  fi
}
trap 'stop_all; exit 130' INT
trap 'stop_all; exit 143' TERM
trap 'stop_all' EXIT

API_PORT=${API_PORT:-8080}
WORKER_PORT=${WORKER_PORT:-8081}
DASHBOARD_PORT=${DASHBOARD_PORT:-8000}
DB_PORT=${DB_PORT:-5433}
export MENU_DASHBOARD_PORT="$DASHBOARD_PORT"

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for port in "$API_PORT" "$WORKER_PORT" "$DASHBOARD_PORT"; do
  port_free "$port" || { echo "error: port $port is in use; stop what runs there first." >&2; exit 1; }
done

if [ ! -f api/target/quarkus-app/quarkus-run.jar ] || [ ! -f worker/target/quarkus-app/quarkus-run.jar ] \
   || [ ! -f common/target/launcher.classpath ]; then
  echo "Building (first run; takes a few minutes)..."
  ./mvnw -q -B -DskipTests -pl common,worker,api -am install
fi
LAUNCHER_CP="$ROOT/common/target/classes:$(cat common/target/launcher.classpath)"

if [ -z "${QUARKUS_DATASOURCE_JDBC_URL:-}" ]; then
  port_free "$DB_PORT" || { echo "error: port $DB_PORT is in use (another PostgreSQL or run.sh?)." >&2; exit 1; }
  echo "Starting embedded PostgreSQL on $DB_PORT (data in .data/pg)..."
  java -Djava.util.logging.manager=org.jboss.logmanager.LogManager -cp "$LAUNCHER_CP" app.mealplanner.common.local.LocalEnvironment --data "$DATA" --port "$DB_PORT" \
    > "$LOGS/postgres.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 1 120); do
    grep -q '^READY' "$LOGS/postgres.log" 2>/dev/null && break
    kill -0 "${PIDS[0]}" 2>/dev/null || { echo "error: PostgreSQL did not start; see $LOGS/postgres.log" >&2; exit 1; }
    sleep 0.5
  done
  grep -q '^READY' "$LOGS/postgres.log" || { echo "error: PostgreSQL not ready after 60 s" >&2; exit 1; }
  export QUARKUS_DATASOURCE_JDBC_URL="jdbc:postgresql://localhost:$DB_PORT/postgres"
  export QUARKUS_DATASOURCE_USERNAME="${QUARKUS_DATASOURCE_USERNAME:-postgres}"
  export QUARKUS_DATASOURCE_PASSWORD="${QUARKUS_DATASOURCE_PASSWORD:-postgres}"
else
  java -Djava.util.logging.manager=org.jboss.logmanager.LogManager -cp "$LAUNCHER_CP" app.mealplanner.common.local.LocalEnvironment --data "$DATA" --no-database
fi

# Local secrets (generated once): JWT key pair and dashboard credentials; explicit variables win.
while IFS='=' read -r key value; do
  [ -n "$key" ] && [ -z "${!key:-}" ] && export "$key=$value"
done < "$DATA/local.env"

JVM_OPTS=(-Xmx512m -XX:+UseSerialGC)
echo "Starting worker and api..."
QUARKUS_HTTP_PORT="$WORKER_PORT" java "${JVM_OPTS[@]}" -jar worker/target/quarkus-app/quarkus-run.jar > "$LOGS/worker.log" 2>&1 &
PIDS+=($!)
QUARKUS_HTTP_PORT="$API_PORT" java "${JVM_OPTS[@]}" -jar api/target/quarkus-app/quarkus-run.jar > "$LOGS/api.log" 2>&1 &
PIDS+=($!)

ready() { curl -fsS -o /dev/null "http://localhost:$1/q/health/ready" 2>/dev/null; }
for _ in $(seq 1 180); do
  ready "$WORKER_PORT" && ready "$API_PORT" && break
  for pid in "${PIDS[@]}"; do
    kill -0 "$pid" 2>/dev/null || { echo "error: a process exited; see $LOGS/worker.log and $LOGS/api.log" >&2; exit 1; }
  done
  sleep 0.5
done
ready "$WORKER_PORT" && ready "$API_PORT" || { echo "error: not ready after 90 s; see $LOGS/" >&2; exit 1; }

cat <<TXT

Smart Meal Planner is running.
  api             http://localhost:$API_PORT
  Swagger UI      http://localhost:$API_PORT/q/swagger-ui
  OpenAPI         http://localhost:$API_PORT/q/openapi
  worker health   http://localhost:$WORKER_PORT/q/health
  JobRunr board   http://localhost:$DASHBOARD_PORT/dashboard  (user: $DASHBOARD_USERNAME  password: $DASHBOARD_PASSWORD)
  logs            $LOGS/

Try it (copy and paste in another terminal):
  curl -s -X POST localhost:$API_PORT/api/auth/register -H 'Content-Type: application/json' \\
       -d '{"email":"ann@example.com","password":"correct horse battery"}'
  TOKEN=\$(curl -s -X POST localhost:$API_PORT/api/auth/login -H 'Content-Type: application/json' \\
       -d '{"email":"ann@example.com","password":"correct horse battery"}' | sed -E 's/.*"accessToken":"([^"]+)".*/\\1/')
  JOB=\$(curl -s -X POST localhost:$API_PORT/api/menus -H "Authorization: Bearer \$TOKEN" -H 'Content-Type: application/json' \\
       -d '{"days":3,"meals":["breakfast","lunch","dinner"],"diet":"vegetarian","allergies":["peanuts"]}' \\
       | sed -E 's/.*"jobId":"([^"]+)".*/\\1/')
  curl -s localhost:$API_PORT/api/jobs/\$JOB -H "Authorization: Bearer \$TOKEN"
  until curl -s localhost:$API_PORT/api/jobs/\$JOB -H "Authorization: Bearer \$TOKEN" | grep -qE '"status":"(SUCCEEDED|FAILED|CANCELLED)"'; do sleep 0.2; done
  MENU=\$(curl -s localhost:$API_PORT/api/jobs/\$JOB -H "Authorization: Bearer \$TOKEN" | sed -E 's/.*"menuId":"([^"]+)".*/\\1/')
  curl -s localhost:$API_PORT/api/menus/\$MENU -H "Authorization: Bearer \$TOKEN"

Press Ctrl-C to stop.
TXT
wait -n "${PIDS[@]}" || true
echo "A process exited; see $LOGS/." >&2
