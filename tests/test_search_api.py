"""The HTTP API over a real built index, served by waitress."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from kbgen.build import build
from kbgen.server import HelpCenterApp


def call(base, path, data=None, method=None):
    request = urllib.request.Request(base + path, data=data, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, json.loads(response.read())
    except urllib.error.HTTPError as err:
        with err:
            return err.code, err.headers, json.loads(err.read())


@pytest.fixture(scope="module")
def api(search_site, serve):
    return serve(HelpCenterApp(search_site))


def test_search_returns_the_contract_object(api, engine):
    status, headers, body = call(api, "/api/search?q=refnud&limit=3")
    assert status == 200 and headers["Content-Type"] == "application/json; charset=utf-8"
    assert body["suggestion"] == "refund" and len(body["hits"]) <= 3
    assert body == engine.search("refnud", limit=3)


def test_search_filters_and_paging(api):
    _, _, body = call(api, "/api/search?q=business+days&category=selling&type=article")
    assert [h["url"] for h in body["hits"]] == ["/selling/fees/"]
    _, _, page2 = call(api, "/api/search?q=business+days&limit=1&page=2")
    assert page2["total"] >= 2 and len(page2["hits"]) == 1


def test_suggest(api):
    status, _, body = call(api, "/api/suggest?q=refu")
    assert status == 200 and body["suggestions"][0]["title"] in ("Refunds", "How long does a refund take?")


@pytest.mark.parametrize(
    "path, error",
    [
        ("/api/search", "missing parameter 'q'"),
        ("/api/search?q=" + "a" * 201, "'q' is longer than 200 characters"),
        ("/api/search?q=x&limit=1000", "'limit' must be between 1 and 50"),
        ("/api/search?q=x&page=-1", "'page' must be between 1 and 100"),
        ("/api/search?q=x&type=pdf", "'type' must be one of article, faq, notice, flow"),
        ("/api/search?q=x&q=y", "parameter 'q' is given more than once"),
        ("/api/search?q=%ff%fe", "the query string is not valid UTF-8"),
        ("/api/search?q=x&debug=1", "unknown parameter 'debug'"),
        ("/api/search?q=" + "a" * 3000, "the query string is longer than 2048 characters"),
        ("/api/suggest?q=x&limit=99", "'limit' must be between 1 and 10"),
    ],
)
def test_bad_requests_get_400_with_a_json_error(api, path, error):
    status, headers, body = call(api, path)
    assert status == 400 and headers["Content-Type"].startswith("application/json")
    assert body == {"error": error}


def test_wrong_method_and_unknown_endpoint(api):
    status, headers, body = call(api, "/api/search?q=x", data=b"{}", method="POST")
    assert status == 405 and headers["Allow"] == "GET, HEAD" and "error" in body
    status, _, body = call(api, "/api/nope")
    assert status == 404 and "error" in body


def test_oversized_request_body_is_refused(api):
    request = urllib.request.Request(api + "/api/search?q=x", data=b"x" * 2_000_000, method="POST")
    try:
        urllib.request.urlopen(request, timeout=10).close()
    except urllib.error.HTTPError as err:
        err.close()
        assert err.code in (405, 413)
    except (ConnectionError, urllib.error.URLError):
        pass  # waitress may close the connection on a body over its limit


def test_the_index_folder_is_never_served(api, search_site):
    toc = next((search_site / "_kbgen/search").glob("_*.toc")).name
    for name in ("_kbgen/search/meta.json", f"_kbgen/search/{toc}", "_kbgen/"):
        assert (search_site / "_kbgen/search/meta.json").exists()
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(api + "/" + name)
        err.value.close()
        assert err.value.code == 404


def test_healthz(api):
    assert call(api, "/healthz")[:1] == (200,)


def test_concurrent_requests_all_succeed(api):
    queries = ["refund", "parcel", "tracking numbr", "fees", "money back", "label"] * 20

    def one(q):
        status, _, body = call(api, "/api/search?" + urllib.parse.urlencode({"q": q}))
        return status, body["total"]

    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(one, queries))
    assert all(status == 200 and total > 0 for status, total in results)


def test_missing_index_gives_503_not_a_traceback(tmp_path, serve):
    (tmp_path / "index.html").write_text("<html><body>static only</body></html>")
    base = serve(HelpCenterApp(tmp_path))
    status, _, body = call(base, "/api/search?q=refund")
    assert status == 503 and body == {"error": "the search index is not available"}


def _damaged_copy(site: Path, tmp_path: Path) -> Path:
    """A copy of ``site`` whose index's table of contents was overwritten."""
    import shutil

    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    (toc,) = (copy / "_kbgen" / "search").glob("_*.toc")
    toc.write_bytes(b"garbage\n")
    return copy


def test_damaged_index_is_logged_at_start_and_search_answers_503(search_site, tmp_path, serve, caplog):
    app = HelpCenterApp(_damaged_copy(search_site, tmp_path))
    with caplog.at_level("ERROR", logger="kbgen.server"):
        app.warm_up()
    (record,) = [r for r in caplog.records if r.name == "kbgen.server"]
    assert "the search index cannot be read" in record.getMessage() and "_kbgen/search" in record.getMessage()
    base = serve(app)
    assert call(base, "/api/search?q=refund")[:3:2] == (503, {"error": "the search index is not available"})
    with urllib.request.urlopen(base + "/", timeout=10) as response:
        assert response.status == 200


def test_kbgen_serve_with_workers_serves_pages_over_a_damaged_index(search_site, tmp_path, kbgen_serve):
    """The workers load the index before they fork: a damaged one must not stop the pages."""
    base = kbgen_serve("--no-build", "-d", _damaged_copy(search_site, tmp_path), "--workers", "2")
    assert call(base, "/api/search?q=parcel")[0] == 503
    with urllib.request.urlopen(base + "/", timeout=10) as response:
        assert response.status == 200


def test_rebuilt_index_is_picked_up_without_a_failed_request(search_project, serve, tmp_path):
    project = tmp_path / "project"
    import shutil

    shutil.copytree(search_project / "content", project / "content")
    shutil.copy(search_project / "mkdocs.yml", project / "mkdocs.yml")
    site = build(project / "mkdocs.yml")
    base = serve(HelpCenterApp(site))
    assert call(base, "/api/search?q=gift+wrapping")[2]["total"] == 0

    failures, done = [], threading.Event()

    def hammer():
        while not done.is_set():
            try:
                status, _, body = call(base, "/api/search?q=refund")
                if status != 200 or body["total"] == 0:
                    failures.append((status, body))
                with urllib.request.urlopen(base + "/returns/refunds/", timeout=10) as page:
                    if page.status != 200:
                        failures.append(page.status)
            except Exception as exc:  # any error during the swap is a failure
                failures.append(repr(exc))

    workers = [threading.Thread(target=hammer) for _ in range(4)]
    for worker in workers:
        worker.start()
    try:
        (project / "content/shipping/gift-wrapping.md").write_text(
            "---\ntitle: Gift wrapping\n---\nAdd gift wrapping at checkout.\n"
        )
        for _ in range(3):  # several swaps while requests run
            build(project / "mkdocs.yml")
        deadline = time.monotonic() + 10
        while call(base, "/api/search?q=gift+wrapping")[2]["total"] == 0:
            assert time.monotonic() < deadline, "the new index was not picked up"
            time.sleep(0.2)
    finally:
        done.set()
        for worker in workers:
            worker.join()
    assert failures == []
    assert call(base, "/api/search?q=gift+wrapping")[2]["hits"][0]["url"] == "/shipping/gift-wrapping/"


def test_kbgen_serve_with_two_worker_processes(search_site, kbgen_serve):
    """The real command: two forked waitress processes sharing the port."""
    import subprocess

    base = kbgen_serve("--no-build", "-d", search_site, "--workers", "2")
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(lambda _: call(base, "/api/search?q=parcel")[0], range(40)))
    assert statuses == [200] * 40
    (server,) = kbgen_serve.processes
    children = subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True, text=True)
    assert len(children.stdout.split()) == 2


def test_returning_the_parent_s_freed_memory_starts_no_child_process(monkeypatch):
    """The parent trims its heap after forking the workers: a child process of its own then
    (``ctypes.util.find_library`` runs ``ldconfig``) would sit beside the workers."""
    import subprocess

    from kbgen import server

    started = []
    real_init = subprocess.Popen.__init__
    monkeypatch.setattr(
        subprocess.Popen,
        "__init__",
        lambda self, *args, **kwargs: started.append(args) or real_init(self, *args, **kwargs),
    )
    server._return_freed_memory()
    assert started == []


def test_keep_alive_connections_are_spread_evenly_over_the_workers(search_site, kbgen_serve):
    """A few keep-alive clients (a proxy's pool, the benchmark's four connections) are served
    half by each worker: a worker takes a new connection only while it holds no more than the
    other. (With a SO_REUSEPORT socket per worker the kernel hashed them at random, and four
    rounds came out even about one time in a hundred.)"""
    base = kbgen_serve("--no-build", "-d", search_site, "--workers", "2")
    (server,) = kbgen_serve.processes
    with _KeptAlive(base, server.pid) as clients:
        assert len(clients.workers) == 2
        clients.until_every_worker_holds_one()
        for _ in range(4):
            for _ in range(8):
                clients.open()
            held = [_connections(pid, clients.port) for pid in clients.workers]
            assert sum(held) == len(clients.opened) and abs(held[0] - held[1]) <= 1, held


def test_a_worker_that_dies_leaves_the_others_taking_every_connection(search_site, kbgen_serve):
    """A killed worker held as few connections as any: the survivor must not wait for it
    to take the next ones (the parent marks it gone when it reaps it)."""
    import os
    import signal

    base = kbgen_serve("--no-build", "-d", search_site, "--workers", "2")
    (server,) = kbgen_serve.processes
    with _KeptAlive(base, server.pid) as clients:
        clients.until_every_worker_holds_one()
        victim, survivor = clients.workers
        os.kill(victim, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while os.path.exists(f"/proc/{victim}") and time.monotonic() < deadline:  # reaped by the parent
            time.sleep(0.1)
        held = _connections(survivor, clients.port)
        for _ in range(6):  # more than the dead worker held: the survivor must take them all
            clients.open(timeout=5)
        assert _connections(survivor, clients.port) == held + 6


class _KeptAlive:
    """Keep-alive clients of a ``kbgen serve --workers`` server (``pid``), closed on exit."""

    def __init__(self, base: str, pid: int):
        import subprocess

        self.port = int(base.rsplit(":", 1)[1])
        found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
        self.workers = [int(child) for child in found.split()]
        self.opened: list = []

    def open(self, timeout: float = 10) -> None:
        """One more connection, kept alive (HTTP/1.1) after a search it answered."""
        import http.client

        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        connection.request("GET", "/api/search?q=parcel")
        response = connection.getresponse()
        assert response.status == 200 and response.read()
        self.opened.append(connection)

    def until_every_worker_holds_one(self) -> None:
        """A worker takes connections once its index is warm: on a busy machine the second
        may still be warming while the first answers."""
        deadline = time.monotonic() + 60
        while not all(_connections(pid, self.port) for pid in self.workers):
            assert time.monotonic() < deadline, "the second worker never took a connection"
            self.open()
            time.sleep(0.2)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        for connection in self.opened:
            connection.close()


def _connections(pid: int, port: int) -> int:
    """How many connections to ``port`` process ``pid`` holds open (from /proc)."""
    import os
    from pathlib import Path

    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue  # closed meanwhile
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    found = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            local_port = int(fields[1].rsplit(":", 1)[1], 16)
            if local_port == port and fields[3] == "01" and fields[9] in inodes:  # 01: ESTABLISHED
                found += 1
    return found


def test_serve_opens_the_index_before_forking_and_freezes_it(search_site):
    """``kbgen serve --workers N`` loads and warms the index in the parent, then leaves it out
    of garbage collection, so the forked workers start warm and share one copy of it; the
    parent then drops it (the workers hold it) and a later search opens it again."""
    import gc

    from kbgen.server import _load_before_forking

    app = HelpCenterApp(search_site, search_cache=0)
    frozen = gc.get_freeze_count()
    try:
        _load_before_forking(app)
        assert gc.get_freeze_count() > frozen
        engine = app.engine  # opened by the warm-up
        assert engine.search("parcel")["hits"]
        app.forget_engines()
        assert app.engine is not engine and app.engine.search("parcel") == engine.search("parcel")
    finally:
        gc.unfreeze()
