#!/usr/bin/env bash
# The contract: graphql-inspector's diff between the previous release's schema (the newest file
# of docs/schema-history/) and schema.graphql. A breaking change fails unless CHANGELOG.md lists
# it, word for word as graphql-inspector writes it, with its reason.
# Usage: bash .ci/schema-diff.sh [OLD NEW]
set -euo pipefail
cd "$(dirname "$0")/.."
old="${1:-$(ls docs/schema-history/*.graphql | sort -V | tail -n 1)}"
new="${2:-schema.graphql}"
(cd tests/schema-diff && npm ci --no-audit --no-fund --loglevel=error)
echo "== schema diff: $old -> $new"
status=0
output=$(cd tests/schema-diff && npx --no-install graphql-inspector diff "../../$old" "../../$new" 2>&1) || status=$?
echo "$output" | grep -E "✖|⚠|No breaking|Detected" || true
if [ "$status" -eq 0 ]; then
  exit 0
fi
unlisted=0
while IFS= read -r line; do
  change=$(printf '%s' "$line" | sed -E 's/^.*✖ +//')
  [ -z "$change" ] && continue
  if ! grep -qF -- "$change" CHANGELOG.md; then
    echo "breaking change not listed in CHANGELOG.md: $change"
    unlisted=1
  fi
done < <(printf '%s\n' "$output" | grep "✖" | grep -v "Detected" || true)
if [ "$unlisted" -ne 0 ]; then
  exit 1
fi
if ! printf '%s\n' "$output" | grep -q "✖"; then
  # graphql-inspector failed without naming a change: the schemas did not load.
  echo "$output"
  exit 1
fi
echo "every breaking change is listed in CHANGELOG.md"
