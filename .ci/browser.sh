#!/usr/bin/env bash
# CI: GraphiQL in a real browser with the network to the outside closed. Debian's Chromium
# (driven by playwright-core, tests/browser/) loads the page of the built server, runs the full
# tree example and checks the response pane; the screenshot goes to .ci/artifacts/graphiql.png.
# The map page (/map) likewise: 9 units on 2010, 20 today, Bankass's history on a click
# (tests/browser/map.mjs, .ci/artifacts/map.png).
# The server and the browser run in a network namespace that has only the loopback (unshare
# --net), so nothing can leave the machine; the test also refuses and reports any request to
# another origin, which is the check that remains where no namespace can be made.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== GraphiQL in a browser, offline"
missing=()
command -v node >/dev/null 2>&1 || missing+=(nodejs npm)
command -v curl >/dev/null 2>&1 || missing+=(curl)
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v ip >/dev/null 2>&1 || missing+=(iproute2)
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
/usr/bin/chromium --version

# Everything that needs the network happens here, before it is closed.
(cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)
cargo build --locked --bin mali-admin
server="$(pwd)/${CARGO_TARGET_DIR:-target}/debug/mali-admin"
[ -x "$server" ] || server="${CARGO_TARGET_DIR:-target}/debug/mali-admin"
artifact="$(pwd)/.ci/artifacts/graphiql.png"
map_artifact="$(pwd)/.ci/artifacts/map.png"
mkdir -p .ci/artifacts

# Starts the server on a free loopback port, runs the browser test against it, stops the server.
run_test() {
  local port log server_pid status
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
  log=$(mktemp)
  "$server" --listen 127.0.0.1 --port "$port" >"$log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 100); do
    if curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then break; fi
    if ! kill -0 "$server_pid" 2>/dev/null; then cat "$log"; echo "the server did not start"; return 1; fi
    sleep 0.1
  done
  status=0
  node tests/browser/graphiql.mjs "http://127.0.0.1:$port" "$artifact" || status=$?
  node tests/browser/map.mjs "http://127.0.0.1:$port" "$map_artifact" || status=$?
  kill "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  return "$status"
}
export -f run_test
export server artifact map_artifact

if unshare --net true 2>/dev/null || unshare --net --map-root-user true 2>/dev/null; then
  flags=(--net)
  unshare --net true 2>/dev/null || flags+=(--map-root-user)
  echo "network: a namespace with only the loopback (unshare ${flags[*]})"
  unshare "${flags[@]}" bash -c '
    set -euo pipefail
    ip link set lo up
    if curl -sS --max-time 3 -o /dev/null https://deb.debian.org/ 2>/dev/null; then
      echo "the namespace still reaches the outside"; exit 1
    fi
    echo "network: the outside is unreachable from here"
    run_test'
else
  echo "network: no namespace can be made here; requests to other origins are refused and reported"
  run_test
fi
echo "screenshots: .ci/artifacts/graphiql.png, .ci/artifacts/map.png"
