"""The served /openapi.json says what the server does: its error statuses, security, bounds and envelopes."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.client import Api, expect_error

PUBLIC = {("post", "/v10/commons/integration/token"), ("get", "/v10/commons/access"), ("get", "/healthz"),
          ("get", "/readyz"), ("post", "/channels/feishu/{channelId}/events"),
          ("get", "/open-apis/aily/v1/media/{media_id}/content")}

# The SSO session cookie with the console's header (a page of another site can send neither), and signing
# out, which needs only the header (no session is no error).
CONSOLE_SECURITY = {"/v10/commons/session/token": [{"sessionCookie": [], "consoleHeader": []}],
                    "/v10/commons/session/logout": [{"consoleHeader": []}]}


@pytest.fixture
def document(api: Api) -> dict[str, Any]:
    response = api.get("/openapi.json")
    assert response.status_code == 200
    return response.json()


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(method, path, op) for path, item in document["paths"].items() for method, op in item.items()]


def test_no_operation_documents_a_422(document: dict[str, Any]) -> None:
    # Validation errors are 400 (api/errors.py); the document must not promise FastAPI's 422.
    assert [(m, p) for m, p, op in _operations(document) if "422" in op["responses"]] == []
    assert "HTTPValidationError" not in document["components"]["schemas"]


def test_authenticated_operations_require_the_token(document: dict[str, Any]) -> None:
    schemes = document["components"]["securitySchemes"]
    assert schemes["token"] == {**schemes["token"], "type": "apiKey", "in": "header", "name": "token"}
    assert schemes["bearer"]["scheme"] == "bearer"
    assert schemes["sessionCookie"] == {**schemes["sessionCookie"], "type": "apiKey", "in": "cookie",
                                        "name": "huida_session"}
    assert schemes["consoleHeader"] == {**schemes["consoleHeader"], "type": "apiKey", "in": "header",
                                        "name": "X-Huida-Console"}
    for method, path, op in _operations(document):
        if (method, path) in PUBLIC:
            assert not any(op.get("security") or [{}]), (method, path)
        elif path.startswith("/v10/commons/session/"):  # the console's SSO session, never a token
            assert op["security"] == CONSOLE_SECURITY[path], (method, path)
            assert "403" in op["responses"], (method, path)
        elif path.startswith("/widget/v1/"):  # the chat widget's key (and visitor token), never a member's token
            assert all("widgetKey" in choice for choice in op["security"]), (method, path)
            assert {"401", "403", "429"} <= op["responses"].keys(), (method, path)
        else:
            assert {"token": []} in op["security"] and {"bearer": []} in op["security"], (method, path)
            assert {"401", "403"} <= op["responses"].keys(), (method, path)


def test_errors_are_documented_in_the_envelope_of_their_family(document: dict[str, Any]) -> None:
    for method, path, op in _operations(document):
        for status, response in op["responses"].items():
            if int(status) < 400 or path == "/readyz":  # readiness answers its own body, 503 included
                continue
            schema = response["content"]["application/json"]["schema"]["$ref"]
            expected = ("AilyFailure" if path.startswith("/open-apis/") else
                        "CallbackFailure" if path.startswith("/channels/") else "Failure")
            assert schema.endswith("/" + expected), (method, path, status)


def test_success_bodies_are_envelopes_not_bare_objects(document: dict[str, Any]) -> None:
    robots = document["paths"]["/v10/tenants/{tenantId}/robots"]["get"]["responses"]["200"]
    assert robots["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Reply"}
    reply = document["components"]["schemas"]["Reply"]
    assert {"status", "errorCode", "errorDescription", "entity", "totalElements"} <= set(reply["required"])
    health = document["paths"]["/healthz"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert health == {"$ref": "#/components/schemas/Health"}


def test_405_names_every_method_of_the_path(api: Api) -> None:
    robot = api.new_robot()
    response = api.request("PATCH", f"/robots/{robot}")
    expect_error(response, 405, "METHOD_NOT_ALLOWED")
    assert response.headers["allow"] == "DELETE, GET, PUT"


def test_405_on_the_aily_api_answers_in_its_envelope(api: Api) -> None:
    response = api.request("PATCH", "/open-apis/aily/v1/sessions")
    assert response.status_code == 405 and response.headers["allow"] == "POST"
    assert response.json()["code"] != 0


def test_score_bounds_are_in_the_schema(document: dict[str, Any]) -> None:
    score = document["components"]["schemas"]["CommentBody"]["properties"]["score"]
    assert (score["type"], score["minimum"], score["maximum"]) == ("integer", 1, 5)


@pytest.mark.parametrize("score", [True, 6, 0, "5", 4.5])
def test_a_score_outside_the_schema_is_a_400(api: Api, score: Any) -> None:
    robot = api.new_robot()
    body = {"sessionId": "s-1", "score": score}
    expect_error(api.post(f"/comment/robots/{robot}/comments", json=body), 400, "INVALID_PARAMETER")


def test_a_boolean_is_not_a_rating_type(api: Api) -> None:
    robot = api.new_robot()
    body = {"sessionId": "s-1", "msgId": "m-1", "type": True}
    expect_error(api.post(f"/comment/robots/{robot}/satisfactionComments", json=body), 400, "INVALID_PARAMETER")


def test_request_strings_refuse_control_characters_in_the_schema(document: dict[str, Any]) -> None:
    question = document["components"]["schemas"]["AskBody"]["properties"]["userId"]
    assert question["pattern"].startswith("^[^\\x00-\\x08")
