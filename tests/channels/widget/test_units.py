"""The widget's pure parts: origins as browsers send them, the sliding window, visitor tokens, the size budget."""

from __future__ import annotations

import gzip
from importlib import resources

import pytest

from huida.channels.widget.limits import SlidingWindow
from huida.channels.widget.origins import normalise_origin
from huida.channels.widget.visitors import read_token
from huida.errors import Unauthenticated


@pytest.mark.parametrize(("value", "origin"), [
    ("https://shop.example", "https://shop.example"), ("HTTPS://Shop.Example:443/", "https://shop.example"),
    ("http://127.0.0.1:8080", "http://127.0.0.1:8080"), ("http://shop.example:80", "http://shop.example"),
    ("https://[::1]:8443", "https://[::1]:8443"), ("https://xn--fiq228c.example", "https://xn--fiq228c.example"),
    ("shop.example", None), ("https://shop.example/path", None), ("https://shop.example?q", None),
    ("https://shop.example#f", None), ("ftp://shop.example", None), ("null", None), ("https://u:p@shop.example", None),
    ("https://shop.example:0x1", None), (" https://shop.example", None), ("https://bad_host.example", None),
    ("javascript://shop.example", None), ("https://", None),
])
def test_origins_as_browsers_send_them(value: str, origin: str | None) -> None:
    assert normalise_origin(value) == origin


def test_the_sliding_window_forgets_old_hits() -> None:
    window = SlidingWindow(limit=2, window=10)
    assert window.hit("v", now=0) == 0 and window.hit("v", now=1) == 0
    assert window.hit("v", now=2) == 8  # the first hit leaves the window at 10
    assert window.hit("w", now=2) == 0  # another name, its own count
    assert window.hit("v", now=10.5) == 0
    assert SlidingWindow(limit=0).hit("v") == 0  # 0: no limit


def test_visitor_tokens_name_one_visitor_of_one_robot() -> None:
    with pytest.raises(Unauthenticated):
        read_token("secret", 1, "robot", None)
    with pytest.raises(Unauthenticated):
        read_token("secret", 1, "robot", "a" * 20 + ".forged")
    with pytest.raises(Unauthenticated):
        read_token("secret", 1, "robot", "../../not-an-id.x")


def test_the_widget_stays_within_its_budget() -> None:
    data = resources.files("huida.channels.widget").joinpath("static/widget.js").read_bytes()
    assert len(gzip.compress(data, 9)) < 30 * 1024
    assert b"http://" not in data.replace(b"http://HUIDA", b"") and b"cdn" not in data.lower()  # no third party
