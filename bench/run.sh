#!/usr/bin/env bash
# The benchmarks of docs/benchmarks.md, in one command from the repository root:
#
#   bench/run.sh          HTTP scenarios with wrk, then the JMH decision path and the cache footprint (~20-30 min)
#   bench/run.sh http     only the HTTP scenarios
#   bench/run.sh jmh      only JMH and the cache footprint (needs Redis; no database)
#   bench/run.sh serve    starts everything the HTTP scenarios use and waits (for profiling and experiments)
#   bench/run.sh routes   only the route-count scenario (~10 min, below)
#
# HTTP: installs wrk and nginx (Debian packages) when missing; builds the gateway and bench/ (./mvnw -P bench);
# recreates the database tenantgate_bench with Better Auth's tables (db/plural-snake.sql from the gateway's
# resources), config/indexes.sql and bench/seed.sql; runs nginx as the downstream (a fixed 12-byte body) and as the
# JWKS server; starts plain Spring Cloud Gateway (bench/plain-scg) twice (as it is, and with the floor filter: the
# least an authorizing filter does), the Spring Security baseline (bench/security-scg) and tenantgate twice (default
# settings, and with the in-process role cache off); mints the tokens once they are up (bench/tools/mint.mjs);
# primes all at once for 30 s, then each gateway alone (-t2 -c32,
# per request file, in 10 s rounds until its JIT compilers are quiet; tenantgate's PostgreSQL-tier path on a new slice
# of cold users each round, at most 3); then, for each scenario, wrk -t2 -c32 --latency for 15 s of warm-up and 15 s
# measured; then three latency rounds, each with one-connection runs (-t1 -c1, 6 s) and paced runs (-t2 -c16, a 20 ms
# pause per connection after each response, 10 s) of plain SCG and the three tenantgate tiers in turn (the order
# reversed every round), each after 3 s of the same load, for the latency each tier adds: the median over the rounds
# does not depend on the machine keeping one speed for the whole run;
# then six alternating rounds (10 s each, -t2 -c32) of plain SCG, the floor and tenantgate warm EdDSA, whose median
# ratios do not depend on the machine keeping one speed for the whole run.
# Two rows about churn: tg-warm-eddsa-pre-start is the warm EdDSA row with tokens issued before the gateways started
# (as every token is, for a token lifetime after a restart or a rolling deploy); tg-nats-reconnect, run last (on a
# gateway that distrusts older claims after a reconnect, it changes what every later run measures), is the warm
# EdDSA load while tenantgate's NATS connection, which goes through a TCP proxy (bench/tools/tcp-proxy.mjs), is cut
# BENCH_NATS_CUT_AFTER (3 s) into the measured run for BENCH_NATS_CUT (2 s) and restored: its requests/s and non-2xx
# over the whole run, and the PostgreSQL reads the gateway made meanwhile (its tenantgate_role_lookups_total and
# tenantgate_role_refreshes_total for the postgres tier) per distinct key in use.
# Prints the tables (bench/tools/report.mjs); everything lands in bench/target/run/.
#
# Needs Java 17, Node 20, psql, redis-cli, curl, and PostgreSQL, Redis and NATS on localhost (as for ./mvnw verify).
# Settings (environment): PGHOST, PGPORT, PGUSER, PGPASSWORD (127.0.0.1, 5432, postgres, none); REDIS_HOST,
# REDIS_PORT (127.0.0.1, 6379); NATS_URL (nats://127.0.0.1:4222); BENCH_DB (tenantgate_bench);
# BENCH_THREADS (2), BENCH_CONNECTIONS (32), BENCH_WARMUP (15s), BENCH_DURATION (15s), BENCH_C1_DURATION (6s),
# BENCH_PACED_DURATION (10s), BENCH_LATENCY_WARMUP (3s: the same load, unmeasured, before each of those),
# BENCH_PRIME_EACH (10s) and BENCH_PRIME_ROUNDS (8): each gateway alone, per request file, in rounds of
# BENCH_PRIME_EACH until its JIT compilers take at most 3 % of its CPU, BENCH_PRIME (30s: all at once);
# BENCH_LATENCY_ROUNDS (3): the latency rounds; BENCH_ROUNDS (6) and BENCH_ROUND_DURATION (10s): the alternating
# rounds of plain SCG, the floor and tenantgate (0: none);
# BENCH_JAVA_OPTS (-Xms1g -Xmx1g, the same for every gateway); BENCH_PROFILE="<scenario label> ..." records those
# scenarios' measured runs with JFR and prints the hottest frames; BENCH_SCENARIOS (labels, in order; default all)
# and BENCH_SKIP_LATENCY=1 (no one-connection and paced runs) run a subset (the tables then lack rows);
# BENCH_SKIP_BUILD=1 reuses the jars; BENCH_START_TIMEOUT (120): seconds each gateway may take to start (more on a
# machine that other work keeps busy);
# BENCH_TENANTGATE_ARGS: extra arguments for both tenantgate instances (e.g. --some.property=value, for
# experiments); MAVEN_ARGS (e.g. -o). Ports 18081-18096 and 18105 must be free.
#
# Route count (bench/run.sh routes, issue 27): the cost of finding the route as routes.yml grows. nginx, the database
# (warm users only) and tenantgate four times, with the same matched route (orders, GET for viewers, the warm RS256
# requests): first in its routes.yml, behind 100 and behind 1,000 routes that never match
# (/api/orgs/{orgId}/svcN/**), and behind 1,000 with the route index switched off
# (--tenantgate.indexed-route-lookup=false: Spring Cloud Gateway's own look-up, each route's predicate in turn, for
# reference). Each is primed alone until its JIT compilers are quiet, then measured in BENCH_ROUTE_ROUNDS (6)
# alternating rounds of BENCH_ROUND_DURATION (-t$BENCH_THREADS -c$BENCH_CONNECTIONS), the order reversed every round;
# the report gives each round's ratio to the route-first instance and the median. BENCH_ROUTE_SCAN=0 leaves out the
# instance with the index off. BENCH_TENANTGATE_ARGS applies to these instances too. Ports 18081-18082 (nginx:
# BENCH_DOWNSTREAM_PORT, BENCH_JWKS_PORT) and 18097-18104 must be free.
set -euo pipefail
set -m # every background job gets its own process group, so that stopping it also stops its children

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$(pwd)"
WORK="$ROOT/bench/target/run"
MODE="${1:-all}"

export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-postgres}" PGPASSWORD="${PGPASSWORD:-}"
REDIS_HOST="${REDIS_HOST:-127.0.0.1}"
REDIS_PORT="${REDIS_PORT:-6379}"
NATS_URL="${NATS_URL:-nats://127.0.0.1:4222}"
DB="${BENCH_DB:-tenantgate_bench}"
THREADS="${BENCH_THREADS:-2}"
CONNECTIONS="${BENCH_CONNECTIONS:-32}"
WARMUP="${BENCH_WARMUP:-15s}"
DURATION="${BENCH_DURATION:-15s}"
C1_DURATION="${BENCH_C1_DURATION:-6s}"
PACED_DURATION="${BENCH_PACED_DURATION:-10s}"
LATENCY_WARMUP="${BENCH_LATENCY_WARMUP:-3s}"
PACE=20
PRIME="${BENCH_PRIME:-30s}"
PRIME_EACH="${BENCH_PRIME_EACH:-10s}"
PRIME_ROUNDS="${BENCH_PRIME_ROUNDS:-8}"
ROUNDS="${BENCH_ROUNDS:-6}"
LATENCY_ROUNDS="${BENCH_LATENCY_ROUNDS:-3}"
ROUND_DURATION="${BENCH_ROUND_DURATION:-10s}"
SCENARIOS="${BENCH_SCENARIOS:-direct plain-scg spring-security tg-warm-rs256 tg-warm-eddsa tg-warm-eddsa-pre-start tg-mix-20pct-denied tg-redis-tier tg-postgres-tier tg-nats-reconnect}"
START_TIMEOUT="${BENCH_START_TIMEOUT:-120}"
NATS_CUT_AFTER="${BENCH_NATS_CUT_AFTER:-3}"
NATS_CUT="${BENCH_NATS_CUT:-2}"
JAVA_OPTS="${BENCH_JAVA_OPTS:--Xms1g -Xmx1g}"
PROFILE="${BENCH_PROFILE:-}"
ISSUER="http://better-auth.bench"
AUDIENCE="http://better-auth.bench"
DOWNSTREAM_PORT="${BENCH_DOWNSTREAM_PORT:-18081}"
JWKS_PORT="${BENCH_JWKS_PORT:-18082}"
PLAIN_PORT=18090
FLOOR_PORT=18096
SECURITY_PORT=18091
TG_PORT=18092
TG_REDIS_PORT=18093
# tenantgate's actuator on a port of its own, as deploy/kubernetes runs it: its request mappings are then not
# consulted for every proxied request (they cost 2-3 us per request on the traffic port).
TG_MANAGEMENT_PORT=18094
TG_REDIS_MANAGEMENT_PORT=18095
# tenantgate :$TG_PORT reaches NATS through this proxy, which the NATS reconnect row cuts and restores.
NATS_PROXY_PORT=18105
# The route-count instances (bench/run.sh routes): "<name>:<port>:<management port>:<routes before the match>:<index>"
ROUTE_ROUNDS="${BENCH_ROUTE_ROUNDS:-6}"
ROUTE_INSTANCES=("routes0:18097:18101:0:on" "routes100:18098:18102:100:on" "routes1000:18099:18103:1000:on")
[[ ${BENCH_ROUTE_SCAN:-1} == 0 ]] || ROUTE_INSTANCES+=("routes1000-scan:18100:18104:1000:off")
# Data: warm users and organizations for the warm scenarios; cold users (one membership each) so that every request
# of the PostgreSQL-tier runs is a user and a membership no cache has seen: each priming round of that path, the
# warm-up, the measured run and the one-connection and paced runs of each latency round get their own slice, larger
# than the requests they can send.
WARM_USERS=1000
ORGS=1000
COLD_PRIME_ROUNDS=3
COLD_SLICES="prime1=30000 prime2=30000 prime3=30000 warmup=40000 measured=60000"
for ((round = 1; round <= LATENCY_ROUNDS; round++)); do COLD_SLICES+=" c1r$round=12000 pacedr$round=12000"; done
COLD_USERS=$((0$(echo " $COLD_SLICES" | sed 's/ [a-z0-9]*=/+/g')))
REDIS_PREFIX="tgbench-$$-$(date +%s)"

say() { printf 'bench: %s\n' "$*"; }
die() { printf 'bench: %s\n' "$*" >&2; exit 1; }
need() { command -v "$1" >/dev/null 2>&1 || die "$1 is required but not installed"; }
listening() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

pids=()
cleanup() {
  trap - EXIT INT TERM
  if ((${#pids[@]})); then
    say "stopping what it started"
    local pid
    for pid in "${pids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
    for _ in $(seq 1 100); do
      local alive=
      for pid in "${pids[@]}"; do kill -0 -- "-$pid" 2>/dev/null && alive=1; done
      [[ -z $alive ]] && break
      sleep 0.1
    done
    for pid in "${pids[@]}"; do kill -KILL -- "-$pid" 2>/dev/null || true; done
  fi
  if [[ -n ${redis_used:-} ]]; then
    # Only this run's keys: every key the gateways wrote carries this run's prefix.
    redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" --scan --pattern "$REDIS_PREFIX:*" \
      | head -n 1000000 | xargs -r -n 1000 redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" unlink >/dev/null || true
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# start <name> <command...>: in the background, in its own process group, output in $WORK/<name>.log
start() {
  local name="$1"
  shift
  "$@" >"$WORK/$name.log" 2>&1 &
  pids+=("$!")
  eval "pid_${name//-/_}=$!"
}

# wait_for <what> <seconds> <pid> <command...>: until the command succeeds, the process dies, or time runs out
wait_for() {
  local what="$1" seconds="$2" pid="$3"
  shift 3
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    kill -0 "$pid" 2>/dev/null || die "$what stopped; see its log in bench/target/run/"
    ((SECONDS < deadline)) || die "$what did not come up within ${seconds}s; see its log in bench/target/run/"
    sleep 0.3
  done
}

install_tools() {
  local missing=()
  command -v wrk >/dev/null 2>&1 || missing+=(wrk)
  command -v nginx >/dev/null 2>&1 || [[ -x /usr/sbin/nginx ]] || missing+=(nginx-light)
  ((${#missing[@]})) || return 0
  [[ $(id -u) == 0 ]] || die "install ${missing[*]} first (Debian packages), e.g. sudo apt-get install ${missing[*]}"
  say "installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null \
    || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
      --no-install-recommends "${missing[@]}" >/dev/null; }
}

build() {
  if [[ -n ${built:-} || (-n ${BENCH_SKIP_BUILD:-} && -f gateway/target/tenantgate-gateway.jar \
    && -f bench/jmh/target/classpath.txt) ]]; then
    return 0
  fi
  built=1
  say "building the gateway and bench/ (./mvnw -P bench -DskipTests package)"
  # shellcheck disable=SC2086
  ./mvnw -B -q ${MAVEN_ARGS:-} -P bench -DskipTests package
}

create_database() {
  say "creating database $DB: Better Auth tables, indexes, $WARM_USERS warm + $COLD_USERS cold users and members"
  psql -q -v ON_ERROR_STOP=1 -d postgres -c "drop database if exists $DB" -c "create database $DB" >/dev/null
  local schema
  for schema in gateway/src/main/resources/db/plural-snake.sql gateway/src/test/resources/db/plural-snake.sql ""; do
    [[ -z $schema || -f $schema ]] && break
  done
  [[ -n $schema ]] || die "Better Auth's schema (db/plural-snake.sql) is not in gateway/src"
  psql -q -v ON_ERROR_STOP=1 -d "$DB" -f "$schema" >/dev/null
  psql -q -v ON_ERROR_STOP=1 -d "$DB" -f config/indexes.sql >/dev/null
  psql -q -v ON_ERROR_STOP=1 -d "$DB" -v warm_users="$WARM_USERS" -v cold_users="$COLD_USERS" -v orgs="$ORGS" \
    -f bench/seed.sql >/dev/null
}

start_nginx() {
  mkdir -p "$WORK/nginx"
  cat >"$WORK/nginx/nginx.conf" <<EOF
daemon off;
worker_processes 1;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $WORK/nginx/body;
  proxy_temp_path $WORK/nginx/proxy;
  fastcgi_temp_path $WORK/nginx/fastcgi;
  uwsgi_temp_path $WORK/nginx/uwsgi;
  scgi_temp_path $WORK/nginx/scgi;
  keepalive_requests 10000000;
  keepalive_timeout 300s;
  server {
    listen 127.0.0.1:$DOWNSTREAM_PORT;
    location / { default_type application/json; return 200 '{"ok":true}\n'; }
  }
  server {
    listen 127.0.0.1:$JWKS_PORT;
    location = /jwks { default_type application/json; alias $WORK/jwks.json; }
  }
}
EOF
  start nginx "$(command -v nginx || echo /usr/sbin/nginx)" -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" \
    -e "$WORK/nginx/error.log"
  wait_for nginx 10 "$pid_nginx" curl -fsS "http://127.0.0.1:$JWKS_PORT/jwks"
}

start_gateways() {
  cat >"$WORK/routes.yml" <<EOF
# bench/run.sh: the benchmark's routes, every one to the nginx downstream.
routes:
  - id: orders
    uri: http://127.0.0.1:$DOWNSTREAM_PORT
    path: /api/orgs/{orgId}/orders/**
    rules:
      GET: { min-role: viewer }
      POST: { roles: [owner, admin, staff] }
      DELETE: { min-role: admin }
  - id: billing
    uri: http://127.0.0.1:$DOWNSTREAM_PORT
    path: /api/orgs/{orgId}/billing/**
    rules:
      "*": { min-role: owner }
EOF
  local common=(BENCH_DOWNSTREAM_URI="http://127.0.0.1:$DOWNSTREAM_PORT" BENCH_JWKS_URI="http://127.0.0.1:$JWKS_PORT/jwks"
    BENCH_ISSUER="$ISSUER" BENCH_AUDIENCE="$AUDIENCE")
  local tenantgate=(TENANTGATE_DB_URL="r2dbc:postgresql://$PGHOST:$PGPORT/$DB" TENANTGATE_DB_USER="$PGUSER"
    TENANTGATE_DB_PASSWORD="$PGPASSWORD" TENANTGATE_REDIS_HOST="$REDIS_HOST" TENANTGATE_REDIS_PORT="$REDIS_PORT"
    TENANTGATE_JWKS_URI="http://127.0.0.1:$JWKS_PORT/jwks" TENANTGATE_ISSUER="$ISSUER" TENANTGATE_AUDIENCE="$AUDIENCE"
    TENANTGATE_ALGORITHMS=EdDSA,RS256 TENANTGATE_ROUTES_FILE="file:$WORK/routes.yml" TENANTGATE_NATS_URL="$NATS_URL"
    TENANTGATE_ROLES_REDIS_MEMBERSHIPPREFIX="$REDIS_PREFIX:perm:" TENANTGATE_ROLES_REDIS_USERPREFIX="$REDIS_PREFIX:perm-user:"
    TENANTGATE_ROLES_REDIS_CHANGEPREFIX="$REDIS_PREFIX:perm-chg:")
  redis_used=1
  start nats-proxy node bench/tools/tcp-proxy.mjs "$NATS_PROXY_PORT" "$(echo "$NATS_URL" | sed 's|^[a-z]*://||; s|/.*$||')"
  wait_for "the NATS proxy" 10 "$pid_nats_proxy" listening 127.0.0.1 "$NATS_PROXY_PORT"
  say "starting plain SCG :$PLAIN_PORT, Spring Security :$SECURITY_PORT, tenantgate :$TG_PORT and :$TG_REDIS_PORT (in-process cache off)"
  # shellcheck disable=SC2086
  {
    start plain-scg env "${common[@]}" BENCH_PORT=$PLAIN_PORT java $JAVA_OPTS -jar bench/plain-scg/target/plain-scg.jar
    # The same gateway with the least work an authorizing filter does (FloorAuthorizationFilter): a measuring
    # device for the alternating rounds, never a scenario of its own.
    start floor-scg env "${common[@]}" BENCH_PORT=$FLOOR_PORT java $JAVA_OPTS -jar bench/plain-scg/target/plain-scg.jar \
      --bench.floor=true
    start security-scg env "${common[@]}" BENCH_PORT=$SECURITY_PORT java $JAVA_OPTS -jar bench/security-scg/target/security-scg.jar
    start tenantgate env "${tenantgate[@]}" TENANTGATE_PORT=$TG_PORT MANAGEMENT_SERVER_PORT=$TG_MANAGEMENT_PORT \
      TENANTGATE_NATS_URL="nats://127.0.0.1:$NATS_PROXY_PORT" java $JAVA_OPTS -jar gateway/target/tenantgate-gateway.jar ${BENCH_TENANTGATE_ARGS:-}
    start tenantgate-redis env "${tenantgate[@]}" TENANTGATE_PORT=$TG_REDIS_PORT \
      MANAGEMENT_SERVER_PORT=$TG_REDIS_MANAGEMENT_PORT TENANTGATE_ROLES_LOCAL_MAXIMUMSIZE=0 \
      java $JAVA_OPTS -jar gateway/target/tenantgate-gateway.jar ${BENCH_TENANTGATE_ARGS:-}
  }
  wait_for "plain SCG" "$START_TIMEOUT" "$pid_plain_scg" listening 127.0.0.1 "$PLAIN_PORT"
  wait_for "plain SCG with the floor filter" "$START_TIMEOUT" "$pid_floor_scg" listening 127.0.0.1 "$FLOOR_PORT"
  wait_for "Spring Security gateway" "$START_TIMEOUT" "$pid_security_scg" listening 127.0.0.1 "$SECURITY_PORT"
  # Role claims count only in tokens issued after the gateway subscribed to the change events.
  wait_for tenantgate "$START_TIMEOUT" "$pid_tenantgate" grep -q "Listening for identity changes" "$WORK/tenantgate.log"
  wait_for "tenantgate (cache off)" "$START_TIMEOUT" "$pid_tenantgate_redis" grep -q "Listening for identity changes" \
    "$WORK/tenantgate-redis.log"
  wait_for tenantgate 30 "$pid_tenantgate" listening 127.0.0.1 "$TG_PORT"
  wait_for "tenantgate (cache off)" 30 "$pid_tenantgate_redis" listening 127.0.0.1 "$TG_REDIS_PORT"
  # A claim is checked against the changes this instance heard itself only in tokens issued one clock tolerance
  # (tenantgate.roles.redis.clock-tolerance, 1 s) after the subscription; iat has whole seconds. Before that, each
  # request looks the change times up in the in-process mirror of Redis's, which is the case for at most a token's
  # lifetime after an instance starts, not the steady state the warm rows measure.
  sleep 2.2
}

# wrk_run <label> <port> <requests file> <threads> <connections> <duration> [pause ms]
wrk_run() {
  local label="$1" port="$2" file="$3" threads="$4" connections="$5" duration="$6" pause="${7:-}"
  # shellcheck disable=SC2086
  wrk -t"$threads" -c"$connections" -d"$duration" --latency -s bench/wrk/rotate.lua "http://127.0.0.1:$port" \
    -- "$WORK/$file" "$threads" "$label" $pause >"$WORK/wrk-$label.txt" 2>&1 \
    || die "wrk failed: $(tail -3 "$WORK/wrk-$label.txt")"
  grep '^BENCH-RESULT ' "$WORK/wrk-$label.txt" >>"$WORK/results.txt"
}

# latency_run <label> <port> <requests file> <warm-up file> <threads> <connections> <duration> [pause ms]: the same
# load for $LATENCY_WARMUP (not measured), then the measured run. A gateway idle for longer than its in-process TTL
# (10 s) would otherwise answer the first request of each warm user from Redis: the runs before, on other rows or
# with cold users, leave it idle or fill its cache with others. The cold rows warm up on cold-warmup.txt, whose
# users were read long before, so the measured run still finds its own users in no cache.
latency_run() {
  local label="$1" port="$2" file="$3" warmup="$4" threads="$5" connections="$6" duration="$7" pause="${8:-}"
  # shellcheck disable=SC2086
  wrk -t"$threads" -c"$connections" -d"$LATENCY_WARMUP" -s bench/wrk/rotate.lua "http://127.0.0.1:$port" \
    -- "$WORK/$warmup" "$threads" "warmup-$label" $pause >"$WORK/wrk-warmup-$label.txt" 2>&1 \
    || die "wrk failed: $(tail -3 "$WORK/wrk-warmup-$label.txt")"
  wrk_run "$label" "$port" "$file" "$threads" "$connections" "$duration" "$pause"
}

# tenantgate's answers per tier so far (its Prometheus counters), one "<kind>/<tier> <count>" per line
tier_counts() {
  local management=$TG_MANAGEMENT_PORT
  [[ $1 == "$TG_REDIS_PORT" ]] && management=$TG_REDIS_MANAGEMENT_PORT
  curl -fsS "http://127.0.0.1:$management/actuator/prometheus" 2>/dev/null \
    | sed -n 's/^tenantgate_role_lookups_total{.*kind="\([a-z]*\)".*tier="\([a-z]*\)".*} \([0-9.E+]*\)$/\1\/\2 \3/p;
             s/^tenantgate_role_refreshes_total{.*kind="\([a-z]*\)".*tier="\([a-z]*\)".*} \([0-9.E+]*\)$/\1\/refresh-\2 \3/p;
             s/^tenantgate_role_lookup_failures_total{.*kind="\([a-z]*\)".*} \([0-9.E+]*\)$/\1\/failed \2/p' || true
}

# tier_delta <label> <before> <after>: a BENCH-TIERS line with the answers per tier during the measured run
tier_delta() {
  awk -v label="$1" 'NR == FNR { before[$1] = $2; next }
    { n = $2 - before[$1]; if (n > 0) line = line " " $1 "=" sprintf("%d", n) }
    END { print "BENCH-TIERS label=" label line }' <(echo "$2") <(echo "$3")
}

# measure <label> <port> <requests file> <duration>: a measured run (-t$THREADS -c$CONNECTIONS) with the server's CPU,
# and two counts that do not depend on the machine's speed: the server's context switches (thread wake-ups and
# preemptions) and the commands Redis processed (the gateway's lookups and fills; the scripts' own commands included)
measure() {
  local label="$1" port="$2" server ticks threads switches commands
  server="$(server_pid "$port")"
  ticks="$(group_ticks "$server")"
  threads="$(thread_ticks "$server")"
  switches="$(group_switches "$server")"
  commands="$(redis_commands)"
  wrk_run "$label" "$port" "$3" "$THREADS" "$CONNECTIONS" "$4"
  echo "BENCH-CPU label=$label ticks=$(($(group_ticks "$server") - ticks)) hz=$(getconf CLK_TCK)" >>"$WORK/results.txt"
  # The second INFO counts the first one: hence the 1.
  echo "BENCH-COUNTS label=$label context_switches=$(($(group_switches "$server") - switches))" \
    "redis_commands=$(($(redis_commands) - commands - 1))" >>"$WORK/results.txt"
  thread_delta "$label" "$threads" "$(thread_ticks "$server")" >>"$WORK/results.txt"
}

# alternating_rounds: plain SCG, the floor (plain SCG with FloorAuthorizationFilter) and tenantgate (warm, EdDSA)
# measured in turns, the order reversed every round, so that a machine getting faster or slower during the run
# weighs on all alike
alternating_rounds() {
  local round label order
  say "alternating rounds: plain SCG, the floor and tenantgate warm EdDSA, $ROUNDS rounds of $ROUND_DURATION each" \
    "(-t$THREADS -c$CONNECTIONS), the order reversed every round"
  for ((round = 1; round <= ROUNDS; round++)); do
    order=(plain-scg floor-scg tg-warm-eddsa)
    ((round % 2)) || order=(tg-warm-eddsa floor-scg plain-scg)
    for label in "${order[@]}"; do
      case "$label" in
        plain-scg) measure "round$round-$label" "$PLAIN_PORT" warm-rs256.txt "$ROUND_DURATION" ;;
        floor-scg) measure "round$round-$label" "$FLOOR_PORT" warm-eddsa.txt "$ROUND_DURATION" ;;
        tg-warm-eddsa) measure "round$round-$label" "$TG_PORT" warm-eddsa.txt "$ROUND_DURATION" ;;
      esac
    done
    grep -E "^BENCH-RESULT label=round$round-" "$WORK/results.txt" | sed 's/^BENCH-[A-Z]* /bench:   /'
  done
}

# latency_rounds: one-connection and paced runs of plain SCG and the three tenantgate tiers, $LATENCY_ROUNDS rounds,
# the order reversed every round. A tail measured minutes away from plain SCG's moves with whatever else the machine
# does meanwhile; the report takes each round's difference to plain SCG, then the median over the rounds.
latency_rounds() {
  local round mode threads connections duration pause row rows port file warmup
  for mode in c1 paced; do
    if [[ $mode == c1 ]]; then
      threads=1 connections=1 duration="$C1_DURATION" pause=
      say "one connection, $LATENCY_ROUNDS rounds of $C1_DURATION per row (-t1 -c1), each after $LATENCY_WARMUP of the" \
        "same load: the latency each tier adds"
    else
      threads=2 connections=16 duration="$PACED_DURATION" pause="$PACE"
      say "paced, $LATENCY_ROUNDS rounds of $PACED_DURATION per row (-t2 -c16, $PACE ms pause after each response), each" \
        "after $LATENCY_WARMUP of the same load: the same load for every row"
    fi
    for ((round = 1; round <= LATENCY_ROUNDS; round++)); do
      rows=(plain-scg tg-warm-eddsa tg-redis-tier tg-postgres-tier)
      ((round % 2)) || rows=(tg-postgres-tier tg-redis-tier tg-warm-eddsa plain-scg)
      for row in "${rows[@]}"; do
        case "$row" in
          plain-scg) port=$PLAIN_PORT file=warm-rs256.txt warmup=warm-rs256.txt ;;
          tg-warm-eddsa) port=$TG_PORT file=warm-eddsa.txt warmup=warm-eddsa.txt ;;
          tg-redis-tier) port=$TG_REDIS_PORT file=lookup.txt warmup=lookup.txt ;;
          tg-postgres-tier) port=$TG_PORT file="cold-${mode}r$round.txt" warmup=cold-warmup.txt ;;
        esac
        # shellcheck disable=SC2086
        latency_run "${mode}r$round-$row" "$port" "$file" "$warmup" "$threads" "$connections" "$duration" $pause
      done
      grep -E "^BENCH-RESULT label=${mode}r$round-" "$WORK/results.txt" | sed 's/^BENCH-[A-Z]* /bench:   /'
    done
  done
}

# scenario <label> <port> <requests file> [warm-up requests file]: the warm-up, then the measured run
scenario() {
  local label="$1" port="$2" file="$3" warmup_file="${4:-$3}" before=
  say "$label: warm-up $WARMUP, then $DURATION measured (-t$THREADS -c$CONNECTIONS)"
  wrk_run "warmup-$label" "$port" "$warmup_file" "$THREADS" "$CONNECTIONS" "$WARMUP"
  [[ " $PROFILE " == *" $label "* ]] && profile_start "$port"
  [[ $label == tg-* ]] && before="$(tier_counts "$port")"
  measure "$label" "$port" "$file" "$DURATION"
  [[ $label == tg-* ]] && tier_delta "$label" "$before" "$(tier_counts "$port")" >>"$WORK/results.txt"
  [[ " $PROFILE " == *" $label "* ]] && profile_stop "$label"
  grep -E "^BENCH-(RESULT|TIERS|CPU|COUNTS|THREADS) label=$label( |$)" "$WORK/results.txt" | sed 's/^BENCH-[A-Z]* /bench:   /'
}

# nats_health: "UP" or "DOWN", tenantgate's NATS subscription by its health endpoint
nats_health() {
  curl -fsS "http://127.0.0.1:$TG_MANAGEMENT_PORT/actuator/health/nats" 2>/dev/null | grep -q '"status":"UP"' \
    && echo UP || echo DOWN
}

# nats_cut_and_restore <label>: $NATS_CUT_AFTER s from now, cuts tenantgate's NATS connection for $NATS_CUT s and
# restores it; writes when the gateway saw it go down and come back (its NATS health, polled every 20 ms)
nats_cut_and_restore() {
  local label="$1" cut_at restored_at down_ms=-1 up_ms=-1 now
  sleep "$NATS_CUT_AFTER"
  kill -USR1 "$pid_nats_proxy"
  cut_at="$(date +%s%3N)"
  while now="$(date +%s%3N)"; ((now - cut_at < NATS_CUT * 1000)); do
    if ((down_ms < 0)) && [[ $(nats_health) == DOWN ]]; then down_ms=$((now - cut_at)); fi
    sleep 0.02
  done
  kill -USR2 "$pid_nats_proxy"
  restored_at="$(date +%s%3N)"
  while now="$(date +%s%3N)"; ((now - restored_at < 10000)); do
    if [[ $(nats_health) == UP ]]; then up_ms=$((now - restored_at)); break; fi
    sleep 0.02
  done
  echo "BENCH-RECONNECT label=$label keys=$((2 * WARM_USERS)) cut_after=$NATS_CUT_AFTER cut=$NATS_CUT" \
    "down_after_ms=$down_ms up_after_restore_ms=$up_ms" >"$WORK/reconnect-$label.txt"
}

# nats_reconnect: the warm EdDSA load through a NATS reconnect (see the header)
nats_reconnect() {
  local label=tg-nats-reconnect before cutter
  say "$label: warm-up $WARMUP, then $DURATION measured (-t$THREADS -c$CONNECTIONS), tenantgate's NATS connection cut" \
    "${NATS_CUT_AFTER}s into it for ${NATS_CUT}s"
  [[ $(nats_health) == UP ]] || die "tenantgate is not connected to NATS before $label"
  wrk_run "warmup-$label" "$TG_PORT" warm-eddsa.txt "$THREADS" "$CONNECTIONS" "$WARMUP"
  before="$(tier_counts "$TG_PORT")"
  nats_cut_and_restore "$label" &
  cutter=$!
  measure "$label" "$TG_PORT" warm-eddsa.txt "$DURATION"
  wait "$cutter" || die "cutting NATS failed"
  tier_delta "$label" "$before" "$(tier_counts "$TG_PORT")" >>"$WORK/results.txt"
  cat "$WORK/reconnect-$label.txt" >>"$WORK/results.txt"
  grep -E "^BENCH-(RESULT|TIERS|CPU|COUNTS|THREADS|RECONNECT) label=$label( |$)" "$WORK/results.txt" \
    | sed 's/^BENCH-[A-Z]* /bench:   /'
}

# run_scenario <label>: one row of the table
run_scenario() {
  case "$1" in
    direct) scenario direct "$DOWNSTREAM_PORT" warm-rs256.txt ;;
    plain-scg) scenario plain-scg "$PLAIN_PORT" warm-rs256.txt ;;
    spring-security) scenario spring-security "$SECURITY_PORT" warm-rs256.txt ;;
    tg-warm-rs256) scenario tg-warm-rs256 "$TG_PORT" warm-rs256.txt ;;
    tg-warm-eddsa) scenario tg-warm-eddsa "$TG_PORT" warm-eddsa.txt ;;
    tg-warm-eddsa-pre-start) scenario tg-warm-eddsa-pre-start "$TG_PORT" warm-eddsa-pre-start.txt ;;
    tg-mix-20pct-denied) scenario tg-mix-20pct-denied "$TG_PORT" mix.txt ;;
    tg-redis-tier) scenario tg-redis-tier "$TG_REDIS_PORT" lookup.txt ;;
    tg-postgres-tier) scenario tg-postgres-tier "$TG_PORT" cold-measured.txt cold-warmup.txt ;;
    tg-nats-reconnect) nats_reconnect ;;
    *) die "unknown scenario $1" ;;
  esac
}

server_pid() {
  case "$1" in
    "$DOWNSTREAM_PORT") echo "$pid_nginx" ;;
    "$PLAIN_PORT") echo "$pid_plain_scg" ;;
    "$FLOOR_PORT") echo "$pid_floor_scg" ;;
    "$SECURITY_PORT") echo "$pid_security_scg" ;;
    "$TG_PORT") echo "$pid_tenantgate" ;;
    "$TG_REDIS_PORT") echo "$pid_tenantgate_redis" ;;
    *)
      local instance name port
      for instance in "${ROUTE_INSTANCES[@]}"; do
        IFS=: read -r name port _ <<<"$instance"
        [[ $port == "$1" ]] && { eval "echo \"\$pid_tg_${name//-/_}\""; return 0; }
      done
      die "no server behind port $1" ;;
  esac
}

profile_start() {
  profiled_pid="$(server_pid "$1")"
  jcmd "$profiled_pid" JFR.start name=bench settings=profile >/dev/null
}

profile_stop() {
  jcmd "$profiled_pid" JFR.stop name=bench filename="$WORK/$1.jfr" >/dev/null
  say "JFR recording of $1: bench/target/run/$1.jfr; hottest frames:"
  jfr print --events jdk.ExecutionSample --stack-depth 64 "$WORK/$1.jfr" >"$WORK/$1.samples.txt"
  node bench/tools/jfr-top.mjs "$WORK/$1.samples.txt" | tee "$WORK/$1.profile.txt"
}

# prime_alone <name> <port> <most rounds> <requests file>: rounds of the measured load (-t$THREADS -c$CONNECTIONS,
# $PRIME_EACH each) until the gateway's JIT compiler threads took at most 3 % of its CPU in the last one. A %d in the
# file name is replaced by the round's number, for a path that needs new requests every round.
prime_alone() {
  local name="$1" port="$2" rounds="$3" pattern="$4" pid round file before compiling
  pid="$(server_pid "$port")"
  for ((round = 1; round <= rounds; round++)); do
    # shellcheck disable=SC2059
    file="$(printf "$pattern" "$round")"
    before="$(thread_ticks "$pid")"
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$PRIME_EACH" -s bench/wrk/rotate.lua "http://127.0.0.1:$port" \
      -- "$WORK/$file" "$THREADS" "prime-alone-$name" >"$WORK/wrk-prime-alone-$name.txt" 2>&1 \
      || die "priming failed; see bench/target/run/wrk-prime-alone-$name.txt"
    compiling="$(compiler_share "$before" "$(thread_ticks "$pid")")"
    say "  $name, round $round: JIT compilers $compiling % of the gateway's CPU"
    if ((compiling <= 3)); then
      break
    fi
  done
}

# All gateways at once, before any measurement: JIT compilation, connection pools, keys, and the warm users' cache
# entries. Each scenario still has its own warm-up.
prime() {
  local waits=()
  local target pid
  local targets=("plain:$PLAIN_PORT:warm-rs256.txt" "floor:$FLOOR_PORT:warm-eddsa.txt" "security:$SECURITY_PORT:warm-rs256.txt"
    "tg-rs256:$TG_PORT:warm-rs256.txt" "tg-eddsa:$TG_PORT:warm-eddsa.txt" "tg-mix:$TG_PORT:mix.txt"
    "tg-redis:$TG_REDIS_PORT:lookup.txt")
  if [[ " $SCENARIOS " == *" tg-warm-eddsa-pre-start "* ]]; then
    targets+=("tg-eddsa-pre-start:$TG_PORT:warm-eddsa-pre-start.txt")
  fi
  if [[ -n $PROFILE ]]; then
    # A JVM's first flight recording costs seconds of CPU: paid here, not in a measured run.
    for pid in "$pid_plain_scg" "$pid_security_scg" "$pid_tenantgate" "$pid_tenantgate_redis"; do
      jcmd "$pid" JFR.start name=prime settings=profile >/dev/null
    done
  fi
  say "priming every gateway for $PRIME, all at once"
  for target in "${targets[@]}"; do
    IFS=: read -r name port file <<<"$target"
    wrk -t1 -c4 -d"$PRIME" -s bench/wrk/rotate.lua "http://127.0.0.1:$port" -- "$WORK/$file" 1 "prime-$name" \
      >"$WORK/wrk-prime-$name.txt" 2>&1 &
    waits+=("$!")
  done
  # The Prometheus scrapes around each measured run take other code paths through the shared web stack: JIT-compile
  # them now, so a scrape does not set off deoptimizations inside a measured run.
  for _ in 1 2 3; do
    sleep 5
    tier_counts "$TG_PORT" >/dev/null
    tier_counts "$TG_REDIS_PORT" >/dev/null
  done
  for pid in "${waits[@]}"; do wait "$pid" || die "priming failed; see bench/target/run/wrk-prime-*.txt"; done
  # Then each gateway alone, with the measured runs' load: after the shared priming alone, the JIT compilers were
  # still busy inside the first measured run of each JVM (seconds of C2 time in a 15 s run).
  # On a slow machine one round was not enough: the JIT compilers of a gateway that serves Redis or PostgreSQL
  # lookups were still busy for minutes, up to a quarter of its CPU inside the measured run. So each request file
  # is primed in rounds until the gateway's compiler threads took at most 3 % of its CPU in the last one.
  say "priming each gateway alone, per request file, in rounds of $PRIME_EACH (-t$THREADS -c$CONNECTIONS) until" \
    "its JIT compilers are quiet (at most $PRIME_ROUNDS rounds)"
  for target in "${targets[@]}"; do
    IFS=: read -r name port file <<<"$target"
    prime_alone "$name" "$port" "$PRIME_ROUNDS" "$file"
  done
  # The PostgreSQL tier's path (a new user and member on every request) too, each round on a slice of users of its
  # own: on users it has seen, a round would take the in-process and Redis tiers instead. Without it, the compilers
  # took 14-22 % of the gateway's CPU inside the PostgreSQL-tier run (2026-12-01).
  prime_alone tg-cold "$TG_PORT" "$COLD_PRIME_ROUNDS" "cold-prime%d.txt"
  if [[ -n $PROFILE ]]; then
    for pid in "$pid_plain_scg" "$pid_security_scg" "$pid_tenantgate" "$pid_tenantgate_redis"; do
      jcmd "$pid" JFR.stop name=prime >/dev/null
    done
  fi
}

# The machine may be shared: "<busy> <ours>" CPU clock ticks so far, where busy is the whole machine's (/proc/stat)
# and ours that of this run's processes (this session's, with the children they reaped, such as each wrk) and of
# PostgreSQL and Redis, which the benchmark uses. others_seconds says how much of the machine the rest took.
cpu_snapshot() {
  local session
  session="$(sed 's/^.*) //' "/proc/$$/stat" | cut -d' ' -f4)"
  {
    head -1 /proc/stat
    for stat in /proc/[0-9]*/stat; do cat "$stat" 2>/dev/null || true; done
  } | awk -v session="$session" '
    $1 == "cpu" { busy = $2 + $3 + $4 + $7 + $8 + $9; next }
    {
      comm = $0; sub(/^[0-9]+ \(/, "", comm); sub(/\) [^)]*$/, "", comm)
      rest = $0; sub(/^.*\) /, "", rest); split(rest, field, " ")
      if (field[4] == session || comm == "postgres" || comm == "redis-server") {
        ours += field[12] + field[13] + field[14] + field[15]
      }
    }
    END { printf "%d %d\n", busy, ours }'
}

# others_seconds <cpu_snapshot before>: CPU seconds used since by everything else on the machine
others_seconds() {
  local now
  now="$(cpu_snapshot)"
  awk -v hz="$(getconf CLK_TCK)" -v before="$1" -v now="$now" 'BEGIN {
    split(before, b, " "); split(now, n, " "); used = (n[1] - b[1]) - (n[2] - b[2])
    printf "%.0f\n", (used > 0 ? used : 0) / hz }'
}

# thread_ticks <pid>: "<thread name without digits> <ticks>" per thread of the process (names cut at 15 characters)
thread_ticks() {
  for stat in /proc/"$1"/task/[0-9]*/stat; do cat "$stat" 2>/dev/null || true; done | awk '{
      name = $0; sub(/^[0-9]+ \(/, "", name); sub(/\) [^)]*$/, "", name); gsub(/[0-9]+/, "#", name); gsub(/ /, "_", name)
      rest = $0; sub(/^.*\) /, "", rest); split(rest, field, " "); print name, field[12] + field[13] }'
}

# compiler_share <before> <after> (thread_ticks of one process): the JIT compiler threads' share of its CPU, in %
compiler_share() {
  awk 'NR == FNR { before[$1] += $2; next } { after[$1] += $2 }
    END { for (name in after) { d = after[name] - before[name]; total += d; if (name ~ /Compiler/) compiler += d }
      printf "%d\n", (total > 0 ? 100 * compiler / total : 0) }' <(echo "$1") <(echo "$2")
}

# thread_delta <label> <before> <after>: a BENCH-THREADS line, CPU ticks per thread group during the measured run
thread_delta() {
  awk -v label="$1" 'NR == FNR { before[$1] += $2; next } { after[$1] += $2 }
    END { for (name in after) if (after[name] - before[name] > 0) line = line " " name "=" after[name] - before[name]
      print "BENCH-THREADS label=" label line }' <(echo "$2") <(echo "$3")
}

# group_stat <process group>: the /proc/<pid>/stat line of every process of the group
group_stat() {
  for stat in /proc/[0-9]*/stat; do cat "$stat" 2>/dev/null || true; done \
    | awk -v group="$1" '{ rest = $0; sub(/^.*\) /, "", rest); split(rest, field, " "); if (field[3] == group) print }'
}

# group_ticks <pid>: CPU clock ticks used so far by the process group <pid> leads (the JVM, or nginx and its worker)
group_ticks() {
  group_stat "$1" | awk '{ rest = $0; sub(/^.*\) /, "", rest); split(rest, field, " "); ticks += field[12] + field[13] }
    END { printf "%d\n", ticks }'
}

# group_switches <process group>: the context switches, voluntary and not, of every thread of the group so far
group_switches() {
  local pid total=0 count
  for pid in $(group_stat "$1" | cut -d' ' -f1); do
    count="$(cat /proc/"$pid"/task/*/status 2>/dev/null | awk '/^(non)?voluntary_ctxt_switches:/ { n += $2 } END { print n + 0 }')"
    total=$((total + count))
  done
  echo "$total"
}

# redis_commands: the commands Redis has processed since it started
redis_commands() {
  redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" info stats | awk -F: '/^total_commands_processed:/ { print $2 + 0 }'
}

heap_after_gc() {
  jcmd "$1" GC.run >/dev/null
  jcmd "$1" GC.heap_info | awk '/used/ { for (i = 1; i <= NF; i++) if ($i == "used") { print $(i + 1); exit } }'
}

# routes_file <file> <routes before the match>: the bench's routes behind that many routes that never match
routes_file() {
  {
    echo "# bench/run.sh routes: the matched route (orders) behind $2 routes that never match, all to the nginx downstream."
    echo "routes:"
    local i
    for ((i = 0; i < $2; i++)); do
      printf '  - id: svc%d\n    uri: http://127.0.0.1:%d\n    path: /api/orgs/{orgId}/svc%d/**\n    rules:\n      GET: { min-role: viewer }\n' \
        "$i" "$DOWNSTREAM_PORT" "$i"
    done
    cat <<EOF
  - id: orders
    uri: http://127.0.0.1:$DOWNSTREAM_PORT
    path: /api/orgs/{orgId}/orders/**
    rules:
      GET: { min-role: viewer }
      POST: { roles: [owner, admin, staff] }
      DELETE: { min-role: admin }
  - id: billing
    uri: http://127.0.0.1:$DOWNSTREAM_PORT
    path: /api/orgs/{orgId}/billing/**
    rules:
      "*": { min-role: owner }
EOF
  } >"$1"
}

# start_route_gateways: one tenantgate per route-count instance, set up as start_gateways sets up the main one
start_route_gateways() {
  local tenantgate=(TENANTGATE_DB_URL="r2dbc:postgresql://$PGHOST:$PGPORT/$DB" TENANTGATE_DB_USER="$PGUSER"
    TENANTGATE_DB_PASSWORD="$PGPASSWORD" TENANTGATE_REDIS_HOST="$REDIS_HOST" TENANTGATE_REDIS_PORT="$REDIS_PORT"
    TENANTGATE_JWKS_URI="http://127.0.0.1:$JWKS_PORT/jwks" TENANTGATE_ISSUER="$ISSUER" TENANTGATE_AUDIENCE="$AUDIENCE"
    TENANTGATE_ALGORITHMS=EdDSA,RS256 TENANTGATE_NATS_URL="$NATS_URL"
    TENANTGATE_ROLES_REDIS_MEMBERSHIPPREFIX="$REDIS_PREFIX:perm:" TENANTGATE_ROLES_REDIS_USERPREFIX="$REDIS_PREFIX:perm-user:"
    TENANTGATE_ROLES_REDIS_CHANGEPREFIX="$REDIS_PREFIX:perm-chg:")
  local instance name port management before index pid
  redis_used=1
  for instance in "${ROUTE_INSTANCES[@]}"; do
    IFS=: read -r name port management before index <<<"$instance"
    routes_file "$WORK/routes-$name.yml" "$before"
    say "starting tenantgate :$port, the matched route behind $before others, route index $index"
    # shellcheck disable=SC2086
    start "tg-$name" env "${tenantgate[@]}" TENANTGATE_ROUTES_FILE="file:$WORK/routes-$name.yml" TENANTGATE_PORT="$port" \
      MANAGEMENT_SERVER_PORT="$management" java $JAVA_OPTS -jar gateway/target/tenantgate-gateway.jar \
      "--tenantgate.indexed-route-lookup=$([[ $index == on ]] && echo true || echo false)" ${BENCH_TENANTGATE_ARGS:-}
  done
  for instance in "${ROUTE_INSTANCES[@]}"; do
    IFS=: read -r name port _ <<<"$instance"
    pid="$(server_pid "$port")"
    wait_for "tenantgate $name" 600 "$pid" grep -q "Listening for identity changes" "$WORK/tg-$name.log"
    wait_for "tenantgate $name" 30 "$pid" listening 127.0.0.1 "$port"
  done
  sleep 2.2 # past the clock tolerance, as in start_gateways
}

# route_count_rounds: the route-count instances measured in turns, the order reversed every round
route_count_rounds() {
  local round instance name port order=()
  say "route count: $ROUTE_ROUNDS rounds of $ROUND_DURATION per instance (-t$THREADS -c$CONNECTIONS), the order" \
    "reversed every round"
  for ((round = 1; round <= ROUTE_ROUNDS; round++)); do
    order=()
    for instance in "${ROUTE_INSTANCES[@]}"; do
      if ((round % 2)); then order+=("$instance"); else order=("$instance" "${order[@]}"); fi
    done
    for instance in "${order[@]}"; do
      IFS=: read -r name port _ <<<"$instance"
      measure "routes-r$round-$name" "$port" warm-rs256.txt "$ROUND_DURATION"
    done
    grep -E "^BENCH-RESULT label=routes-r$round-" "$WORK/results.txt" | sed 's/^BENCH-[A-Z]* /bench:   /'
  done
}

run_routes() {
  need java
  need node
  need psql
  need redis-cli
  need curl
  listening "$PGHOST" "$PGPORT" || die "PostgreSQL is not reachable at $PGHOST:$PGPORT"
  listening "$REDIS_HOST" "$REDIS_PORT" || die "Redis is not reachable at $REDIS_HOST:$REDIS_PORT"
  local instance name port management
  for instance in "${ROUTE_INSTANCES[@]}"; do
    IFS=: read -r name port management _ <<<"$instance"
    for port in "$port" "$management"; do
      listening 127.0.0.1 "$port" && die "port $port is already in use"
    done
  done
  for port in $DOWNSTREAM_PORT $JWKS_PORT; do
    listening 127.0.0.1 "$port" && die "port $port is already in use"
  done
  install_tools
  build
  COLD_USERS=0 # the warm requests only
  create_database
  node bench/tools/keys.mjs "$WORK"
  start_nginx
  start_route_gateways
  say "minting tokens"
  node bench/tools/mint.mjs "$WORK" "$ISSUER" "$AUDIENCE" "$WARM_USERS" "$ORGS"
  : >"$WORK/results.txt"
  say "priming each instance alone in rounds of $PRIME_EACH (-t$THREADS -c$CONNECTIONS) until its JIT compilers are" \
    "quiet (at most $PRIME_ROUNDS rounds)"
  for instance in "${ROUTE_INSTANCES[@]}"; do
    IFS=: read -r name port _ <<<"$instance"
    prime_alone "$name" "$port" "$PRIME_ROUNDS" warm-rs256.txt
  done
  local others_before started others elapsed
  others_before="$(cpu_snapshot)"
  started=$SECONDS
  route_count_rounds
  elapsed=$((SECONDS - started))
  others="$(others_seconds "$others_before")"
  {
    echo
    echo "Other processes on this $(nproc)-core machine used $others CPU-seconds during the $elapsed s of runs" \
      "($(awk -v a="$others" -v b="$elapsed" 'BEGIN { printf "%.2f", a / b }') cores on average)."
    echo "Source: $(git rev-parse --short HEAD 2>/dev/null || echo "unknown commit")$(git diff --quiet HEAD -- gateway 2>/dev/null || echo ", gateway/ with uncommitted changes")."
  } >"$WORK/notes.txt"
  echo
  node bench/tools/report.mjs "$WORK/results.txt" | tee "$WORK/report.md"
  tee -a "$WORK/report.md" <"$WORK/notes.txt"
}

run_http() {
  need java
  need node
  need psql
  need redis-cli
  need curl
  listening "$PGHOST" "$PGPORT" || die "PostgreSQL is not reachable at $PGHOST:$PGPORT"
  listening "$REDIS_HOST" "$REDIS_PORT" || die "Redis is not reachable at $REDIS_HOST:$REDIS_PORT"
  for port in $DOWNSTREAM_PORT $JWKS_PORT $PLAIN_PORT $FLOOR_PORT $SECURITY_PORT $TG_PORT $TG_REDIS_PORT $TG_MANAGEMENT_PORT \
    $TG_REDIS_MANAGEMENT_PORT $NATS_PROXY_PORT; do
    listening 127.0.0.1 "$port" && die "port $port is already in use"
  done
  install_tools
  build
  create_database
  node bench/tools/keys.mjs "$WORK"
  start_nginx
  # Tokens for the pre-start row are issued a second before the gateways start.
  local issued_before_start=$(($(date +%s) - 1))
  start_gateways
  say "minting tokens"
  # shellcheck disable=SC2086
  MINT_ISSUED_BEFORE_START="$issued_before_start" node bench/tools/mint.mjs "$WORK" "$ISSUER" "$AUDIENCE" "$WARM_USERS" "$ORGS" $COLD_SLICES
  : >"$WORK/results.txt"
  if [[ $MODE == serve ]]; then
    say "serving until stopped: nginx :$DOWNSTREAM_PORT, plain SCG :$PLAIN_PORT (with the floor filter :$FLOOR_PORT)," \
      "Spring Security :$SECURITY_PORT," \
      "tenantgate :$TG_PORT and :$TG_REDIS_PORT (cache off); requests files in bench/target/run/"
    say "e.g. wrk -t2 -c32 -d30s --latency -s bench/wrk/rotate.lua http://127.0.0.1:$TG_PORT -- $WORK/warm-eddsa.txt 2 try"
    wait
    return 0
  fi
  local heap_before others_before started
  # Before priming: a full collection just before a measured run would hand it a cold heap.
  heap_before="$(heap_after_gc "$pid_tenantgate")"
  prime
  others_before="$(cpu_snapshot)"
  started=$SECONDS

  local label
  for label in $SCENARIOS; do
    [[ $label == tg-nats-reconnect ]] || run_scenario "$label"
  done
  if [[ -z ${BENCH_SKIP_LATENCY:-} ]]; then
    latency_rounds
  fi

  if ((ROUNDS > 0)) && [[ " $SCENARIOS " == *" plain-scg "* && " $SCENARIOS " == *" tg-warm-eddsa "* ]]; then
    alternating_rounds
  fi
  # Last: after a reconnect, a gateway may treat every token issued before it differently from then on.
  if [[ " $SCENARIOS " == *" tg-nats-reconnect "* ]]; then
    run_scenario tg-nats-reconnect
  fi

  local others elapsed=$((SECONDS - started)) heap_after
  others="$(others_seconds "$others_before")"
  heap_after="$(heap_after_gc "$pid_tenantgate")"
  {
    echo
    echo "Heap of the tenantgate on :$TG_PORT after a full GC: $heap_before after start-up, $heap_after after the runs."
    echo "Other processes on this $(nproc)-core machine used $others CPU-seconds during the $elapsed s of runs" \
      "($(awk -v a="$others" -v b="$elapsed" 'BEGIN { printf "%.2f", a / b }') cores on average)."
    echo "Source: $(git rev-parse --short HEAD 2>/dev/null || echo "unknown commit")$(git diff --quiet HEAD -- gateway 2>/dev/null || echo ", gateway/ with uncommitted changes")."
  } >"$WORK/notes.txt"

  echo
  node bench/tools/report.mjs "$WORK/results.txt" | tee "$WORK/report.md"
  tee -a "$WORK/report.md" <"$WORK/notes.txt"
  echo
  say "wrk settings: -t$THREADS -c$CONNECTIONS -d$DURATION --latency after a $WARMUP warm-up; one-connection runs -t1 -c1 -d$C1_DURATION"
}

run_jmh() {
  need java
  listening "$REDIS_HOST" "$REDIS_PORT" || die "Redis is not reachable at $REDIS_HOST:$REDIS_PORT"
  build
  local classpath="bench/jmh/target/classes:$(cat bench/jmh/target/classpath.txt)"
  say "JMH: the decision path with warm caches, reading the bearer token, verifying a signature, and finding the route" \
    "behind 0, 100 and 1,000 routes (1 fork, 2 warm-up + 3 measured iterations)"
  java -cp "$classpath" org.openjdk.jmh.Main 'DecisionPathBenchmark|BearerExtractionBenchmark|SignatureVerificationBenchmark|RouteLookupBenchmark.lookUp' \
    -f 1 -wi 2 -i 3 \
    -prof gc -jvmArgsAppend "-Dbench.redis.host=$REDIS_HOST -Dbench.redis.port=$REDIS_PORT -Dbench.redis.prefix=$REDIS_PREFIX" \
    >"$WORK/jmh.txt" 2>&1 || die "JMH failed; see bench/target/run/jmh.txt"
  # JMH shortens long package names (d.t.bench.jmh.DecisionPathBenchmark.harness): match the class and method only.
  grep -E '^Benchmark|Benchmark\.[A-Za-z0-9]+(:gc\.alloc\.rate\.norm)? ' "$WORK/jmh.txt"
  say "heap held by 100,000 cached memberships, users and tokens"
  java -XX:+UseSerialGC -Xmx1g -cp "$classpath" dev.tenantgate.bench.jmh.CacheFootprint | tee "$WORK/footprint.txt"
}

mkdir -p "$WORK"
case "$MODE" in
  all) run_http; cleanup; pids=(); trap cleanup EXIT; run_jmh ;;
  http | serve) run_http ;;
  routes) run_routes ;;
  jmh) run_jmh ;;
  *) die "usage: bench/run.sh [all|http|serve|routes|jmh]" ;;
esac
