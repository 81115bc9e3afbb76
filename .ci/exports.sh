#!/usr/bin/env bash
# CI: the exports read back with a real GIS reader. Starts the built server on a free loopback
# port, downloads every layer as GeoJSON and CSV on a date of each map, and reads each file with
# GDAL/OGR through pyogrio (from PyPI, into a throwaway virtual environment): the feature counts,
# the fields and the geometry types must be what the API says (.ci/read_exports.py).
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== exports read back with GDAL (pyogrio)"
started=$(date +%s)
venv=$(mktemp -d)
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check pyogrio
cargo build --locked --bin mali-admin
server="${CARGO_TARGET_DIR:-target}/debug/mali-admin"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
log=$(mktemp)
files=$(mktemp -d)
"$server" --listen 127.0.0.1 --port "$port" >"$log" 2>&1 &
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null || true; rm -rf "$venv" "$files"' EXIT
for _ in $(seq 1 100); do
  if curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$server_pid" 2>/dev/null; then cat "$log"; echo "the server did not start"; exit 1; fi
  sleep 0.1
done
for date in 2010-01-01 2020-01-01 2024-01-01; do
  for layer in regions cercles communes quartiers places; do
    for format in geojson csv; do
      curl -fsS --compressed "http://127.0.0.1:$port/export/$layer.$format?asOf=$date" \
        -o "$files/$layer-$date.$format"
    done
  done
done
"$venv/bin/python" .ci/read_exports.py "$files"
echo "exports read back in $(( $(date +%s) - started )) s"
