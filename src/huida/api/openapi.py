"""The served OpenAPI document, made to say what the server really does.

FastAPI's generated document is edited in one place rather than in every decorator:
- errors: FastAPI lists a 422 the server never sends (install_error_handlers answers validation errors with
  400); each operation instead lists the statuses it can give (400 for bad input, 401/403 when it
  authenticates, 404 when it names an object, 409 when it writes, 413 when it takes a body, and whatever the
  route declares itself), each with the error body of its API family;
- success: a route that declares its body (`responses=` in its decorator) keeps that schema alone; one that
  does not gets its family's envelope with a free-form entity, never a bare object;
- text: the server refuses control characters in every parameter and JSON body string, keys included
  (huida.api.textcheck); every request string says so with a pattern, and free-form JSON is `PlainJson`;
- security: an operation whose dependencies authenticate (any dependency that calls a function marked with
  `huida.api.deps.authenticator`, found by walking the dependency tree) requires the `token` header or
  `Authorization: Bearer`; an operation that declares its own `security` (openapi_extra) keeps it.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, routing
from fastapi.dependencies.models import Dependant
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute
from pydantic.json_schema import models_json_schema

from huida.api import deps
from huida.api.responses import AilyFailure, CallbackFailure, Failure, Reply

REF = "#/components/schemas/{model}"
SECURITY_SCHEMES = {
    "token": {"type": "apiKey", "in": "header", "name": "token",
              "description": "a token from POST /v10/commons/integration/token (seed 004)"},
    "bearer": {"type": "http", "scheme": "bearer",
               "description": "the same token as `Authorization: Bearer`; for /open-apis also a robot's API key"},
    # The chat widget's API (/widget/v1): a robot's public widget key, and the token of one visitor.
    "widgetKey": {"type": "apiKey", "in": "header", "name": "X-Huida-Widget-Key",
                  "description": "a robot's widget key (POST .../robots/{robotId}/widget-keys)"},
    "visitorToken": {"type": "apiKey", "in": "header", "name": "X-Huida-Visitor-Token",
                     "description": "a widget visitor's token (POST /widget/v1/visitors)"},
    # The web console's single sign-on session (seed 004 §7.1 sets the cookie), used only with the console
    # header, which a page of another site cannot send (huida/auth/deps.py console_request).
    "sessionCookie": {"type": "apiKey", "in": "cookie", "name": "huida_session",
                      "description": "the session cookie GET /v10/commons/access sets after single sign-on"},
    "consoleHeader": {"type": "apiKey", "in": "header", "name": "X-Huida-Console",
                      "description": "`1`: the request comes from the console's own pages (against CSRF)"},
}
# Either scheme suffices: the server reads the `token` header first, then `Authorization: Bearer`.
AUTHENTICATED: list[dict[str, list[str]]] = [{"token": []}, {"bearer": []}]
WRITES = {"POST", "PUT", "PATCH", "DELETE"}
BODIES = {"POST", "PUT", "PATCH"}
DESCRIPTIONS = {
    400: "invalid input: a parameter or the body breaks the schema or a rule the server checks",
    401: "missing, invalid or expired token (or API key)",
    403: "the token does not grant this: another tenant, or a role too low",
    404: "an object the request names does not exist (or is not the caller's)",
    409: "the change conflicts with the current state or with a concurrent write",
    413: "the request body is larger than the server accepts",
    415: "the upload is not of a supported type",
    429: "too many attempts; retry after the Retry-After header's seconds",
}


@dataclass(frozen=True)
class Family:
    """An API family: its path prefix, its success schema for undeclared bodies and its error schema."""

    prefix: str
    reply: str | None
    failure: str


FAMILIES = [
    Family("/open-apis/", None, "AilyFailure"),
    Family("/channels/feishu/", None, "CallbackFailure"),
    Family("/", "Reply", "Failure"),
]


def family_of(path: str) -> Family:
    return next(f for f in FAMILIES if path.startswith(f.prefix))


def install_openapi(app: FastAPI) -> None:
    """Replaces `app.openapi` by the corrected document (built once, on first request)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            doc = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
            app.openapi_schema = describe(app, doc)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def describe(app: FastAPI, doc: dict[str, Any]) -> dict[str, Any]:
    components = doc.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    for unused in ("HTTPValidationError", "ValidationError"):  # the 422 body; the server answers 400 instead
        schemas.pop(unused, None)
    _, defs = models_json_schema([(m, "serialization") for m in (Reply, Failure, AilyFailure, CallbackFailure)],
                                 ref_template=REF)
    schemas.update(defs.get("$defs", {}))
    schemas["PlainJson"] = PLAIN_JSON
    components["securitySchemes"] = SECURITY_SCHEMES
    # Included routers wrap their routes; FastAPI's own document walks them the same way.
    for route in routing.iter_route_contexts(app.routes):
        if not isinstance(route.original_route, APIRoute) or not route.include_in_schema:
            continue
        for method in route.methods or ():
            operation = doc["paths"].get(route.path_format, {}).get(method.lower())
            if operation is not None:
                _describe_operation(route, method, operation)
    _plain_requests(doc)
    return doc


def _describe_operation(route: Any, method: str, operation: dict[str, Any]) -> None:
    family = family_of(route.path_format)
    responses = operation.setdefault("responses", {})
    responses.pop("422", None)
    authenticated = authenticates(route.dependant)
    if authenticated and "security" not in operation:
        operation["security"] = AUTHENTICATED
    _success(responses, str(route.status_code or 200), family)
    for status in error_statuses(route, method, operation, authenticated):
        responses.setdefault(str(status), {"description": DESCRIPTIONS[status]})
    for status, response in responses.items():
        if status.isdigit() and int(status) >= 400 and "content" not in response:
            response["content"] = {"application/json": {"schema": {"$ref": REF.format(model=family.failure)}}}


def _success(responses: dict[str, Any], status: str, family: Family) -> None:
    schema = responses.get(status, {}).get("content", {}).get("application/json", {}).get("schema")
    if schema is None:
        return
    if "$ref" in schema:  # declared by the route; FastAPI merged it into the bare object of `-> dict`
        responses[status]["content"]["application/json"]["schema"] = {"$ref": schema["$ref"]}
    elif family.reply and schema.get("type") == "object" and not schema.get("properties"):
        responses[status]["content"]["application/json"]["schema"] = {"$ref": REF.format(model=family.reply)}


def error_statuses(route: Any, method: str, operation: dict[str, Any], authenticated: bool) -> list[int]:
    """The error statuses any operation of this kind can give (a route declares any others itself)."""
    statuses = []
    if operation.get("parameters") or "requestBody" in operation or method in BODIES:
        statuses.append(400)
    if authenticated:
        statuses += [401, 403]
    if "{" in route.path_format or authenticated:
        statuses.append(404)
    if method in WRITES:
        statuses.append(409)  # a unique constraint can lose a race to a concurrent write (see api/errors.py)
    if method in BODIES:
        statuses.append(413)
    return statuses


def authenticates(dependant: Dependant) -> bool:
    """Whether a dependency of the route (at any depth) calls an `authenticator` (huida.auth.deps.authenticate)."""
    return any(_calls_authenticate(call) for call in _calls(dependant))


def _calls(dependant: Dependant) -> Iterator[Callable[..., Any]]:
    for sub in dependant.dependencies:
        if sub.call is not None:
            yield sub.call
        yield from _calls(sub)


def _calls_authenticate(call: Callable[..., Any]) -> bool:
    function = inspect.unwrap(call)
    code = getattr(function, "__code__", None)
    names = getattr(function, "__globals__", {})
    return code is not None and any(deps.is_authenticator(names.get(name)) for name in code.co_names)


# -- text the server stores: no control characters ---------------------------------------------------------

# huida.safetext.REFUSED without its lone surrogates: UTF-8 cannot carry them, and a regex of them is invalid
# in the Rust engines that validate JSON Schema.
_CONTROLS = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
PLAIN = f"^[^{_CONTROLS}]*$"
PLAIN_REF = REF.format(model="PlainJson")
PLAIN_JSON = {
    "description": "any JSON whose strings and keys hold no control character but tab, line feed, carriage return",
    "anyOf": [
        {"type": "string", "pattern": PLAIN}, {"type": "number"}, {"type": "boolean"}, {"type": "null"},
        {"type": "array", "items": {"$ref": PLAIN_REF}},
        {"type": "object", "propertyNames": {"pattern": PLAIN}, "additionalProperties": {"$ref": PLAIN_REF}},
    ],
}
_SCHEMA_KEYS = {"type", "$ref", "anyOf", "oneOf", "allOf", "enum", "const", "properties", "items", "not"}


def _plain_requests(doc: dict[str, Any]) -> None:
    """Every string a request can carry (parameters, JSON bodies, and the schemas they use) refuses controls."""
    schemas, seen = doc["components"]["schemas"], set[str]()
    for path in doc["paths"].values():
        for operation in path.values():
            for parameter in operation.get("parameters", []):
                _plain(parameter.get("schema", {}), schemas, seen)
            for media, content in operation.get("requestBody", {}).get("content", {}).items():
                if media.endswith("json"):
                    _plain(content.get("schema", {}), schemas, seen)


def _plain(schema: Any, schemas: dict[str, Any], seen: set[str]) -> None:
    if not isinstance(schema, dict):
        return
    if not _SCHEMA_KEYS & schema.keys():  # free-form (`Any`): any JSON, but plain
        schema["$ref"] = PLAIN_REF
        return
    ref = schema.get("$ref", "")
    if ref.startswith("#/components/schemas/") and ref != PLAIN_REF and ref not in seen:
        seen.add(ref)
        _plain(schemas.get(ref.rsplit("/", 1)[1]), schemas, seen)
    for key in ("anyOf", "oneOf", "allOf"):
        for branch in schema.get(key, []):
            _plain(branch, schemas, seen)
    types = schema.get("type")
    if types == "string" or (isinstance(types, list) and "string" in types):
        _plain_string(schema)
    if types == "object" or "properties" in schema:
        _plain_object(schema, schemas, seen)
    _plain(schema.get("items"), schemas, seen)


def _plain_string(schema: dict[str, Any]) -> None:
    if schema.get("format") == "binary" or "enum" in schema or "const" in schema:
        return
    if "pattern" in schema:  # keep the field's own pattern; refuse the controls beside it
        schema.setdefault("not", {"pattern": f"[{_CONTROLS}]"})
    else:
        schema["pattern"] = PLAIN


def _plain_object(schema: dict[str, Any], schemas: dict[str, Any], seen: set[str]) -> None:
    schema.setdefault("propertyNames", {"pattern": PLAIN})
    for value in schema.get("properties", {}).values():
        _plain(value, schemas, seen)
    extra = schema.get("additionalProperties", True)
    if extra is True:  # extra keys are ignored or free-form, but their text is checked like the rest
        schema["additionalProperties"] = {"$ref": PLAIN_REF}
    elif isinstance(extra, dict):
        _plain(extra, schemas, seen)
