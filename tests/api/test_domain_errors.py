"""Domain errors (huida.errors) meet HTTP in one table: every kind has its status, and nothing else changes."""

from __future__ import annotations

import huida.errors as domain
from huida.api.errors import STATUS, from_domain, status_of

KINDS = {domain.InvalidInput: 400, domain.Unauthenticated: 401, domain.NotPermitted: 403, domain.NotFound: 404,
         domain.Conflict: 409, domain.TooLarge: 413, domain.UnsupportedType: 415, domain.TooManyRequests: 429}


def test_every_kind_has_the_status_it_had_as_an_api_error() -> None:
    kinds = {cls for cls in vars(domain).values()
             if isinstance(cls, type) and issubclass(cls, domain.DomainError) and cls is not domain.DomainError}
    assert kinds == set(KINDS) and set(STATUS) == kinds | {domain.DomainError}
    for kind, status in KINDS.items():
        assert status_of(kind("CODE", "text")) == status


def test_a_subclass_takes_the_status_of_its_kind() -> None:
    class RuleGone(domain.NotFound):
        pass

    assert status_of(RuleGone("RULE_NOT_FOUND", "rule not found: r1")) == 404


def test_the_http_form_keeps_code_text_entity_and_says_when_to_retry() -> None:
    error = from_domain(domain.TooManyRequests("TOO_MANY_REQUESTS", "retry in 7 s", retry_after=7))
    assert (error.status, error.code, error.description, error.headers) == (
        429, "TOO_MANY_REQUESTS", "retry in 7 s", {"Retry-After": "7"})
    rows = {"errors": [{"line": 3, "reason": "empty question"}]}
    error = from_domain(domain.InvalidInput("IMPORT_INVALID", "1 bad row", entity=rows, numeric_code=2700001))
    assert (error.status, error.entity, error.feishu_code, error.headers) == (400, rows, 2700001, None)


def test_the_shortcuts_keep_their_codes() -> None:
    assert (domain.bad_request("x").code, domain.not_found("robot", "r1").code, domain.conflict("x").code,
            domain.unauthorized().code, domain.forbidden().code) == (
        "INVALID_PARAMETER", "ROBOT_NOT_FOUND", "CONFLICT", "UNAUTHORIZED", "FORBIDDEN")
    assert domain.not_found("robot", "r1").description == "robot not found: r1"
    assert str(domain.bad_request("username must be 1-200 characters")) == "username must be 1-200 characters"
