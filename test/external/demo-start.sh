#!/usr/bin/env bash
# Starts the demo with `npm start` on a free port, as a user would, and checks
# that it answers a success, an unknown route and a crash with envelopes.
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
HOST=127.0.0.1 PORT=0 npm start >"$work/stdout" 2>"$work/stderr" &
server_pid=$!
set +m

url=''
deadline=$((SECONDS + 30))
while [[ -z $url ]]; do
  url=$(grep -Eo 'listening on http://[^[:space:]]+' "$work/stdout" | head -n 1 | sed 's/^listening on //' || true)
  [[ -n $url ]] && break
  kill -0 "$server_pid" 2>/dev/null || fail "npm start exited before it printed 'listening on http://…'"
  ((SECONDS < deadline)) || fail "no 'listening on http://…' line within 30 s"
  sleep 0.2
done
echo "demo-start: server at $url"

# check PATH STATUS: GETs PATH and asserts the status and an envelope with a trace_id.
check() {
  local path=$1 expected=$2 status
  status=$(curl -sS --max-time 10 -o "$work/body" -w '%{http_code}' "$url$path") || fail "GET $path: curl failed"
  [[ $status == "$expected" ]] || fail "GET $path: expected HTTP $expected, got $status: $(cat "$work/body")"
  grep -q '"trace_id"' "$work/body" || fail "GET $path: no \"trace_id\" in the body: $(cat "$work/body")"
  echo "demo-start: GET $path -> $status"
}

check /accounts 200
grep -q '"status":"SUCCESS"' "$work/body" || fail "GET /accounts: not a SUCCESS envelope"

check /no/such/route 400
grep -q '"code":"ROUTE_NOT_FOUND"' "$work/body" || fail "GET /no/such/route: no ROUTE_NOT_FOUND"

check /debug/crash 500
grep -q '"code":"INTERNAL_ERROR"' "$work/body" || fail "GET /debug/crash: no INTERNAL_ERROR"
if grep -q 'db-primary' "$work/body"; then fail "GET /debug/crash: the internal error message reached the client"; fi
trace_id=$(grep -Eo '"trace_id":"[^"]+"' "$work/body" | head -n 1 | cut -d'"' -f4)
grep -q "\"trace_id\":\"$trace_id\"" "$work/stderr" || fail "GET /debug/crash: trace_id $trace_id not in the server's stderr log"

stop_server
echo "demo-start: ok"
