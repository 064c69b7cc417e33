#!/usr/bin/env bash
# Issue 13: the two high floods of shared/research/abuse-findings.md, measured, on loopback only:
#
#   benchmarks/flood.sh        # build, measure, print a markdown table on stdout
#
# A (finding 2): FLOOD_CONNS connections POST /token client_credentials with a wrong secret for an
#   argon2id client (a human-style `client_secret` in the fixtures), for A_SECONDS.
# B (finding 1): FLOOD_CONNS connections GET /authorize anonymously (no cookie; a valid request for
#   a public client with PKCE), for as long as B_TARGET requests take at the rate a short warm-up
#   run shows, within [A_SECONDS, B_MAX] seconds.
# Each flood gets a fresh example server (memory store, default configuration: hash pool, throttles),
# pinned to SERVER_CPUS. First, unloaded: valid client_credentials (a `sha256$` client) with
# CC_CONNS connections for CC_SECONDS, and the metadata probe for PROBE_SECONDS. Then the flood, and
# during it the same valid client_credentials run, the metadata probe and VmRSS once a second.
# The metadata probe is Python on one keep-alive connection at PROBE_RATE requests/s; it and the
# valid wrk run at nice -10, so the flood's wrk (same CPU) delays their clocks as little as possible.
# Goal (issue 13): metadata p99 < 100 ms, valid rate >= 0.5 x unloaded, RSS bounded.
#
# Knobs (environment): FLOOD_CONNS (64), A_SECONDS (30), B_TARGET (1000000), B_MAX (120), CC_CONNS (4),
# CC_SECONDS (10), PROBE_RATE (20), PROBE_SECONDS (5), PIN (1), SERVER_CPUS (0), WRK_CPUS (1),
# SKIP_BUILD=1, CARGO_TARGET_DIR (/work/target-bench), VALID_IP, SERVER_FLAGS (extra flags for the
# server, e.g. `--page-rate-per-source 0` to flood the pages unbudgeted). Every wrk run is bounded by -d, every wait
# is a bounded loop, and every process started here is stopped on exit.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-/work/target-bench}
FLOOD_CONNS=${FLOOD_CONNS:-64} A_SECONDS=${A_SECONDS:-30} B_TARGET=${B_TARGET:-1000000}
B_MAX=${B_MAX:-120} CC_CONNS=${CC_CONNS:-4} CC_SECONDS=${CC_SECONDS:-10}
PROBE_RATE=${PROBE_RATE:-20} PROBE_SECONDS=${PROBE_SECONDS:-5}
SERVER_FLAGS=${SERVER_FLAGS:-}
PIN=${PIN:-1} SERVER_CPUS=${SERVER_CPUS:-0} WRK_CPUS=${WRK_CPUS:-1}
# The flood and the metadata probe come from 127.0.0.1; the valid client from VALID_IP (the first
# non-loopback address of this host), another source, as a real client is. The server listens on all.
PORT=9111 ADDR=127.0.0.1:9111
VALID_IP=${VALID_IP:-$(hostname -I | awk '{print $1}')}
VALID_ADDR=${VALID_IP:-127.0.0.1}:$PORT
WORK=$(mktemp -d /tmp/bench-flood.XXXXXX)

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
if [[ $PIN == 1 ]] && (($(nproc) < 2)); then PIN=0; fi
if [[ $PIN == 1 ]]; then # exec: `$!` of the background subshell is then the server itself
  on_server_cpus() { exec taskset -c "$SERVER_CPUS" "$@"; }
  on_wrk_cpus() { taskset -c "$WRK_CPUS" "$@"; }
else
  on_server_cpus() { exec "$@"; }
  on_wrk_cpus() { "$@"; }
fi

PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

if [[ -z "${SKIP_BUILD:-}" ]]; then
  log "building (release) the example server"
  (cd "$ROOT" && cargo build --release --quiet --example server)
fi
SERVER="$CARGO_TARGET_DIR/release/examples/server"

# Fixtures: an argon2id client (the flood's target), a sha256$ client (the valid traffic), and a
# public client for the anonymous authorization requests.
SECRET=$(python3 -c 'import secrets; print(secrets.token_urlsafe(32))')
HASH=$(python3 -c 'import base64, hashlib, sys
print("sha256$" + base64.urlsafe_b64encode(hashlib.sha256(sys.argv[1].encode()).digest()).decode().rstrip("="))' "$SECRET")
cat >"$WORK/fixtures.json" <<EOF
{"clients": [
 {"client_id": "argon", "client_secret": "correct horse battery staple",
  "redirect_uris": ["https://argon.example/cb"], "grant_types": ["client_credentials"], "scope": "read"},
 {"client_id": "valid", "client_secret_hash": "$HASH", "redirect_uris": ["https://valid.example/cb"],
  "grant_types": ["client_credentials"], "scope": "read"},
 {"client_id": "public", "redirect_uris": ["http://127.0.0.1/cb"], "grant_types": ["authorization_code"],
  "scope": "read"}],
 "users": [{"username": "alice", "password": "wonderland"}]}
EOF
FORM="Content-Type: application/x-www-form-urlencoded"
CC_BODY="grant_type=client_credentials&scope=read"
VALID="Authorization: Basic $(printf 'valid:%s' "$SECRET" | base64 -w0)"
WRONG="Authorization: Basic $(printf 'argon:wrong secret' | base64 -w0)"
AUTHORIZE="/authorize?response_type=code&client_id=public&redirect_uri=http%3A%2F%2F127.0.0.1%2Fcb&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256"

# wrk script: the request from WRK_METHOD/WRK_BODY (headers with -H); done() writes one line to
# WRK_OUT: requests seconds rps p50_ms p99_ms status:count,... socket_errors
cat >"$WORK/status.lua" <<'EOF'
wrk.method = os.getenv("WRK_METHOD") or "GET"
local body = os.getenv("WRK_BODY")
if body ~= nil and body ~= "" then wrk.body = body end
local threads = {}
function setup(thread) table.insert(threads, thread) end
counts = {}
function response(status, headers, body) counts[status] = (counts[status] or 0) + 1 end
function done(summary, latency, requests)
  local all, mix = {}, {}
  for _, t in ipairs(threads) do
    for s, n in pairs(t:get("counts")) do all[s] = (all[s] or 0) + n end
  end
  for s, n in pairs(all) do table.insert(mix, s .. ":" .. n) end
  table.sort(mix)
  local e, secs = summary.errors, summary.duration / 1e6
  local out = io.open(os.getenv("WRK_OUT"), "w")
  out:write(string.format("%d %.1f %.0f %.2f %.2f %s %d\n", summary.requests, secs,
    summary.requests / secs, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    table.concat(mix, ","), e.connect + e.read + e.write + e.timeout))
  out:close()
end
EOF

# Metadata probe: argv host:port rate seconds; prints "n p50_ms p99_ms max_ms failures".
cat >"$WORK/probe.py" <<'EOF'
import http.client, sys, time
host, port = sys.argv[1].rsplit(":", 1)
rate, seconds = float(sys.argv[2]), float(sys.argv[3])
conn, lat, failures = None, [], 0
start = time.monotonic()
for i in range(int(rate * seconds)):
    time.sleep(max(0.0, start + i / rate - time.monotonic()))
    t0 = time.perf_counter()
    try:
        conn = conn or http.client.HTTPConnection(host, int(port), timeout=5)
        conn.request("GET", "/.well-known/oauth-authorization-server")
        r = conn.getresponse(); r.read()
        failures += r.status != 200
    except Exception:
        failures, conn = failures + 1, None
    lat.append((time.perf_counter() - t0) * 1000)
lat.sort()
q = lambda p: lat[min(len(lat) - 1, round(p * (len(lat) - 1)))]
print(f"{len(lat)} {q(0.5):.2f} {q(0.99):.2f} {lat[-1]:.2f} {failures}")
EOF

# wrk_run out seconds conns nice url method body [header...]
wrk_run() {
  local out=$1 secs=$2 conns=$3 nice=$4 url=$5 method=$6 body=$7 h headers=()
  shift 7
  for h in "$@"; do headers+=(-H "$h"); done
  WRK_OUT=$out WRK_METHOD=$method WRK_BODY=$body on_wrk_cpus nice -n "$nice" wrk -t1 -c"$conns" \
    -d"${secs}s" --timeout 5s -s "$WORK/status.lua" "${headers[@]}" "$url" >"$out.log" 2>&1 ||
    { cat "$out.log" >&2; return 1; }
}
valid_cc() { wrk_run "$1" "$2" "$CC_CONNS" -10 "http://$VALID_ADDR/token" POST "$CC_BODY" "$VALID" "$FORM"; }
probe() { on_wrk_cpus nice -n -10 python3 "$WORK/probe.py" "$ADDR" "$PROBE_RATE" "$1" >"$2"; }
flood() { # flood A|B out seconds
  case $1 in
    A) wrk_run "$2" "$3" "$FLOOD_CONNS" 0 "http://$ADDR/token" POST "$CC_BODY" "$WRONG" "$FORM" ;;
    B) wrk_run "$2" "$3" "$FLOOD_CONNS" 0 "http://$ADDR$AUTHORIZE" GET "" ;;
  esac
}
rss_mb() { awk '/^VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$1/status" 2>/dev/null || echo 0; }
field() { awk -v n="$2" '{print $n}' "$1"; }
cpu_s() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / hz}' "/proc/$1/stat"; }

start_server() {
  on_server_cpus "$SERVER" --listen "0.0.0.0:$PORT" --issuer "http://$ADDR" --fixtures "$WORK/fixtures.json" \
    --store memory: $SERVER_FLAGS >"$WORK/server.log" 2>&1 &
  SERVER_PID=$!
  PIDS+=("$SERVER_PID")
  local i
  for ((i = 0; i < 300; i++)); do # fixtures are argon2-hashed at start: allow 30 s
    curl -s -o /dev/null "http://$ADDR/.well-known/oauth-authorization-server" && return 0
    sleep 0.1
  done
  cat "$WORK/server.log" >&2
  return 1
}
stop_server() { kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; }

ROWS=()
for f in A B; do
  start_server
  curl -sf -H "$VALID" -H "$FORM" -d "$CC_BODY" "http://$VALID_ADDR/token" >/dev/null ||
    { echo "the valid client gets no token" >&2; exit 1; }
  valid_cc "$WORK/cc0" "$CC_SECONDS"
  probe "$PROBE_SECONDS" "$WORK/meta0"
  secs=$A_SECONDS
  if [[ $f == B ]]; then # a warm-up run gives the rate, and the duration for B_TARGET requests
    flood B "$WORK/warm" 5
    secs=$(awk -v n="$B_TARGET" -v r="$(field "$WORK/warm" 3)" -v lo="$A_SECONDS" -v hi="$B_MAX" \
      'BEGIN {s = int(n / r * 1.05) + 1; print (s < lo ? lo : (s > hi ? hi : s))}')
  fi
  log "flood $f: ${secs}s x $FLOOD_CONNS connections; unloaded cc $(field "$WORK/cc0" 3)/s, load $(cut -d' ' -f1-3 /proc/loadavg)"
  rss_start=$(rss_mb "$SERVER_PID") cpu_start=$(cpu_s "$SERVER_PID")
  flood "$f" "$WORK/flood" "$secs" &
  flood_pid=$!
  PIDS+=("$flood_pid")
  sleep 2
  valid_cc "$WORK/cc1" "$((secs - 4))" &
  cc_pid=$!
  PIDS+=("$cc_pid")
  probe "$((secs - 4))" "$WORK/meta1" &
  probe_pid=$!
  PIDS+=("$probe_pid")
  rss_max=$rss_start
  for ((i = 0; i < secs + 10; i++)); do # bounded: wrk stops by itself after $secs
    kill -0 "$flood_pid" 2>/dev/null || break
    r=$(rss_mb "$SERVER_PID")
    ((r > rss_max)) && rss_max=$r
    sleep 1
  done
  wait "$flood_pid" "$cc_pid" "$probe_pid"
  rss_end=$(rss_mb "$SERVER_PID")
  cpu=$(awk -v a="$cpu_start" -v b="$(cpu_s "$SERVER_PID")" -v s="$(field "$WORK/flood" 2)" \
    'BEGIN {printf "%.0f", (b - a) / s * 100}')
  ratio=$(awk -v a="$(field "$WORK/cc1" 3)" -v b="$(field "$WORK/cc0" 3)" 'BEGIN {printf "%.2f", a / b}')
  ROWS+=("| $f | $(field "$WORK/flood" 1) in $(field "$WORK/flood" 2) s ($(field "$WORK/flood" 3)/s) | \
$(field "$WORK/flood" 6) (socket errors $(field "$WORK/flood" 7)) | \
$(field "$WORK/meta0" 2) / $(field "$WORK/meta0" 3) | $(field "$WORK/meta1" 2) / $(field "$WORK/meta1" 3) \
(max $(field "$WORK/meta1" 4), $(field "$WORK/meta1" 5) failed of $(field "$WORK/meta1" 1)) | \
$(field "$WORK/cc0" 3) → $(field "$WORK/cc1" 3) (**$ratio**; $(field "$WORK/cc1" 6)) | \
$rss_start / $rss_max / $rss_end | $cpu % |")
  log "${ROWS[-1]}"
  stop_server
done

echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ); tree $(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo '?'); \
nproc $(nproc); pinned: $([[ $PIN == 1 ]] && echo "server CPU $SERVER_CPUS, clients CPU $WRK_CPUS" || echo no); \
load at end $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| flood | flood requests | flood status mix | metadata p50 / p99 ms, idle | metadata p50 / p99 ms, flooded | valid cc req/s unloaded → flooded (ratio; status) | RSS MB start / max / end | server CPU |"
echo "|---|---|---|---|---|---|---|---|"
printf '%s\n' "${ROWS[@]}"
