"""Errors of the Aily-style API, answered in Feishu's `{code, msg, data}` envelope.

Parameter errors are HTTP 400 with code 2700001 ("param is invalid", as seed 001 lists) and a message that
names the field; each kind of unknown id has its own 404 code. The numbers are the API's, so they travel on the
domain errors (`numeric_code`); the envelope itself is drawn by the HTTP edge (huida/channels/aily/deps.py).
"""

from __future__ import annotations

from huida.errors import Conflict, InvalidInput, NotFound

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



def invalid(field: str, problem: str) -> InvalidInput:
    return InvalidInput("INVALID_PARAMETER", f"{field}: {problem}", numeric_code=PARAM_INVALID)


def missing(what: str, ident: str, code: int) -> NotFound:
    return NotFound(f"{what.upper()}_NOT_FOUND", f"{what} not found: {ident}", numeric_code=code)


def conflict(description: str) -> Conflict:
    return Conflict("CONFLICT", description, numeric_code=RUN_CONFLICT)
