"""Spreading connections evenly over ``kbgen serve``'s worker processes.

Browsers, proxies and load balancers keep their connections alive, so the
worker that accepts a connection serves every request sent on it. The workers
share one listening socket, and each publishes how many connections it holds
in memory shared by all of them (an anonymous mapping made before the fork);
a worker listens for new connections only while it holds no more than any
other, so a new connection goes to a worker that holds the fewest. Neither
alternative does that: on a shared socket left alone, the first worker to wake
accepted every waiting connection; with a ``SO_REUSEPORT`` socket per worker
the kernel hashes connections to workers at random, and four keep-alive
clients over two workers landed three or four on one of them 10 times in 16,
doubling that worker's queue while the other core idled.

A worker that stops listening (it just took a connection and now holds more
than another) writes a byte down each other worker's pipe, so the one that
now holds the fewest listens at once rather than at its next poll timeout. A
worker that is warming up or has exited counts as holding ``IDLE``: it is
never the one the others wait for.
"""

from __future__ import annotations

import mmap
import os

IDLE = 2**31 - 1  # the count of a worker that is not serving (still warming up, or gone)


class Balance:
    """Connection counts shared by ``workers`` processes; make it before forking them."""

    def __init__(self, workers: int):
        self._memory = mmap.mmap(-1, 4 * workers)  # anonymous and shared: the forked workers see one copy
        self.counts = memoryview(self._memory).cast("i")
        for worker in range(workers):
            self.counts[worker] = IDLE
        self.pipes = [os.pipe() for _ in range(workers)]  # (read, write): wakes worker i's poll
        for _, write in self.pipes:
            os.set_blocking(write, False)

    def wake(self, but: int | None = None) -> None:
        """Make every worker but ``but`` look again at whether it should listen."""
        for worker, (_, write) in enumerate(self.pipes):
            if worker != but:
                try:
                    os.write(write, b"\0")
                except OSError:
                    pass  # the pipe is full: a wake-up is already waiting there

    def gone(self, worker: int) -> None:
        """Worker ``worker`` exited (called by the parent): the others stop waiting for it."""
        self.counts[worker] = IDLE
        self.wake()

    def attach(self, worker: int, listener, sockets: dict) -> None:
        """Make the waitress ``listener`` of worker number ``worker`` accept only while
        that worker holds no more connections than any other; ``sockets``: the socket map
        the listener was created with (``waitress.create_server(map=...)``), where the
        worker's wake-up pipe joins it."""
        from waitress import wasyncore

        counts = self.counts
        others = [i for i in range(len(counts)) if i != worker]
        waitress_readable = listener.readable
        listening = True

        def readable() -> bool:
            nonlocal listening
            ready = waitress_readable()  # also runs waitress's idle-connection maintenance
            held = len(listener.active_channels)
            counts[worker] = held
            fair = held <= min((counts[i] for i in others), default=IDLE)
            if listening and not fair:
                self.wake(but=worker)  # one of them holds fewer now: it must listen
            listening = fair
            return ready and fair

        listener.readable = readable
        read = self.pipes[worker][0]

        class Wake(wasyncore.file_dispatcher):
            """Drains this worker's pipe; being woken is the point (the loop runs ``readable`` again)."""

            def readable(self) -> bool:
                return True

            def writable(self) -> bool:
                return False

            def handle_read(self) -> None:
                try:
                    self.recv(512)
                except OSError:
                    pass

        Wake(read, map=sockets)
