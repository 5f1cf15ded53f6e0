#!/usr/bin/env bash
# What a NOTIFY in every transaction costs PostgreSQL, apart from everything else in the system: pgbench
# inserts one 300-character row per transaction into three tables that differ only in an AFTER INSERT
# trigger (none, a PL/pgSQL trigger that does nothing, one that calls pg_notify with the row's id), at 1
# and at 16 clients, with a session listening on another channel (as the api's LISTEN connection does).
# Embedded PostgreSQL (the repository's LocalEnvironment, so the same build as the bench) with
# synchronous_commit=off, as the bench's database runs. Writes bench/results/<date>-notify-cost[-n].md.
#   bench/notify-cost.sh             3 rounds of 10 s per table and client count (about 3 minutes)
# Needs pgbench and psql (Debian: postgresql-client) and a build of common (./mvnw -q install -DskipTests).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/find-java.sh
command -v pgbench >/dev/null && command -v psql >/dev/null \
  || { echo "error: needs pgbench and psql (apt-get install postgresql-client)" >&2; exit 1; }
[ -f common/target/launcher.classpath ] \
  || { echo "error: build common first (./mvnw -q -DskipTests install)" >&2; exit 1; }

port=${NOTIFY_COST_PORT:-48650}
rounds=${NOTIFY_COST_ROUNDS:-3}
seconds=${NOTIFY_COST_SECONDS:-10}
data=$(mktemp -d)
log="$data/postgres.log"
cp="common/target/classes:$(cat common/target/launcher.classpath)"
java -Djava.util.logging.manager=org.jboss.logmanager.LogManager -cp "$cp" \
  app.mealplanner.common.local.LocalEnvironment --data "$data" --port "$port" > "$log" 2>&1 &
db=$!
listener=
cleanup() {
  [ -n "$listener" ] && kill "$listener" 2>/dev/null || true
  kill -TERM "$db" 2>/dev/null || true
  wait "$db" 2>/dev/null || true
  rm -rf "$data"
}
trap cleanup EXIT
for _ in $(seq 1 60); do grep -q '^READY' "$log" && break; sleep 1; done
grep -q '^READY' "$log" || { echo "error: PostgreSQL did not start; see $log" >&2; exit 1; }

export PGPASSWORD=postgres
psql_() { psql -h 127.0.0.1 -p "$port" -U postgres -qAtX "$@"; }
psql_ -c "alter system set synchronous_commit = off" -c "select pg_reload_conf()" > /dev/null
psql_ <<'SQL'
create table plain (id uuid primary key, payload text not null);
create table noop_trigger (id uuid primary key, payload text not null);
create table notify_trigger (id uuid primary key, payload text not null);
create function do_nothing() returns trigger language plpgsql as $$ begin return null; end $$;
create function notify_id() returns trigger language plpgsql as $$
begin
    perform pg_notify('bench_wakeup', new.id::text);
    return null;
end $$;
create trigger noop after insert on noop_trigger for each row execute function do_nothing();
create trigger notify after insert on notify_trigger for each row execute function notify_id();
SQL
# a session listening on another channel, as the api's LISTEN connection listens on menu_job_events
printf 'listen bench_other;\nselect pg_sleep(100000);\n' | psql_ > /dev/null 2>&1 &
listener=$!

scripts=$(mktemp -d -p "$data")
declare -A tps
for table in plain noop_trigger notify_trigger; do
  echo "insert into $table values (gen_random_uuid(), repeat('x', 300));" > "$scripts/$table.sql"
done
for round in $(seq 1 "$rounds"); do
  for clients in 1 16; do
    for table in plain noop_trigger notify_trigger; do
      t=$(pgbench -h 127.0.0.1 -p "$port" -U postgres -n -c "$clients" -j 2 -T "$seconds" -f "$scripts/$table.sql" \
          postgres 2>&1 | sed -n -E 's/^tps = ([0-9]+)\..*/\1/p')
      echo "[notify-cost] round $round, $clients client(s), $table: $t tx/s"
      tps[$table,$clients]="${tps[$table,$clients]:+${tps[$table,$clients]}, }$t"
    done
  done
done

day=$(date +%Y-%m-%d)
f="bench/results/$day-notify-cost.md"; n=2
while [ -e "$f" ]; do f="bench/results/$day-notify-cost-$n.md"; n=$((n + 1)); done
{
  echo "# What a NOTIFY in every transaction costs PostgreSQL"
  echo
  echo "One INSERT of a 300-character row per transaction (pgbench, autocommit), into three tables that differ"
  echo "only in an AFTER INSERT trigger; a session listens on another channel. Embedded PostgreSQL"
  echo "($(psql_ -c 'show server_version')), \`synchronous_commit=off\` as in the bench; $rounds rounds of $seconds s each, the"
  echo "tables taking turns within a round."
  echo
  echo "| clients | no trigger (tx/s) | trigger that does nothing | trigger that calls pg_notify |"
  echo "|---|---|---|---|"
  for clients in 1 16; do
    echo "| $clients | ${tps[plain,$clients]} | ${tps[noop_trigger,$clients]} | ${tps[notify_trigger,$clients]} |"
  done
  echo
  echo "PostgreSQL serialises the commits of transactions that notify: before committing, such a transaction"
  echo "takes a heavyweight lock on \"database 0\" (so across the whole server) and holds it until its commit"
  echo "has finished, so that notifications enter the queue in commit order (\`PreCommit_Notify\` in"
  echo "\`src/backend/commands/async.c\`). One client does not feel it; many clients queue behind it."
  echo
  echo "## Machine"
  echo
  echo "- date: $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "- cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs) × $(nproc)"
  echo "- commit: $(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)"
  echo
  echo "## Command"
  echo
  echo '```'
  echo "bench/notify-cost.sh"
  echo '```'
} > "$f"
echo "[notify-cost] wrote $f"
