"""Errors of the Aily-style API, answered in Feishu's `{code, msg, data}` envelope.

Parameter errors are HTTP 400 with code 2700001 ("param is invalid", as seed 001 lists) and a message that
names the field; each kind of unknown id has its own 404 code.
"""

from __future__ import annotations

from typing import Any

from huida.api.errors import ApiError, register_renderer

PREFIX = "/open-apis/aily/"

PARAM_INVALID = 2700001
SESSION_NOT_FOUND = 2700002
MESSAGE_NOT_FOUND = 2700003
RUN_NOT_FOUND = 2700004
FILE_NOT_FOUND = 2700005
ROBOT_NOT_FOUND = 2700006
RUN_CONFLICT = 2700009  # a run cannot be started or cancelled in the session's current state
NOT_FOUND = 2700404  # a path that is not part of the API
INVALID_TOKEN = 99991663  # Feishu's code for a missing or invalid access token
FORBIDDEN = 99991672  # Feishu's code for a token without access to the resource
INTERNAL = 2700500

_BY_STATUS = {400: PARAM_INVALID, 401: INVALID_TOKEN, 403: FORBIDDEN, 404: NOT_FOUND, 405: PARAM_INVALID,
              409: RUN_CONFLICT, 413: PARAM_INVALID, 415: PARAM_INVALID, 422: PARAM_INVALID}


def invalid(field: str, problem: str) -> ApiError:
    return ApiError(400, "INVALID_PARAMETER", f"{field}: {problem}", feishu_code=PARAM_INVALID)


def missing(what: str, ident: str, code: int) -> ApiError:
    return ApiError(404, f"{what.upper()}_NOT_FOUND", f"{what} not found: {ident}", feishu_code=code)


def conflict(description: str) -> ApiError:
    return ApiError(409, "CONFLICT", description, feishu_code=RUN_CONFLICT)


def render(error: ApiError) -> dict[str, Any]:
    code = error.feishu_code or _BY_STATUS.get(error.status, INTERNAL)
    message = f"param is invalid: {error.description}" if code == PARAM_INVALID else error.description
    return {"code": code, "msg": message, "data": {}}


def install() -> None:
    register_renderer(PREFIX, render)


install()
