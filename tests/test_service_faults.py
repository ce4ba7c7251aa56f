"""The service behind a proxy, under odd requests and with a database that fails.

Real `kbgen serve` processes (several workers where it matters), a real SQLite
file and the session's real PostgreSQL, which these tests stop and start.
"""

from __future__ import annotations

import json
import socket
import sqlite3
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from kbgen.feedback import open_store
from kbgen.server import HelpCenterApp

VOTE = {"url": "/returns/refunds/", "helpful": True}


def call(base, path, body=None, headers=None, method=None, timeout=10):
    data = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        base + path,
        data=data,
        method=method,
        headers={"Content-Type": "application/json", "X-KB-Browser": "browser-1", **(headers or {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.headers, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as err:
        with err:
            return err.code, err.headers, json.loads(err.read() or b"null")


def raw(base, request: bytes, timeout=10) -> bytes:
    """Send bytes as they are; the whole answer until the server closes."""
    host, port = base.rsplit("/", 1)[-1].split(":")
    with socket.create_connection((host, int(port)), timeout=timeout) as sock:
        sock.sendall(request)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


# -- behind a proxy: whose rate limit --------------------------------------------


def test_clients_behind_an_allowed_proxy_each_get_their_own_rate_limit(search_site, kbgen_serve, tmp_path):
    database = f"sqlite:///{tmp_path}/f.sqlite3"
    proxied = kbgen_serve(
        "--no-build", "-d", search_site, "--workers", "1", "--database", database, "--forwarded-allow-ips", "127.0.0.1"
    )
    # 30 shoppers behind the proxy, one vote each: nobody is limited
    statuses = [call(proxied, "/api/feedback", VOTE, {"X-Forwarded-For": f"203.0.113.{i}"})[0] for i in range(30)]
    assert statuses == [201] * 30
    # one shopper (the rightmost address the proxy did not add itself) is limited after the burst
    spoofed = [
        call(proxied, "/api/feedback", VOTE, {"X-Forwarded-For": f"10.9.9.{i}, 198.51.100.7"})[0] for i in range(25)
    ]
    assert spoofed[:20] == [201] * 20 and spoofed[-1] == 429
    # RFC 7239 Forwarded too
    assert call(proxied, "/api/feedback", VOTE, {"Forwarded": "for=192.0.2.60;proto=https"})[0] == 201
    # a server that trusts no proxy ignores the header: everyone shares the peer's bucket
    direct = kbgen_serve("--no-build", "-d", search_site, "--workers", "1", "--database", database)
    statuses = [call(direct, "/api/feedback", VOTE, {"X-Forwarded-For": f"203.0.113.{i}"})[0] for i in range(25)]
    assert statuses[:20] == [201] * 20 and statuses[-1] == 429


def test_forwarded_allow_ips_must_be_addresses(invoke, search_site):
    result = invoke("serve", "--no-build", "-d", search_site, "--forwarded-allow-ips", "10.0.0.1,nginx")
    assert result.exit_code == 1
    assert "--forwarded-allow-ips: 'nginx' is not an IP address, a network or '*'" in result.output


@pytest.mark.parametrize("workers", [1, 2])
def test_the_burst_is_the_same_whatever_the_number_of_workers(search_site, kbgen_serve, tmp_path, workers):
    base = kbgen_serve(
        "--no-build", "-d", search_site, "--workers", workers, "--database", f"sqlite:///{tmp_path}/f.sqlite3"
    )
    # every request on a new connection, so the kernel spreads them over the workers
    allowed = sum(call(base, "/api/feedback", VOTE)[0] == 201 for _ in range(45))
    assert 20 <= allowed <= 22  # the burst, plus what refills (30 a minute) while the test runs


def test_recorded_searches_are_limited_and_need_a_browser_id(search_site, serve, tmp_path):
    database = f"sqlite:///{tmp_path}/f.sqlite3"
    base = serve(HelpCenterApp(search_site, database=database, write_rate=6))
    record = {"X-KB-Record": "1", "X-KB-Browser": "0b7c6c1e-5d5c-4f0e-9a57-8b8c2f1e7a11"}
    ids = []
    for i in range(40):
        status, headers, body = call(base, f"/api/search?q=refund+{i}", headers=record)
        assert status == 200 and body["hits"]  # searching itself is never limited
        ids.append(headers["X-KB-Search-Id"])
    assert sum(i is not None for i in ids) == 20 and ids[-1] is None
    for browser in ("<script>", "short", "x" * 65, "naïve-browser-id"):
        status, headers, _ = call(base, "/api/search?q=parcel", headers={"X-KB-Record": "1", "X-KB-Browser": browser})
        assert status == 200 and headers["X-KB-Search-Id"] is None
    with open_store(database) as store:
        assert store.counts() == (20, 0)


# -- odd requests ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def app_url(search_site, serve, tmp_path_factory):
    database = f"sqlite:///{tmp_path_factory.mktemp('odd')}/f.sqlite3"
    return serve(HelpCenterApp(search_site, database=database, write_rate=6000))


@pytest.mark.parametrize(
    "path, body, status, error",
    [
        ("/" + "a" * 300 + "/", None, 400, "bad path"),
        ("/api/" + "a" * 300, None, 400, "bad path"),
        ("/%00/", None, 400, "bad path"),
        (
            "/api/feedback",
            b'{"url": "/returns/refunds/", "helpful": false, "reason": "\\ud800"}',
            400,
            "'reason' is not valid text (a lone surrogate)",
        ),
        (
            "/api/feedback",
            b'{"url": "/returns/\\ud800/", "helpful": false}',
            400,
            "'url' is not valid text (a lone surrogate)",
        ),
        (
            "/api/feedback",
            b'{"url": "/returns/\\u0000/", "helpful": true}',
            400,
            "'url' must not contain control characters",
        ),
        ("/api/feedback", b'{"a": ' + b"[" * 2000 + b"]" * 2000 + b"}", 400, "the body is nested too deeply"),
        (
            "/api/opened",
            json.dumps({"search_id": 2**63, "url": "/returns/refunds/"}).encode(),
            400,
            "'search_id' must be the id from the X-KB-Search-Id header",
        ),
    ],
)
def test_odd_requests_get_a_4xx_json_error(app_url, path, body, status, error):
    got, headers, answer = call(app_url, path, body, method="POST" if body else "GET")
    assert (got, answer) == (status, {"error": error})
    assert headers["Content-Type"] == "application/json; charset=utf-8"


def test_a_nul_byte_in_a_reason_is_dropped(search_site, serve, postgres):
    database = postgres.new_database()  # PostgreSQL refuses NUL in text: a 500 before
    base = serve(HelpCenterApp(search_site, database=database, write_rate=6000))
    body = b'{"url": "/returns/refunds/", "helpful": false, "reason": "a\\u0000b"}'
    assert call(base, "/api/feedback", body)[0] == 201
    with open_store(database) as store:
        assert [reason for _, _, reason in store.votes(*_today())] == ["a b"]


def _today():
    import datetime as dt

    now = dt.datetime.now(dt.timezone.utc)
    return now - dt.timedelta(days=1), now + dt.timedelta(days=1)


@pytest.mark.parametrize("path", ["/healthz", "/api/search?q=refund", "/api/suggest?q=ref", "/api/nope"])
def test_head_answers_carry_no_body(app_url, path):
    answer = raw(app_url, f"HEAD {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 ") and b"Content-Type: application/json" in head
    assert body == b""


def test_healthz_takes_get_and_head_only(app_url):
    for method in ("POST", "PUT", "DELETE"):
        status, headers, body = call(app_url, "/healthz", b"{}", method=method)
        assert (status, headers["Allow"], body) == (405, "GET, HEAD", {"error": "use GET"})
    assert call(app_url, "/healthz")[0] == 200


# -- personal data ---------------------------------------------------------------------------


def test_personal_data_and_control_characters_never_reach_the_database(search_site, serve, tmp_path, invoke):
    database = tmp_path / ".kbgen/feedback.sqlite3"
    base = serve(HelpCenterApp(search_site, database=f"sqlite:///{database}", write_rate=6000))
    reason = (
        "Refund missing! Mail jo.smith+shop@example.co.uk, card 4111 1111 1111 1111 "
        "or 5555-5555-5555-4444, call +44 20 7946 0958. Order 1234, since 2026-11-02."
        "\x1b]0;pwned\x07\x1b[2J\x9b31m\u202eevil"
    )
    assert call(base, "/api/feedback", {"url": "/returns/refunds/", "helpful": False, "reason": reason})[0] == 201
    stored = sqlite3.connect(database).execute("SELECT reason FROM kb_votes").fetchone()[0]
    assert stored == (
        "Refund missing! Mail [email], card [card] or [card], call [phone]. Order 1234, since 2026-11-02. ]0;pwned "
        "[2J 31m evil"
    )
    # rows written by an older version, or straight into the database, cannot reach the terminal either
    with sqlite3.connect(database) as conn:
        conn.execute("UPDATE kb_votes SET reason = ?", ("\x1b[2Jcleared",))
    (tmp_path / "mkdocs.yml").write_text("site_name: x\n")
    result = invoke("report", "--database", f"sqlite:///{database}", "-f", tmp_path / "missing.yml")
    assert result.exit_code == 0 and "\x1b" not in result.output and "[2Jcleared" in result.output


# -- votes: one per page and browser -------------------------------------------------------


def test_page_urls_are_normalised_before_a_vote_counts(app_url, tmp_path):
    browser = {"X-KB-Browser": "normalised-browser"}
    for url in ("/returns/refunds/", "//returns//refunds/", "/returns/refunds/index.html", "/returns/refunds"):
        assert call(app_url, "/api/feedback", {"url": url, "helpful": True}, browser)[0] == 201
    assert (
        call(app_url, "/api/feedback", {"url": "/returns/refunds/#refund-timing", "helpful": False}, browser)[0] == 201
    )
    assert call(app_url, "/api/feedback", {"url": "/returns/#refund-time", "helpful": True}, browser)[0] == 201
    status, _, body = call(app_url, "/api/feedback", {"url": "/404.html", "helpful": False}, browser)
    assert (status, body) == (400, {"error": "unknown page '/404.html'"})
    status, _, body = call(app_url, "/api/feedback", {"url": "/search/", "helpful": False}, browser)
    assert (status, body) == (400, {"error": "'/search/' has no feedback widget"})


def test_page_urls_are_normalised_in_the_store(search_site, serve, tmp_path):
    database = f"sqlite:///{tmp_path}/f.sqlite3"
    base = serve(HelpCenterApp(search_site, database=database, write_rate=6000))
    for url in ("/returns/refunds/", "//returns//refunds/", "/returns/refunds/index.html", "/returns/refunds/#x"):
        assert call(base, "/api/feedback", {"url": url, "helpful": True})[0] == 201
    with open_store(database) as store:
        assert store.counts() == (0, 1)


# -- the database: locked, down, restarted ----------------------------------------------------


def test_a_locked_sqlite_file_refuses_votes_quickly_and_never_holds_up_search(search_site, kbgen_serve, tmp_path):
    path = tmp_path / "f.sqlite3"
    base = kbgen_serve("--no-build", "-d", search_site, "--workers", "1", "--threads", "1", "--database", path)
    assert call(base, "/api/feedback", VOTE)[0] == 201
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with ThreadPoolExecutor(4) as pool:
            started = time.monotonic()
            votes = [pool.submit(call, base, "/api/feedback", VOTE, timeout=20) for _ in range(2)]
            time.sleep(0.3)  # both votes are waiting for the lock now
            for path_ in ("/api/search?q=parcel", "/healthz", "/returns/refunds/"):
                t = time.monotonic()
                request = urllib.request.Request(base + path_)
                with urllib.request.urlopen(request, timeout=10) as response:
                    assert response.status == 200
                assert time.monotonic() - t < 1.0, f"{path_} waited behind a write"
            results = [v.result() for v in votes]
            waited = time.monotonic() - started
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert [(s, b) for s, _, b in results] == [
        (503, {"error": "feedback cannot be saved right now; try again in a minute"})
    ] * 2
    assert waited < 5
    assert call(base, "/api/feedback", VOTE)[0] == 201  # free again


def test_retention_purge_runs_on_a_schedule_while_serving(search_site, serve, tmp_path):
    import datetime as dt

    database = f"sqlite:///{tmp_path}/f.sqlite3"
    app = HelpCenterApp(search_site, database=database, write_rate=6000, retention_days=30, purge_interval=0.5)
    base = serve(app)
    assert call(base, "/api/feedback", VOTE)[0] == 201  # the first purge started here
    app.purging.join(timeout=10)
    with open_store(database) as store:
        store.record_vote("/returns/", True, "", "old-browser", at=dt.datetime.now(dt.timezone.utc) - dt.timedelta(40))
        assert store.counts() == (0, 2)
        time.sleep(0.6)
        assert call(base, "/api/feedback", VOTE)[0] == 201
        deadline = time.monotonic() + 10
        while store.counts() != (0, 1) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert store.counts() == (0, 1)


def test_a_postgresql_restart_is_recovered_and_serve_starts_while_it_is_down(search_site, kbgen_serve, postgres):
    url = postgres.new_database()
    shoppers = iter(range(10_000))

    def vote(browser: str = "browser-1"):  # each from its own shopper behind the proxy: no rate limit
        headers = {"X-KB-Browser": browser, "X-Forwarded-For": f"198.51.100.{next(shoppers) % 250}"}
        return call(base, "/api/feedback", VOTE, headers)

    postgres.stop()
    try:
        # starts, serves pages and search, refuses votes with 503 while the database is down
        base = kbgen_serve(
            "--no-build", "-d", search_site, "--workers", "2", "--database", url, "--forwarded-allow-ips", "127.0.0.1"
        )
        started = time.monotonic()
        status, headers, body = vote()
        assert time.monotonic() - started < 5
        assert (status, body) == (503, {"error": "feedback cannot be saved right now; try again in a minute"})
        assert call(base, "/api/search?q=refund")[0] == 200 and call(base, "/healthz")[0] == 200
    finally:
        postgres.start()

    def vote_until_stored(browser: str) -> float:
        back = time.monotonic()
        while vote(browser)[0] != 201:
            assert time.monotonic() - back < 10, "votes still refused 10 s after the database came back"
            time.sleep(0.2)
        took = time.monotonic() - back
        time.sleep(1)  # a worker that failed to connect a moment ago waits 0.5 s before trying again
        return took

    assert vote_until_stored("after-first-start") < 5
    # a restart while serving: every worker's cached connection breaks
    assert {vote(f"before-restart-{i}")[0] for i in range(6)} == {201}
    postgres.stop()
    try:
        assert {vote()[0] for _ in range(6)} == {503}
        assert call(base, "/api/search?q=parcel")[0] == 200
    finally:
        postgres.start()
    assert vote_until_stored("after-restart") < 5
    assert {vote(f"after-restart-{i}")[0] for i in range(6)} == {201}
    with open_store(url) as store:
        assert store.counts() == (0, 14)


# -- slow clients -------------------------------------------------------------------------------


@pytest.mark.slow
def test_a_crowd_of_slow_clients_does_not_lock_others_out(search_site, kbgen_serve):
    base = kbgen_serve("--no-build", "-d", search_site, "--workers", "1")
    host, port = base.rsplit("/", 1)[-1].split(":")
    slow, stop = [], threading.Event()
    try:
        for _ in range(1100):
            sock = socket.create_connection((host, int(port)), timeout=5)
            sock.sendall(b"GET / HTTP/1.1\r\n")
            slow.append(sock)

        def trickle():
            while not stop.is_set():
                for sock in slow:
                    try:
                        sock.send(b"X")
                    except OSError:
                        pass
                stop.wait(0.5)

        threading.Thread(target=trickle, daemon=True).start()
        time.sleep(1.0)  # every slow connection has been accepted (or queued) by now
        for _ in range(3):
            t = time.monotonic()
            assert call(base, "/api/search?q=refund", timeout=5)[0] == 200
            # Locked out means waiting for a free connection slot (seconds, or the timeout);
            # 2.5 s leaves room for a loaded CI machine without hiding that.
            assert time.monotonic() - t < 2.5
    finally:
        stop.set()
        for sock in slow:
            sock.close()


def test_an_unfinished_request_is_closed_after_the_header_timeout(search_site):
    from kbgen.server import create_server

    server = create_server(HelpCenterApp(search_site), host="127.0.0.1", port=0, header_timeout=1)
    threading.Thread(target=server.run, daemon=True).start()
    with socket.create_connection(("127.0.0.1", server.effective_port), timeout=5) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\n")
        closed_after = None
        started = time.monotonic()
        while time.monotonic() - started < 8:
            try:
                sock.sendall(b"X")  # one byte every 0.2 s: never idle, never finished
                time.sleep(0.2)
            except OSError:
                closed_after = time.monotonic() - started
                break
        assert closed_after is not None and closed_after < 5


@pytest.mark.browser
def test_the_feedback_widget_says_kindly_when_the_database_is_down(search_site, serve, new_page):
    base = serve(HelpCenterApp(search_site, database="postgresql://nobody@127.0.0.1:1/none"))
    page = new_page()
    page.goto(base + "/returns/refunds/")
    widget = page.locator("form[data-kb-feedback]")
    widget.get_by_role("button", name="Yes").click()
    status = widget.locator("[data-kb-feedback-status]")
    status.filter(has_text="try again in a minute").wait_for(timeout=10_000)
    assert "We can't save feedback for a moment." in status.inner_text()


def test_serve_refuses_a_sqlite_file_it_cannot_create(invoke, search_site, tmp_path):
    (tmp_path / "file").write_text("")  # a file where the database's folder should be
    result = invoke("serve", "--no-build", "-d", search_site, "--database", f"sqlite:///{tmp_path}/file/f.sqlite3")
    assert result.exit_code == 1 and "Error: " in result.output and "Traceback" not in result.output
