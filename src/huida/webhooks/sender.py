"""One HTTP attempt of a webhook delivery: sign, send to a checked address, time it. No database here."""

from __future__ import annotations

import ssl
import time
from dataclasses import dataclass

import httpx

from huida import __version__
from huida.webhooks.addresses import IpAddress, Target, UnsafeTarget, delivery_addresses, parse
from huida.webhooks.signing import sign

RESPONSE_EXCERPT = 1000
_SSL = ssl.create_default_context()  # built once: loading the CA bundle per request costs milliseconds


@dataclass(frozen=True)
class Request:
    url: str
    secret: str
    event: str
    delivery_id: str
    body: bytes


@dataclass(frozen=True)
class Outcome:
    status_code: int | None
    latency_ms: int
    error: str | None
    response: str | None = None

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def headers_for(request: Request, timestamp: str) -> dict[str, str]:
    return {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": f"Huida-Webhook/{__version__}",
        "X-Huida-Event": request.event,
        "X-Huida-Delivery": request.delivery_id,
        "X-Huida-Timestamp": timestamp,
        "X-Huida-Signature": sign(request.secret, timestamp, request.body),
    }


def _pinned_url(target: Target, ip: IpAddress) -> str:
    host = f"[{ip}]" if ip.version == 6 else str(ip)
    return f"{target.scheme}://{host}:{target.port}{target.path}"


def _post_to(client: httpx.Client, target: Target, ip: IpAddress, headers: dict[str, str],
             body: bytes) -> tuple[int, str]:
    extensions = {"sni_hostname": target.host} if target.scheme == "https" else {}
    with client.stream("POST", _pinned_url(target, ip), headers={**headers, "Host": target.netloc},
                       content=body, extensions=extensions) as response:
        excerpt = b""
        for chunk in response.iter_bytes():
            excerpt += chunk
            if len(excerpt) >= RESPONSE_EXCERPT:
                break  # a huge reply body is not our business
        return response.status_code, excerpt[:RESPONSE_EXCERPT].decode("utf-8", "replace")


def _post(target: Target, addresses: list[IpAddress], headers: dict[str, str], body: bytes,
          timeout: float) -> tuple[int, str]:
    """Tries the checked addresses in turn until one accepts the connection. Redirects are not followed."""
    last: httpx.ConnectError | None = None
    with httpx.Client(timeout=timeout, follow_redirects=False, verify=_SSL, trust_env=False) as client:
        for ip in addresses:
            try:
                return _post_to(client, target, ip, headers, body)
            except httpx.ConnectError as exc:
                last = exc
    assert last is not None
    raise last


def send(request: Request, *, timeout: float, allow_private: bool) -> Outcome:
    started = time.perf_counter()
    status, error, response = None, None, None
    try:
        target = parse(request.url)
        addresses = delivery_addresses(target, allow_private)
        status, response = _post(target, addresses, headers_for(request, str(int(time.time()))), request.body,
                                 timeout)
        if not 200 <= status < 300:
            error = f"HTTP {status}" + (" (redirects are not followed)" if 300 <= status < 400 else "")
    except UnsafeTarget as exc:
        error = f"refused: {exc}"
    except OSError as exc:  # name resolution
        error = f"cannot resolve host: {exc}"
    except httpx.TimeoutException:
        error = f"timed out after {timeout:g} s"
    except httpx.HTTPError as exc:
        error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    latency = int((time.perf_counter() - started) * 1000)
    return Outcome(status, latency, error, response)
