"""The storage interface and its two backends.

Both speak the same SQL (a small common subset) through DB-API cursors; only
connecting, placeholders and upserts differ. Migrations are numbered SQL
steps recorded in ``kbgen_schema``, applied on first use in one transaction
under a lock (PostgreSQL's advisory lock, SQLite's write lock), so several
replicas may start at once on an empty database.
"""

from __future__ import annotations

import abc
import datetime as dt
import os
import re
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

MIGRATIONS = [
    # 1: searches and votes
    """
    CREATE TABLE kb_searches (
        id {serial},
        at {timestamp} NOT NULL,
        query TEXT NOT NULL,
        hits INTEGER NOT NULL,
        browser TEXT NOT NULL DEFAULT '',
        opened_url TEXT,
        opened_at {timestamp}
    );
    CREATE INDEX kb_searches_at ON kb_searches (at);
    CREATE INDEX kb_searches_query ON kb_searches (query);
    CREATE TABLE kb_votes (
        id {serial},
        at {timestamp} NOT NULL,
        url TEXT NOT NULL,
        helpful {boolean} NOT NULL,
        reason TEXT NOT NULL DEFAULT '',
        browser TEXT NOT NULL,
        UNIQUE (url, browser)
    );
    CREATE INDEX kb_votes_at ON kb_votes (at);
    """,
    # 2: the language each search was made in (help centers per language); '' for older rows
    """
    ALTER TABLE kb_searches ADD COLUMN language TEXT NOT NULL DEFAULT ''
    """,
]


class StoreError(Exception):
    """The database cannot be used; the message says why."""


def normalize_query(query: str) -> str:
    """Lowercase, single spaces, no surrounding punctuation: one row per question asked."""
    return " ".join(re.sub(r"[^\w\s'-]", " ", query.lower()).split())[:200]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


WRITE_BUDGET = 2.0  # seconds one statement may wait for a busy or restarting database, in all
CONNECT_TIMEOUT = 3  # seconds to reach PostgreSQL
RETRY_AFTER_FAILED_CONNECT = 0.5  # seconds a worker refuses at once after a failed connection
MIGRATION_WAIT = 30.0  # seconds a starting replica waits for another one's migration
MIGRATION_LOCK = 0x6B6267656E  # "kbgen": the advisory lock key on PostgreSQL


@dataclass
class Store(abc.ABC):
    """Common behaviour; subclasses say how to connect and how to write SQL.

    Connections are pooled: a statement borrows one and gives it back, so a
    process holds no more connections than it runs statements at once (the
    server bounds that). A connection that broke (a database restart) is dropped
    and a new one opened; every wait is bounded (``WRITE_BUDGET``), and every
    failure is a :class:`StoreError`, so the server can answer 503 and carry on.
    """

    url: str
    budget: float = WRITE_BUDGET
    placeholder = "?"
    types = {"serial": "INTEGER PRIMARY KEY AUTOINCREMENT", "timestamp": "TEXT", "boolean": "INTEGER"}

    def __post_init__(self):
        self._idle: list = []  # open connections not in use
        self._open: dict[int, object] = {}  # every open connection, by id, closed together
        self._pool_lock = threading.Lock()
        self._migrated = False
        self._migrate_lock = threading.Lock()
        self._down_until = 0.0  # after a failed connection, refuse at once until then

    def close(self) -> None:
        with self._pool_lock:
            connections = list(self._open.values())
            self._open.clear()
            self._idle.clear()
        for conn in connections:
            self._close_quietly(conn)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- connections -----------------------------------------------------------
    @abc.abstractmethod
    def connect(self):
        """A new DB-API connection; raises StoreError."""

    def _checkout(self):
        """An idle connection that still works, or a new one."""
        while True:
            with self._pool_lock:
                conn = self._idle.pop() if self._idle else None
            if conn is None:
                break
            if self._usable(conn):
                return conn
            self._discard(conn)
        if time.monotonic() < self._down_until:
            raise StoreError("the database is unreachable; retrying shortly")
        conn = None
        try:
            conn = self.connect()
            self._ensure_schema(conn)
        except StoreError:
            self._down_until = time.monotonic() + RETRY_AFTER_FAILED_CONNECT
            if conn is not None:
                self._close_quietly(conn)
            raise
        with self._pool_lock:
            self._open[id(conn)] = conn
        return conn

    def _checkin(self, conn) -> None:
        with self._pool_lock:
            if id(conn) in self._open:
                self._idle.append(conn)

    def _usable(self, conn) -> bool:
        """False when the connection can no longer be used (closed, broken, file replaced)."""
        return True

    def _discard(self, conn) -> None:
        with self._pool_lock:
            self._open.pop(id(conn), None)
        self._close_quietly(conn)

    @staticmethod
    def _close_quietly(conn) -> None:
        try:
            conn.close()
        except Exception:  # broken already: nothing to release
            pass

    def _sql(self, sql: str) -> str:
        return sql.replace("?", self.placeholder)

    def _run(self, sql: str, params=(), fetch: bool = False, budget: float | None = None):
        """Run one statement in its own transaction.

        Busy databases are retried and broken connections reopened until the
        budget (seconds) is spent; then, or on any other database error, StoreError.
        """
        deadline = time.monotonic() + (self.budget if budget is None else budget)
        attempt = 0
        while True:
            conn = self._checkout()
            try:
                cur = conn.cursor()
                cur.execute(self._sql(sql), params)
                rows = cur.fetchall() if fetch else cur.rowcount
                conn.commit()
                self._checkin(conn)
                return rows
            except Exception as exc:
                gone = self._gone(exc)
                if gone:
                    self._discard(conn)
                else:
                    try:
                        conn.rollback()
                        self._checkin(conn)
                    except Exception:  # the connection broke while failing: open a new one next time
                        self._discard(conn)
                if not (gone or self._retryable(exc)):
                    raise StoreError(f"{type(exc).__name__}: {exc}") from None
                left = deadline - time.monotonic()
                if left <= 0:
                    raise StoreError(f"database {'unreachable' if gone else 'busy'}: {exc}") from None
                attempt += 1
                time.sleep(min(0.02 * attempt, 0.2, left))

    def _retryable(self, exc: Exception) -> bool:
        """A busy database: the same statement may succeed in a moment."""
        return False

    def _gone(self, exc: Exception) -> bool:
        """The connection is lost (the server restarted): open a new one."""
        return False

    # -- schema -----------------------------------------------------------------
    def migrate(self) -> None:
        """Create or update the schema now (the server does it on first use), waiting up to
        ``MIGRATION_WAIT`` for other processes doing the same."""
        deadline = time.monotonic() + MIGRATION_WAIT
        while True:
            try:
                self._checkin(self._checkout())
                return
            except StoreError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                self._down_until = 0.0
                time.sleep(0.05)

    def _ensure_schema(self, conn) -> None:
        if self._migrated and not self._per_connection_schema:
            return
        with self._migrate_lock:
            if self._schema_version(conn) < len(MIGRATIONS):
                self._apply_migrations(conn)
            self._migrated = True

    _per_connection_schema = False  # SQLite: a replaced file needs its schema again

    def _schema_version(self, conn) -> int:
        try:
            cur = conn.cursor()
            cur.execute("SELECT MAX(version) FROM kbgen_schema")
            version = cur.fetchone()[0] or 0
            conn.commit()
            return version
        except Exception:  # no table yet (or a broken connection, seen again below)
            try:
                conn.rollback()
            except Exception:
                pass
            return 0

    def _apply_migrations(self, conn) -> None:
        """All steps in one transaction, under a lock that excludes other processes,
        so replicas starting together on an empty database never race."""
        try:
            self._lock_schema(conn)
            try:
                cur = conn.cursor()
                cur.execute("CREATE TABLE IF NOT EXISTS kbgen_schema (version INTEGER NOT NULL)")
                cur.execute("SELECT MAX(version) FROM kbgen_schema")
                current = cur.fetchone()[0] or 0
                for version, script in enumerate(MIGRATIONS, 1):
                    if version <= current:
                        continue
                    for statement in script.format(**self.types).split(";"):
                        if statement.strip():
                            cur.execute(statement)
                    cur.execute(self._sql("INSERT INTO kbgen_schema (version) VALUES (?)"), (version,))
                conn.commit()
            except Exception:
                conn.rollback()
                raise
            finally:
                self._unlock_schema(conn)
        except StoreError:
            raise
        except Exception as exc:
            raise StoreError(f"cannot create the database schema: {exc}") from None

    @abc.abstractmethod
    def _lock_schema(self, conn) -> None:
        """Take the lock that serialises migrations between processes."""

    @abc.abstractmethod
    def _unlock_schema(self, conn) -> None:
        """Release it (after the migration's commit or rollback)."""

    @property
    def version(self) -> int:
        return self._run("SELECT MAX(version) FROM kbgen_schema", fetch=True)[0][0]

    # -- writes ----------------------------------------------------------------
    def record_search(
        self, query: str, hits: int, browser: str = "", at=None, budget=None, language: str = ""
    ) -> int | None:
        """``language``: of the index searched ("en", "de"; '' when unknown)."""
        normalized = normalize_query(query)
        if not normalized:
            return None
        rows = self._run(
            self._returning("INSERT INTO kb_searches (at, query, hits, browser, language) VALUES (?, ?, ?, ?, ?)"),
            (self._ts(at or _now()), normalized, int(hits), browser[:64], language[:16]),
            fetch=True,
            budget=budget,
        )
        return rows[0][0] if rows else None

    def record_open(self, search_id: int, url: str, browser: str = "", at=None) -> bool:
        changed = self._run(
            "UPDATE kb_searches SET opened_url = ?, opened_at = ? WHERE id = ? AND browser = ? AND opened_url IS NULL",
            (url, self._ts(at or _now()), int(search_id), browser[:64]),
        )
        return bool(changed)

    def record_vote(self, url: str, helpful: bool, reason: str, browser: str, at=None) -> None:
        """One vote per page per browser: a second vote replaces the first."""
        self._run(self._upsert_vote(), (self._ts(at or _now()), url, self._bool(helpful), reason[:500], browser[:64]))

    def purge(self, older_than_days: int, budget: float = 30.0) -> int:
        cutoff = self._ts(_now() - dt.timedelta(days=older_than_days))
        removed = self._run("DELETE FROM kb_searches WHERE at < ?", (cutoff,), budget=budget)
        removed += self._run("DELETE FROM kb_votes WHERE at < ?", (cutoff,), budget=budget)
        return removed

    # -- reading (for reports) ---------------------------------------------------
    def searches(self, since: dt.datetime, until: dt.datetime) -> list[tuple]:
        """(query, hits, opened url or None, language) of each search in the period."""
        return self._run(
            "SELECT query, hits, opened_url, language FROM kb_searches WHERE at >= ? AND at < ?",
            (self._ts(since), self._ts(until)),
            fetch=True,
        )

    def votes(self, since: dt.datetime, until: dt.datetime) -> list[tuple]:
        rows = self._run(
            "SELECT url, helpful, reason FROM kb_votes WHERE at >= ? AND at < ?",
            (self._ts(since), self._ts(until)),
            fetch=True,
        )
        return [(url, bool(helpful), reason) for url, helpful, reason in rows]

    def counts(self) -> tuple[int, int]:
        searches = self._run("SELECT COUNT(*) FROM kb_searches", fetch=True)[0][0]
        votes = self._run("SELECT COUNT(*) FROM kb_votes", fetch=True)[0][0]
        return searches, votes

    # -- dialect ------------------------------------------------------------------
    def _ts(self, value: dt.datetime):
        return value.astimezone(dt.timezone.utc).isoformat()

    def _bool(self, value: bool):
        return int(value)

    def _returning(self, sql: str) -> str:
        return sql + " RETURNING id"

    def _upsert_vote(self) -> str:
        return (
            "INSERT INTO kb_votes (at, url, helpful, reason, browser) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (url, browser) DO UPDATE SET at = excluded.at, "
            "helpful = excluded.helpful, reason = excluded.reason"
        )


class _SQLiteConnection(sqlite3.Connection):
    """Remembers the file it opened: (device, inode)."""

    inode: tuple | None = None


class SQLiteStore(Store):
    """One file; WAL mode lets several server processes write safely.

    Each attempt waits briefly for the lock (the statement's budget bounds the
    total), and a file deleted or replaced while the server runs is opened
    again (and its schema created) instead of writing into the removed one.
    """

    _per_connection_schema = True

    def connect(self):
        path = Path(self.url)
        deadline = time.monotonic() + self.budget
        while True:
            conn = None
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                conn = sqlite3.connect(
                    path, timeout=0.2, isolation_level="DEFERRED", check_same_thread=False, factory=_SQLiteConnection
                )
                conn.execute("PRAGMA busy_timeout=200")
                conn.execute("PRAGMA journal_mode=WAL")  # a new file: needs the lock for a moment
                conn.execute("PRAGMA synchronous=NORMAL")
                st = os.stat(path)
                conn.inode = (st.st_dev, st.st_ino)
                return conn
            except (OSError, sqlite3.Error) as exc:
                if conn is not None:
                    self._close_quietly(conn)
                if not (self._retryable(exc) and time.monotonic() < deadline):
                    raise StoreError(f"{path}: {exc}") from None
                time.sleep(0.05)

    def _usable(self, conn) -> bool:
        try:
            st = os.stat(self.url)
        except OSError:
            return False
        return (st.st_dev, st.st_ino) == conn.inode

    def _retryable(self, exc: Exception) -> bool:
        return isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc).lower()

    def _lock_schema(self, conn) -> None:
        deadline = time.monotonic() + MIGRATION_WAIT
        while True:
            try:
                conn.execute("BEGIN IMMEDIATE")  # the write lock, for the whole migration
                return
            except sqlite3.OperationalError as exc:
                if not self._retryable(exc) or time.monotonic() > deadline:
                    raise StoreError(f"{self.url}: {exc}") from None
                time.sleep(0.05)

    def _unlock_schema(self, conn) -> None:
        pass  # the commit or rollback released the write lock


class PostgresStore(Store):
    placeholder = "%s"
    types = {"serial": "BIGSERIAL PRIMARY KEY", "timestamp": "TIMESTAMPTZ", "boolean": "BOOLEAN"}

    def connect(self):
        try:
            import psycopg
        except ImportError:
            raise StoreError("PostgreSQL needs psycopg: pip install 'kbgen[postgres]'") from None
        try:
            return psycopg.connect(self.url, connect_timeout=CONNECT_TIMEOUT)
        except psycopg.Error as exc:
            raise StoreError(f"cannot connect to PostgreSQL: {exc}") from None

    def _usable(self, conn) -> bool:
        return not (conn.closed or conn.broken)

    def _ts(self, value: dt.datetime):
        return value.astimezone(dt.timezone.utc)

    def _bool(self, value: bool):
        return bool(value)

    def _retryable(self, exc: Exception) -> bool:
        return getattr(exc, "sqlstate", None) in ("40001", "40P01")  # serialization, deadlock

    def _gone(self, exc: Exception) -> bool:
        import psycopg

        if isinstance(exc, (psycopg.OperationalError, psycopg.InterfaceError)):
            return True  # connection lost, server shutting down (57P01), closed connection
        return str(getattr(exc, "sqlstate", "") or "").startswith(("08", "57P"))

    def _lock_schema(self, conn) -> None:
        # session-level: a transaction-level lock would end at the first commit
        conn.execute("SELECT pg_advisory_lock(%s)", (MIGRATION_LOCK,))

    def _unlock_schema(self, conn) -> None:
        try:
            conn.execute("SELECT pg_advisory_unlock(%s)", (MIGRATION_LOCK,))
            conn.commit()
        except Exception:  # a broken connection has released it already
            pass


def open_store(url: str | os.PathLike, connect: bool = True) -> Store:
    """A store for ``sqlite:///path``, a plain file path, or ``postgresql://...``.

    With ``connect`` (the default) the database is reached and migrated now;
    the server passes False so that it starts while the database is down.
    """
    url = str(url)
    scheme = urlsplit(url).scheme
    if scheme in ("postgresql", "postgres"):
        store: Store = PostgresStore(url)
    elif scheme == "sqlite":  # sqlite:///relative/file or sqlite:////absolute/file
        store = SQLiteStore(unquote(url[len("sqlite:///") :]))
    elif scheme and len(scheme) > 1:
        raise StoreError(f"unsupported database URL '{url}': use sqlite:///file or postgresql://...")
    else:
        store = SQLiteStore(url)
    if connect:
        store.migrate()
    return store
