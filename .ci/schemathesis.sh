#!/usr/bin/env bash
# A black-box fuzzer no one here wrote: Schemathesis (PyPI; GraphQL through hypothesis-graphql)
# against the running server, from its introspection. Checks: no 5xx, no error without a code
# or with INTERNAL_SERVER_ERROR, no schema-valid query refused outside the contract
# (tests/schemathesis/hooks.py narrows the built-in not_a_server_error, which would count the
# contract's NOT_FOUND), and every schema-violating request refused (negative_data_rejection).
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)
examples=${SCHEMATHESIS_EXAMPLES:-25}

echo "== Schemathesis (${examples} examples an operation, positive and negative)"
tools=$(mktemp -d)
python3 -m venv "$tools/venv" 2>/dev/null || {
  apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null && python3 -m venv "$tools/venv"
}
"$tools/venv/bin/pip" install --quiet --disable-pip-version-check schemathesis==4.32.5
cargo build --locked --bin mali-admin
server="${CARGO_TARGET_DIR:-target}/debug/mali-admin"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
log="$tools/server.log"
"$server" --listen 127.0.0.1 --port "$port" >"$log" 2>&1 &
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null || true; rm -rf "$tools"' EXIT
for _ in $(seq 1 100); do
  if curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; then break; fi
  sleep 0.1
done
status=0
PYTHONPATH=tests/schemathesis SCHEMATHESIS_HOOKS=hooks "$tools/venv/bin/schemathesis" run \
  "http://127.0.0.1:$port/graphql" \
  --checks no_server_error_but_the_contract,negative_data_rejection \
  --exclude-checks not_a_server_error \
  --mode all --max-examples "$examples" --seed 15 --workers 2 \
  --no-color --request-timeout 15 || status=$?
if [ "$status" != 0 ]; then
  echo "--- the server's log (last lines)"
  tail -20 "$log"
fi
echo "schemathesis: $(( $(date +%s) - started )) s"
exit "$status"
