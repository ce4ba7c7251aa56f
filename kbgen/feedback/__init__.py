"""Votes and search analytics: one storage interface, SQLite or PostgreSQL.

``open_store(url)``: ``sqlite:///path/to/file.sqlite3`` (the default, nothing to
set up) or ``postgresql://user@host/db`` (for several replicas). Personal data
is never stored: no IP addresses, no cookies, only a random per-browser id.
"""

from .store import Store, StoreError, normalize_query, open_store

__all__ = ["Store", "StoreError", "normalize_query", "open_store"]
