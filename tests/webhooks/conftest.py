"""Outbox fixtures: own databases, a fast-retrying server, a receiver (see tests/support/outbox.py)."""

from tests.support.outbox import (  # noqa: F401  (fixtures)
    hapi,
    hook_server,
    other_hapi,
    outbox_backend,
    quiet_db,
    receiver,
)
