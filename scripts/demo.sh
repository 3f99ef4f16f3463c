#!/usr/bin/env bash
# Runs tenantgate locally in front of the real Better Auth, for a first look:
#
#   scripts/demo.sh            (Ctrl-C stops everything it started)
#
# 1. installs interop's npm packages when they are missing (npm ci);
# 2. recreates the database tenantgate_demo and starts the real Better Auth (interop/server.mjs, plural-snake
#    tables, seeded with users, organizations and roles by interop/fixtures.mjs) on port 3000, plus the indexes of
#    config/indexes.sql; its identity changes go to NATS through integrations/better-auth-nats;
# 3. starts an echo service on port 9001 that answers with the identity headers it received;
# 4. writes .demo/routes.yml and runs the gateway on port 8080 with ./mvnw -q -pl gateway spring-boot:run;
# 5. prints curl commands with real tokens: an allowed request, a tenant mismatch and a role denial.
#
# Needs Node 20+, npm, Java 17+, curl, and PostgreSQL + Redis (NATS optional) running locally.
# Settings (environment): PGHOST, PGPORT, PGUSER, PGPASSWORD (default 127.0.0.1:5432, postgres, none);
# REDIS_HOST/REDIS_PORT (127.0.0.1:6379); NATS_URL (nats://127.0.0.1:4222; skipped when not reachable);
# AUTH_PORT (3000), ECHO_PORT (9001), GATEWAY_PORT (8080), MANAGEMENT_PORT (9000: the gateway's health and
# metrics), DEMO_DB (tenantgate_demo).
# Maven options go in MAVEN_ARGS (e.g. MAVEN_ARGS=-o when offline). Logs are in .demo/*.log.
set -euo pipefail
set -m # every background job gets its own process group, so that stopping it also stops its children

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEMO="$ROOT/.demo"
DB="${DEMO_DB:-tenantgate_demo}"
AUTH_PORT="${AUTH_PORT:-3000}"
ECHO_PORT="${ECHO_PORT:-9001}"
GATEWAY_PORT="${GATEWAY_PORT:-8080}"
MANAGEMENT_PORT="${MANAGEMENT_PORT:-9000}"
export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-postgres}" PGPASSWORD="${PGPASSWORD:-}"
REDIS_HOST="${REDIS_HOST:-127.0.0.1}"
REDIS_PORT="${REDIS_PORT:-6379}"
NATS_URL="${NATS_URL:-nats://127.0.0.1:4222}"

say() { printf 'demo: %s\n' "$*"; }
die() { printf 'demo: %s\n' "$*" >&2; exit 1; }
need() { command -v "$1" >/dev/null 2>&1 || die "$1 is required but not installed"; }
listening() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

need node
need npm
need java
need curl
listening "$PGHOST" "$PGPORT" || die "PostgreSQL is not reachable at $PGHOST:$PGPORT"
listening "$REDIS_HOST" "$REDIS_PORT" || die "Redis is not reachable at $REDIS_HOST:$REDIS_PORT"
for port in "$AUTH_PORT" "$ECHO_PORT" "$GATEWAY_PORT" "$MANAGEMENT_PORT"; do
  listening 127.0.0.1 "$port" && die "port $port is already in use (set AUTH_PORT, ECHO_PORT, GATEWAY_PORT or MANAGEMENT_PORT)"
done
nats_hostport="${NATS_URL#*://}"
nats_hostport="${nats_hostport%%/*}"
if listening "${nats_hostport%:*}" "${nats_hostport##*:}"; then
  use_nats=1
else
  use_nats=
  say "NATS is not reachable at $NATS_URL: running without it (role changes reach the gateway when its caches expire)"
fi

pids=()
cleanup() {
  trap - EXIT INT TERM
  ((${#pids[@]})) || return 0
  say "stopping"
  local pid
  for pid in "${pids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
  for _ in $(seq 1 100); do
    local alive=
    for pid in "${pids[@]}"; do kill -0 -- "-$pid" 2>/dev/null && alive=1; done
    [[ -z $alive ]] && break
    sleep 0.1
  done
  for pid in "${pids[@]}"; do kill -KILL -- "-$pid" 2>/dev/null || true; done
  say "stopped"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# wait_for <what> <seconds> <pid> <command...>: until the command succeeds, the process dies, or time runs out
wait_for() {
  local what="$1" seconds="$2" pid="$3"
  shift 3
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    kill -0 "$pid" 2>/dev/null || die "$what stopped; see its log in .demo/"
    ((SECONDS < deadline)) || die "$what did not start within ${seconds}s; see its log in .demo/"
    sleep 0.3
  done
}

mkdir -p "$DEMO"
rm -f "$DEMO/better-auth.log" "$DEMO/echo.log" "$DEMO/gateway.log" "$DEMO/fixtures.json"

# 1. npm packages
if [[ ! -d "$ROOT/interop/node_modules" ]]; then
  say "installing interop's npm packages (npm ci)"
  (cd "$ROOT/interop" && npm ci --no-audit --no-fund)
fi

# 2. database and the real Better Auth
say "recreating database $DB"
(cd "$ROOT/interop" && node demo-support.mjs reset-db "$DB")
say "starting Better Auth on port $AUTH_PORT (log: .demo/better-auth.log)"
(
  cd "$ROOT/interop"
  export PRESET=plural-snake PORT="$AUTH_PORT" SEED=1 FIXTURES_OUT="$DEMO/fixtures.json"
  export DATABASE_URL="postgres://$PGUSER${PGPASSWORD:+:$PGPASSWORD}@$PGHOST:$PGPORT/$DB"
  # identity changes go to NATS through the project's publisher package (integrations/better-auth-nats)
  if [[ -n $use_nats ]]; then export NATS_URL PUBLISHER=package; else unset NATS_URL; fi
  exec node server.mjs
) >"$DEMO/better-auth.log" 2>&1 &
pids+=($!)
wait_for "Better Auth" 120 "${pids[-1]}" grep -q '^READY ' "$DEMO/better-auth.log"
(cd "$ROOT/interop" && node demo-support.mjs indexes "$DB")

# 3. the echo downstream
say "starting the echo service on port $ECHO_PORT (log: .demo/echo.log)"
(cd "$ROOT/interop" && PORT="$ECHO_PORT" exec node echo.mjs) >"$DEMO/echo.log" 2>&1 &
pids+=($!)
wait_for "echo service" 30 "${pids[-1]}" grep -q '^READY ' "$DEMO/echo.log"

# 4. the gateway
(cd "$ROOT/interop" && node demo-support.mjs routes "$DEMO/routes.yml" "http://127.0.0.1:$ECHO_PORT")
say "starting the gateway on port $GATEWAY_PORT with ./mvnw -q -pl gateway spring-boot:run (log: .demo/gateway.log)"
say "the first run downloads Maven and the dependencies; that can take a few minutes"
(
  cd "$ROOT"
  export TENANTGATE_PORT="$GATEWAY_PORT" TENANTGATE_MANAGEMENT_PORT="$MANAGEMENT_PORT"
  export TENANTGATE_DB_URL="r2dbc:postgresql://$PGHOST:$PGPORT/$DB" TENANTGATE_DB_USER="$PGUSER" TENANTGATE_DB_PASSWORD="$PGPASSWORD"
  export TENANTGATE_REDIS_HOST="$REDIS_HOST" TENANTGATE_REDIS_PORT="$REDIS_PORT"
  export TENANTGATE_JWKS_URI="http://127.0.0.1:$AUTH_PORT/api/auth/jwks"
  export TENANTGATE_ISSUER="http://127.0.0.1:$AUTH_PORT" TENANTGATE_AUDIENCE="http://127.0.0.1:$AUTH_PORT"
  export TENANTGATE_ALGORITHMS="EdDSA,RS256,ES256" TENANTGATE_SCHEMA_PRESET=plural-snake
  export TENANTGATE_ROUTES_FILE="file:$DEMO/routes.yml"
  if [[ -n $use_nats ]]; then export TENANTGATE_NATS_URL="$NATS_URL"; fi
  exec ./mvnw -q -pl gateway spring-boot:run
) >"$DEMO/gateway.log" 2>&1 &
pids+=($!)
wait_for "the gateway" 600 "${pids[-1]}" curl -fsS "http://127.0.0.1:$MANAGEMENT_PORT/actuator/health/readiness"

# 5. what to try
say "ready: Better Auth http://127.0.0.1:$AUTH_PORT, echo http://127.0.0.1:$ECHO_PORT, gateway http://127.0.0.1:$GATEWAY_PORT (health and metrics: http://127.0.0.1:$MANAGEMENT_PORT/actuator)"
(cd "$ROOT/interop" && node demo-support.mjs curls "$DEMO/fixtures.json" "http://127.0.0.1:$GATEWAY_PORT")
say "press Ctrl-C to stop everything"
wait "${pids[-1]}" || true
say "the gateway stopped; last lines of .demo/gateway.log:"
tail -n 20 "$DEMO/gateway.log" >&2
exit 1
