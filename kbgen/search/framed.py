"""The frame of kbgen's own files in the index folder (``vectors.bin``, ``positions.bin``).

Each is a magic, a uint16 format version and a uint32 header length (little-endian), then
that many bytes of JSON and the payload. A reader checks the frame before it trusts a byte
of the payload, so a damaged, foreign or older file is an error it can name, and the engine
falls back to Whoosh's own data with a warning instead of serving wrong results.
"""

from __future__ import annotations

import json
import struct
from pathlib import Path

_FIXED = struct.Struct("<HI")  # format version, header length


def write(path: Path, magic: bytes, version: int, header: bytes, payload: bytes) -> Path:
    """Write the file (``header``: its JSON, encoded) through a temporary beside it: readers
    never see half of one."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(magic + _FIXED.pack(version, len(header)) + header + payload)
    tmp.replace(path)
    return path


def read(data: bytes, magic: bytes, version: int, name: str, error: type[Exception]) -> tuple[dict, memoryview]:
    """The header and the payload of ``data``; ``error`` (with ``name``, the file's name) when
    the frame is not one of this format and version."""
    start = len(magic) + _FIXED.size
    if len(data) < start or not data.startswith(magic):
        raise error(f"{name}: not a file kbgen wrote; rebuild the site")
    found, size = _FIXED.unpack_from(data, len(magic))
    if found != version:
        raise error(f"{name}: format {found}, expected {version}; rebuild the site")
    try:
        header = json.loads(data[start : start + size])
    except ValueError:
        header = None
    if not isinstance(header, dict):
        raise error(f"{name}: damaged header; rebuild the site")
    return header, memoryview(data)[start + size :]
