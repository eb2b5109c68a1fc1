"""Calls to Feishu, all through the official SDK (lark-oapi): tenant token, reply, image upload, bot info.

Tokens: the SDK caches tenant tokens in a class-level dict keyed by app_id alone, shared by every client of
the process and never refreshed on error 99991663. Huida instead fetches the token with the SDK's
`auth.v3.tenant_access_token.internal` call and keeps it in its own cache keyed by (domain, app_id,
secret digest), handing it to each request (`enable_set_token`). So a token obtained with one app secret is
never used for another channel that claims the same app_id, and on 99991663/99991661 the cached token is
dropped and the call retried once with a fresh one.

Every failure becomes a FeishuError saying whether retrying can help and, for rate limits, when.

The SDK is imported where it is used: importing lark_oapi takes seconds, which every Huida process (and
command) would otherwise pay at start, Feishu channel or not.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import logging
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lark_oapi.core.model import BaseResponse, RequestOption

log = logging.getLogger("huida.feishu")

DOMAINS = {"feishu": "https://open.feishu.cn", "lark": "https://open.larksuite.com"}  # lark.FEISHU/LARK_DOMAIN
INVALID_TOKEN_CODES = (99991663, 99991661)
RATE_LIMIT_CODE = 99991400
# Retrying cannot help: a bad request, the message replied to was withdrawn, the bot left the chat.
PERMANENT_CODES = (230001, 230011, 230002)
TOKEN_MARGIN_SECONDS = 600  # refresh ten minutes before Feishu's expiry, as the SDK does
TIMEOUT_SECONDS = 10.0


class FeishuError(Exception):
    def __init__(self, message: str, *, code: int | None = None, status: int | None = None,
                 retry_after: float | None = None, permanent: bool = False) -> None:
        super().__init__(message)
        self.code = code
        self.status = status
        self.retry_after = retry_after
        self.permanent = permanent


def base_url(domain: str) -> str:
    """The API origin of a channel's domain setting (feishu, lark, or a base URL)."""
    return DOMAINS.get(domain, domain.rstrip("/"))


class TokenCache:
    """tenant_access_tokens per (domain, app_id, secret digest), until ten minutes before they expire."""

    def __init__(self) -> None:
        self._tokens: dict[tuple[str, str, str], tuple[str, float]] = {}
        self._lock = threading.Lock()

    def get(self, key: tuple[str, str, str]) -> str | None:
        with self._lock:
            entry = self._tokens.get(key)
        return entry[0] if entry and entry[1] > time.monotonic() else None

    def put(self, key: tuple[str, str, str], token: str, expires_in: float) -> None:
        lifetime = max(60.0, expires_in - TOKEN_MARGIN_SECONDS)
        with self._lock:
            self._tokens[key] = (token, time.monotonic() + lifetime)

    def evict(self, key: tuple[str, str, str], token: str) -> None:
        """Drops `token` (unless another thread already replaced it)."""
        with self._lock:
            if self._tokens.get(key, ("",))[0] == token:
                del self._tokens[key]

    def clear(self) -> None:
        with self._lock:
            self._tokens.clear()


TOKENS = TokenCache()


def _header(response: BaseResponse, name: str) -> str | None:
    headers = response.raw.headers if response.raw is not None else {}
    return next((v for k, v in (headers or {}).items() if k.lower() == name), None)


def check(what: str, response: BaseResponse) -> None:
    """Raises a FeishuError unless Feishu answered code 0."""
    if response.success():
        return
    status = response.raw.status_code if response.raw is not None else None
    code = response.code
    if status == 429 or code == RATE_LIMIT_CODE:
        try:
            wait = float(_header(response, "x-ogw-ratelimit-reset") or 1)
        except ValueError:
            wait = 1.0
        raise FeishuError(f"{what}: rate limited (code {code}, HTTP {status})", code=code, status=status,
                          retry_after=max(0.5, wait))
    detail = f"code {code}: {response.msg}" if code is not None else f"HTTP {status}"
    raise FeishuError(f"{what}: {detail}", code=code, status=status, permanent=code in PERMANENT_CODES)


class FeishuApi:
    """One Feishu app seen through the SDK."""

    def __init__(self, app_id: str, app_secret: str, domain: str, *, timeout: float = TIMEOUT_SECONDS) -> None:
        import lark_oapi as lark

        self.app_id = app_id
        self.origin = base_url(domain)
        self.client = (lark.Client.builder().app_id(app_id).app_secret(app_secret).domain(self.origin)
                       .timeout(timeout).enable_set_token(True).log_level(lark.LogLevel.WARNING).build())
        digest = hashlib.sha256(app_secret.encode("utf-8")).hexdigest()
        self._key = (self.origin, app_id, digest)
        self._secret = app_secret

    # -- tokens ------------------------------------------------------------------------------------

    def tenant_token(self) -> str:
        token = TOKENS.get(self._key)
        if token is None:
            token, expires_in = self._fetch_token()
            TOKENS.put(self._key, token, expires_in)
        return token

    def _fetch_token(self) -> tuple[str, float]:
        from lark_oapi.api.auth.v3 import InternalTenantAccessTokenRequest, InternalTenantAccessTokenRequestBody

        body = InternalTenantAccessTokenRequestBody.builder().app_id(self.app_id).app_secret(self._secret).build()
        request = InternalTenantAccessTokenRequest.builder().request_body(body).build()
        response = self._sdk("tenant_access_token", lambda: self.client.auth.v3.tenant_access_token.internal(request))
        check("tenant_access_token", response)
        try:
            data = json.loads(response.raw.content)
            return str(data["tenant_access_token"]), float(data.get("expire") or 7200)
        except (ValueError, KeyError, TypeError) as exc:
            raise FeishuError("tenant_access_token: unreadable answer") from exc

    @staticmethod
    def _sdk(what: str, call: Callable[[], BaseResponse]) -> BaseResponse:
        try:
            return call()
        except FeishuError:
            raise
        except ValueError as exc:  # the SDK parses every answer as JSON: a gateway error page fails here
            raise FeishuError(f"{what}: Feishu answered something that is not JSON (a gateway error?)") from exc
        except Exception as exc:  # network errors
            raise FeishuError(f"{what}: {type(exc).__name__}: {exc}"[:500]) from exc

    def call(self, what: str, send: Callable[[RequestOption], BaseResponse]) -> BaseResponse:
        """Runs `send` with a tenant token; on an invalid-token answer, once more with a fresh token.
        `send` must build its request anew on each call (the SDK consumes request bodies)."""
        from lark_oapi.core.model import RequestOption

        for attempt in (1, 2):
            token = self.tenant_token()
            option = RequestOption.builder().tenant_access_token(token).build()
            response = self._sdk(what, functools.partial(send, option))
            if response.code in INVALID_TOKEN_CODES and attempt == 1:
                log.info("feishu app %s: %s answered code %s, fetching a new token", self.app_id, what,
                         response.code)
                TOKENS.evict(self._key, token)
                continue
            check(what, response)
            return response
        raise AssertionError("unreachable")

    # -- calls -------------------------------------------------------------------------------------

    def reply(self, message_id: str, msg_type: str, content: dict[str, Any], uuid: str) -> str:
        """Replies to `message_id`; `uuid` makes a repeated reply a no-op on Feishu's side (1 h).
        Returns the new message's id."""
        from lark_oapi.api.im.v1 import ReplyMessageRequest, ReplyMessageRequestBody

        text = json.dumps(content, ensure_ascii=False)

        def send(option: RequestOption) -> BaseResponse:
            body = ReplyMessageRequestBody.builder().content(text).msg_type(msg_type).uuid(uuid).build()
            request = ReplyMessageRequest.builder().message_id(message_id).request_body(body).build()
            return self.client.im.v1.message.reply(request, option)

        response = self.call("reply", send)
        data = getattr(response, "data", None)
        return str(getattr(data, "message_id", "") or "")

    def upload_image(self, data: bytes, filename: str, content_type: str) -> str:
        from lark_oapi.api.im.v1 import CreateImageRequest, CreateImageRequestBody

        def send(option: RequestOption) -> BaseResponse:
            body = (CreateImageRequestBody.builder().image_type("message")
                    .image((filename, io.BytesIO(data), content_type)).build())
            return self.client.im.v1.image.create(CreateImageRequest.builder().request_body(body).build(), option)

        response = self.call("image upload", send)
        key = getattr(getattr(response, "data", None), "image_key", None)
        if not key:
            raise FeishuError("image upload: no image_key in the answer")
        return str(key)

    def bot_info(self) -> tuple[str, str]:
        """(open_id, name) of the app's bot, from GET /open-apis/bot/v3/info (which has no generated
        resource in the SDK: a raw request through the SDK client)."""
        from lark_oapi.core.enum import AccessTokenType, HttpMethod
        from lark_oapi.core.model import BaseRequest

        def send(option: RequestOption) -> BaseResponse:
            request = (BaseRequest.builder().http_method(HttpMethod.GET).uri("/open-apis/bot/v3/info")
                       .token_types({AccessTokenType.TENANT}).build())
            return self.client.request(request, option)

        response = self.call("bot info", send)
        try:
            bot = json.loads(response.raw.content).get("bot") or {}
        except (ValueError, AttributeError) as exc:
            raise FeishuError("bot info: unreadable answer") from exc
        if not bot.get("open_id"):
            raise FeishuError("bot info: no open_id (is the bot capability enabled?)")
        return str(bot["open_id"]), str(bot.get("app_name") or "")


_apis: dict[tuple[str, str, str], FeishuApi] = {}
_apis_lock = threading.Lock()


def api_for(app_id: str, app_secret: str, domain: str) -> FeishuApi:
    """A cached FeishuApi per app credentials (building an SDK client sets up ~60 services)."""
    key = (app_id, hashlib.sha256(app_secret.encode("utf-8")).hexdigest(), domain)
    with _apis_lock:
        api = _apis.get(key)
        if api is None:
            api = _apis[key] = FeishuApi(app_id, app_secret, domain)
        return api
