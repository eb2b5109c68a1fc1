"""The seed's URL variants: paths its own examples use beside the documented ones, served by the same routes.

Seed 004 documents each endpoint under one path but its curl examples sometimes write another: §2.1.1 shows
`/v10/tenants/predefined/{t}/webim/robots/...` for `/v10/tenants/{t}/predefined/robots/...`, §2.1.3 and
§2.2.1-§2.2.3 put `/webim/` before `/comment/`, §2.2.4 drops `/v10`, §4.1 writes `/recommendation/question`
for `/recommendation/questions`. A client written from the examples must work, so `AliasMiddleware` rewrites
such a path to the documented one before routing (one table, below; no copies of route functions).

An alias is therefore no route of its own: it is not in the OpenAPI document, and it reaches exactly the route
(dependencies, roles, tenant checks) that the documented path reaches, which the route tests and the tenant
isolation matrix cover (tests/security/test_aliases.py checks that every alias lands on a served route). The
request log shows the path as the client sent it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote

from starlette.types import ASGIApp, Receive, Scope, Send


@dataclass(frozen=True)
class Alias:
    pattern: re.Pattern[str]
    target: str  # a re.sub template
    seed: str  # where the seed shows this spelling
    example: str  # a path of that spelling (for tests and docs)


ALIASES: tuple[Alias, ...] = (
    Alias(re.compile(r"^/v10/tenants/predefined/([^/]+)/(?:webim/)?robots/(.+)$"),
          r"/v10/tenants/\1/predefined/robots/\2", "§2.1.1",
          "/v10/tenants/predefined/9/webim/robots/r1/options/evaluateSwitch"),
    Alias(re.compile(r"^(?:/v10)?/tenants/([^/]+)/webim/comment/robots/(.+)$"),
          r"/v10/tenants/\1/comment/robots/\2", "§2.1.3, §2.2.1-§2.2.3",
          "/v10/tenants/9/webim/comment/robots/r1/comments"),
    Alias(re.compile(r"^/tenants/([^/]+)/comment/robots/(.+)$"),
          r"/v10/tenants/\1/comment/robots/\2", "§2.2.4",
          "/tenants/9/comment/robots/r1/session/s1/satisfactionComments"),
    Alias(re.compile(r"^/v10/tenants/([^/]+)/recommendation/question$"),
          r"/v10/tenants/\1/recommendation/questions", "§4.1",
          "/v10/tenants/9/recommendation/question"),
)


def canonical_path(path: str) -> str | None:
    """The documented path for a seed variant, or None when `path` is no alias."""
    for alias in ALIASES:
        rewritten, count = alias.pattern.subn(alias.target, path)
        if count:
            return rewritten
    return None


class AliasMiddleware:
    """Rewrites the path of a request sent to a seed variant (ALIASES) to the documented path."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path = canonical_path(scope["path"])
            if path is not None:
                # The patterns touch ASCII segments only, so the encoded path rewrites the same way.
                raw = scope.get("raw_path")
                raw_path = canonical_path(raw.decode("latin-1")) if raw else None
                encoded = raw_path.encode("latin-1") if raw_path else quote(path).encode("ascii")
                scope = {**scope, "path": path, "raw_path": encoded}
        await self.app(scope, receive, send)
