"""Fixtures for the Feishu channel: a fake Feishu on 127.0.0.1, a server of its own per backend (fast job
retries, a public base URL for links), and the shop robot of the conversation tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conversation.conftest import Shop, make_shop
from tests.fake_feishu import FakeFeishu
from tests.support.client import Api, new_tenant
from tests.support.outbox import fresh_database
from tests.support.server import LiveServer, start_server

PUBLIC_BASE_URL = "https://huida.example.com"
FAST = dict(job_poll_seconds=0.05, job_backoff_scale=0.001, job_lease_seconds=5.0, public_base_url=PUBLIC_BASE_URL)


@pytest.fixture(scope="session")
def fake() -> Iterator[FakeFeishu]:
    with FakeFeishu() as running:
        yield running


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def feishu_backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(scope="session")
def feishu_server(feishu_backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with fresh_database(feishu_backend, tmp_path_factory.mktemp("feishu")) as url, \
            start_server(url, tmp_path_factory.mktemp("feishu-data"), **FAST) as live:
        yield live


@pytest.fixture
def fapi(feishu_server: LiveServer) -> Iterator[Api]:
    with new_tenant(feishu_server) as client:
        yield client


@pytest.fixture
def other_fapi(feishu_server: LiveServer) -> Iterator[Api]:
    with new_tenant(feishu_server) as client:
        yield client


@pytest.fixture(scope="module")
def shop(feishu_server: LiveServer) -> Iterator[Shop]:
    """The conversation tests' shop robot (txt, img, news, menu, human rules), read-only."""
    with new_tenant(feishu_server) as api:
        yield make_shop(api)
