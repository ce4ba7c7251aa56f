"""Write rate limits that hold per replica, however many worker processes it forks.

Token buckets live in an anonymous shared memory map created before the
workers fork, guarded by one process-shared lock, so two workers allow the
same burst as one. The table has a fixed size: clients hash into a set of
eight slots; a bucket that has refilled completely is as good as a new one and
is reused first, then the one idle longest. Nothing here is ever stored on
disk, and no address leaves the process.
"""

from __future__ import annotations

import hashlib
import mmap
import multiprocessing
import struct
import time

SLOT = struct.Struct("<Qdd")  # client hash, tokens, last update (monotonic seconds)
WAYS = 8


class RateLimiter:
    """``rate`` writes a minute per client, bursts up to ``burst``; ``slots`` clients at a time."""

    def __init__(self, rate: float = 30, burst: int = 20, slots: int = 65_536):
        self.rate, self.burst = rate / 60.0, float(burst)
        self.sets = max(1, slots // WAYS)
        self.table = mmap.mmap(-1, self.sets * WAYS * SLOT.size)  # MAP_SHARED: forked workers see one table
        self.lock = multiprocessing.Lock()  # a semaphore the forked workers inherit

    def allow(self, client: str) -> bool:
        key = int.from_bytes(hashlib.blake2b(client.encode("utf-8", "replace"), digest_size=8).digest(), "little")
        key = key or 1  # 0 marks an empty slot
        first = (key % self.sets) * WAYS
        # held for microseconds; if a worker died holding it, let writes through rather than hang
        if not self.lock.acquire(timeout=1.0):
            return True
        try:
            now = time.monotonic()  # one clock for all processes (CLOCK_MONOTONIC)
            chosen, tokens = None, self.burst
            spare, spare_age = None, -1.0
            for slot in range(first, first + WAYS):
                held, left, last = SLOT.unpack_from(self.table, slot * SLOT.size)
                if held == key:
                    chosen, tokens = slot, min(self.burst, left + (now - last) * self.rate)
                    break
                refilled = held == 0 or left + (now - last) * self.rate >= self.burst
                age = float("inf") if refilled else now - last
                if age > spare_age:
                    spare, spare_age = slot, age
            if chosen is None:
                chosen = spare
            allowed = tokens >= 1
            SLOT.pack_into(self.table, chosen * SLOT.size, key, tokens - 1 if allowed else tokens, now)
            return allowed
        finally:
            self.lock.release()
