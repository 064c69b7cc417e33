#!/usr/bin/env bash
# The HTTP benchmarks of BENCHMARKS.md, in one command, on loopback only:
#
#   benchmarks/http.sh            # build, measure, write benchmarks/results/*.csv, draw benchmarks/plots/*.svg
#
# 1. The example server (memory store) against two references, side by side for each endpoint
#    and concurrency (ours, bare, oxide-auth back to back, so load from elsewhere hits all three):
#    - bare: benchmarks/bare.rs, fixed bodies of exactly the size ours sends (the ceiling);
#    - oxide: benchmarks/oxide/, oxide-auth 0.6 + oxide-auth-axum 0.6 (no introspection there).
#    Endpoints: POST /token (client_credentials, HTTP Basic), GET /api/notes (bearer, scope read),
#    POST /introspect (HTTP Basic). The client secret is a generated 256-bit secret stored as
#    `sha256$...` (the fixtures' `client_secret_hash`); oxide-auth's registrar is given the same
#    cost: one SHA-256 compared in constant time, instead of its default Argon2.
# 2. The example server on SQLite, PostgreSQL and Redis: issuance and validation; beside it, at
#    the same connection counts and duration, the database's own speed for the same writes:
#    pgbench inserting one row shaped like `oauth_access_tokens` per transaction into a table
#    of its own, and redis-benchmark running one script that writes the two keys an issuance
#    writes (the token's hash and its grant's set), each with a TTL.
# 3. The memory store's bytes per live token (`cargo bench --bench memory`).
#
# Each measurement is repeated ROUNDS times, the servers interleaved within a round; the tables
# report the median round and the spread of the per-round ratios.
#
# With two or more CPUs the servers are pinned to SERVER_CPUS and wrk to WRK_CPUS (taskset), so
# the load generator never takes CPU time from the server it measures, and each server has the
# same single core (tokio sizes its runtime to the affinity mask). PIN=0 turns that off.
#
# Knobs (environment): DURATION seconds per wrk run (10), ROUNDS (3), CONNS ("1 16 64 256"),
# STORES ("sqlite postgres redis"), STORE_CONNS ("16 64"), PIN (1), SERVER_CPUS (0), WRK_CPUS (1),
# ENDPOINTS ("token resource introspect"; empty skips part 1), BEFORE (another build of the
# example server, run beside ours as server `before`: in part 1, and in part 2 in a namespace
# of its own), OURS_LOG (warn), STORE_ARGS (more flags for the store runs' servers, e.g.
# "--store-client-cache 0"), RESULTS (benchmarks/results), SKIP_BUILD=1,
# SKIP_MEMORY=1, SKIP_PLOTS=1, CARGO_TARGET_DIR (/work/target-bench). Every wrk run is bounded by
# -d; every wait is a bounded loop; every server started here is killed on exit.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-/work/target-bench}
DURATION=${DURATION:-10}
ROUNDS=${ROUNDS:-3}
PIN=${PIN:-1}
SERVER_CPUS=${SERVER_CPUS:-0}
WRK_CPUS=${WRK_CPUS:-1}
CONNS=${CONNS:-"1 16 64 256"}
STORES=${STORES:-"sqlite postgres redis"}
STORE_CONNS=${STORE_CONNS:-"16 64"}
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432/test}
REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379}
NAMESPACE=bench_http
RESULTS=${RESULTS:-"$ROOT/benchmarks/results"}
CSV="$RESULTS/http.csv"
WORK=$(mktemp -d /tmp/bench-http.XXXXXX)
OURS_ADDR=127.0.0.1:9101
BARE_ADDR=127.0.0.1:9102
OXIDE_ADDR=127.0.0.1:9103
BEFORE_ADDR=127.0.0.1:9104
# The example's per-request log line (its default RUST_LOG=info) is the example's choice, not
# the framework's: the servers run at `warn` unless OURS_LOG says otherwise.
export RUST_LOG=${OURS_LOG:-warn}

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
if [[ $PIN == 1 ]] && (($(nproc) < 2)); then PIN=0; fi
# on_server_cpus runs only in a background subshell, which it replaces (exec), so that `$!` is
# the server's own pid and stopping it stops the server.
if [[ $PIN == 1 ]]; then
  command -v taskset >/dev/null || { echo "taskset is missing (util-linux), or set PIN=0" >&2; exit 1; }
  on_server_cpus() { exec taskset -c "$SERVER_CPUS" "$@"; }
  on_wrk_cpus() { taskset -c "$WRK_CPUS" "$@"; }
else
  on_server_cpus() { exec "$@"; }
  on_wrk_cpus() { "$@"; }
fi

PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$WORK"
}
trap cleanup EXIT

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

if [[ -z "${SKIP_BUILD:-}" ]]; then
  log "building (release) the example server, the bare server and the oxide-auth server"
  (cd "$ROOT" && cargo build --release --quiet --example server --example bench_bare)
  (cd "$ROOT/benchmarks/oxide" && cargo build --release --quiet)
fi
SERVER="$CARGO_TARGET_DIR/release/examples/server"
BARE="$CARGO_TARGET_DIR/release/examples/bench_bare"
OXIDE="$CARGO_TARGET_DIR/release/bench-oxide"

mkdir -p "$RESULTS/bodies"
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "nproc: $(nproc)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
  echo "memory: $(free -h | awk '/^Mem:/ {print $2}')"
  echo "wrk: $(wrk -v 2>&1 | head -1)"
  echo "duration_s: $DURATION"
  echo "rounds: $ROUNDS"
  if [[ $PIN == 1 ]]; then
    echo "pinned: servers on CPU $SERVER_CPUS, wrk on CPU $WRK_CPUS"
  else
    echo "pinned: no"
  fi
  echo "load_at_start: $(cut -d' ' -f1-3 /proc/loadavg)"
} >"$RESULTS/machine.txt"

# A generated 256-bit secret, stored as the example server stores generated secrets.
SECRET=$(python3 -c 'import secrets; print(secrets.token_urlsafe(32))')
HASH=$(python3 -c 'import base64, hashlib, sys
print("sha256$" + base64.urlsafe_b64encode(hashlib.sha256(sys.argv[1].encode()).digest()).decode().rstrip("="))' "$SECRET")
CLIENT=bench-client
cat >"$WORK/fixtures.json" <<EOF
{"clients": [{"client_id": "$CLIENT", "client_secret_hash": "$HASH",
  "redirect_uris": ["https://app.example/cb"], "grant_types": ["client_credentials"],
  "scope": "read write profile"}]}
EOF
BASIC="Authorization: Basic $(printf '%s:%s' "$CLIENT" "$SECRET" | base64 -w0)"
FORM="Content-Type: application/x-www-form-urlencoded"
CC_BODY="grant_type=client_credentials&scope=read"

# Waits (at most 10 s) until something answers HTTP at $1.
wait_http() {
  local i
  for ((i = 0; i < 100; i++)); do
    if curl -s -o /dev/null "http://$1/"; then return 0; fi
    sleep 0.1
  done
  echo "nothing answers on $1" >&2
  return 1
}

# Starts a server in the background; remembers its pid in LAST_PID (and for cleanup).
start() {
  local addr=$1
  shift
  on_server_cpus "$@" >"$WORK/server-$addr.log" 2>&1 &
  LAST_PID=$!
  PIDS+=("$LAST_PID")
  wait_http "$addr" || { cat "$WORK/server-$addr.log" >&2; return 1; }
}

stop() {
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

# A client_credentials token from the server at $1 (its JSON body on stdout).
issue() {
  curl -sf -H "$BASIC" -H "$FORM" -d "$CC_BODY" "http://$1/token"
}
access_token() { python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])'; }

# wrk's threads: one per CPU it runs on, never more than connections.
wrk_threads() {
  local threads=2
  [[ $PIN == 1 ]] && threads=$(on_wrk_cpus nproc)
  (($1 < threads)) && threads=$1
  echo "$threads"
}

# The database's own speed, recorded as rows of server `pgbench` / `redis-benchmark`:
# db_reference round store connections
db_reference() {
  local round=$1 store=$2 conns=$3 rps
  case $store in
    postgres)
      # `pgbench`: a table of the very shape of the store's `oauth_access_tokens` (columns,
      # checks and both secondary indexes, copied from the schema our server just migrated);
      # `pgbench-pk`: the primary key alone, the reference of the earlier pages.
      psql "$PG_URL" -qc "CREATE TABLE IF NOT EXISTS $NAMESPACE.pgbench_tokens
        (LIKE $NAMESPACE.oauth_access_tokens INCLUDING ALL)" >/dev/null
      psql "$PG_URL" -qc "CREATE TABLE IF NOT EXISTS $NAMESPACE.pgbench_pk_tokens (token_hash
        bytea PRIMARY KEY, grant_id bytea NOT NULL, client_id text NOT NULL, subject text, scope
        text NOT NULL, expires_at bigint, extras text)" >/dev/null
      local table
      for table in pgbench_tokens pgbench_pk_tokens; do
        cat >"$WORK/insert.sql" <<SQL
INSERT INTO $NAMESPACE.$table VALUES (sha256(random()::text::bytea), substr(sha256(random()::text::bytea), 1, 16), '$CLIENT', NULL, 'read', extract(epoch from now())::bigint * 1000000 + 3600000000, NULL);
SQL
        rps=$(on_wrk_cpus pgbench -n -c "$conns" -j "$(wrk_threads "$conns")" -T "$DURATION" \
          -f "$WORK/insert.sql" "$PG_URL" 2>/dev/null |
          sed -n 's/^tps = \([0-9.]*\) (without initial connection time)$/\1/p')
        if [[ $table == pgbench_tokens ]]; then reference_row pgbench; else reference_row pgbench-pk; fi
      done
      ;;
    redis)
      # One line: redis-benchmark names the test after the script, and the CSV is read by line.
      local script="redis.call('set', KEYS[1], ARGV[1], 'EX', 3600);"
      script+=" redis.call('sadd', KEYS[2], KEYS[1]); redis.call('expire', KEYS[2], 3600); return 1"
      rps=$(on_wrk_cpus redis-benchmark -u "$REDIS_URL" -c "$conns" -n $((20000 * DURATION)) \
        -r 100000000 --csv eval "$script" 2 "$NAMESPACE:rb:t:__rand_int__" \
        "$NAMESPACE:rb:g:__rand_int__" v 2>/dev/null | tail -1 |
        python3 -c 'import csv, sys; print(next(csv.reader(sys.stdin))[1])')
      reference_row redis-benchmark
      ;;
  esac
}

# A row of server $1 for db_reference's round, store, connections and rps.
reference_row() {
  echo "$round,$1,insert,$store,$conns,,$DURATION,$rps,,,,,,0,0" >>"$CSV"
  log "$(tail -1 "$CSV")"
}

# One wrk run: round server endpoint store connections url method body [header...]
run_wrk() {
  local round=$1 server=$2 endpoint=$3 store=$4 conns=$5 url=$6 method=$7 body=$8
  shift 8
  local headers=() h
  for h in "$@"; do headers+=(-H "$h"); done
  WRK_ROUND=$round WRK_SERVER=$server WRK_ENDPOINT=$endpoint WRK_STORE=$store WRK_CONNS=$conns \
    WRK_METHOD=$method WRK_BODY=$body WRK_OUT=$CSV \
    on_wrk_cpus wrk -t"$(wrk_threads "$conns")" -c"$conns" -d"${DURATION}s" --timeout 5s \
    -s "$ROOT/benchmarks/wrk/report.lua" "${headers[@]}" "$url" >"$WORK/wrk.log" 2>&1 ||
    { cat "$WORK/wrk.log" >&2; return 1; }
  log "$(tail -1 "$CSV")"
}

# A short unrecorded run, so the first recorded one does not pay for warm-up.
warm() {
  local url=$1 method=$2 body=$3
  shift 3
  local headers=() h
  for h in "$@"; do headers+=(-H "$h"); done
  WRK_METHOD=$method WRK_BODY=$body WRK_OUT=/dev/null WRK_ROUND=- WRK_SERVER=- WRK_ENDPOINT=- \
    WRK_STORE=- WRK_CONNS=- on_wrk_cpus wrk -t"$(wrk_threads 16)" -c16 -d2s \
    -s "$ROOT/benchmarks/wrk/report.lua" "${headers[@]}" "$url" >/dev/null 2>&1
}

echo "round,server,endpoint,store,connections,requests,seconds,rps,p50_us,p90_us,p99_us,mean_us,max_us,non_2xx,socket_errors" >"$CSV"

# --- 1. ours vs bare vs oxide-auth, memory store ----------------------------------------------
ours_cmd=("$SERVER" --listen "$OURS_ADDR" --fixtures "$WORK/fixtures.json" --store memory:)
oxide_cmd=("$OXIDE" "$OXIDE_ADDR" "$CLIENT" "$SECRET")

# Real bodies of ours, for the bare server: the same sizes byte for byte.
start "$OURS_ADDR" "${ours_cmd[@]}"
ours_pid=$LAST_PID
issue "$OURS_ADDR" >"$RESULTS/bodies/token.json"
token=$(access_token <"$RESULTS/bodies/token.json")
curl -sf -H "Authorization: Bearer $token" "http://$OURS_ADDR/api/notes" >"$RESULTS/bodies/notes.json"
curl -sf -H "$BASIC" -H "$FORM" -d "token=$token" "http://$OURS_ADDR/introspect" \
  >"$RESULTS/bodies/introspect.json"
stop "$ours_pid"
log "bodies: token $(wc -c <"$RESULTS/bodies/token.json") B, notes $(wc -c <"$RESULTS/bodies/notes.json") B, introspect $(wc -c <"$RESULTS/bodies/introspect.json") B"
bare_cmd=("$BARE" --listen "$BARE_ADDR" --token-body "$RESULTS/bodies/token.json"
  --notes-body "$RESULTS/bodies/notes.json" --introspect-body "$RESULTS/bodies/introspect.json")

declare -A addr=([ours]=$OURS_ADDR [bare]=$BARE_ADDR [oxide]=$OXIDE_ADDR [before]=$BEFORE_ADDR)
declare -A token_of=()
for endpoint in ${ENDPOINTS-token resource introspect}; do
  # Fresh servers per endpoint: each starts with an empty token map.
  start "$OURS_ADDR" "${ours_cmd[@]}"
  ours_pid=$LAST_PID
  start "$BARE_ADDR" "${bare_cmd[@]}"
  bare_pid=$LAST_PID
  oxide_pid=
  if [[ $endpoint != introspect ]]; then
    start "$OXIDE_ADDR" "${oxide_cmd[@]}"
    oxide_pid=$LAST_PID
  fi
  servers=(ours bare)
  [[ -n $oxide_pid ]] && servers+=(oxide)
  before_pid=
  if [[ -n ${BEFORE:-} ]]; then
    start "$BEFORE_ADDR" "$BEFORE" --listen "$BEFORE_ADDR" --fixtures "$WORK/fixtures.json" \
      --store memory:
    before_pid=$LAST_PID
    servers+=(before)
  fi
  token_of=()
  for s in "${servers[@]}"; do
    [[ $s == bare ]] && continue
    token_of[$s]=$(issue "${addr[$s]}" | access_token)
  done
  token_of[bare]=${token_of[ours]}
  log "endpoint $endpoint: load $(cut -d' ' -f1-3 /proc/loadavg)"
  for conns in $CONNS; do
    for ((round = 1; round <= ROUNDS; round++)); do
      for s in "${servers[@]}"; do
        url="http://${addr[$s]}"
        case $endpoint in
          token) args=("$url/token" POST "$CC_BODY" "$BASIC" "$FORM") ;;
          resource) args=("$url/api/notes" GET "" "Authorization: Bearer ${token_of[$s]}") ;;
          introspect) args=("$url/introspect" POST "token=${token_of[$s]}" "$BASIC" "$FORM") ;;
        esac
        [[ $conns == "${CONNS%% *}" && $round == 1 ]] && warm "${args[@]}"
        run_wrk "$round" "$s" "$endpoint" memory "$conns" "${args[@]}"
      done
    done
  done
  stop "$ours_pid"
  stop "$bare_pid"
  [[ -n $oxide_pid ]] && stop "$oxide_pid"
  [[ -n $before_pid ]] && stop "$before_pid"
done

# --- 2. the durable stores --------------------------------------------------------------------
# Ours, and with BEFORE that build beside it in a namespace of its own, against each store.
store_servers=(ours)
[[ -n ${BEFORE:-} ]] && store_servers+=(before)
declare -A binary_of=([ours]=$SERVER [before]=${BEFORE:-})
declare -A suffix_of=([ours]="" [before]=_before)
# Drops what a run left in the databases: the bench schemas, the bench keys (bounded: at most
# 10^7 keys per prefix; they would expire within the hour anyway).
clean_store() {
  local s
  for s in "${store_servers[@]}"; do
    case $1 in
      postgres) psql "$PG_URL" -qc "DROP SCHEMA IF EXISTS $NAMESPACE${suffix_of[$s]} CASCADE" \
        >/dev/null 2>&1 || true ;;
      redis)
        redis-cli -u "$REDIS_URL" --scan --pattern "$NAMESPACE${suffix_of[$s]}:*" |
          head -n 10000000 | xargs -r -n 1000 redis-cli -u "$REDIS_URL" unlink >/dev/null || true
        ;;
    esac
  done
}
# Starts server $1 of part 2 on store $store; its pid in LAST_PID.
start_store_server() {
  local s=$1 url namespace
  case $store in
    sqlite) url="sqlite:$WORK/bench${suffix_of[$s]}.db" namespace=$NAMESPACE${suffix_of[$s]} ;;
    postgres) url=$PG_URL namespace=$NAMESPACE${suffix_of[$s]} ;;
    redis) url=$REDIS_URL namespace="$NAMESPACE${suffix_of[$s]}:" ;;
  esac
  # A pool as large as the most connections wrk opens, so at each count the server may use as
  # many database connections as pgbench does (it uses no more than requests in flight).
  start "${addr[$s]}" "${binary_of[$s]}" --listen "${addr[$s]}" --fixtures "$WORK/fixtures.json" \
    --store "$url" --store-namespace "$namespace" \
    --store-connections "$(tr ' ' '\n' <<<"$STORE_CONNS" | sort -n | tail -1)" ${STORE_ARGS:-}
}
for store in $STORES; do
  clean_store "$store"
  # Ours migrates the schema first: pgbench's table is copied from its `oauth_access_tokens`.
  if [[ $store == postgres ]]; then
    start_store_server ours
    stop "$LAST_PID"
  fi
  log "store $store: load $(cut -d' ' -f1-3 /proc/loadavg)"
  for conns in $STORE_CONNS; do
    db_reference 1 "$store" "$conns"
    # One server at a time: two pools of 64 beside pgbench's 64 would pass PostgreSQL's
    # default of 100 connections.
    for s in "${store_servers[@]}"; do
      start_store_server "$s"
      pid=$LAST_PID
      token=$(issue "${addr[$s]}" | access_token)
      warm "http://${addr[$s]}/token" POST "$CC_BODY" "$BASIC" "$FORM"
      run_wrk 1 "$s" token "$store" "$conns" "http://${addr[$s]}/token" POST "$CC_BODY" \
        "$BASIC" "$FORM"
      run_wrk 1 "$s" resource "$store" "$conns" "http://${addr[$s]}/api/notes" GET "" \
        "Authorization: Bearer $token"
      stop "$pid"
    done
  done
  clean_store "$store"
done
echo "load_at_end: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$RESULTS/machine.txt"

# --- 3. memory per live token -----------------------------------------------------------------
if [[ -z "${SKIP_MEMORY:-}" ]]; then
  log "memory store: bytes per live token"
  (cd "$ROOT" && cargo bench --quiet --bench memory) | tail -1 >"$RESULTS/memory.json"
  cat "$RESULTS/memory.json" >&2
fi

# --- 4. plots ---------------------------------------------------------------------------------
if [[ -z "${SKIP_PLOTS:-}" ]]; then
  log "plots"
  (cd "$ROOT/benchmarks/plot" && cargo run --release --quiet -- \
    --http "$CSV" --criterion "$CARGO_TARGET_DIR/criterion" --out "$ROOT/benchmarks/plots")
fi
log "done: $CSV"
