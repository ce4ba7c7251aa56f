"""The storage interface and its two backends.

Both speak the same SQL (a small common subset) through DB-API cursors; only
connecting, placeholders and upserts differ. Migrations are numbered SQL
steps recorded in ``kbgen_schema``, applied on first use.
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
]


class StoreError(Exception):
    """The database cannot be used; the message says why."""


def normalize_query(query: str) -> str:
    """Lowercase, single spaces, no surrounding punctuation: one row per question asked."""
    return " ".join(re.sub(r"[^\w\s'-]", " ", query.lower()).split())[:200]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


@dataclass
class Store(abc.ABC):
    """Common behaviour; subclasses say how to connect and how to write SQL."""

    url: str
    placeholder = "?"
    types = {"serial": "INTEGER PRIMARY KEY AUTOINCREMENT", "timestamp": "TEXT", "boolean": "INTEGER"}

    def __post_init__(self):
        self._local = threading.local()
        self._all: list = []  # every thread's connection, closed together
        self._all_lock = threading.Lock()
        self.migrate()

    def close(self) -> None:
        with self._all_lock:
            for conn in self._all:
                try:
                    conn.close()
                except Exception:  # already closed or broken: nothing left to release
                    pass
            self._all.clear()
        self._local = threading.local()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- connections -----------------------------------------------------------
    @abc.abstractmethod
    def connect(self):
        """A new DB-API connection (one per thread)."""

    def _conn(self):
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = self.connect()
            with self._all_lock:
                self._all.append(conn)
        return conn

    def _sql(self, sql: str) -> str:
        return sql.replace("?", self.placeholder)

    def _run(self, sql: str, params=(), fetch: bool = False):
        """Run one statement in its own transaction, retrying while the database is busy."""
        last = None
        for attempt in range(50):
            conn = self._conn()
            try:
                cur = conn.cursor()
                cur.execute(self._sql(sql), params)
                rows = cur.fetchall() if fetch else cur.rowcount
                conn.commit()
                return rows
            except Exception as exc:  # backend-specific "busy"/"locked" errors
                conn.rollback()
                if not self._retryable(exc):
                    raise
                last = exc
                time.sleep(min(0.01 * (attempt + 1), 0.2))
        raise StoreError(f"database busy: {last}")

    def _retryable(self, exc: Exception) -> bool:
        return False

    def migrate(self) -> None:
        conn = self._conn()
        cur = conn.cursor()
        cur.execute("CREATE TABLE IF NOT EXISTS kbgen_schema (version INTEGER NOT NULL)")
        conn.commit()
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

    @property
    def version(self) -> int:
        return self._run("SELECT MAX(version) FROM kbgen_schema", fetch=True)[0][0]

    # -- writes ----------------------------------------------------------------
    def record_search(self, query: str, hits: int, browser: str = "", at=None) -> int | None:
        normalized = normalize_query(query)
        if not normalized:
            return None
        rows = self._run(
            self._returning("INSERT INTO kb_searches (at, query, hits, browser) VALUES (?, ?, ?, ?)"),
            (self._ts(at or _now()), normalized, int(hits), browser[:64]),
            fetch=True,
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

    def purge(self, older_than_days: int) -> int:
        cutoff = self._ts(_now() - dt.timedelta(days=older_than_days))
        removed = self._run("DELETE FROM kb_searches WHERE at < ?", (cutoff,))
        removed += self._run("DELETE FROM kb_votes WHERE at < ?", (cutoff,))
        return removed

    # -- reading (for reports) ---------------------------------------------------
    def searches(self, since: dt.datetime, until: dt.datetime) -> list[tuple]:
        return self._run(
            "SELECT query, hits, opened_url FROM kb_searches WHERE at >= ? AND at < ?",
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


class SQLiteStore(Store):
    """One file; WAL mode and a busy timeout let several server processes write safely."""

    def connect(self):
        path = Path(self.url)
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            conn = sqlite3.connect(path, timeout=30, isolation_level="DEFERRED", check_same_thread=True)
        except sqlite3.Error as exc:
            raise StoreError(f"{path}: {exc}") from None
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA busy_timeout=30000")
        return conn

    def _retryable(self, exc: Exception) -> bool:
        return isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc).lower()


class PostgresStore(Store):
    placeholder = "%s"
    types = {"serial": "BIGSERIAL PRIMARY KEY", "timestamp": "TIMESTAMPTZ", "boolean": "BOOLEAN"}

    def connect(self):
        try:
            import psycopg
        except ImportError:
            raise StoreError("PostgreSQL needs psycopg: pip install 'kbgen[postgres]'") from None
        try:
            return psycopg.connect(self.url, connect_timeout=10)
        except psycopg.Error as exc:
            raise StoreError(f"cannot connect to PostgreSQL: {exc}") from None

    def _ts(self, value: dt.datetime):
        return value.astimezone(dt.timezone.utc)

    def _bool(self, value: bool):
        return bool(value)

    def _retryable(self, exc: Exception) -> bool:
        return getattr(exc, "sqlstate", None) in ("40001", "40P01")  # serialization, deadlock


def open_store(url: str | os.PathLike) -> Store:
    """A store for ``sqlite:///path``, a plain file path, or ``postgresql://...``."""
    url = str(url)
    scheme = urlsplit(url).scheme
    if scheme in ("postgresql", "postgres"):
        return PostgresStore(url)
    if scheme == "sqlite":  # sqlite:///relative/file or sqlite:////absolute/file
        return SQLiteStore(unquote(url[len("sqlite:///") :]))
    if scheme and len(scheme) > 1:
        raise StoreError(f"unsupported database URL '{url}': use sqlite:///file or postgresql://...")
    return SQLiteStore(url)
