#!/usr/bin/env bash
# Instructions a request costs the server, counted by callgrind: repeatable on a noisy machine
# where rates and CPU times are not (BENCHMARKS.md, "Issue 17, sixth session").
#
#   bash loadtest/instructions.sh [--requests N] [--log FILTER] [--fresh] BINARY QUERY_FILE [SERVER ARGS...]
#
# Starts BINARY under `valgrind --tool=callgrind` with one worker and instrumentation off, waits
# until its geometry is warm (that thread's work is not a request's), sends 50 requests of
# QUERY_FILE (a loadtest/queries file; its alias `q`) so that the response cache holds the
# answer, then counts the user-space instructions of N more (default 2,000) over one
# keep-alive connection, and prints them per request. `--log` is the server's RUST_LOG
# (default `warn,mali_admin=info`: no access lines, as the load test's `cached` mode).
# `--fresh` gives each request a new alias, as the load test's fresh modes: no cache keyed by the
# text can hit (add `--response-cache 0` as a server argument for the `cache-off-fresh` mode).
# `--keep FILE` keeps callgrind's output there, for callgrind_annotate.
# Needs valgrind (Debian's package) and python3. The kernel's share is not counted.
set -euo pipefail
requests=2000
filter="warn,mali_admin=info"
fresh=0
keep=
while [ $# -gt 0 ]; do
  case "$1" in
    --requests) requests=$2; shift 2 ;;
    --log) filter=$2; shift 2 ;;
    --fresh) fresh=1; shift ;;
    --keep) keep=$2; shift 2 ;;
    *) break ;;
  esac
done
[ $# -ge 2 ] || { sed -n '2,16p' "$0"; exit 2; }
binary=$1 query=$2
shift 2
command -v valgrind >/dev/null || { echo "valgrind is needed (apt-get install valgrind)" >&2; exit 1; }
work=$(mktemp -d)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
RUST_LOG=$filter valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$work/out" \
  "$binary" --listen 127.0.0.1 --port "$port" --workers 1 "$@" >"$work/log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 1200); do
  grep -q "geometry ready" "$work/log" 2>/dev/null && break
  kill -0 $pid 2>/dev/null || { cat "$work/log" >&2; exit 1; }
  sleep 0.5
done
grep -q "geometry ready" "$work/log" || { echo "the server's geometry never got ready" >&2; exit 1; }
# Sends N keep-alive POSTs of the query (the alias `q`, or with --fresh `f<ROUND>_<n>`) and
# checks each answer is a 200 without errors.
send() {
  python3 - "$port" "$1" "$query" "$fresh" "$2" <<'PY'
import http.client, json, sys
port, count, path, fresh, round = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4] == "1", sys.argv[5]
text = "".join(line for line in open(path) if not line.startswith("#"))
connection = http.client.HTTPConnection("127.0.0.1", port)
for n in range(count):
    alias = f"f{round}_{n}" if fresh else "q"
    body = json.dumps({"query": text.replace("__ALIAS__", alias)})
    # As wrk sends them: no Accept-Encoding (http.client would add `identity`).
    connection.putrequest("POST", "/graphql", skip_accept_encoding=True)
    for name, value in (("Content-Type", "application/json"), ("Accept", "application/json"),
                        ("Content-Length", str(len(body)))):
        connection.putheader(name, value)
    connection.endheaders(body.encode())
    answer = connection.getresponse()
    data = answer.read()
    assert answer.status == 200 and b'"errors"' not in data, (answer.status, data[:300])
PY
}
send 50 warm
callgrind_control -i on $pid >/dev/null
send "$requests" counted
callgrind_control -i off $pid >/dev/null
callgrind_control -d $pid >/dev/null
[ -z "$keep" ] || cp "$work/out.1" "$keep"
total=$(awk '/^totals:/ {print $2; exit}' "$work/out.1")
echo "$(basename "$binary") $(basename "$query"): $((total / requests)) instructions a request ($requests requests, RUST_LOG=$filter)"
