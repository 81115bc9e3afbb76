#!/usr/bin/env bash
# HTTP load test of mali-admin: starts the server, runs wrk on each query of loadtest/queries
# in each mode, checks every answer byte for byte (check.lua), and prints a markdown table of
# requests/s, p50/p99 latency and the server's memory. With --compare it also runs, in the same
# run, PostGraphile 4 over PostgreSQL loaded from data/ and nginx serving our own answer bytes,
# and prints the ratios beside the targets of issue 9. See BENCHMARKS.md.
#
# It fails when an answer is wrong or failed (an `errors` member, another status, a different
# body, a socket error), never because of speed.
set -euo pipefail

usage() {
  cat <<'EOF'
usage: bash loadtest/run.sh [options]
  --quick             1 s per run, no comparison, no start-up timing, the debug build
                      (CI: checks that every answer is right; figures mean nothing)
  --compare           also run PostgreSQL + PostGraphile 4 and nginx, and print the ratios
  --duration S        seconds per measured wrk run (default 10; env LOADTEST_DURATION)
  --warmup S          seconds of an unmeasured run before each (default 2, --quick 0;
                      env LOADTEST_WARMUP)
  --connections N     wrk connections (default 8; env LOADTEST_CONNECTIONS)
  --threads N         wrk threads (default 1; env LOADTEST_THREADS)
  --queries A,B       only these queries (names in loadtest/queries/, plus `introspection`)
  --release|--debug   which build of the server to load (default release; --quick: debug)
  --no-build          use the binary already built
  --out FILE          where to write the summary (default $CARGO_TARGET_DIR/loadtest/summary.md)
  --log LEVEL         the server's RUST_LOG during runs (default warn: no line per request)
  --soak ROUNDS       also soak: tree2009 with a fresh alias in each request, 16 connections,
                      ROUNDS rounds, the server's resident memory printed after each; fails
                      when the last two rounds differ by more than 5%
  --soak-seconds S    seconds per soak round (default 15)
  --soak-only         only the soak
EOF
}

root=$(cd "$(dirname "$0")/.." && pwd)
loadtest="$root/loadtest"
target_dir=${CARGO_TARGET_DIR:-$root/target}

duration=${LOADTEST_DURATION:-10}
warmup=${LOADTEST_WARMUP:-2}
connections=${LOADTEST_CONNECTIONS:-8}
threads=${LOADTEST_THREADS:-1}
quick=false
compare=false
profile=""
build=true
only=""
out=""
server_log_level=warn
soak_rounds=0
soak_seconds=15
soak_only=false
# The date of the 2009 map in the queries and in PostgreSQL (map A ran 2001-06-07..2016-01-19).
as_of=2009-04-01

while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=true; duration=1; warmup=0 ;;
    --compare) compare=true ;;
    --duration) duration=$2; shift ;;
    --warmup) warmup=$2; shift ;;
    --connections) connections=$2; shift ;;
    --threads) threads=$2; shift ;;
    --queries) only=$2; shift ;;
    --release) profile=release ;;
    --debug) profile=debug ;;
    --no-build) build=false ;;
    --out) out=$2; shift ;;
    --log) server_log_level=$2; shift ;;
    --soak) soak_rounds=$2; shift ;;
    --soak-seconds) soak_seconds=$2; shift ;;
    --soak-only) soak_only=true ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done
if $quick && $compare; then
  echo "--quick and --compare do not go together (the comparison needs real runs)" >&2
  exit 2
fi
[ -n "$profile" ] || { if $quick; then profile=debug; else profile=release; fi; }
out=${out:-$target_dir/loadtest/summary.md}

say() { printf '== %s\n' "$*" >&2; }
die() { printf 'loadtest: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------------------- tools
need_apt=()
command -v wrk >/dev/null || need_apt+=(wrk)
command -v curl >/dev/null || need_apt+=(curl)
command -v jq >/dev/null || need_apt+=(jq)
command -v python3 >/dev/null || need_apt+=(python3)
$quick || [ -x /usr/bin/time ] || need_apt+=(time)
if $compare; then
  command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need_apt+=(nginx-light)
  compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || need_apt+=(postgresql)
  command -v node >/dev/null || need_apt+=(nodejs)
  command -v npm >/dev/null || need_apt+=(npm)
fi
if [ ${#need_apt[@]} -gt 0 ]; then
  say "installing ${need_apt[*]} (apt)"
  [ "$(id -u)" = 0 ] || die "missing ${need_apt[*]}: install them (apt-get install ${need_apt[*]})"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

# ---------------------------------------------------------------------------- build
if $build; then
  say "cargo build ($profile)"
  if [ "$profile" = release ]; then
    (cd "$root" && cargo build --release --locked --bin mali-admin)
  else
    (cd "$root" && cargo build --locked --bin mali-admin)
  fi
fi
server_bin="$target_dir/$profile/mali-admin"
[ -x "$server_bin" ] || die "no server binary at $server_bin"

# ---------------------------------------------------------------------------- clean-up
work=$(mktemp -d /tmp/mali-admin-loadtest.XXXXXX)
chmod 755 "$work"
pids=()
pg_data=""
pg_ctl_bin=""
cleanup() {
  local pid
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  if [ -n "$pg_data" ] && [ -f "$pg_data/postmaster.pid" ]; then
    as_postgres "$pg_ctl_bin" -D "$pg_data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Waits until `url` answers 2xx (or the process `pid` dies).
wait_for() {
  local url=$1 pid=$2 log=$3
  for _ in $(seq 1 300); do
    if curl -fsS -o /dev/null "$url" 2>/dev/null; then return 0; fi
    kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; die "the process behind $url died"; }
    sleep 0.1
  done
  cat "$log" >&2
  die "$url did not answer"
}

# Resident memory of a process, in MB: the high-water mark and the current value.
memory_of() {
  awk '/^VmHWM/ { hwm = $2 } /^VmRSS/ { rss = $2 } END { printf "%.1f / %.1f", hwm / 1024, rss / 1024 }' "/proc/$1/status"
}

# ---------------------------------------------------------------------------- queries
# Each query is a file with `__ALIAS__` where its root field's alias goes; the introspection
# query is GraphiQL's (tests/fixtures), given the placeholder here so it cannot drift.
declare -A query_text
query_names=()
for file in "$loadtest"/queries/*.graphql; do
  name=$(basename "$file" .graphql)
  query_names+=("$name")
  query_text[$name]=$(grep -v '^#' "$file")
done
query_names+=(introspection)
query_text[introspection]=$(sed '0,/__schema {/s//__ALIAS__: __schema {/' "$root/tests/fixtures/introspection.graphql")
if [ -n "$only" ]; then
  IFS=, read -r -a query_names <<<"$only"
  for name in "${query_names[@]}"; do
    [ -n "${query_text[$name]+set}" ] || die "no query named $name"
  done
fi

# What each reference answer must hold, besides having no `errors`: figures from data/
# (communes.csv, cercles.csv, regions.csv, lineage.csv) and from the product's own docs, so
# a wrong answer cannot become the reference that every later answer is compared with.
declare -A query_check
query_check[tree2009]='
  (.data.zzALIASzz | length) == 9
  and ([.data.zzALIASzz[].cercles[]] | length) == 49
  and ([.data.zzALIASzz[].cercles[].communes[]] | length) == 697
  and (.data.zzALIASzz[] | select(.name == "Bamako") | .population) == 1810366
  and ([.data.zzALIASzz[].cercles[] | select(.name == "Kati")][0].population) == 956753
  and ([.data.zzALIASzz[].cercles[].communes[] | select(.name == "Abeïbara")][0].population) == 4549'
query_check[cercle2009]='
  .data.zzALIASzz.name == "Kati" and .data.zzALIASzz.population == 956753
  and (.data.zzALIASzz.communes | length) == 37'
query_check[search]='
  ([.data.zzALIASzz[] | select(.unit.name == "Diédougou")] | length) == 4'
query_check[lineage]='
  .data.zzALIASzz.name == "Mopti"
  and ([.data.zzALIASzz.successors[].region.name] | sort) == ["Bandiagara", "Douentza"]
  and (.data.zzALIASzz.lineagePaths | length) > 0'
query_check[introspection]='
  .data.zzALIASzz.queryType.name == "QueryRoot"
  and ([.data.zzALIASzz.types[].name] | index("Commune")) != null'

# Writes the JSON request body of query text $1 to file $2.
write_body() {
  jq -cn --arg query "$1" '{query: $query}' >"$2"
}

# POSTs body file $2 to $1 with the alias zzALIASzz and writes the answer to $3.
fetch_reference() {
  sed 's/__ALIAS__/zzALIASzz/' "$2" |
    curl -fsS -H 'Content-Type: application/json' -H 'Accept: application/json' \
      --data-binary @- -o "$3" "$1"
}

# Checks that answer $1 has no errors and passes jq check $2.
validate_answer() {
  local answer=$1 check=$2 what=$3
  jq -e 'has("errors") | not' "$answer" >/dev/null ||
    die "$what: the answer has errors: $(head -c 600 "$answer")"
  jq -e "$check" "$answer" >/dev/null ||
    die "$what: the answer does not hold the expected figures: $(head -c 600 "$answer")"
}

# ---------------------------------------------------------------------------- wrk
results="$work/results.tsv"
: >"$results"
wrk_runs=0

# run_wrk TARGET QUERY MODE URL METHOD TEMPLATE EXPECTED ALIASING: a warm-up run (JIT, pools,
# caches; its answers are checked but its figures dropped), then the measured run.
run_wrk() {
  if [ "$warmup" != 0 ]; then
    wrk_once "$warmup" "$@" >/dev/null
  fi
  wrk_once "$duration" "$@" >>"$results"
}

# wrk_once SECONDS TARGET QUERY MODE URL METHOD TEMPLATE EXPECTED ALIASING: prints one line of
# results, or stops everything if any answer was wrong.
wrk_once() {
  local seconds=$1 target=$2 query=$3 mode=$4 url=$5 method=$6 template=$7 expected=$8 aliasing=$9
  local output line bytes
  # Numbered, so that fresh aliases never repeat a text of an earlier run (warm-up included).
  wrk_runs=$((wrk_runs + 1))
  say "$target $query $mode: wrk -t$threads -c$connections -d${seconds}s"
  output=$(wrk -t"$threads" -c"$connections" -d"${seconds}s" --timeout 5s \
    -s "$loadtest/check.lua" "$url" -- "$method" "$template" "$expected" "$aliasing" "$wrk_runs") ||
    die "wrk failed: $output"
  line=$(grep '^RESULT ' <<<"$output") || die "wrk printed no result: $output"
  local -A r
  local pair
  for pair in ${line#RESULT }; do
    r[${pair%%=*}]=${pair#*=}
  done
  if [ "${r[failed]}" != 0 ] || [ "${r[checked]}" = 0 ] || [ "${r[checked]}" != "${r[requests]}" ]; then
    printf '%s\n' "$output" >&2
    die "$target $query $mode: ${r[failed]} of ${r[checked]} answers were wrong (${r[requests]} requests)"
  fi
  local socket_errors=$((${r[connect]} + ${r[read]} + ${r[write]} + ${r[timeout]}))
  if [ "$socket_errors" != 0 ] || [ "${r[status]}" != 0 ]; then
    printf '%s\n' "$output" >&2
    die "$target $query $mode: socket errors or non-2xx answers"
  fi
  bytes=$(stat -c %s "$expected")
  # A POST answer's size with the alias `q` in place of `zzALIASzz`.
  [ "$method" = POST ] && bytes=$((bytes - 8))
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$target" "$query" "$mode" "${r[rps]}" \
    "${r[p50_us]}" "${r[p99_us]}" "${r[requests]}" "$bytes"
}

# ---------------------------------------------------------------------------- start-up
startup_lines=()
if ! $quick; then
  say "start-up: mali-admin check, 5 times"
  for i in 1 2 3 4 5; do
    # check logs its own time (load + validate + build the graph) to stdout; time(1) adds
    # the process's wall time and peak memory.
    output=$(/usr/bin/time -f 'TIME %e %M' "$server_bin" check 2>&1 | sed -E 's/\x1b\[[0-9;]*m//g')
    micros=$(grep -o 'micros=[0-9]*' <<<"$output" | cut -d= -f2)
    read -r _ wall peak_kb < <(grep '^TIME ' <<<"$output")
    [ -n "$micros" ] && [ -n "$wall" ] || die "mali-admin check said: $output"
    startup_lines+=("$(awk -v m="$micros" -v w="$wall" -v k="$peak_kb" \
      'BEGIN { printf "load + validate + build %.1f ms; process %.2f s wall, %.1f MB peak", m / 1000, w, k / 1024 }')")
  done
fi

# ---------------------------------------------------------------------------- mali-admin
# start_server NAME ARGS...: sets server_pid and server_url.
start_server() {
  local name=$1
  shift
  local port log
  port=$(free_port)
  log="$work/$name.log"
  RUST_LOG=$server_log_level "$server_bin" --listen 127.0.0.1 --port "$port" "$@" >"$log" 2>&1 &
  server_pid=$!
  pids+=("$server_pid")
  server_url="http://127.0.0.1:$port/graphql"
  wait_for "http://127.0.0.1:$port/readyz" "$server_pid" "$log"
}

stop_server() {
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

declare -A memory
for name in "${query_names[@]}"; do
  write_body "${query_text[$name]}" "$work/$name.body.json"
done

if ! $soak_only; then
say "mali-admin with its response cache ($server_bin)"
start_server cache-on
for name in "${query_names[@]}"; do
  fetch_reference "$server_url" "$work/$name.body.json" "$work/$name.expected.json"
  validate_answer "$work/$name.expected.json" "${query_check[$name]}" "mali-admin $name"
done
for name in "${query_names[@]}"; do
  run_wrk mali-admin "$name" cached "$server_url" POST "$work/$name.body.json" \
    "$work/$name.expected.json" same
  run_wrk mali-admin "$name" uncached "$server_url" POST "$work/$name.body.json" \
    "$work/$name.expected.json" fresh
done
memory[cache-on]=$(memory_of "$server_pid")
stop_server "$server_pid"

say "mali-admin with --response-cache 0"
start_server cache-off --response-cache 0
for name in "${query_names[@]}"; do
  run_wrk mali-admin "$name" cache-off "$server_url" POST "$work/$name.body.json" \
    "$work/$name.expected.json" same
  run_wrk mali-admin "$name" cache-off-fresh "$server_url" POST "$work/$name.body.json" \
    "$work/$name.expected.json" fresh
done
memory[cache-off]=$(memory_of "$server_pid")
stop_server "$server_pid"
fi

# ---------------------------------------------------------------------------- soak
# Fresh-alias whole-tree queries (each text new, so no cache keeps them) at 16 connections,
# round after round: the resident memory must settle after the first rounds.
soak_lines=()
if [ "$soak_rounds" -gt 0 ]; then
  say "soak: tree2009, fresh aliases, 16 connections, $soak_rounds rounds of $soak_seconds s"
  start_server soak
  write_body "${query_text[tree2009]}" "$work/soak.body.json"
  fetch_reference "$server_url" "$work/soak.body.json" "$work/soak.expected.json"
  validate_answer "$work/soak.expected.json" "${query_check[tree2009]}" "mali-admin soak"
  saved_connections=$connections
  connections=16
  previous=""
  last=""
  for round in $(seq 1 "$soak_rounds"); do
    wrk_once "$soak_seconds" mali-admin tree2009 "soak-$round" "$server_url" POST \
      "$work/soak.body.json" "$work/soak.expected.json" fresh >>"$results"
    previous=$last
    last=$(awk '/^VmRSS/ { print $2 }' "/proc/$server_pid/status")
    line=$(awk -v r="$round" -v kb="$last" -v s="$soak_seconds" 'BEGIN { printf "round %d (%d s): RSS %.1f MB", r, r * s, kb / 1024 }')
    say "$line"
    soak_lines+=("$line")
  done
  connections=$saved_connections
  stop_server "$server_pid"
  if [ -n "$previous" ]; then
    awk -v a="$previous" -v b="$last" 'BEGIN { d = (b - a) / a; if (d < 0) d = -d; exit !(d <= 0.05) }' ||
      die "soak: the resident memory still moves between the last two rounds ($previous kB, then $last kB)"
  fi
fi

# ---------------------------------------------------------------------------- comparison
compared=()
if $compare; then
  for name in tree2009 cercle2009; do
    [[ " ${query_names[*]} " == *" $name "* ]] && compared+=("$name")
  done
  [ ${#compared[@]} -gt 0 ] || die "--compare needs the query tree2009 or cercle2009"

  # PostgreSQL: our own cluster in a temporary directory, run by the postgres user when we
  # are root (postgres refuses to run as root).
  pg_bin=$(dirname "$(compgen -G '/usr/lib/postgresql/*/bin/initdb' | sort -V | tail -n 1)")
  pg_ctl_bin="$pg_bin/pg_ctl"
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql postgres
    as_postgres() { runuser -u postgres -- "$@"; }
  else
    as_postgres() { "$@"; }
  fi
  pg_dir="$work/pg"
  mkdir -p "$pg_dir"
  [ "$(id -u)" = 0 ] && chown postgres "$pg_dir"
  pg_port=$(free_port)
  say "PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') on port $pg_port"
  as_postgres "$pg_bin/initdb" -D "$pg_dir/data" -U postgres -A trust -E UTF8 --no-sync \
    >"$work/initdb.log" 2>&1 || { cat "$work/initdb.log" >&2; die "initdb failed"; }
  pg_data="$pg_dir/data"
  as_postgres "$pg_ctl_bin" -D "$pg_data" -l "$pg_dir/server.log" -w \
    -o "-p $pg_port -k $pg_dir -c listen_addresses=127.0.0.1" start >/dev/null ||
    { cat "$pg_dir/server.log" >&2; die "PostgreSQL did not start"; }
  (cd "$root/data" && psql -X -q -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres \
    -v ON_ERROR_STOP=1 -v as_of="$as_of" -f "$loadtest/postgraphile/schema.sql") >"$work/load.log" ||
    { cat "$work/load.log" >&2; die "loading data/ into PostgreSQL failed"; }
  say "loaded (regions | cercles | communes): $(grep -E '^ *[0-9]+ *\|' "$work/load.log" | tr -s ' ')"

  say "PostGraphile (npm ci in loadtest/postgraphile)"
  (cd "$loadtest/postgraphile" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  pg_graphql_port=$(free_port)
  NODE_ENV=production "$loadtest/postgraphile/node_modules/.bin/postgraphile" \
    --connection "postgres://postgres@127.0.0.1:$pg_port/postgres" --schema public \
    --host 127.0.0.1 --port "$pg_graphql_port" --disable-graphiql --disable-query-log \
    --simple-collections only --disable-default-mutations \
    >"$work/postgraphile.log" 2>&1 &
  postgraphile_pid=$!
  pids+=("$postgraphile_pid")
  postgraphile_url="http://127.0.0.1:$pg_graphql_port/graphql"
  for _ in $(seq 1 300); do
    curl -fsS -o /dev/null -H 'Content-Type: application/json' \
      --data '{"query":"{__typename}"}' "$postgraphile_url" 2>/dev/null && break
    kill -0 "$postgraphile_pid" 2>/dev/null || { cat "$work/postgraphile.log" >&2; die "PostGraphile died"; }
    sleep 0.1
  done

  # nginx serves the exact bytes our server answered to the query text of the `cached' mode.
  nginx_root="$work/nginx"
  mkdir -p "$nginx_root/html"
  nginx_port=$(free_port)
  start_server for-nginx
  for name in "${compared[@]}"; do
    sed 's/__ALIAS__/q/' "$work/$name.body.json" |
      curl -fsS -H 'Content-Type: application/json' -H 'Accept: application/json' \
        --data-binary @- -o "$nginx_root/html/$name.json" "$server_url"
    cmp -s "$nginx_root/html/$name.json" <(sed 's/zzALIASzz/q/' "$work/$name.expected.json") ||
      die "our answer to $name changed between two requests"
  done
  stop_server "$server_pid"
  cat >"$nginx_root/nginx.conf" <<EOF
worker_processes auto;
pid $nginx_root/nginx.pid;
error_log $nginx_root/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  open_file_cache max=100;
  default_type application/json;
  client_body_temp_path $nginx_root/tmp;
  proxy_temp_path $nginx_root/tmp;
  fastcgi_temp_path $nginx_root/tmp;
  uwsgi_temp_path $nginx_root/tmp;
  scgi_temp_path $nginx_root/tmp;
  server {
    listen 127.0.0.1:$nginx_port;
    root $nginx_root/html;
  }
}
EOF
  mkdir -p "$nginx_root/tmp"
  nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
  say "nginx $("$nginx_bin" -v 2>&1 | sed 's/.*\///') on port $nginx_port"
  "$nginx_bin" -c "$nginx_root/nginx.conf" -g 'daemon off;' >"$work/nginx.log" 2>&1 &
  nginx_pid=$!
  pids+=("$nginx_pid")
  wait_for "http://127.0.0.1:$nginx_port/${compared[0]}.json" "$nginx_pid" "$work/nginx.log"

  for name in "${compared[@]}"; do
    write_body "$(grep -v '^#' "$loadtest/postgraphile/queries/$name.graphql")" "$work/$name.pg.body.json"
    fetch_reference "$postgraphile_url" "$work/$name.pg.body.json" "$work/$name.pg.expected.json"
    validate_answer "$work/$name.pg.expected.json" "${query_check[$name]}" "PostGraphile $name"
    # The same figures as ours. Both order lists by name, but PostgreSQL's collation and our
    # accent-folding order differ (É), so lists are compared sorted.
    same_figures='walk(if type == "array" then sort_by(.name) else . end)'
    diff <(jq -S "$same_figures" "$work/$name.expected.json") \
      <(jq -S "$same_figures" "$work/$name.pg.expected.json") >"$work/$name.diff" ||
      die "PostGraphile's answer to $name differs from ours: $(head -20 "$work/$name.diff")"
    run_wrk postgraphile "$name" uncached "$postgraphile_url" POST "$work/$name.pg.body.json" \
      "$work/$name.pg.expected.json" fresh
    run_wrk nginx "$name" static "http://127.0.0.1:$nginx_port/$name.json" GET - \
      "$nginx_root/html/$name.json" same
  done
  memory[postgraphile]=$(memory_of "$postgraphile_pid")
fi

# ---------------------------------------------------------------------------- summary
rate() { awk -F'\t' -v t="$1" -v q="$2" -v m="$3" '$1 == t && $2 == q && $3 == m { print $4 }' "$results"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b == 0) print "–"; else printf "%.2f", a / b }'; }

{
  commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
  dirty=$(git -C "$root" status --porcelain -- src Cargo.toml Cargo.lock data 2>/dev/null | head -c 1)
  printf 'Load test of mali-admin %s%s (%s build), %s, %s: wrk %s thread(s), %s connections, %s s per run, every answer checked.\n\n' \
    "$commit" "${dirty:+ (with uncommitted changes)}" "$profile" "$(date -u +%Y-%m-%dT%H:%MZ)" \
    "$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')" \
    "$threads" "$connections" "$duration"
  echo '| server | query | mode | answer bytes | requests/s | p50 ms | p99 ms |'
  echo '| --- | --- | --- | ---: | ---: | ---: | ---: |'
  awk -F'\t' '{ printf "| %s | %s | %s | %d | %.0f | %.2f | %.2f |\n", $1, $2, $3, $8, $4, $5 / 1000, $6 / 1000 }' "$results"
  echo
  echo "Resident memory (peak / at the end, MB): mali-admin with its response cache ${memory[cache-on]:-(not run)}; with --response-cache 0 ${memory[cache-off]:-(not run)}${memory[postgraphile]:+; PostGraphile (node) ${memory[postgraphile]}}."
  if [ ${#soak_lines[@]} -gt 0 ]; then
    echo
    echo "Soak (tree2009, a fresh alias in each request, 16 connections), the server's resident memory after each round:"
    echo
    for line in "${soak_lines[@]}"; do
      printf -- '- %s\n' "$line"
    done
  fi
  if [ ${#startup_lines[@]} -gt 0 ]; then
    echo
    echo 'Start-up, `mali-admin check` 5 times (its own log of load + validate + build the graph; then /usr/bin/time):'
    echo
    for line in "${startup_lines[@]}"; do
      printf -- '- %s\n' "$line"
    done
  fi
  if [ ${#compared[@]} -gt 0 ]; then
    echo
    echo '| query | ours uncached / PostGraphile (target ≥ 25) | ours cached / nginx static (target ≥ 0.5) | ours cache-off-fresh / PostGraphile |'
    echo '| --- | ---: | ---: | ---: |'
    for name in "${compared[@]}"; do
      pg=$(rate postgraphile "$name" uncached)
      printf '| %s | %s | %s | %s |\n' "$name" \
        "$(ratio "$(rate mali-admin "$name" uncached)" "$pg")" \
        "$(ratio "$(rate mali-admin "$name" cached)" "$(rate nginx "$name" static)")" \
        "$(ratio "$(rate mali-admin "$name" cache-off-fresh)" "$pg")"
    done
  fi
} >"$work/summary.md"
mkdir -p "$(dirname "$out")"
cp "$work/summary.md" "$out"
cat "$work/summary.md"
say "summary written to $out"
