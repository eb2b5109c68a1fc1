"""Domain errors: what went wrong, in terms every way into Huida understands.

Services, jobs, the command line and the MCP server share one vocabulary of failures. A service raises a
`DomainError` subclass that says what kind of failure it is (bad input, not found, a conflict, ...) with a
stable `code` a client can branch on and a `description` for people. It never says how the failure travels:
the HTTP edge (`huida.api.errors`) maps each kind to a status and renders it in the envelope of the API the
request came through; `huida` commands print the description; a job decides whether retrying can help. So this
module is pure (standard library only) and imports nothing of Huida: anything may import it, nothing it imports
can pull a web framework into a service.

The kinds, with the HTTP status the edge gives each today (the mapping itself lives at the edge):

=====================  ======  =============================================================
kind                   status  meaning
=====================  ======  =============================================================
`InvalidInput`          400    the request is malformed or names something unusable
`Unauthenticated`       401    no caller could be established (missing or bad credentials)
`NotPermitted`          403    the caller is known but may not do this
`NotFound`              404    the thing named does not exist (for this tenant)
`Conflict`              409    the request clashes with the current state (an id taken, ...)
`TooLarge`              413    the input is larger than accepted
`UnsupportedType`       415    the input is of a type that is not accepted
`TooManyRequests`       429    refused for now; `retry_after` says when to try again
=====================  ======  =============================================================

The shortcuts at the bottom (`bad_request`, `not_found`, `conflict`, `unauthorized`, `forbidden`) keep the
names and codes the HTTP-era helpers had, so a call site changes by its import alone.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A failure the caller can understand and act on, never a bug.

    `code` is stable (clients and tests branch on it); `description` is for people and may change. `entity`
    carries details a client can act on, such as every bad row of an import. `retry_after` (seconds) says when
    a refused request may succeed, so a transport can tell its client (an HTTP Retry-After header, a job's
    back-off). `numeric_code` is the number an API that numbers its errors (the Feishu-style Aily API of seed
    001) gives this failure; None lets the edge derive one from the kind.
    """

    def __init__(self, code: str, description: str, *, entity: Any = None, retry_after: int | None = None,
                 numeric_code: int | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.entity = entity
        self.retry_after = retry_after
        self.numeric_code = numeric_code

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.code!r}, {self.description!r})"


class InvalidInput(DomainError):
    """The input is malformed, out of range, or refers to something that cannot be used (HTTP 400)."""


class Unauthenticated(DomainError):
    """No caller could be established: credentials are missing, wrong, expired or revoked (HTTP 401)."""


class NotPermitted(DomainError):
    """The caller is known but may not do this: another tenant, too low a role, a disabled account (HTTP 403)."""


class NotFound(DomainError):
    """The object named does not exist, or not for this tenant (HTTP 404)."""


class Conflict(DomainError):
    """The request clashes with the current state: an id already taken, a state that forbids the change (409)."""


class TooLarge(DomainError):
    """The input is larger than Huida accepts (HTTP 413)."""


class UnsupportedType(DomainError):
    """The input is of a type Huida does not accept, such as a file that is not an image (HTTP 415)."""


class TooManyRequests(DomainError):
    """Refused for now, to protect the server or an account; `retry_after` seconds later it may succeed (429)."""


# -- shortcuts with the codes clients already know --------------------------------------------------------------

def bad_request(description: str, code: str = "INVALID_PARAMETER") -> InvalidInput:
    """Bad input, by default with the generic code INVALID_PARAMETER."""
    return InvalidInput(code, description)


def not_found(what: str, ident: object, code: str | None = None) -> NotFound:
    """`<what> not found: <ident>`, coded `<WHAT>_NOT_FOUND` unless `code` says otherwise."""
    return NotFound(code or f"{what.upper().replace(' ', '_')}_NOT_FOUND", f"{what} not found: {ident}")


def conflict(description: str, code: str = "CONFLICT") -> Conflict:
    """A clash with the current state, by default coded CONFLICT."""
    return Conflict(code, description)


def unauthorized(description: str = "missing, invalid or expired token") -> Unauthenticated:
    """No valid credentials, coded UNAUTHORIZED."""
    return Unauthenticated("UNAUTHORIZED", description)


def forbidden(description: str = "this token does not grant access to that tenant") -> NotPermitted:
    """A valid caller without access, coded FORBIDDEN."""
    return NotPermitted("FORBIDDEN", description)
