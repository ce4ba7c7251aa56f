"""The ``kbgen`` command line (Contract 2 in docs/architecture.md).

Each command imports what it needs when it runs, so ``kbgen --help`` is fast.
User mistakes end as ``KbgenError``: a clear message and exit status 1,
never a traceback.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

import click

from . import __version__
from .constants import AUDIENCES, DOCUMENT_TYPES

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")  # Material's end-of-life banner (docs/architecture.md)


DEFAULT_DATABASE = "sqlite:///.kbgen/feedback.sqlite3"


class KbgenError(click.ClickException):
    """A mistake the user can fix; printed as ``Error: message``, exit 1."""


config_option = click.option(
    "-f",
    "--config-file",
    "config_file",
    default="mkdocs.yml",
    show_default=True,
    type=click.Path(dir_okay=False),
    help="The help center's MkDocs configuration.",
)


def cache_options(command):
    """``--cache-dir`` and ``--no-cache``, shared by build and serve."""
    command = click.option(
        "--no-cache", is_flag=True, help="Build every page (the cache is neither read nor written)."
    )(command)
    return click.option(
        "--cache-dir",
        type=click.Path(file_okay=False),
        help="The build cache: unchanged pages are reused from here (default: .kbgen/cache beside the config).",
    )(command)


class _LogHandler(logging.Handler):
    """Prints MkDocs and kbgen log records: diagnostics as they are, others prefixed."""

    def __init__(self, verbose: bool):
        super().__init__(logging.DEBUG if verbose else logging.INFO)
        self.verbose = verbose

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        ours = record.name.startswith("mkdocs.plugins.kbgen")
        if record.levelno < logging.WARNING and not (ours or self.verbose):
            return
        if not ours and record.levelno >= logging.WARNING:
            message = f"{record.levelname.lower()}: {message}"
        click.echo(message, err=True)


def _setup_logging(verbose: bool = False) -> None:
    logger = logging.getLogger("mkdocs")
    logger.handlers[:] = [_LogHandler(verbose)]
    logger.setLevel(logging.DEBUG if verbose else logging.INFO)
    logger.propagate = False


def _require_config(config_file: str) -> Path:
    path = Path(config_file)
    if not path.is_file():
        raise KbgenError(
            f"{config_file}: no such file. Run kbgen in your help center's folder, "
            "pass -f path/to/mkdocs.yml, or create a project with 'kbgen new DIR'."
        )
    return path


def _load_project(config_file: str):
    from .project import ProjectError, load_project

    try:
        return load_project(_require_config(config_file))
    except ProjectError as exc:
        raise KbgenError(str(exc)) from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kbgen")
def cli() -> None:
    """kbgen: a searchable help center for shops and marketplaces, from Markdown."""


@cli.command()
@click.argument("directory", type=click.Path(file_okay=False))
@click.option(
    "--language",
    type=click.Choice(["en", "de"]),
    default="en",
    show_default=True,
    help="The language of the new help center's pages.",
)
def new(directory: str, language: str) -> None:
    """Create a working help-center project in DIRECTORY."""
    from .scaffold import create

    try:
        created = create(Path(directory), language)
    except FileExistsError as exc:
        raise KbgenError(str(exc)) from None
    click.echo(f"Created a help center in {created}.")
    click.echo(f"Next: cd {directory} && kbgen serve --watch")
    from importlib.util import find_spec

    if find_spec("wordllama") is None:  # the semantic extra (kbgen.search.vectors) is not installed
        click.echo("For search that understands what shoppers mean: pip install 'kbgen[semantic]'")


@cli.command()
@config_option
@click.option(
    "-d",
    "--site-dir",
    type=click.Path(file_okay=False),
    help="Where to write the site (default: site_dir of the config).",
)
@click.option("--strict", is_flag=True, help="Fail on warnings too (overdue reviews only with --fail-on-overdue).")
@click.option(
    "--fail-on-overdue", is_flag=True, help="Fail when a page's review_by date has passed (default: a warning)."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "github"]),
    default="text",
    show_default=True,
    help="How content problems are printed (github: annotations).",
)
@click.option("-v", "--verbose", is_flag=True, help="Show MkDocs' own progress messages.")
@cache_options
def build(
    config_file: str,
    site_dir: str | None,
    strict: bool,
    fail_on_overdue: bool,
    fmt: str,
    verbose: bool,
    cache_dir: str | None,
    no_cache: bool,
) -> None:
    """Build the site and its search index; the old site stays if anything fails."""
    _setup_logging(verbose)
    if fmt != "text":
        # check first, so CI gets every problem as annotations on the commit's files
        from .content.diagnostics import FORMATTERS, promote

        project = _load_project(config_file)
        diagnostics = promote(project.report.sorted(), fail_on_overdue=fail_on_overdue)
        if diagnostics:
            click.echo(FORMATTERS[fmt](diagnostics))
        if project.report.failed(strict, fail_on_overdue):
            raise KbgenError("the content has problems; the previous site was left as it was")
    config = _require_config(config_file)
    target = _build(config, site_dir, strict, fail_on_overdue, cache=_cache_dir(config, cache_dir, no_cache))
    click.echo(f"Built the help center in {target}", err=True)
    _ending()


def _ending() -> None:
    """The process ends now: everything still alive is left out of the interpreter's last full
    collection, which would only traverse it (0.1 s after a FAQ-heavy build)."""
    import gc

    gc.freeze()


def _cache_dir(config_file: Path, cache_dir: str | None, no_cache: bool) -> Path | None:
    """``--cache-dir``, else ``.kbgen/cache`` beside mkdocs.yml; None with ``--no-cache``."""
    from .cache import DEFAULT_DIR

    if no_cache:
        return None
    return Path(cache_dir) if cache_dir else config_file.resolve().parent / DEFAULT_DIR


def _build(
    config_file: Path,
    site_dir,
    strict: bool,
    fail_on_overdue: bool = False,
    cache: Path | None = None,
    pages_ready=None,
    changed=None,
    open_pages=None,
) -> Path:
    from .build import BuildFailed
    from .build import build as build_site

    try:
        return build_site(
            config_file,
            site_dir,
            strict=strict,
            fail_on_overdue=fail_on_overdue,
            cache_dir=cache,
            pages_ready=pages_ready,
            changed=changed,
            open_pages=open_pages,
        )
    except BuildFailed as exc:
        message = str(exc) if exc.one_line else f"{exc}\nThe build failed; the previous site was left as it was."
        error = KbgenError(message)
        error.problems = exc.errors  # one per line, for the preview's error overlay
        raise error from None


@cli.command()
@config_option
@click.option("--strict", is_flag=True, help="Treat warnings as errors (overdue reviews stay warnings).")
@click.option(
    "--fail-on-overdue", is_flag=True, help="Treat a review_by date that has passed as an error (default: a warning)."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "github"]),
    default="text",
    show_default=True,
    help="github prints workflow annotations for CI.",
)
def check(config_file: str, strict: bool, fail_on_overdue: bool, fmt: str) -> None:
    """Check the content and report every problem as path:line: message."""
    from .content.diagnostics import FORMATTERS, promote

    project = _load_project(config_file)
    diagnostics = promote(project.report.sorted(), strict, fail_on_overdue)
    output = FORMATTERS[fmt](diagnostics)
    if output:
        click.echo(output)
    errors = sum(d.severity == "error" for d in diagnostics)
    warnings = len(diagnostics) - errors
    if fmt == "text":
        click.echo(f"{errors} error(s), {warnings} warning(s) in {project.docs_dir}", err=True)
    if errors:
        sys.exit(1)


@cli.command()
@config_option
@click.option(
    "-d",
    "--site-dir",
    type=click.Path(file_okay=False),
    help="The built site whose index to search (default: site_dir of the config).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the /api/search JSON object.")
@click.option(
    "--explain",
    is_flag=True,
    help="Show why each hit ranks: its lexical score, its similarity to the query and the fused score.",
)
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 50))
@click.option("--category", help="Only this category (its folder name).")
@click.option("--type", "type_", type=click.Choice(DOCUMENT_TYPES), help="Only this kind of page.")
@click.option("--audience", type=click.Choice(AUDIENCES), help="Pages for this audience (and for everyone).")
@click.argument("query", nargs=-1, required=True)
def search(config_file, site_dir, as_json, explain, limit, category, type_, audience, query) -> None:
    """Search the built help center's index, as shoppers do."""
    import json
    import re

    from .search import IndexMissing, RequestError, SearchRequest, open_engine

    if site_dir is None:
        site_dir = _load_project(config_file).site_dir
    params = {
        "q": " ".join(query),
        "limit": str(limit),
        "category": category or "",
        "type": type_ or "",
        "audience": audience or "",
    }
    try:
        request = SearchRequest.from_params(params)
        engine = open_engine(site_dir)
        result = engine.search(request, explain=explain)
    except RequestError as exc:
        raise KbgenError(str(exc)) from None
    except IndexMissing as exc:
        raise KbgenError(f"{exc}: run 'kbgen build' first") from None
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    if result["suggestion"]:
        click.echo(f"Did you mean: {result['suggestion']}")
    click.echo(f"{result['total']} result(s) for {result['query']!r}")
    if explain:
        click.echo("hybrid search: lexical ranking fused with similarity" if engine.semantic else "lexical search")
    for number, hit in enumerate(result["hits"], 1):
        click.echo(f"\n{number}. {hit['title']}  [{hit['type']}, {hit['category']}]")
        click.echo(f"   {hit['url']}")
        if explain:
            similarity = "-" if hit["similarity"] is None else f"{hit['similarity']:.3f}"
            click.echo(f"   lexical {hit['lexical']:.3f} · similarity {similarity} · fused {hit['fused']:.3f}")
        text = re.sub(r"</?mark>", "", hit["snippet"])
        from html import unescape

        click.echo(f"   {unescape(text)}")


@cli.command()
@config_option
@click.option(
    "-d",
    "--site-dir",
    type=click.Path(file_okay=False),
    help="The built site to serve (default: site_dir of the config).",
)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option("--watch", is_flag=True, help="Rebuild on content changes and reload the browser.")
@click.option("--no-build", is_flag=True, help="Serve the existing site without building first.")
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    help="Server processes, each listening on the port [default: two per core up to 8, 1 with --watch].",
)
@click.option(
    "--threads",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Threads per server process (searches are CPU-bound: one per process is fastest).",
)
@click.option(
    "--search-cache",
    default=4096,
    show_default=True,
    type=click.IntRange(0, 1_000_000),
    help="Search responses kept in memory per index (0 turns the cache off).",
)
@click.option(
    "--database",
    envvar="KBGEN_DATABASE_URL",
    show_envvar=True,
    help="Where votes and search analytics go: sqlite:///file (default "
    "sqlite:///.kbgen/feedback.sqlite3) or postgresql://...",
)
@click.option(
    "--retention-days",
    default=365,
    show_default=True,
    type=click.IntRange(1, 3650),
    help="Votes and searches older than this are deleted (checked hourly while serving).",
)
@click.option(
    "--forwarded-allow-ips",
    envvar="KBGEN_FORWARDED_ALLOW_IPS",
    show_envvar=True,
    metavar="IPS",
    help="Proxies whose X-Forwarded-For / Forwarded headers name the client (for rate limits): "
    "comma-separated addresses or networks, or '*' [default: none].",
)
@cache_options
def serve(
    config_file,
    site_dir,
    host,
    port,
    watch,
    no_build,
    workers,
    threads,
    search_cache,
    database,
    retention_days,
    forwarded_allow_ips,
    cache_dir,
    no_cache,
) -> None:
    """Serve the help center (building it first) on HOST:PORT."""
    from .forwarded import ForwardedAllowIps
    from .server import HelpCenterApp
    from .server import serve as run

    _setup_logging()
    try:
        ForwardedAllowIps(forwarded_allow_ips)
    except ValueError as exc:
        raise KbgenError(f"--forwarded-allow-ips: {exc}") from None
    target, first_errors = _site_to_serve(config_file, site_dir, watch, no_build, cache_dir, no_cache)
    database = database or DEFAULT_DATABASE
    from .feedback import StoreError, open_store
    from .feedback.store import PostgresStore

    try:
        store = open_store(database, connect=False)
    except StoreError as exc:  # a URL kbgen cannot use: a mistake to fix now
        raise KbgenError(str(exc)) from None
    try:
        with store:
            store.migrate()  # create and migrate the schema once, before workers start
    except StoreError as exc:
        if not isinstance(store, PostgresStore):  # a file kbgen cannot write: a mistake to fix now
            raise KbgenError(str(exc)) from None
        # a database server down for now: serve pages and search, and connect once it is back
        click.echo(f"warning: {exc}; votes answer 503 until the database can be reached", err=True)
    app = HelpCenterApp(
        target,
        live_reload=watch,
        search_cache=search_cache,
        database=database,
        retention_days=retention_days,
        forwarded_allow_ips=forwarded_allow_ips,
        threads=threads,
    )
    if first_errors:
        app.rebuilt(errors=first_errors)
        click.echo("Serving the last good site; the errors show over its pages until you fix them.", err=True)
    if watch:
        from .watch import Watcher

        cache = _cache_dir(Path(config_file), cache_dir, no_cache)
        Watcher(Path(config_file), lambda changed: _rebuild(app, Path(config_file), target, cache, changed)).start()
    if workers is None:
        # two per core: a worker serves one request at a time, and with one per core a slow
        # search holds up the next on its connection while the OS could run it beside
        # (10,000 pages, 2 cores, 4 connections: about +20% requests/s, benchmarks/README)
        workers = 1 if watch else min(2 * (os.cpu_count() or 1), 8)
    if watch and workers > 1:
        raise KbgenError("--watch reloads one server process; leave out --workers")
    click.echo(f"Serving {target} on http://{host}:{port}/ with {workers} process(es) (Ctrl+C to stop)", err=True)
    run(app, host=host, port=port, workers=workers)


@cli.command()
@config_option
@click.option(
    "--database",
    envvar="KBGEN_DATABASE_URL",
    show_envvar=True,
    help="The server's database (default sqlite:///.kbgen/feedback.sqlite3).",
)
@click.option(
    "--days", default=30, show_default=True, type=click.IntRange(1, 3650), help="The period: the last N days."
)
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="Start date (overrides --days).")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), help="End date, exclusive (default: now).")
@click.option(
    "--html", "html_file", type=click.Path(dir_okay=False), help="Also write an HTML report with charts to this file."
)
def report(config_file, database, days, since, until, html_file) -> None:
    """What shoppers searched for, what they didn't find, and which pages didn't help."""
    import datetime as dt

    from .feedback import StoreError, open_store
    from .feedback.report import as_html, as_text, build_report

    utc = dt.timezone.utc
    end = until.replace(tzinfo=utc) if until else dt.datetime.now(utc)
    start = since.replace(tzinfo=utc) if since else end - dt.timedelta(days=days)
    titles, overdue, site_name, project = {}, [], "Help center", None
    if Path(config_file).is_file():
        project = _load_project(config_file)
        site_name = project.site_name
        titles = project.titles()
        overdue = project.overdue()
    try:
        store = open_store(database or DEFAULT_DATABASE)
        result = build_report(store, start, end, titles, overdue)
    except StoreError as exc:
        raise KbgenError(str(exc)) from None
    click.echo(as_text(result), nl=False)
    if project is not None and project.site is not None and len(project.site.languages) > 1:
        from .pairs import format_status, translation_status

        click.echo("\n" + format_status(translation_status(project.site, project.docs_dir)), nl=False)
    if html_file:
        Path(html_file).write_text(as_html(result, site_name), encoding="utf-8")
        click.echo(f"Wrote {html_file}", err=True)


def _site_to_serve(config_file, site_dir, watch: bool, no_build: bool, cache_dir, no_cache: bool):
    """The site folder to serve and the errors to show over it (a ``--watch`` preview whose
    first build failed serves the last good site, with the errors in the overlay)."""
    first_errors: list[str] = []
    if no_build:
        if site_dir is None:
            site_dir = _load_project(config_file).site_dir
        target = Path(site_dir)
        if not (target / "index.html").is_file():
            raise KbgenError(f"{target}: no built site here; run 'kbgen build' first")
    else:
        cache = _cache_dir(_require_config(config_file), cache_dir, no_cache)
        try:
            target = _build(_require_config(config_file), site_dir, strict=False, cache=cache)
        except KbgenError as exc:
            target = _last_good_site(Path(config_file), site_dir) if watch else None
            if target is None:
                raise
            # a writer starting the preview on a broken tree: the last good site, the errors over it
            click.echo(exc.format_message(), err=True)
            first_errors = getattr(exc, "problems", None) or [exc.format_message()]
    return target, first_errors


def _last_good_site(config_file: Path, site_dir) -> Path | None:
    """The site a failed first build left in place (None: there is none to serve)."""
    from mkdocs.config import load_config

    try:
        folder = Path(site_dir) if site_dir else Path(load_config(str(config_file))["site_dir"])
    except Exception:  # a config MkDocs cannot read: the build's own error says why
        return None
    return folder if (folder / "index.html").is_file() else None


def _rebuild(app, config_file: Path, target: Path, cache: Path | None = None, changed=None) -> None:
    """One preview rebuild of the ``changed`` files: browsers reload as soon as the pages of
    their (market, language) pair are live; search follows (kbgen.build)."""
    import time

    started = time.perf_counter()
    went_live = []

    def pages_ready(pairs: list[str] | None, current: list[str] | None = None):
        went_live.append(pairs)
        app.rebuilt(pairs=pairs, current=current)
        which = "" if pairs is None else " " + ", ".join(f"/{p}/" if p else "the root pair" for p in pairs)
        click.echo(f"Rebuilt{which} in {time.perf_counter() - started:.1f} s; reloading browsers.", err=True)

    try:
        _build(
            config_file,
            target,
            strict=False,
            cache=cache,
            pages_ready=pages_ready,
            changed=changed,
            open_pages=app.open_pages,  # the pages writers look at go live first
        )
    except KbgenError as exc:
        click.echo(exc.format_message(), err=True)
        errors = getattr(exc, "problems", None) or [exc.format_message()]
        # shown over the page; pages that went live before the failure are the previous
        # site's again (kbgen.build puts them back): browsers reload into them first
        app.rebuilt(errors=errors, reload=bool(went_live))
        return
    app.indexed()
    click.echo(f"Search index updated ({time.perf_counter() - started:.1f} s after the save was seen).", err=True)


def main() -> None:
    cli(prog_name="kbgen")
