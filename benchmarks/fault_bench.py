"""Fault injection: two replicas behind nginx on one PostgreSQL, a replica killed, PostgreSQL restarted.

Builds the sample help center, starts a private PostgreSQL (Debian's package),
two `kbgen serve` replicas (--workers 2 each, trusting nginx's X-Forwarded-For)
and Debian's nginx in front with retries to the other upstream. Shoppers vote
and search through nginx, each with its own X-Forwarded-For and browser id.
Midway one replica is killed (SIGKILL, all its workers), then PostgreSQL is
stopped for about 10 s and started again. At the end every acknowledged vote
(201) is looked up in the database.

Goal: 0 acknowledged votes lost; no search fails; votes refused only while
PostgreSQL is down or within 5 s after the replica died; votes succeed again
within 5 s after PostgreSQL is back. Everything listens on 127.0.0.1 only;
results go to benchmarks/out/fault-results.json.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
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
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"
QUERIES = ["refund", "where is my parcel", "cancel a bid", "seller fees", "return label", "payout", "reserve price"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            urllib.request.urlopen(url, timeout=1).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise SystemExit(f"{url} did not answer within {timeout} s") from None
            time.sleep(0.2)


class Postgres:
    def __init__(self, root: Path):
        found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
        if not found:
            raise SystemExit("PostgreSQL is not installed (apt-get install postgresql)")
        self.bin = found[-1].parent
        self.root, self.data = root, root / "data"
        (root / "sockets").mkdir(parents=True)
        self.port = free_port()
        self.prefix: list[str] = []
        if os.geteuid() == 0:
            subprocess.run(["chown", "-R", "postgres", str(root)], check=True)
            os.chmod(root, 0o755)
            self.prefix = ["runuser", "-u", "postgres", "--"]
        self._run("initdb", "-D", self.data, "-A", "trust", "-U", "postgres", "--no-sync")
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, tool: str, *args) -> None:
        done = subprocess.run([*self.prefix, str(self.bin / tool), *map(str, args)], capture_output=True, text=True)
        if done.returncode:
            raise SystemExit(f"{tool} failed: {done.stderr.strip()[:400]}")

    def start(self) -> None:
        options = f"-p {self.port} -k {self.root / 'sockets'} -c listen_addresses=127.0.0.1"
        self._run("pg_ctl", "-D", self.data, "-w", "-l", self.root / "log", "-o", options, "start")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", self.data, "-w", "-m", mode, "stop")


NGINX_CONF = """
{user}
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    upstream kbgen {{
{servers}
        keepalive 32;
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://kbgen;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            # a request that could not reach a replica goes to the other one; a POST
            # that reached a replica which then died is not replayed (nginx's default)
            proxy_next_upstream error timeout http_502;
            proxy_next_upstream_tries 2;
            proxy_connect_timeout 1s;
            proxy_read_timeout 15s;
            client_max_body_size 8k;
        }}
    }}
}}
"""


class Shoppers:
    """Threads that vote and search through the balancer, recording every answer."""

    def __init__(self, base: str, pages: list[str], threads: int, pause: float):
        self.host, self.port = base.rsplit("/", 1)[-1].split(":")
        self.pages, self.threads, self.pause = pages, threads, pause
        self.votes: list[tuple[float, int, str, str]] = []  # (time, status, url, browser)
        self.searches: list[tuple[float, int]] = []
        self.errors: dict[str, int] = {}  # 5xx bodies, counted
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.t0 = 0.0

    def request(self, conn, method, path, body=None, headers=None):
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            body = response.read()
            if response.status >= 500:
                with self.lock:
                    self.errors[body[:100].decode("utf-8", "replace")] = (
                        self.errors.get(body[:100].decode("utf-8", "replace"), 0) + 1
                    )
            return response.status, conn
        except (OSError, http.client.HTTPException):
            conn.close()
            return 0, http.client.HTTPConnection(self.host, int(self.port), timeout=20)

    def run_one(self, n: int) -> None:
        rng = random.Random(n)
        conn = http.client.HTTPConnection(self.host, int(self.port), timeout=20)
        shopper = 0
        while not self.stop.is_set():
            shopper += 1
            address = f"10.{n}.{shopper // 250 % 250}.{shopper % 250 + 1}"  # each shopper its own address
            browser = str(uuid.UUID(int=rng.getrandbits(128)))
            url = rng.choice(self.pages)
            body = json.dumps({"url": url, "helpful": rng.random() < 0.7, "reason": ""})
            headers = {"Content-Type": "application/json", "X-KB-Browser": browser, "X-Forwarded-For": address}
            status, conn = self.request(conn, "POST", "/api/feedback", body, headers)
            with self.lock:
                self.votes.append((time.monotonic() - self.t0, status, url, browser))
            q = urllib.parse.quote(rng.choice(QUERIES))
            record = {"X-KB-Record": "1", "X-KB-Browser": browser, "X-Forwarded-For": address}
            status, conn = self.request(conn, "GET", f"/api/search?q={q}", headers=record)
            with self.lock:
                self.searches.append((time.monotonic() - self.t0, status))
            self.stop.wait(self.pause)

    def start(self) -> list[threading.Thread]:
        self.t0 = time.monotonic()
        workers = [threading.Thread(target=self.run_one, args=(n,), daemon=True) for n in range(self.threads)]
        for worker in workers:
            worker.start()
        return workers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=45, help="seconds of load in all")
    parser.add_argument("--kill-at", type=float, default=8, help="second at which one replica is killed")
    parser.add_argument("--pg-stop-at", type=float, default=18, help="second at which PostgreSQL stops")
    parser.add_argument("--pg-down-for", type=float, default=10, help="seconds PostgreSQL stays down")
    parser.add_argument("--threads", type=int, default=8, help="shopper threads (each votes then searches)")
    parser.add_argument("--pause", type=float, default=0.05, help="seconds each thread waits between rounds")
    parser.add_argument("--workers", type=int, default=2, help="worker processes per replica")
    args = parser.parse_args()
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        raise SystemExit("nginx is not installed (apt-get install nginx-light)")
    OUT.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="kbgen-fault-"))
    os.chmod(tmp, 0o755)  # PostgreSQL runs as its own user when we are root
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    site = OUT / "fault-site"
    if not (site / "index.html").is_file():
        subprocess.run(
            [sys.executable, "-m", "kbgen", "build", "-f", ROOT / "mkdocs.yml", "-d", site], check=True, env=env
        )
    pages = sorted(
        {
            url
            for page in site.rglob("index.html")
            for url in re.findall(r'data-kb-url="([^"]*)"', page.read_text(encoding="utf-8"))
        }
    )
    processes: list[subprocess.Popen] = []
    pg = Postgres(tmp / "pg")
    pg.start()
    pg_running = True
    try:
        replicas = []
        for _ in range(2):
            port = free_port()
            command = [sys.executable, "-m", "kbgen", "serve", "--no-build", "-d", site, "--port", port]
            command += ["--workers", args.workers, "--database", pg.url, "--forwarded-allow-ips", "127.0.0.1"]
            log = open(tmp / f"replica-{port}.log", "wb")
            proc = subprocess.Popen([str(c) for c in command], stdout=log, stderr=log, start_new_session=True, env=env)
            processes.append(proc)
            replicas.append((port, proc))
        for port, _ in replicas:
            wait_http(f"http://127.0.0.1:{port}/healthz")
        nginx_port = free_port()
        servers = "\n".join(f"        server 127.0.0.1:{p} max_fails=1 fail_timeout=5s;" for p, _ in replicas)
        conf = tmp / "nginx.conf"
        user = "user root;" if os.geteuid() == 0 else ""
        conf.write_text(NGINX_CONF.format(user=user, tmp=tmp, servers=servers, port=nginx_port))
        processes.append(
            subprocess.Popen([nginx, "-c", conf, "-p", tmp, "-g", "daemon off;"], start_new_session=True, env=env)
        )
        base = f"http://127.0.0.1:{nginx_port}"
        wait_http(base + "/healthz")

        shoppers = Shoppers(base, pages, args.threads, args.pause)
        threads = shoppers.start()
        events: dict[str, float] = {}
        plan = [
            (args.kill_at, "replica killed"),
            (args.pg_stop_at, "PostgreSQL stopped"),
            (args.pg_stop_at + args.pg_down_for, "PostgreSQL started"),
        ]
        for at, what in plan:
            time.sleep(max(0.0, at - (time.monotonic() - shoppers.t0)))
            began = time.monotonic() - shoppers.t0
            if what == "replica killed":
                os.killpg(replicas[0][1].pid, signal.SIGKILL)
            elif what == "PostgreSQL stopped":
                pg.stop()
                pg_running = False
            else:
                pg.start()
                pg_running = True
            events[what] = (began, time.monotonic() - shoppers.t0)  # pg_ctl takes a moment
            print(f"{began:6.2f}-{events[what][1]:.2f} s  {what}", flush=True)
        time.sleep(max(0.0, args.duration - (time.monotonic() - shoppers.t0)))
        shoppers.stop.set()
        for thread in threads:
            thread.join(timeout=30)

        import psycopg

        with psycopg.connect(pg.url) as conn:
            stored = set(conn.execute("SELECT url, browser FROM kb_votes").fetchall())
            searches_stored = conn.execute("SELECT COUNT(*) FROM kb_searches").fetchone()[0]
        result = summarise(shoppers, events, stored, searches_stored, args)
    finally:
        for proc in processes:
            try:
                os.killpg(proc.pid, signal.SIGTERM)  # the process and its workers
            except (ProcessLookupError, PermissionError):
                pass
        for proc in processes:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
        if pg_running:
            pg.stop("immediate")
        logs = OUT / "fault-logs"
        shutil.rmtree(logs, ignore_errors=True)
        logs.mkdir()
        for log in tmp.glob("*.log"):
            shutil.copy(log, logs / log.name)
        shutil.rmtree(tmp, ignore_errors=True)
    (OUT / "fault-results.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps({k: v for k, v in result.items() if k != "timeline"}, indent=2))


def summarise(shoppers: Shoppers, events: dict, stored: set, searches_stored: int, args) -> dict:
    killed = events["replica killed"][0]
    down, up = events["PostgreSQL stopped"][0], events["PostgreSQL started"][1]
    acknowledged = [(t, url, b) for t, status, url, b in shoppers.votes if status == 201]
    refused = [(t, status) for t, status, _, _ in shoppers.votes if status != 201]
    lost = [v for v in acknowledged if (v[1], v[2]) not in stored]

    def excused(t: float) -> bool:
        # refusals are allowed within 5 s after the replica died, from the moment pg_ctl stop
        # began until 5 s after pg_ctl start returned (votes must succeed again by then)
        return killed <= t <= killed + 5 or down <= t <= up + 5

    unexpected = [(round(t, 2), s) for t, s in refused if not excused(t)]
    first_after = next((t for t, _, _ in sorted(acknowledged) if t > up), None)
    last_refused_after = max((t for t, _ in refused if t > up), default=None)
    statuses: dict[str, int] = {}
    for _, status in refused:
        statuses[str(status or "no answer")] = statuses.get(str(status or "no answer"), 0) + 1
    failed_searches = [(round(t, 2), s) for t, s in shoppers.searches if s != 200]
    per_second: dict[int, list[int]] = {}
    for t, status, _, _ in shoppers.votes:
        row = per_second.setdefault(int(t), [0, 0])
        row[0 if status == 201 else 1] += 1
    return {
        "votes_sent": len(shoppers.votes),
        "votes_acknowledged": len(acknowledged),
        "votes_refused": len(refused),
        "refused_by_status": statuses,
        "votes_stored": len(stored),
        "acknowledged_votes_lost": len(lost),
        "refused_outside_the_fault_windows": unexpected[:20],
        "refused_outside_the_fault_windows_count": len(unexpected),
        "error_bodies": shoppers.errors,
        "searches_sent": len(shoppers.searches),
        "searches_failed": len(failed_searches),
        "searches_failed_detail": failed_searches[:20],
        "searches_recorded": searches_stored,
        "events_s": {k: [round(v[0], 2), round(v[1], 2)] for k, v in events.items()},
        "first_acknowledged_vote_after_postgresql_back_s": round(first_after - up, 2) if first_after else None,
        "last_refused_vote_after_postgresql_back_s": round(last_refused_after - up, 2) if last_refused_after else None,
        "refused_within_5_s_after_the_replica_died": sum(killed <= t <= killed + 5 for t, _ in refused),
        "settings": vars(args),
        "timeline": {str(k): v for k, v in sorted(per_second.items())},  # second: [acknowledged, refused]
    }


if __name__ == "__main__":
    main()
