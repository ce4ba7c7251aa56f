"""Shared fixtures: small throwaway sites, the sample help center built once, a CLI runner."""

from __future__ import annotations

import os
import shutil
import textwrap
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from kbgen.cli import cli
from kbgen.search.documents import SearchDocument

ROOT = Path(__file__).resolve().parent.parent
os.environ["NO_MKDOCS_2_WARNING"] = "1"
os.environ.setdefault("KBGEN_TODAY", "2026-11-23")

MINIMAL_CONFIG = """\
site_name: Test Help Center
site_url: https://help.example.com/
docs_dir: content
theme:
  name: material
plugins:
  - search
  - kbgen
"""


def article_document(number: int, body: str, summary: str = "") -> SearchDocument:
    """A search document of an article ``d<number>`` in one category, for index-level tests."""
    return SearchDocument(
        id=f"d{number}",
        url=f"/d{number}/",
        type="article",
        title=f"Page {number}",
        summary=summary,
        headings="",
        tags="",
        body=body,
        category="c",
        category_title="C",
        audience="everyone",
        promoted=False,
    )


def write_tree(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


@pytest.fixture
def make_site(tmp_path):
    """Write a project (mkdocs.yml + content/) from a dict of relative paths to text."""

    def make(files: dict[str, str], config: str = MINIMAL_CONFIG) -> Path:
        write_tree(tmp_path, {"mkdocs.yml": config, **files})
        return tmp_path

    return make


@pytest.fixture
def runner(monkeypatch):
    return CliRunner()


@pytest.fixture
def invoke(runner):
    def run(*args, cwd: Path | None = None):
        old = os.getcwd()
        if cwd is not None:
            os.chdir(cwd)
        try:
            return runner.invoke(cli, [str(a) for a in args], catch_exceptions=False)
        finally:
            os.chdir(old)

    return run


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory) -> Path:
    """The sample help center in content/, built once with kbgen's real build."""
    from kbgen.build import build

    project = tmp_path_factory.mktemp("sample")
    shutil.copytree(ROOT / "content", project / "content")
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    return build(project / "mkdocs.yml", project / "site")


@pytest.fixture(scope="session")
def german_site(sample_site) -> Path:
    """The sample's German pair (market de, language de) as kbgen built it: its own folder
    /de-de/ with its German pages only and its German search index."""
    return sample_site / "de-de"


@pytest.fixture(scope="session")
def two_pair_site(sample_site) -> Path:
    """The sample as one published site: English (Ireland) at the root, English (UK) in
    /en-gb/ and German in /de-de/."""
    return sample_site


def _german_pages() -> set[str]:
    """The translated pages and guided flows, named by their English source (``page.de.md``
    translates ``page.md``)."""
    found = {
        p.relative_to(ROOT / "content").as_posix().replace(".de.md", ".md") for p in ROOT.glob("content/**/*.de.md")
    }
    found |= {f"flows/{p.name.replace('.de.yml', '.yml')}" for p in (ROOT / "content" / "flows").glob("*.de.yml")}
    return found


GERMAN_PAGES = _german_pages()


def german_source(url: str) -> str:
    """The content file a German result's address shows: /de-de/returns/#entry -> returns/faq/entry.md,
    /de-de/flows/charged-twice/ -> flows/charged-twice.yml."""
    path, _, fragment = url.removeprefix("/de-de/").partition("#")
    path = path.strip("/")
    if path.startswith("flows/"):
        return f"{path}.yml"
    return f"{path}/faq/{fragment}.md" if fragment else f"{path}.md"


# A tiny but complete help center for build tests.
def english(paths) -> list[Path]:
    """The sample's English sources among ``paths`` (translations are ``page.de.md``)."""
    return [p for p in paths if not p.name.endswith(".de.md")]


CATEGORY_FILES = {
    "content/returns/_category.yml": "title: Returns\ndescription: Send it back.\nicon: material/keyboard-return\n",
    "content/returns/return-policy.md": (
        "---\ntitle: Return policy\nsummary: Thirty days.\nupdated: 2026-10-02\npromoted: true\n---\n"
        "## Window\n\nThirty days. See [how long refunds take](faq/refund-time.md).\n"
    ),
    "content/returns/faq/refund-time.md": (
        "---\nquestion: How long do refunds take?\n---\nFive days, see the [policy](../return-policy.md#window).\n"
    ),
}


@pytest.fixture(scope="session")
def serve():
    """Start kbgen's WSGI app under a real waitress server on a free loopback port."""
    import threading

    import waitress

    servers = []  # kept alive until the process ends: closing waitress from another
    # thread races with its event loop

    def start(app) -> str:
        server = waitress.create_server(app, host="127.0.0.1", port=0, threads=4)
        threading.Thread(target=server.run, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.effective_port}"

    return start


@pytest.fixture(scope="session")
def sample_url(sample_site, serve) -> str:
    from kbgen.server import HelpCenterApp

    return serve(HelpCenterApp(sample_site))


CHROMIUM = os.environ.get("KBGEN_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright; never a downloaded browser."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium, or set KBGEN_CHROMIUM)")
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


# A shopper's browser: headless Chromium says "HeadlessChrome", and the server does not count
# searches from headless browsers and crawlers (kbgen.server.is_robot).
SHOPPER_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36"


@pytest.fixture
def new_page(browser):
    contexts = []

    def make(**options):
        context = browser.new_context(**options)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


# A page's live-reload script has polled the server, saying which page it is (a preview puts
# the pages open in browsers live first)
LIVE_RELOAD_POLLED = (
    "performance.getEntriesByType('resource').some(e => e.name.startsWith("
    "location.origin + '/_kbgen/livereload?page=' + encodeURIComponent(location.pathname)))"
)


def wait_until(page, expression: str, timeout: float = 10.0) -> None:
    """Wait until a JavaScript expression is truthy in the page.

    Playwright's ``wait_for_function`` polls a string with ``eval`` inside the page,
    which the help center's Content-Security-Policy refuses; ``page.evaluate`` goes
    through the DevTools protocol, which the policy does not govern.
    """
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout} s: {expression}")
        page.wait_for_timeout(50)


# A small help center whose words are chosen for exact search assertions.
SEARCH_FILES = {
    "content/synonyms.yml": "- [voucher code, promo token]\n",
    "content/returns/_category.yml": "title: Returns & refunds\n",
    "content/returns/refunds.md": """
        ---
        title: Refunds
        summary: When and how a refund reaches your card.
        tags: [refund]
        audience: buyers
        ---
        ## Refund timing

        Sellers issue your refund within five business days. Card refunds take longer.
        """,
    "content/returns/return-label.md": """
        ---
        title: Printing a return label
        summary: Labels for sending an item back.
        audience: buyers
        ---
        Print the label from Your orders and attach it to the box.
        """,
    "content/returns/faq/refund-time.md": """
        ---
        question: How long does a refund take?
        audience: buyers
        ---
        Most refunds arrive within five business days of the seller receiving the item.
        """,
    "content/shipping/_category.yml": "title: Shipping\n",
    "content/shipping/tracking.md": """
        ---
        title: Tracking a parcel
        summary: Follow your parcel from dispatch to your door.
        audience: everyone
        promoted: true
        ---
        ## Tracking number

        Your tracking number is in the dispatch email. The carrier scans the parcel at each depot.
        """,
    "content/shipping/faq/lost-parcel.md": """
        ---
        question: My parcel never arrived. What now?
        audience: buyers
        ---
        Wait until the latest estimated delivery date, then report it from Your orders.
        """,
    "content/selling/_category.yml": "title: Selling\n",
    "content/selling/fees.md": """
        ---
        title: Selling fees
        summary: What it costs to sell, and when payouts arrive.
        audience: sellers
        ---
        A final value fee applies to every sale. Payouts reach your bank in two business days.
        Promotions can use a voucher code chosen by the seller.
        """,
    "content/selling/safety.md": """
        ---
        title: Unsafe listings <script>alert(1)</script>
        summary: Reporting listings with scripts.
        audience: everyone
        ---
        Never paste `<script>alert("x")</script>` into a listing: the scanner removes scripts.
        """,
}


@pytest.fixture(scope="session")
def search_project(tmp_path_factory) -> Path:
    project = tmp_path_factory.mktemp("search-site")
    write_tree(project, {"mkdocs.yml": MINIMAL_CONFIG, **SEARCH_FILES})
    return project


@pytest.fixture(scope="session")
def search_site(search_project) -> Path:
    from kbgen.build import build

    return build(search_project / "mkdocs.yml", search_project / "site")


@pytest.fixture(scope="session")
def engine(search_site):
    from kbgen.search import open_engine

    return open_engine(search_site)


@pytest.fixture(scope="session")
def static_host():
    """A plain static file server (no kbgen API), like GitHub Pages or a CDN."""
    import functools
    import http.server
    import threading

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    def start(directory: Path) -> str:
        handler = functools.partial(Quiet, directory=str(directory))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{server.server_address[1]}"

    return start


def _postgres_bin() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    return found[-1].parent if found else None


class PostgresServer:
    """A PostgreSQL server the tests may stop and start again (a database restart)."""

    def __init__(self, run, bin_dir: Path, data: Path, log: Path, options: str, url: str):
        self.run, self.bin_dir, self.data, self.log, self.options, self.url = run, bin_dir, data, log, options, url

    def start(self):
        done = self.run(self.bin_dir / "pg_ctl", "-D", self.data, "-w", "-l", self.log, "-o", self.options, "start")
        assert done.returncode == 0, done.stderr

    def stop(self, mode: str = "fast"):
        done = self.run(self.bin_dir / "pg_ctl", "-D", self.data, "-w", "-m", mode, "stop")
        assert done.returncode == 0, done.stderr

    def new_database(self) -> str:
        import uuid

        import psycopg

        name = "t" + uuid.uuid4().hex[:12]
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        return self.url.rsplit("/", 1)[0] + "/" + name


@pytest.fixture(scope="session")
def postgres(tmp_path_factory):
    """A real PostgreSQL server for this test session (Debian's postgresql package).

    As root, the server runs as the 'postgres' user the package creates.
    """
    import shutil
    import socket
    import subprocess

    pytest.importorskip("psycopg")
    bin_dir = _postgres_bin()
    if bin_dir is None:
        pytest.skip("PostgreSQL is not installed (apt-get install postgresql)")
    import tempfile

    # not under pytest's private temp folder: the postgres user must reach it
    root = Path(tempfile.mkdtemp(prefix="kbgen-pg-"))
    data, sockets = root / "data", root / "sockets"
    sockets.mkdir()
    prefix: list[str] = []
    if os.geteuid() == 0:
        if shutil.which("runuser") is None:
            pytest.skip("running as root without runuser: cannot start PostgreSQL")
        subprocess.run(["chown", "-R", "postgres", str(root)], check=True)
        os.chmod(root, 0o755)
        prefix = ["runuser", "-u", "postgres", "--"]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]

    def run(*args):
        return subprocess.run([*prefix, *map(str, args)], capture_output=True, text=True, timeout=120)

    init = run(bin_dir / "initdb", "-D", data, "-A", "trust", "-U", "postgres", "--no-sync")
    if init.returncode:
        pytest.skip(f"initdb failed: {init.stderr.strip()[:300]}")
    options = f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off"
    server = PostgresServer(
        run, bin_dir, data, root / "log", options, f"postgresql://postgres@127.0.0.1:{port}/postgres"
    )
    try:
        server.start()
    except AssertionError as exc:
        pytest.skip(f"PostgreSQL did not start: {str(exc)[:300]}")
    yield server
    run(bin_dir / "pg_ctl", "-D", data, "-m", "immediate", "stop")
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_url(postgres) -> str:
    return postgres.url


@pytest.fixture
def kbgen_serve():
    """Run the real `kbgen serve ARGS` command; returns its base URL once /healthz answers."""
    import signal
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    servers = []

    def start(*args, cwd=None, health="/healthz") -> str:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        server = subprocess.Popen(
            [sys.executable, "-m", "kbgen", "serve", "--port", str(port), *map(str, args)],
            cwd=cwd,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        )
        servers.append(server)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(base + health, timeout=1).close()
                return base
            except OSError:
                assert server.poll() is None, "kbgen serve exited"
                assert time.monotonic() < deadline, "kbgen serve did not start"
                time.sleep(0.1)

    start.processes = servers
    yield start
    for server in servers:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)
