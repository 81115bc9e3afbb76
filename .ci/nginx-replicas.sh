#!/usr/bin/env bash
# Replicas behind nginx, as docker-compose.yml runs them, without Docker: two server processes
# and Debian's nginx with deploy/nginx/nginx.conf; one replica stopped mid-load, then another
# killed; no request may fail (.ci/nginx_replicas.py).
set -euo pipefail
cd "$(dirname "$0")/.."

nginx=$(command -v nginx || true)
[ -z "$nginx" ] && [ -x /usr/sbin/nginx ] && nginx=/usr/sbin/nginx
if [ -z "$nginx" ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "nginx is missing: apt-get install nginx (as root)"
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx >/dev/null
  nginx=/usr/sbin/nginx
fi
command -v python3 >/dev/null || { apt-get update -qq && apt-get install -y -qq python3 >/dev/null; }

cargo build --locked --bin mali-admin
server="${CARGO_TARGET_DIR:-target}/debug/mali-admin"
python3 .ci/nginx_replicas.py --server "$server" --nginx "$nginx"
