"""Ratings and feedback fixtures: the fast-retrying outbox server of the webhook tests (own database per
backend, see tests/support/outbox.py), a receiver, and a help-desk robot that answers three questions."""

from __future__ import annotations

import pytest

from tests.feedback.helpers import Desk, make_desk
from tests.support.client import Api
from tests.support.outbox import (  # noqa: F401  (fixtures)
    hapi,
    hook_server,
    other_hapi,
    outbox_backend,
    receiver,
)


@pytest.fixture
def desk(hapi: Api) -> Desk:  # noqa: F811  (the imported fixture)
    """A robot of its own (so its subscriptions and counts are the test's alone)."""
    return make_desk(hapi)


@pytest.fixture
def other_desk(other_hapi: Api) -> Desk:  # noqa: F811
    """The same robot in another tenant."""
    return make_desk(other_hapi)
