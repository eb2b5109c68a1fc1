"""Seed 004 §2.1.1: GET/PUT .../predefined/robots/{robotId}/options/{optionName}; one truth with the settings."""

from __future__ import annotations

import re
import uuid

from huida.auth.security import issue_token
from huida.auth.service import create_user
from tests.feedback.helpers import Desk
from tests.support.client import Api, expect_error

OPTION_KEYS = {"id", "optionId", "tenantId", "robotId", "optionName", "optionValue", "createDateTime",
               "lastUpdateDateTime"}
DATETIME = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$")


def option_path(robot: str, name: str) -> str:
    return f"/predefined/robots/{robot}/options/{name}"


def read(api: Api, robot: str, name: str = "evaluateSwitch") -> list[dict]:
    response = api.get(option_path(robot, name))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "OK" and body["errorCode"] is None and body["totalElements"] is None
    return body["entity"]


def test_evaluate_switch_reads_like_the_seed(hapi: Api) -> None:
    robot = hapi.new_robot()
    [option] = read(hapi, robot)
    assert set(option) == OPTION_KEYS
    assert (option["tenantId"], option["robotId"], option["optionName"]) == (hapi.tenant_id, robot, "evaluateSwitch")
    assert option["optionValue"] == "true"  # robots take comments unless switched off
    assert isinstance(option["id"], int) and uuid.UUID(option["optionId"])
    assert DATETIME.match(option["createDateTime"]) and DATETIME.match(option["lastUpdateDateTime"])
    assert read(hapi, robot) == [option]  # stable identity


def test_put_sets_the_robot_setting_and_the_robot_settings_set_the_option(hapi: Api) -> None:
    robot = hapi.new_robot()
    [before] = read(hapi, robot)
    [after] = hapi.ok("PUT", option_path(robot, "evaluateSwitch"), json={"optionValue": "false"})
    assert after["optionValue"] == "false" and after["optionId"] == before["optionId"]
    assert hapi.ok("GET", f"/robots/{robot}")["settings"]["evaluateSwitch"] is False
    # The other way round: the robot's settings are the same value.
    hapi.ok("PUT", f"/robots/{robot}", json={"settings": {"evaluateSwitch": True}})
    [seen] = read(hapi, robot)
    assert seen["optionValue"] == "true" and seen["id"] == before["id"]
    # Whole option objects (as the seed returns them) and JSON booleans are accepted.
    assert hapi.ok("PUT", option_path(robot, "evaluateSwitch"), json={**seen, "optionValue": False})[0][
        "optionValue"] == "false"


def test_every_robot_switch_is_an_option_and_other_names_are_unset(hapi: Api) -> None:
    robot = hapi.new_robot(settings={"satisfactionInvitation": False})
    assert read(hapi, robot, "satisfactionInvitation")[0]["optionValue"] == "false"
    assert read(hapi, robot, "smallTalkEnabled")[0]["optionValue"] == "true"
    assert read(hapi, robot, "noSuchSwitch") == []
    assert read(hapi, robot, "welcomeText") == []  # a setting, but not a switch
    expect_error(hapi.put(option_path(robot, "noSuchSwitch"), json={"optionValue": "true"}), 400, "UNKNOWN_OPTION")
    assert read(hapi, robot, "noSuchSwitch") == []


def test_bad_values_and_unknown_robots(hapi: Api, desk: Desk) -> None:
    path = option_path(desk.robot, "evaluateSwitch")
    for body in ({"optionValue": "yes"}, {"optionValue": 1}, {"optionValue": None}, {}):
        expect_error(hapi.put(path, json=body), 400, "INVALID_PARAMETER")
    assert read(hapi, desk.robot)[0]["optionValue"] == "true"
    expect_error(hapi.get(option_path("no-such-robot", "evaluateSwitch")), 404, "ROBOT_NOT_FOUND")


def test_only_editors_set_options(hapi: Api) -> None:
    robot = hapi.new_robot()
    username = f"agent-{uuid.uuid4().hex[:8]}"
    with hapi.server.ctx.db.session() as session:
        user_id = create_user(session, hapi.tenant_id, username, "agent password", role="agent").id
    token, _ = issue_token(hapi.server.ctx.secret_key, tenant_id=hapi.tenant_id, user_id=user_id, username=username,
                           role="agent", ttl_seconds=600)
    headers = {"token": token}
    assert hapi.get(option_path(robot, "evaluateSwitch"), headers=headers).status_code == 200
    expect_error(hapi.put(option_path(robot, "evaluateSwitch"), json={"optionValue": "false"}, headers=headers),
                 403, "EDITOR_REQUIRED")
