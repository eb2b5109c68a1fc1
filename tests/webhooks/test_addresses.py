"""Where deliveries may go, checked at subscription time and again, against DNS rebinding, when sending."""

from __future__ import annotations

import ipaddress
import socket
from typing import Any

import pytest

from huida.webhooks import addresses, sender
from huida.webhooks.addresses import UnsafeTarget, check_subscription_url, is_public
from tests.support.receiver import Receiver


@pytest.mark.parametrize("ip, public", [
    ("93.184.215.14", True), ("8.8.8.8", True), ("2606:4700:4700::1111", True),
    ("127.0.0.1", False), ("10.0.0.1", False), ("172.31.255.255", False), ("192.168.1.1", False),
    ("169.254.169.254", False), ("100.64.0.1", False), ("0.0.0.0", False), ("224.0.0.251", False),
    ("239.255.255.250", False), ("240.0.0.1", False), ("255.255.255.255", False), ("::1", False),
    ("fe80::1", False), ("fc00::1", False), ("ff02::1", False), ("::", False), ("::ffff:10.0.0.1", False),
    ("2002:7f00:1::", False), ("192.0.2.1", False), ("198.18.0.1", False),
])
def test_public_addresses(ip: str, public: bool) -> None:
    assert is_public(ipaddress.ip_address(ip)) is public


def fake_dns(monkeypatch: pytest.MonkeyPatch, *answers: list[str]) -> list[str]:
    """Each lookup of a name returns the next answer (the last one repeats); returns the names looked up.
    Address literals (what the HTTP client resolves when it connects) go to the real resolver."""
    looked_up: list[str] = []
    real = socket.getaddrinfo

    def getaddrinfo(host: str, port: Any, *args: Any, **kwargs: Any) -> list[tuple]:
        try:
            ipaddress.ip_address(host)
            return real(host, port, *args, **kwargs)
        except ValueError:
            pass
        answer = answers[min(len(looked_up), len(answers) - 1)]
        looked_up.append(host)
        return [(socket.AF_INET6 if ":" in ip else socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port))
                for ip in answer]

    monkeypatch.setattr(addresses.socket, "getaddrinfo", getaddrinfo)
    return looked_up


def request(url: str) -> sender.Request:
    return sender.Request(url=url, secret="s" * 16, event="ping", delivery_id="d-1", body=b"{}")


def test_a_name_resolving_to_a_private_address_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_dns(monkeypatch, ["93.184.215.14", "10.0.0.7"])
    with pytest.raises(UnsafeTarget, match="10.0.0.7"):
        check_subscription_url("https://hooks.example.com/in", allow_private=False)
    assert check_subscription_url("https://hooks.example.com/in", allow_private=True)


def test_an_unresolvable_name_is_accepted_then_checked_at_delivery(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_such_host(*_: Any, **__: Any) -> list:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(addresses.socket, "getaddrinfo", no_such_host)
    assert check_subscription_url("https://not-yet.example.com/", allow_private=False)
    outcome = sender.send(request("https://not-yet.example.com/"), timeout=1, allow_private=False)
    assert not outcome.ok and outcome.error.startswith("cannot resolve host")


def test_dns_rebinding_is_refused_at_delivery(monkeypatch: pytest.MonkeyPatch, receiver: Receiver) -> None:
    # Public when the subscription is saved, loopback when the delivery is made.
    looked_up = fake_dns(monkeypatch, ["93.184.215.14"], ["127.0.0.1"])
    url = f"http://rebind.example.com:{receiver.port}/hook"
    check_subscription_url(url, allow_private=False)
    outcome = sender.send(request(url), timeout=1, allow_private=False)
    assert outcome.status_code is None and outcome.error.startswith("refused:")
    assert looked_up == ["rebind.example.com", "rebind.example.com"]
    assert receiver.hits == []


def test_a_literal_private_address_is_refused_at_delivery(receiver: Receiver) -> None:
    outcome = sender.send(request(receiver.url()), timeout=1, allow_private=False)
    assert outcome.error.startswith("refused:") and receiver.hits == []
    assert sender.send(request(receiver.url()), timeout=1, allow_private=True).ok


def test_the_checked_address_is_the_one_connected_to(monkeypatch: pytest.MonkeyPatch, receiver: Receiver) -> None:
    """The request goes to the resolved address (no second lookup by the HTTP client) with the original
    Host header; an address that refuses the connection is skipped for the next one."""
    looked_up = fake_dns(monkeypatch, ["127.0.0.2", "127.0.0.1"])
    outcome = sender.send(request(f"http://hooks.internal.test:{receiver.port}/hook?x=1"), timeout=1,
                          allow_private=True)
    assert outcome.ok, outcome
    [hit] = receiver.hits
    assert hit.path == "/hook?x=1" and hit.headers["host"] == f"hooks.internal.test:{receiver.port}"
    assert looked_up == ["hooks.internal.test"]
