"""Jinja's compiled templates, kept across builds.

Compiling the theme (~150 templates) is part of every build's fixed cost. One process keeps
them in memory across each pair's build and each preview rebuild; with the build cache they
are also written to a folder there, so the next process (the next CI run) starts warm.
Jinja checks each template's source against the checksum stored with its code, so an edited
template is compiled anew; environments set up differently keep apart.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import jinja2

from .cache import write_atomic


class CompiledTemplates(jinja2.BytecodeCache):
    """Memory first, then ``folder`` (set per build; None: memory only)."""

    def __init__(self):
        self._code: dict[str, bytes] = {}
        self.folder: Path | None = None

    def get_bucket(self, environment, name, filename, source):
        setup = (
            jinja2.__version__,
            sorted(environment.extensions),
            getattr(environment, "newstyle_gettext", False),
            environment.trim_blocks,
            environment.lstrip_blocks,
            environment.keep_trailing_newline,
            environment.newline_sequence,
            environment.optimized,
            environment.block_start_string,
            environment.variable_start_string,
            environment.comment_start_string,
            environment.line_statement_prefix,
            environment.line_comment_prefix,
        )
        key = hashlib.sha1((self.get_cache_key(name, filename) + repr(setup)).encode("utf-8")).hexdigest()
        bucket = jinja2.bccache.Bucket(environment, key, self.get_source_checksum(source))
        self.load_bytecode(bucket)
        return bucket

    def load_bytecode(self, bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            if self.folder is not None and not (self.folder / f"{bucket.key}.cache").exists():
                self._write(bucket.key, code)  # compiled before this build had a folder
        elif self.folder is not None:
            try:
                code = (self.folder / f"{bucket.key}.cache").read_bytes()
            except OSError:
                return
        else:
            return
        bucket.bytecode_from_string(code)  # a wrong magic or checksum leaves it empty: compiled anew
        if bucket.code is not None:
            self._code[bucket.key] = code

    def dump_bytecode(self, bucket) -> None:
        code = bucket.bytecode_to_string()
        self._code[bucket.key] = code
        if self.folder is not None:
            self._write(bucket.key, code)

    def _write(self, key: str, code: bytes) -> None:
        try:  # (a torn file would only be compiled again, but none is left)
            write_atomic(self.folder / f"{key}.cache", code)
        except OSError:
            pass


COMPILED = CompiledTemplates()
"""The process's one cache: MkDocs makes a new environment for every build."""
