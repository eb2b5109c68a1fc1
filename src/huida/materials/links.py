"""Signed links to materials (seed 004 §1.5.1, §1.5.2): a visitor's browser opens them without a token.

An image or article in an answer is served at `/v10/tenants/{t}/material/medias/{id}/stream` (and
`.../stream/thumbnail`, `.../news/articles/{id}/html`), paths that take a member's token. A visitor holds no
token, so answers also carry the path *signed*: `?expires=<unix seconds>&signature=<hex>`, where the signature
is HMAC-SHA256 over the path and the expiry, keyed by the server's stored secret (the one that signs tokens,
through a key derived for this purpose only, so a link signature is never a token signature). The path holds
the tenant and the material id, so a link opens that one material of that one tenant, and a stream link does
not open the thumbnail or the article page. The method is not signed: the material routes only read.

`MaterialLinks` gives the stream, thumbnail and article links of one tenant (absolute under
HUIDA_PUBLIC_BASE_URL when set, else server-relative); `material_links` signs them for a running server. The
Easemob view puts them beside the seed's ids (`link`, `thumbLink`, `picLink`). `link_problem` checks a
request's link (constant-time comparison).
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from huida.materials.paths import article_html_path, media_stream_path, media_thumbnail_path

_PURPOSE = b"huida signed material link v1"
MAX_EXPIRES = 10**12  # seconds; a larger `expires` is no time this server ever signs
EXPIRED, INVALID = "expired", "invalid"

if TYPE_CHECKING:
    from huida.context import AppContext


def _key(secret: str) -> bytes:
    return hmac.new(secret.encode(), _PURPOSE, hashlib.sha256).digest()


def link_signature(path: str, secret: str, expires: int) -> str:
    """Hex HMAC-SHA256 of `path` and `expires` (unix seconds)."""
    return hmac.new(_key(secret), f"{path}\n{expires}".encode(), hashlib.sha256).hexdigest()


def signed_path(path: str, secret: str, now: int, lifetime: int) -> str:
    """`path?expires=…&signature=…`, opening `path` until `now + lifetime` (seconds)."""
    expires = int(now) + int(lifetime)
    return f"{path}?expires={expires}&signature={link_signature(path, secret, expires)}"


def path_signer(secret: str, lifetime: int, now: Callable[[], float] = time.time) -> Callable[[str], str]:
    """`sign(path) -> signed path`, reading the clock on each call."""
    return lambda path: signed_path(path, secret, int(now()), lifetime)


def link_problem(path: str, secret: str, expires: str | None, signature: str | None, now: int) -> str | None:
    """None when `expires` and `signature` open `path` at `now`; else EXPIRED or INVALID."""
    if not expires or not signature or not expires.isdigit() or len(expires) > len(str(MAX_EXPIRES)):
        return INVALID
    expected = link_signature(path, secret, int(expires))
    if not hmac.compare_digest(expected.encode(), signature.strip().lower().encode()):
        return INVALID
    return EXPIRED if int(expires) < now else None


def _unsigned(path: str) -> str:
    return path


@dataclass(frozen=True)
class MaterialLinks:
    """Links to one tenant's materials: `base_url` + the server path, signed by `sign` (plain paths without one,
    for readers that hold a token: history, webhook events, conversation reading)."""

    tenant_id: int
    sign: Callable[[str], str] = _unsigned
    base_url: str = ""

    def _url(self, path: str) -> str:
        return self.base_url.rstrip("/") + self.sign(path)

    def media(self, media_id: str) -> str:
        return self._url(media_stream_path(self.tenant_id, media_id))

    def thumbnail(self, media_id: str) -> str:
        return self._url(media_thumbnail_path(self.tenant_id, media_id))

    def article(self, article_id: str) -> str:
        return self._url(article_html_path(self.tenant_id, article_id))


def material_links(ctx: AppContext, tenant_id: int) -> MaterialLinks:
    """The links of a running server (`AppContext`): signed with its secret for HUIDA_SIGNED_LINK_SECONDS, under
    HUIDA_PUBLIC_BASE_URL."""
    settings = ctx.settings
    return MaterialLinks(tenant_id, path_signer(ctx.secret_key, settings.signed_link_seconds),
                         settings.public_base_url)
