"""Process memory settings for the long-running server.

glibc gives threads their own malloc arenas, up to 8 per core, and a freed block stays in its arena. A server
whose worker threads take turns building and dropping large things (a knowledge refresh, a request's JSON)
ends up with free memory spread over many arenas that is never given back: in a 30-minute soak, 16 arenas
and glibc's free lists growing 14 -> 33 MB while the memory in use grew 6 MB. Two arenas keep that bounded
for a server whose threads mostly wait on the GIL anyway. MALLOC_ARENA_MAX, when the operator sets it, wins.

Even in two arenas, free blocks scattered between live ones are not returned on their own: a diagnosed soak
with the cap held the memory in use (malloc and Python objects alike) flat while glibc's free lists grew
13 -> 20 MB in five minutes. `malloc_trim(0)` hands such free pages back to the system (glibc >= 2.8 releases
whole free pages anywhere in the heap, not only at its top); the server calls it once a minute
(HUIDA_MALLOC_TRIM_SECONDS, 0 to turn it off). A trim walks the free lists under malloc's lock: about a
millisecond for this server's heap.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import threading
from functools import cache

M_ARENA_MAX = -8  # glibc's mallopt parameter
SERVER_ARENAS = 2
TRIM_SECONDS = 60.0

log = logging.getLogger("huida.memory")


@cache
def _glibc() -> ctypes.CDLL | None:
    """The C library when it is glibc (it has mallopt and malloc_trim), else None (musl, macOS)."""
    name = ctypes.util.find_library("c")
    if not name:
        return None
    try:
        libc = ctypes.CDLL(name)
        libc.mallopt, libc.malloc_trim  # noqa: B018  (AttributeError where they do not exist)
    except (OSError, AttributeError):
        return None
    return libc


def limit_malloc_arenas(count: int = SERVER_ARENAS) -> bool:
    """Caps glibc's malloc arenas (before the server starts its threads); False where it does not apply."""
    libc = _glibc()
    if "MALLOC_ARENA_MAX" in os.environ or libc is None:
        return False
    return bool(libc.mallopt(M_ARENA_MAX, count))


def trim_malloc() -> bool:
    """Returns glibc's free pages to the system now; True when some were released."""
    libc = _glibc()
    return bool(libc.malloc_trim(0)) if libc is not None else False


def start_trimming(every: float | None = None) -> threading.Event | None:
    """Trims every `every` seconds (HUIDA_MALLOC_TRIM_SECONDS, default 60) in a daemon thread; returns the
    event that stops it, or None when trimming does not apply (not glibc, or turned off)."""
    if every is None:
        every = float(os.environ.get("HUIDA_MALLOC_TRIM_SECONDS", TRIM_SECONDS))
    if every <= 0 or _glibc() is None:
        return None
    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(every):
            trim_malloc()

    threading.Thread(target=loop, name="malloc-trim", daemon=True).start()
    log.debug("returning free heap pages to the system every %.0f s", every)
    return stop
