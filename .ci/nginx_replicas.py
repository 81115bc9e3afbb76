"""Two mali-admin replicas behind nginx, with the very nginx.conf that docker-compose.yml mounts.

Run by .ci/nginx-replicas.sh (which installs nginx and builds the server). Python's standard
library only. Steps:
1. start two replicas on free loopback ports and nginx on a third, its `upstream.conf` made
   from deploy/nginx/compose/upstream.conf with the replicas' addresses in place of `api:8000`
   (same passive health check parameters);
2. show the shared cache: a repeated GET (and a repeated APQ hash-only GET) is a HIT;
3. load nginx from concurrent clients (POSTs, never cached, and GETs, some cached), checking
   every answer's status and figures; mid-load, stop replica B gracefully (SIGTERM, as
   `docker compose stop` does), start it again and wait until nginx routes to it again, then
   kill replica A (SIGKILL, a crash);
4. fail if any request failed, or if either replica served nothing before the first stop.
"""

import argparse
import hashlib
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from datetime import datetime, timedelta, timezone

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NGINX_CONF = os.path.join(REPO, "deploy", "nginx", "nginx.conf")
COMPOSE_UPSTREAM = os.path.join(REPO, "deploy", "nginx", "compose", "upstream.conf")

# Queries with the figures they must answer (data/ and tests/graphql_queries.rs).
REGIONS_2010 = '{ regions(asOf: "2010-01-01") { name } }'
REGIONS_2010_NAMES = ["Bamako", "Kayes", "Koulikoro", "Sikasso", "Ségou", "Mopti",
                      "Tombouctou", "Gao", "Kidal"]
CERCLE = "query ($code: String!) { cercle(code: $code) { name population(year: 2009) region { name } } }"
MOPTI = '{ region(code: "05") { name population(year: 2009) } }'
COUNTRY = "query ($year: Int!) { country { name population(year: $year) } }"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def log(message):
    print(f"[{time.monotonic() - START:6.2f}s] {message}", flush=True)


START = time.monotonic()


class Replica:
    def __init__(self, name, binary, port, work):
        self.name, self.binary, self.port, self.work = name, binary, port, work
        self.process = None
        self.starts = 0

    def start(self):
        self.starts += 1
        with open(os.path.join(self.work, f"replica-{self.name}-{self.starts}.log"), "wb") as out:
            self.process = subprocess.Popen(
                [self.binary, "--listen", "127.0.0.1", "--port", str(self.port),
                 "--cors-origins", ",".join(ORIGINS)],
                stdout=out, stderr=subprocess.STDOUT, env={**os.environ, "RUST_LOG": "info"})
        wait_until(lambda: get_status(self.port, "/readyz") == 200, 60,
                   f"replica {self.name} did not become ready", self.process)
        log(f"replica {self.name} ready on port {self.port} (pid {self.process.pid})")

    def stop(self, sig):
        self.process.send_signal(sig)
        self.process.wait(timeout=30)
        log(f"replica {self.name} stopped with {signal.Signals(sig).name}")


def get_status(port, path):
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        connection.request("GET", path)
        status = connection.getresponse().status
        connection.close()
        return status
    except OSError:
        return None


def wait_until(condition, seconds, message, process=None):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        if process is not None and process.poll() is not None:
            raise SystemExit(f"{message}: it exited with {process.returncode}")
        time.sleep(0.1)
    raise SystemExit(message)


def write_nginx_conf(work, ports, listen_port):
    """The main file itself (a symbolic link: nginx includes relative to its directory) and
    the two files it includes, the upstream made from compose's."""
    conf = os.path.join(work, "conf")
    os.makedirs(conf)
    os.symlink(NGINX_CONF, os.path.join(conf, "nginx.conf"))
    compose = open(COMPOSE_UPSTREAM).read()
    match = re.search(r"^(\s*)server api:8000( [^;]*)?;$", compose, re.M)
    if not match:
        raise SystemExit(f"no `server api:8000 …;` line in {COMPOSE_UPSTREAM}")
    indent, parameters = match.group(1), match.group(2) or ""
    servers = "\n".join(f"{indent}server 127.0.0.1:{port}{parameters};" for port in ports)
    with open(os.path.join(conf, "upstream.conf"), "w") as f:
        f.write(compose[:match.start()] + servers + compose[match.end():])
    with open(os.path.join(conf, "listen.conf"), "w") as f:
        f.write(f"listen 127.0.0.1:{listen_port};\n")
    return os.path.join(conf, "nginx.conf")


class Client:
    """One keep-alive connection to nginx; every answer is checked."""

    def __init__(self, port):
        self.port = port
        self.connection = None

    def request(self, method, path, body=None, headers=None):
        """Status, headers and body; a broken connection is the caller's failure (no retry)."""
        if self.connection is None:
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        self.connection.request(method, path, body=body, headers=headers or {})
        response = self.connection.getresponse()
        return response.status, response.headers, response.read()

    def post(self, query, variables=None):
        body = json.dumps({"query": query, "variables": variables or {}})
        return self.request("POST", "/graphql", body,
                            {"Content-Type": "application/json", "Accept": "application/json"})

    def get(self, params):
        query = urllib.parse.urlencode(params)
        return self.request("GET", f"/graphql?{query}", headers={"Accept": "application/json"})


def graphql_data(status, body):
    if status != 200:
        raise ValueError(f"status {status}: {body[:200]!r}")
    answer = json.loads(body)
    if answer.get("errors") or "data" not in answer:
        raise ValueError(f"errors: {body[:300]!r}")
    return answer["data"]


def check(condition, message):
    if not condition:
        raise ValueError(message)


def one_request(client, n):
    """Sends request number `n` of a worker and checks its figures."""
    kind = n % 4
    if kind == 0:
        status, _, body = client.post(REGIONS_2010)
        data = graphql_data(status, body)
        check([r["name"] for r in data["regions"]] == REGIONS_2010_NAMES, f"regions: {data}")
    elif kind == 1:
        status, _, body = client.post(CERCLE, {"code": "ML0503"})
        data = graphql_data(status, body)
        check(data["cercle"] == {"name": "Bankass", "population": 264776,
                                 "region": {"name": "Bandiagara"}}, f"cercle: {data}")
    elif kind == 2:
        status, _, body = client.get({"query": MOPTI})
        data = graphql_data(status, body)
        check(data["region"] == {"name": "Mopti", "population": 2036209}, f"region: {data}")
    else:
        # Distinct URLs, so that GETs reach the replicas too, not only the cache.
        year = 1990 + (n // 4) % 40
        status, _, body = client.get({"query": COUNTRY, "variables": json.dumps({"year": year})})
        data = graphql_data(status, body)
        expected = {1998: 9810912, 2009: 14528662}.get(year)
        check(data["country"] == {"name": "Mali", "population": expected},
              f"country {year}: {data}")


class Load:
    def __init__(self, port, workers):
        self.port, self.workers = port, workers
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.ok = 0
        self.failures = []
        self.threads = []

    def run_worker(self, index):
        client = Client(self.port)
        # Each worker goes through every kind of request, starting at its own.
        n = index
        while not self.stop.is_set():
            try:
                one_request(client, n)
                with self.lock:
                    self.ok += 1
            except Exception as error:  # every failure is counted and shown
                with self.lock:
                    self.failures.append(f"{time.monotonic() - START:.2f}s: {error!r}")
                if client.connection is not None:
                    client.connection.close()
                    client.connection = None
            n += 1

    def start(self):
        for i in range(self.workers):
            thread = threading.Thread(target=self.run_worker, args=(i,), daemon=True)
            thread.start()
            self.threads.append(thread)

    def finish(self):
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=60)

    def counts(self):
        with self.lock:
            return self.ok, len(self.failures)


def upstream_counts(access_log, ports):
    """Requests each replica answered (last upstream of each line), and the retried ones."""
    served = {port: 0 for port in ports}
    retried = 0
    with open(access_log) as f:
        for line in f:
            match = re.search(r"upstream=(\S.*?) upstream_status=", line)
            if not match or match.group(1) == "-":
                continue
            # nginx separates tried servers with ", " and internal redirects with " : ";
            # with no live server left it logs the upstream group's name, without a port.
            addresses = [a.strip() for a in re.split(r",| : ", match.group(1))]
            retried += len(addresses) > 1
            last = addresses[-1].rsplit(":", 1)
            if len(last) != 2 or not last[1].isdigit():
                print("  no replica answered:", line.strip())
                continue
            port = int(last[1])
            served[port] = served.get(port, 0) + 1
    return served, retried


def miss_then_hit(client, params, field, expected):
    """GETs `params` twice through nginx: the answer's `field` must be `expected` both times,
    and nginx's cache must miss, then hit. Returns the second answer's headers."""
    statuses = []
    for _ in range(2):
        status, headers, body = client.get(params)
        data = graphql_data(status, body)
        check(data[field] == expected, f"{field}: {data}")
        statuses.append(headers.get("X-Cache-Status"))
    check(statuses == ["MISS", "HIT"], f"cache statuses of {params}: {statuses}")
    return headers


def show_cache(port):
    """A repeated GET and a repeated APQ hash-only GET: MISS, then HIT."""
    # Answers are cached until midnight UTC at most: keep clear of it.
    now = datetime.now(timezone.utc)
    midnight = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    if (midnight - now).total_seconds() < 30:
        time.sleep((midnight - now).total_seconds() + 1)
    client = Client(port)
    query = '{ cercle(name: "Bankass") { code population(year: 1998) } }'
    headers = miss_then_hit(client, {"query": query}, "cercle",
                            {"code": "1903", "population": 195582})
    log(f"GET cache: MISS then HIT "
        f"({headers.get('Cache-Control')}, ETag {headers.get('ETag')})")

    # APQ: each replica keeps its own store, so register the query on each, as clients do
    # over time by sending the query again after PERSISTED_QUERY_NOT_FOUND.
    apq = '{ region(code: "17") { name population(year: 2023) } }'
    digest = hashlib.sha256(apq.encode()).hexdigest()
    extensions = json.dumps({"persistedQuery": {"version": 1, "sha256Hash": digest}})
    status, headers, body = client.get({"extensions": extensions})
    errors = json.loads(body).get("errors") or [{}]
    check(errors[0].get("extensions", {}).get("code") == "PERSISTED_QUERY_NOT_FOUND",
          f"unregistered APQ: {body[:200]!r}")
    check(headers.get("X-Cache-Status") == "MISS", "PERSISTED_QUERY_NOT_FOUND was cached")
    for replica in REPLICA_PORTS:
        direct = Client(replica)
        body = json.dumps({"query": apq, "extensions": json.loads(extensions)})
        status, _, body = direct.request("POST", "/graphql", body,
                                         {"Content-Type": "application/json"})
        graphql_data(status, body)
    miss_then_hit(client, {"extensions": extensions}, "region",
                  {"name": "Bandiagara", "population": 868916})
    log("APQ hash-only GET: PERSISTED_QUERY_NOT_FOUND not cached, then MISS then HIT")


REPLICA_PORTS = []
# The origins CORS admits on the replicas: a cached answer must never carry one to the other.
ORIGINS = ["https://a.example", "https://b.example"]


def show_edge(port):
    """What nginx keeps from the replicas: the cache keys on the media type, not on each
    spelling of Accept; an answer for one Origin is never served to another; bodies over the
    server's limit are refused here; a client past its budget gets 429."""
    client = Client(port)
    query = '{ region(code: "05") { name population(year: 2009) } }'
    path = "/graphql?" + urllib.parse.urlencode({"query": query})
    expected = {"region": {"name": "Mopti", "population": 2036209}}

    # A flood of Accept spellings: each the same two media types.
    json_forms = ["", "*/*", "application/json", "Application/JSON", " application/json ",
                  "application/json; charset=utf-8", "application/*",
                  "application/json, text/plain", "application/json,*/*;q=0.1"]
    graphql_forms = ["application/graphql-response+json",
                     "application/graphql-response+json, application/json;q=0.9",
                     "APPLICATION/GRAPHQL-RESPONSE+JSON,application/json"]
    spellings = [(form, "application/json") for form in json_forms]
    spellings += [(form, "application/graphql-response+json") for form in graphql_forms]
    # And with junk after a comma that changes nothing: 200 spellings in all.
    for n in range(94):
        spellings.append((f"application/json, x/y{n}", "application/json"))
        spellings.append((f"application/graphql-response+json, x/y{n}",
                          "application/graphql-response+json"))
    statuses = {}
    for accept, media in spellings:
        status, headers, body = client.request("GET", path, headers={"Accept": accept} if accept else {})
        answer = graphql_data(status, body)
        check(answer == expected, f"Accept {accept!r}: {answer}")
        check(headers.get("Content-Type", "").startswith(media),
              f"Accept {accept!r}: {headers.get('Content-Type')}, not {media}")
        statuses.setdefault(headers.get("X-Cache-Status"), []).append(accept)
    misses = len(statuses.get("MISS", []))
    check(misses == 2, f"{len(spellings)} Accept spellings made {misses} cache misses: {statuses.get('MISS')}")
    check(len(statuses.get("HIT", [])) == len(spellings) - 2, f"cache statuses: {list(statuses)}")
    # Another form is answered, without the cache.
    status, headers, body = client.request("GET", path, headers={"Accept": "text/html, */*;q=0.8"})
    check(graphql_data(status, body) == expected and headers.get("X-Cache-Status") == "BYPASS",
          f"an unusual Accept: {headers.get('X-Cache-Status')}")
    log(f"{len(spellings)} Accept spellings: 2 cache keys (MISS, then {len(spellings) - 2} HITs)")

    # Two origins: each gets its own Access-Control-Allow-Origin, never the other's, and
    # the cached copy (made without an Origin) carries none.
    for _ in range(2):
        for origin in ORIGINS:
            status, headers, body = client.request("GET", path, headers={"Origin": origin})
            check(graphql_data(status, body) == expected, f"{origin}: {body[:200]!r}")
            check(headers.get("Access-Control-Allow-Origin") == origin,
                  f"{origin} got Access-Control-Allow-Origin {headers.get('Access-Control-Allow-Origin')}")
            check(headers.get("X-Cache-Status") == "BYPASS", f"{origin}: {headers.get('X-Cache-Status')}")
    status, headers, _ = client.request("GET", path)
    check(headers.get("X-Cache-Status") == "HIT" and "Access-Control-Allow-Origin" not in headers,
          f"the cached answer: {headers.get('X-Cache-Status')}, {headers.get('Access-Control-Allow-Origin')}")
    log("two origins: each its own Access-Control-Allow-Origin, the cached copy none")

    # A body over the server's 128 KiB is refused by nginx.
    big = json.dumps({"query": "{ __typename }", "pad": "x" * (200 * 1024)})
    status, _, _ = client.request("POST", "/graphql", big, {"Content-Type": "application/json"})
    check(status == 413, f"a 200 KiB body: {status}")

    # From another loopback address (127.0.0.1 is exempt), 300 requests at once on one
    # connection: past the burst of 100, nginx answers 429.
    limited = http.client.HTTPConnection("127.0.0.1", port, timeout=30,
                                         source_address=("127.0.0.2", 0))
    counts = {}
    for _ in range(300):
        limited.request("GET", "/healthz")
        response = limited.getresponse()
        response.read()
        counts[response.status] = counts.get(response.status, 0) + 1
    limited.close()
    check(counts.get(429, 0) > 0 and counts.get(429, 0) < 300, f"statuses from 127.0.0.2: {counts}")
    log(f"413 for a 200 KiB body; from 127.0.0.2, 300 requests at once: {counts}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--server", required=True, help="the mali-admin binary")
    parser.add_argument("--nginx", default=shutil.which("nginx") or "/usr/sbin/nginx")
    parser.add_argument("--workers", type=int, default=8, help="concurrent clients")
    parser.add_argument("--phase-seconds", type=float, default=3.0)
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix="mali-admin-nginx-")
    # nginx's workers run as `nobody` when the master is root: they must reach the cache.
    os.chmod(work, 0o755)
    processes = []
    passed = False
    try:
        ports = [free_port(), free_port()]
        REPLICA_PORTS.extend(ports)
        a = Replica("A", args.server, ports[0], work)
        b = Replica("B", args.server, ports[1], work)
        a.start()
        b.start()
        processes += [a, b]

        nginx_port = free_port()
        conf = write_nginx_conf(work, ports, nginx_port)
        nginx = [args.nginx, "-e", "stderr", "-p", work + "/", "-c", conf]
        test = subprocess.run(nginx + ["-t"], capture_output=True, text=True)
        if test.returncode != 0:
            raise SystemExit(f"nginx -t failed:\n{test.stderr}")
        access_log = os.path.join(work, "access.log")
        nginx_process = subprocess.Popen(
            nginx, stdout=open(access_log, "wb"),
            stderr=open(os.path.join(work, "nginx-error.log"), "wb"))
        wait_until(lambda: get_status(nginx_port, "/nginx-health") == 200, 30,
                   "nginx did not start", nginx_process)
        log(f"nginx {nginx_port} → replicas A {ports[0]}, B {ports[1]}")

        show_cache(nginx_port)
        show_edge(nginx_port)

        load = Load(nginx_port, args.workers)
        load.start()
        phase = args.phase_seconds
        time.sleep(phase)
        served_before, _ = upstream_counts(access_log, ports)
        log(f"before any stop: {load.counts()[0]} answers; replica A served "
            f"{served_before[ports[0]]}, B {served_before[ports[1]]}")

        b.stop(signal.SIGTERM)
        time.sleep(phase)
        log(f"B stopped for {phase}s: {load.counts()[0]} answers, {load.counts()[1]} failed")
        b.start()
        restarted, _ = upstream_counts(access_log, ports)
        # nginx tries B again once its fail_timeout is over.
        wait_until(lambda: upstream_counts(access_log, ports)[0][ports[1]] > restarted[ports[1]],
                   30, "nginx did not route to replica B again")
        log(f"nginx routes to B again: {load.counts()[0]} answers")

        time.sleep(phase / 2)
        a.stop(signal.SIGKILL)
        time.sleep(phase)
        load.finish()
        ok, failed = load.counts()
        nginx_process.send_signal(signal.SIGQUIT)
        nginx_process.wait(timeout=30)

        served, retried = upstream_counts(access_log, ports)
        log(f"after A's crash: {ok} answers; A served {served[ports[0]]} in all, "
            f"B {served[ports[1]]}; {retried} requests retried on the other replica")
        for failure in load.failures[:10]:
            print("  failed:", failure)
        print(f"nginx replicas: {ok + failed} requests through nginx, {failed} failed; "
              f"both replicas served before the stops (A {served_before[ports[0]]}, "
              f"B {served_before[ports[1]]}); {retried} retried on the other replica "
              f"after a stop; GET and APQ GET cache HIT on repeat")
        if failed or not (served_before[ports[0]] and served_before[ports[1]]):
            # nginx's view of the failures: which replica it took out, and when.
            with open(os.path.join(work, "nginx-error.log"), errors="replace") as f:
                for line in f.readlines()[-20:]:
                    print("  nginx:", line.rstrip())
            return 1
        passed = True
        return 0
    finally:
        for replica in processes:
            if replica.process and replica.process.poll() is None:
                replica.process.kill()
                replica.process.wait()
        if "nginx_process" in locals() and nginx_process.poll() is None:
            # SIGTERM, so that the master stops its workers too (SIGKILL would orphan them).
            nginx_process.terminate()
            try:
                nginx_process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                nginx_process.kill()
                nginx_process.wait()
        if passed and os.environ.get("KEEP_LOGS") is None:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"logs (replicas, nginx's access and error logs) in {work}")


if __name__ == "__main__":
    sys.exit(main())
