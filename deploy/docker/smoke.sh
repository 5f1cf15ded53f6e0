#!/usr/bin/env bash
# Image smoke test: builds the api and worker images from deploy/docker/*.Dockerfile and runs them the
# way Kubernetes does (non-root, read-only root filesystem, /tmp as the only writable place, no
# capabilities, the JWT keys mounted read-only for the app's group, memory limits of the manifests),
# against PostgreSQL on this machine. One menu request goes through the api container, the worker
# container plans it, the JobRunr dashboard of the worker container shows it with its readable name,
# then both containers get SIGTERM and must stop cleanly within their drain time.
#
#   deploy/docker/smoke.sh        # from anywhere; needs a Docker engine with BuildKit and a JDK >= 21
#
# Without a registry, run deploy/docker/standin-base.sh first (smoke.sh does it when
# eclipse-temurin:21-jdk/-jre are missing): it builds local stand-ins for the base images.
# The images are tagged meal-planner-{api,worker}:smoke (SMOKE_TAG changes the tag); nothing is pushed.
# The image build's Maven cache mount is seeded from this machine's Maven repository, so a build does not
# download what the machine already has (SMOKE_SEED=0 turns that off).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
source scripts/find-java.sh

DOCKER=${DOCKER:-$(command -v /usr/bin/docker || command -v docker)}
TAG=${SMOKE_TAG:-smoke}
API_IMAGE=meal-planner-api:$TAG
WORKER_IMAGE=meal-planner-worker:$TAG
APP_UID=10001
# the manifests' limits and grace: api 768Mi and 1 CPU, worker 1Gi and 2 CPUs; the worker drains for 25 s
API_MEMORY=768m
WORKER_MEMORY=1g
WORKER_DRAIN_SECONDS=25
API_STOP_SECONDS=15
START=$(date +%s)

log() { echo "[smoke $(($(date +%s) - START))s] $*"; }
fail() { echo "[smoke] FAILED: $*" >&2; exit 1; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/meal-planner-smoke.XXXXXX")
NAME=meal-planner-smoke-$$
PG_PID=
cleanup() {
  local status=$?
  if [ $status -ne 0 ]; then
    for c in api worker; do
      echo "----- last lines of the $c container's log -----" >&2
      "$DOCKER" logs --tail 60 "$NAME-$c" 2>&1 | sed 's/^/  /' >&2 || true
    done
  fi
  "$DOCKER" rm -f "$NAME-api" "$NAME-worker" >/dev/null 2>&1 || true
  if [ -n "$PG_PID" ]; then kill "$PG_PID" 2>/dev/null || true; wait "$PG_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
  exit $status
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() {
  local p
  while :; do
    p=$((20000 + RANDOM % 20000))
    port_free "$p" && { echo "$p"; return; }
  done
}

# ------------------------------------------------------------------ images
"$DOCKER" info >/dev/null 2>&1 || fail "no Docker engine answers ($DOCKER info); start dockerd first"
if ! "$DOCKER" image inspect eclipse-temurin:21-jdk >/dev/null 2>&1 \
   || ! "$DOCKER" image inspect eclipse-temurin:21-jre >/dev/null 2>&1; then
  log "base images missing: building the local stand-ins"
  deploy/docker/standin-base.sh
fi

# The Dockerfiles keep Maven's repository in a BuildKit cache mount (target /root/.m2). Copy this
# machine's repository and Maven wrapper into that mount first: after `./mvnw verify` it holds nearly
# everything the image build needs. Files already in the mount are kept.
seed_maven_cache() {
  local repo wrapper="$HOME/.m2/wrapper"
  repo=$(sed -n 's/.*-Dmaven\.repo\.local=\([^[:space:]]*\).*/\1/p' .mvn/maven.config 2>/dev/null | head -1)
  repo=${repo:-$HOME/.m2/repository}
  for pair in "$repo:repository" "$wrapper:wrapper"; do
    local from=${pair%:*} into=${pair##*:}
    [ -d "$from" ] || continue
    printf 'FROM eclipse-temurin:21-jdk\nRUN --mount=type=cache,target=/root/.m2 --mount=type=bind,target=/seed \\\n    mkdir -p /root/.m2/%s && cp -a -n /seed/. /root/.m2/%s/\n' "$into" "$into" > "$WORK/seed.Dockerfile"
    local seeded
    seeded=$(DOCKER_BUILDKIT=1 "$DOCKER" build -q -f "$WORK/seed.Dockerfile" "$from")
    "$DOCKER" rmi "$seeded" >/dev/null 2>&1 || true # only the cache mount matters, not this image
  done
}
if [ "${SMOKE_SEED:-1}" != 0 ]; then
  log "seeding the image build's Maven cache from this machine's repository"
  seed_maven_cache
fi

for app in api worker; do
  log "building meal-planner-$app:$TAG from deploy/docker/$app.Dockerfile"
  t0=$(date +%s)
  previous=$("$DOCKER" image inspect -f '{{.Id}}' "meal-planner-$app:$TAG" 2>/dev/null || true)
  DOCKER_BUILDKIT=1 "$DOCKER" build --progress=plain -f "deploy/docker/$app.Dockerfile" -t "meal-planner-$app:$TAG" . \
    > "$WORK/build-$app.log" 2>&1 || { tail -40 "$WORK/build-$app.log" >&2; fail "image build of $app"; }
  log "built meal-planner-$app:$TAG in $(($(date +%s) - t0)) s, $("$DOCKER" image inspect -f '{{.Size}}' "meal-planner-$app:$TAG" | awk '{printf "%.0f MB", $1 / 1e6}')"
  if [ -n "$previous" ] && [ "$previous" != "$("$DOCKER" image inspect -f '{{.Id}}' "meal-planner-$app:$TAG")" ]; then
    "$DOCKER" rmi "$previous" >/dev/null 2>&1 || true # the image this tag had before, now untagged
  fi
done

# ------------------------------------------------------------------ PostgreSQL on the host
DB_PORT=$(free_port)
if [ ! -f common/target/launcher.classpath ] || [ ! -d common/target/classes ]; then
  log "building the embedded PostgreSQL launcher (common)"
  ./mvnw -q -B -DskipTests -pl common -am install
fi
log "starting embedded PostgreSQL on $DB_PORT"
java -cp "$ROOT/common/target/classes:$(cat common/target/launcher.classpath)" \
  app.mealplanner.common.local.LocalEnvironment --data "$WORK/data" --port "$DB_PORT" > "$WORK/postgres.log" 2>&1 &
PG_PID=$!
for _ in $(seq 1 240); do
  grep -q '^READY' "$WORK/postgres.log" && break
  kill -0 "$PG_PID" 2>/dev/null || { cat "$WORK/postgres.log" >&2; fail "PostgreSQL did not start"; }
  sleep 0.5
done
grep -q '^READY' "$WORK/postgres.log" || fail "PostgreSQL not ready after 2 minutes"

# The key pair as Kubernetes mounts the meal-planner-jwt Secret: read-only, mode 0440, group = fsGroup.
mkdir -p "$WORK/jwt"
cp "$WORK/data/jwt/public.pem" "$WORK/data/jwt/private.pem" "$WORK/jwt/"
chgrp -R "$APP_UID" "$WORK/jwt"
chmod 0440 "$WORK/jwt/"*.pem
chmod 0750 "$WORK/jwt"
DASHBOARD_PASSWORD=$(cat "$WORK/data/dashboard.password")

# ------------------------------------------------------------------ containers
API_PORT=$(free_port)
WORKER_PORT=$(free_port)
DASHBOARD_PORT=$(free_port)
# as the Deployments run them: image user, read-only root, only /tmp writable (an emptyDir of 128Mi),
# no capabilities, no privilege escalation, the memory limit; host network to reach the database
LOCKED_DOWN=(--network host --read-only --tmpfs /tmp:rw,exec,nosuid,size=128m --cap-drop ALL
  --security-opt no-new-privileges)
DB_ENV=(-e "QUARKUS_DATASOURCE_JDBC_URL=jdbc:postgresql://localhost:$DB_PORT/postgres"
  -e QUARKUS_DATASOURCE_USERNAME=postgres -e QUARKUS_DATASOURCE_PASSWORD=postgres -e LOG_JSON=true)

log "starting the worker container (health $WORKER_PORT, dashboard $DASHBOARD_PORT)"
"$DOCKER" run -d --name "$NAME-worker" "${LOCKED_DOWN[@]}" --memory "$WORKER_MEMORY" --cpus 2 "${DB_ENV[@]}" \
  -e "QUARKUS_HTTP_PORT=$WORKER_PORT" -e "MENU_DASHBOARD_PORT=$DASHBOARD_PORT" \
  -e DASHBOARD_USERNAME=admin -e "DASHBOARD_PASSWORD=$DASHBOARD_PASSWORD" \
  -e "MENU_WORKER_DRAIN_TIME=${WORKER_DRAIN_SECONDS}s" "$WORKER_IMAGE" >/dev/null
log "starting the api container ($API_PORT)"
"$DOCKER" run -d --name "$NAME-api" "${LOCKED_DOWN[@]}" --memory "$API_MEMORY" --cpus 1 "${DB_ENV[@]}" \
  -e "QUARKUS_HTTP_PORT=$API_PORT" \
  -v "$WORK/jwt:/etc/meal-planner/jwt:ro" \
  -e JWT_PUBLIC_KEY_LOCATION=/etc/meal-planner/jwt/public.pem \
  -e JWT_PRIVATE_KEY_LOCATION=/etc/meal-planner/jwt/private.pem "$API_IMAGE" >/dev/null

await_ready() {
  local app=$1 port=$2
  for _ in $(seq 1 240); do
    curl -fsS -o /dev/null "http://localhost:$port/q/health/ready" 2>/dev/null && return 0
    [ "$("$DOCKER" inspect -f '{{.State.Running}}' "$NAME-$app")" = true ] \
      || fail "the $app container exited with $("$DOCKER" inspect -f '{{.State.ExitCode}}' "$NAME-$app")"
    sleep 0.5
  done
  fail "the $app container is not ready after 2 minutes"
}
await_ready worker "$WORKER_PORT"
await_ready api "$API_PORT"
log "both containers ready"

# ------------------------------------------------------------------ one menu through the containers
API="http://localhost:$API_PORT"
json_field() { sed -nE "s/.*\"$1\":\"([^\"]*)\".*/\1/p"; }
CREDENTIALS='{"email":"smoke@example.com","password":"correct horse battery"}'
curl -fsS -o /dev/null -X POST "$API/api/auth/register" -H 'Content-Type: application/json' -d "$CREDENTIALS" \
  || fail "register"
TOKEN=$(curl -fsS -X POST "$API/api/auth/login" -H 'Content-Type: application/json' -d "$CREDENTIALS" | json_field accessToken)
[ -n "$TOKEN" ] || fail "login gave no token"
REQUEST='{"days":3,"meals":["breakfast","lunch","dinner"],"diet":"vegetarian","allergies":["peanuts"]}'
STATUS=$(curl -fsS -w '\n%{http_code}' -X POST "$API/api/menus" -H "Authorization: Bearer $TOKEN" \
  -H 'Content-Type: application/json' -d "$REQUEST")
[ "$(tail -1 <<< "$STATUS")" = 202 ] || fail "POST /api/menus answered $(tail -1 <<< "$STATUS"), not 202"
JOB=$(head -1 <<< "$STATUS" | json_field jobId)
log "menu job $JOB accepted by the api container"
for _ in $(seq 1 120); do
  JOB_STATUS=$(curl -fsS "$API/api/jobs/$JOB" -H "Authorization: Bearer $TOKEN")
  grep -qE '"status":"(SUCCEEDED|FAILED|CANCELLED)"' <<< "$JOB_STATUS" && break
  sleep 0.5
done
grep -q '"status":"SUCCEEDED"' <<< "$JOB_STATUS" || fail "job did not succeed: $JOB_STATUS"
pickup_ms=$(( ($(date -d "$(json_field startedAt <<< "$JOB_STATUS")" +%s%N) \
             - $(date -d "$(json_field createdAt <<< "$JOB_STATUS")" +%s%N)) / 1000000 ))
MENU=$(json_field menuId <<< "$JOB_STATUS")
MENU_BODY=$(curl -fsS "$API/api/menus/$MENU" -H "Authorization: Bearer $TOKEN")
grep -q '"source":"catalog"' <<< "$MENU_BODY" || fail "menu $MENU is not a catalog menu"
[ "$(grep -o '"day":[0-9]*' <<< "$MENU_BODY" | sort -u | wc -l)" = 3 ] || fail "menu $MENU does not have 3 days"
log "the worker container planned menu $MENU (3 days, catalog; started ${pickup_ms} ms after it was accepted)"

DASHBOARD_JOB=$(curl -fsS -u "admin:$DASHBOARD_PASSWORD" "http://localhost:$DASHBOARD_PORT/api/jobs/$JOB")
grep -q '"jobName":"Menu 3d × 3 · vegetarian · catalog"' <<< "$DASHBOARD_JOB" \
  || fail "the dashboard does not show the job's name: $DASHBOARD_JOB"
grep -q '"labels":\["source:catalog","diet:vegetarian","size:medium"\]' <<< "$DASHBOARD_JOB" \
  || fail "the dashboard does not show the job's labels: $DASHBOARD_JOB"
log "the dashboard shows it as \"Menu 3d × 3 · vegetarian · catalog\" [source:catalog, diet:vegetarian, size:medium]"

for app in api worker; do
  log "$app container: $("$DOCKER" stats --no-stream --format '{{.MemUsage}}' "$NAME-$app") memory"
done

# ------------------------------------------------------------------ SIGTERM
stop_within() {
  local app=$1 limit=$2 t0 t1 code
  t0=$(date +%s%N)
  "$DOCKER" stop -t 60 "$NAME-$app" >/dev/null
  t1=$(date +%s%N)
  code=$("$DOCKER" inspect -f '{{.State.ExitCode}}' "$NAME-$app")
  local ms=$(((t1 - t0) / 1000000))
  # 143 = 128 + SIGTERM: the JVM ran its shutdown (Quarkus' hooks) and exited because of the signal
  [ "$code" = 0 ] || [ "$code" = 143 ] || fail "$app exited with $code after SIGTERM"
  [ "$ms" -le $((limit * 1000)) ] || fail "$app took ${ms} ms to stop (limit ${limit} s)"
  "$DOCKER" logs "$NAME-$app" 2>&1 | grep -q 'stopped in' || fail "$app did not log Quarkus' orderly stop"
  if "$DOCKER" logs "$NAME-$app" 2>&1 | grep -qE '"level":"(ERROR|FATAL)"'; then
    "$DOCKER" logs "$NAME-$app" 2>&1 | grep -E '"level":"(ERROR|FATAL)"' | head -5 >&2
    fail "$app logged errors"
  fi
  log "$app stopped on SIGTERM in ${ms} ms (exit $code, limit ${limit} s)"
}
stop_within api "$API_STOP_SECONDS"
stop_within worker "$WORKER_DRAIN_SECONDS"

log "PASSED in $(($(date +%s) - START)) s"
