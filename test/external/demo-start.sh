#!/usr/bin/env bash
# Starts the demo with `npm start` on a free port, as a user would, and checks
# that it answers with envelopes: a success, an unknown route, a crash, a slow
# report (504), throttling (429), oversized headers (413, Node's clientError),
# maintenance toggled by SIGUSR2 (503, then 200 again) and a trusted
# traceparent's trace id reused (X-Trace-Id and the access log). Bounded to 30 s.
# The server is stopped on every exit path. Run from anywhere.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"

command -v curl >/dev/null || { echo "demo-start: curl is needed" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/kompliant-demo.XXXXXX")
server_pid=''

stop_server() {
  [[ -n $server_pid ]] || return 0
  # npm → sh → tsx → node: signal the whole process group that job control gave the server.
  kill -TERM -- "-$server_pid" 2>/dev/null || true
  for _ in $(seq 1 50); do
    kill -0 -- "-$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL -- "-$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  server_pid=''
}

cleanup() {
  local status=$?
  stop_server
  if [[ $status -ne 0 ]]; then
    echo "--- server stdout" >&2; cat "$work/stdout" >&2 2>/dev/null || true
    echo "--- server stderr" >&2; cat "$work/stderr" >&2 2>/dev/null || true
  fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

fail() {
  echo "demo-start: FAIL: $*" >&2
  exit 1
}

# Job control puts the background server in a process group of its own (pgid = its pid).
set -m
HOST=127.0.0.1 PORT=0 MAINTENANCE=0 npm start >"$work/stdout" 2>"$work/stderr" &
server_pid=$!
set +m

# The whole run, server start included, must end within 30 s.
deadline=$((SECONDS + 30))
url=''
while [[ -z $url ]]; do
  url=$(grep -Eo 'listening on http://[^[:space:],]+' "$work/stdout" | head -n 1 | sed 's/^listening on //' || true)
  [[ -n $url ]] && break
  kill -0 "$server_pid" 2>/dev/null || fail "npm start exited before it printed 'listening on http://…'"
  ((SECONDS < deadline - 10)) || fail "no 'listening on http://…' line within 20 s"
  sleep 0.2
done
# The pid of the node process itself (npm and tsx run above it), for kill -USR2.
node_pid=$(grep -Eo 'listening on [^[:space:]]+ pid [0-9]+' "$work/stdout" | head -n 1 | grep -Eo '[0-9]+$' || true)
[[ -n $node_pid ]] || fail "no 'pid <n>' on the 'listening on' line"
echo "demo-start: server at $url, pid $node_pid"

# fetch PATH [CURL ARGS…]: GETs PATH into $work/body and $work/headers; prints the status.
fetch() {
  local path=$1 left=$((deadline - SECONDS))
  shift
  ((left > 0)) || fail "GET $path: out of time (30 s in all)"
  curl -sS --max-time "$((left < 10 ? left : 10))" -D "$work/headers" -o "$work/body" -w '%{http_code}' "$@" "$url$path" ||
    fail "GET $path: curl failed"
}

# check PATH STATUS [CURL ARGS…]: asserts the status and an envelope with a trace_id.
check() {
  local path=$1 expected=$2 status
  shift 2
  status=$(fetch "$path" "$@")
  [[ $status == "$expected" ]] || fail "GET $path: expected HTTP $expected, got $status: $(cat "$work/body")"
  grep -q '"trace_id"' "$work/body" || fail "GET $path: no \"trace_id\" in the body: $(cat "$work/body")"
  echo "demo-start: GET $path -> $status"
}

# header NAME: the value of response header NAME in $work/headers, if any.
header() {
  grep -i "^$1:" "$work/headers" | head -n 1 | cut -d: -f2- | tr -d ' \r' || true
}

# until_status PATH STATUS: repeats GET PATH, at most 30 times 0.1 s apart, until it answers STATUS.
until_status() {
  local path=$1 expected=$2 status=''
  for _ in $(seq 1 30); do
    status=$(fetch "$path")
    [[ $status == "$expected" ]] && return 0
    sleep 0.1
  done
  fail "GET $path: still HTTP $status, expected $expected"
}

check /accounts 200
grep -q '"status":"SUCCESS"' "$work/body" || fail "GET /accounts: not a SUCCESS envelope"

# A valid traceparent (the demo trusts its gateway's) keeps its trace id, written as a UUID.
check /whoami 200 -H 'traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'
incoming=4bf92f35-77b3-4da6-a3ce-929d0e0e4736
[[ $(header X-Trace-Id) == "$incoming" ]] || fail "traceparent: X-Trace-Id is '$(header X-Trace-Id)', not $incoming"
grep -q "\"trace_id\":\"$incoming\"" "$work/body" || fail "traceparent: trace_id $incoming not in the body: $(cat "$work/body")"
# The access line is written once the answer is sent, which may be just after curl has it.
for _ in $(seq 1 20); do
  grep -q "\"trace_id\":\"$incoming\".*\"path\":\"/whoami\"" "$work/stdout" && break
  sleep 0.1
done
grep -q "\"trace_id\":\"$incoming\".*\"path\":\"/whoami\"" "$work/stdout" || fail "traceparent: no access-log line with trace_id $incoming"
echo "demo-start: GET /whoami with a traceparent -> X-Trace-Id $incoming"

check /no/such/route 400
grep -q '"code":"ROUTE_NOT_FOUND"' "$work/body" || fail "GET /no/such/route: no ROUTE_NOT_FOUND"

check /debug/crash 500
grep -q '"code":"INTERNAL_ERROR"' "$work/body" || fail "GET /debug/crash: no INTERNAL_ERROR"
if grep -q 'db-primary' "$work/body"; then fail "GET /debug/crash: the internal error message reached the client"; fi
trace_id=$(grep -Eo '"trace_id":"[^"]+"' "$work/body" | head -n 1 | cut -d'"' -f4)
grep -q "\"trace_id\":\"$trace_id\"" "$work/stderr" || fail "GET /debug/crash: trace_id $trace_id not in the server's stderr log"

# 504: the report takes 2.5 s, the timeout is 2 s. Its late answer comes while the checks below run.
check '/reports/monthly?delay=2500' 504
grep -q '"code":"GATEWAY_TIMEOUT"' "$work/body" || fail "GET /reports/monthly: no GATEWAY_TIMEOUT"
report_trace_id=$(grep -Eo '"trace_id":"[^"]+"' "$work/body" | head -n 1 | cut -d'"' -f4)

# 429: the search allows 5 per 10 s; the 6th (10 at most, in case of a slow machine) is throttled.
throttled=''
for i in $(seq 1 10); do
  status=$(fetch '/accounts/search?q=ada')
  if [[ $status == 429 ]]; then throttled=$i; break; fi
  [[ $status == 200 ]] || fail "GET /accounts/search: expected 200 or 429, got $status: $(cat "$work/body")"
done
[[ -n $throttled ]] || fail "GET /accounts/search: no 429 after 10 searches"
grep -q '"code":"TOO_MANY_REQUESTS"' "$work/body" || fail "GET /accounts/search: no TOO_MANY_REQUESTS: $(cat "$work/body")"
[[ $(header Retry-After) =~ ^[0-9]+$ ]] || fail "GET /accounts/search: the 429 has no numeric Retry-After"
[[ -n $(header RateLimit) ]] || fail "GET /accounts/search: the 429 has no RateLimit header"
echo "demo-start: GET /accounts/search -> 429 at search $throttled, Retry-After $(header Retry-After)"

# 413: headers above Node's 16 KiB limit never reach Express; clientErrorHandler answers them.
big=$(head -c 20000 /dev/zero | tr '\0' x)
check /accounts 413 -H "X-Padding: $big"
grep -q '"code":"REQUEST_TOO_LARGE"' "$work/body" || fail "oversized headers: no REQUEST_TOO_LARGE: $(cat "$work/body")"

# 503: SIGUSR2 turns maintenance on (but not for /health), a second one turns it off.
kill -USR2 "$node_pid"
until_status /accounts 503
grep -q '"code":"SERVICE_UNAVAILABLE"' "$work/body" || fail "maintenance: no SERVICE_UNAVAILABLE: $(cat "$work/body")"
[[ $(header Retry-After) == 300 ]] || fail "maintenance: Retry-After is '$(header Retry-After)', not 300"
echo "demo-start: SIGUSR2 -> GET /accounts -> 503"
check /health 200
grep -q '"maintenance":true' "$work/body" || fail "GET /health: maintenance not reported on: $(cat "$work/body")"
kill -USR2 "$node_pid"
until_status /accounts 200
echo "demo-start: SIGUSR2 again -> GET /accounts -> 200"
grep -q 'SIGUSR2: maintenance ON' "$work/stdout" || fail "SIGUSR2: the server did not print the new state (on)"
grep -q 'SIGUSR2: maintenance off' "$work/stdout" || fail "SIGUSR2: the server did not print the new state (off)"

# The report's late answer was dropped and logged, not sent, and the server lives on.
for _ in $(seq 1 30); do
  grep -q "\"trace_id\":\"$report_trace_id\".*\"late\":true" "$work/stderr" && break
  ((SECONDS < deadline)) || break
  sleep 0.1
done
grep -q "\"trace_id\":\"$report_trace_id\".*\"late\":true" "$work/stderr" ||
  fail "GET /reports/monthly: the late answer (trace_id $report_trace_id) was not logged with late: true"
check /accounts 200

stop_server
echo "demo-start: ok"
