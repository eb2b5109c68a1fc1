"""Where webhooks may go: http(s) URLs whose host resolves only to public addresses.

Checked when a subscription is saved and again at every delivery, where the request is then sent to
the very address that was checked (so a DNS answer that changes in between — rebinding — cannot
redirect a delivery to an internal service). HUIDA_WEBHOOK_ALLOW_PRIVATE=1 lifts the address rule.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

MAX_URL_CHARS = 2000
IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class UnsafeTarget(ValueError):
    """The URL is malformed or points somewhere webhooks must not go."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str  # without brackets for IPv6
    port: int
    netloc: str  # host[:port] as written, for the Host header
    path: str  # path and query


def parse(url: str) -> Target:
    if len(url) > MAX_URL_CHARS:
        raise UnsafeTarget(f"url is longer than {MAX_URL_CHARS} characters")
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise UnsafeTarget(f"url is not valid: {exc}") from exc
    if parts.scheme not in ("http", "https"):
        raise UnsafeTarget("url must start with http:// or https://")
    if not parts.hostname:
        raise UnsafeTarget("url has no host")
    if parts.username is not None or parts.password is not None:
        raise UnsafeTarget("url must not carry credentials; receivers authenticate deliveries by signature")
    if parts.fragment:
        raise UnsafeTarget("url must not have a #fragment")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(parts.scheme, parts.hostname, port or (443 if parts.scheme == "https" else 80),
                  parts.netloc, path)


def is_public(ip: IpAddress) -> bool:
    """False for loopback, private, link-local, multicast, reserved, shared and unspecified addresses."""
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if embedded is not None and not is_public(embedded):
            return False
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_loopback or ip.is_link_local
                                 or ip.is_private or ip.is_unspecified)


def resolve(target: Target) -> list[IpAddress]:
    """Every address of the host, in resolver order (raises OSError when it does not resolve)."""
    try:
        return [ipaddress.ip_address(target.host)]
    except ValueError:
        pass
    infos = socket.getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM)
    seen: dict[str, IpAddress] = {}
    for *_, sockaddr in infos:
        text = str(sockaddr[0]).split("%", 1)[0]  # drop an IPv6 zone id
        seen.setdefault(text, ipaddress.ip_address(text))
    return list(seen.values())


def check_addresses(target: Target, addresses: list[IpAddress], allow_private: bool) -> None:
    if allow_private:
        return
    refused = [str(ip) for ip in addresses if not is_public(ip)]
    if refused:
        raise UnsafeTarget(f"{target.host} resolves to a non-public address ({', '.join(refused)}); "
                           "set HUIDA_WEBHOOK_ALLOW_PRIVATE=1 to allow it")


def check_subscription_url(url: str, allow_private: bool) -> str:
    """Validates a URL given by a client; a host that does not resolve yet is accepted (checked again at
    delivery). Returns the URL stripped."""
    target = parse(url)
    try:
        addresses = resolve(target)
    except OSError:
        return url.strip()
    check_addresses(target, addresses, allow_private)
    return url.strip()


def delivery_addresses(target: Target, allow_private: bool) -> list[IpAddress]:
    """The checked addresses a delivery may connect to (raises UnsafeTarget or OSError)."""
    addresses = resolve(target)
    check_addresses(target, addresses, allow_private)
    return addresses
