"""Process memory settings for the long-running server.

glibc gives threads their own malloc arenas, up to 8 per core, and a freed block stays in its arena. A server
whose worker threads take turns building and dropping large things (a knowledge refresh, a request's JSON)
ends up with free memory spread over many arenas that is never given back: in a 30-minute soak, 16 arenas
and glibc's free lists growing 14 -> 33 MB while the memory in use grew 6 MB. Two arenas keep that bounded
for a server whose threads mostly wait on the GIL anyway. MALLOC_ARENA_MAX, when the operator sets it, wins.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os

M_ARENA_MAX = -8  # glibc's mallopt parameter
SERVER_ARENAS = 2


def limit_malloc_arenas(count: int = SERVER_ARENAS) -> bool:
    """Caps glibc's malloc arenas (before the server starts its threads); False where it does not apply."""
    if "MALLOC_ARENA_MAX" in os.environ:
        return False
    name = ctypes.util.find_library("c")
    if not name:
        return False
    try:
        libc = ctypes.CDLL(name)
        return bool(libc.mallopt(M_ARENA_MAX, count))
    except (OSError, AttributeError):  # not glibc (musl, macOS): nothing to cap
        return False
