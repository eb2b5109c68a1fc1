"""Robot options (§2.1.1): the robot's on/off switches, read and set one by name.

One source of truth: an option's value IS the robot setting of the same name (`evaluateSwitch`,
`satisfactionInvitation`, ... every boolean of `RobotSettings`), the JSON the conversation service and the
comment check read. `PUT .../options/{name}` writes that setting; `PUT /robots/{id}` with `settings` changes
the same value. The `robot_options` row only gives the option the seed's identity (`id`, `optionId`) and
dates: it remembers the value last seen, so a change made through the robot's settings is noticed (and
dated with the robot's last update) on the next read. Every robot has every switch (defaults included), so a
known name always lists one option; a name that is not a robot switch is unset: `[]`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from huida.db import now_ms
from huida.errors import bad_request
from huida.feedback.models import RobotOption
from huida.robots.models import Robot
from huida.robots.service import merged_settings
from huida.robots.settings import RobotSettings, resolve_settings
from huida.timefmt import format_datetime

SWITCHES: tuple[str, ...] = tuple(name for name, info in RobotSettings.model_fields.items() if info.annotation is bool)
TRUE, FALSE = "true", "false"


def as_text(value: bool) -> str:
    return TRUE if value else FALSE


def parse_value(value: Any) -> bool:
    """`true`/`false` as the seed writes them (strings), or JSON booleans."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in (TRUE, FALSE):
        return value.strip().lower() == TRUE
    raise bad_request('optionValue must be "true" or "false"')


def switch_value(robot: Robot, name: str) -> str:
    return as_text(bool(getattr(resolve_settings(robot.settings), name)))


def _row(session: Session, robot: Robot, name: str) -> RobotOption | None:
    return session.scalar(select(RobotOption).where(RobotOption.robot_id == robot.robot_id,
                                                    RobotOption.option_name == name))


def _new_row(session: Session, robot: Robot, name: str, value: str) -> RobotOption:
    # The switch has existed since the robot was created; a non-default value was set at its last update.
    default = as_text(bool(RobotSettings.model_fields[name].default))
    changed_at = robot.created_at if value == default else robot.updated_at
    row = RobotOption(tenant_id=robot.tenant_id, robot_id=robot.robot_id, option_name=name, option_value=value,
                      created_at=robot.created_at, updated_at=changed_at)
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:  # a concurrent first read created it (PostgreSQL)
        existing = _row(session, robot, name)
        assert existing is not None
        return existing
    return row


def synced_option(session: Session, robot: Robot, name: str) -> RobotOption | None:
    """The option row of switch `name`, its value brought up to date with the settings (None: no such switch)."""
    if name not in SWITCHES:
        return None
    value = switch_value(robot, name)
    row = _row(session, robot, name) or _new_row(session, robot, name, value)
    if row.option_value != value:  # changed through PUT /robots/{id}
        row.option_value = value
        row.updated_at = max(row.updated_at, robot.updated_at)
    return row


def set_option(session: Session, robot: Robot, name: str, value: bool) -> RobotOption:
    """Writes switch `name` into the robot's settings (validated like any settings change)."""
    if name not in SWITCHES:
        raise bad_request(f"unknown option: {name}; options are {', '.join(SWITCHES)}", "UNKNOWN_OPTION")
    row = synced_option(session, robot, name)
    assert row is not None
    text = as_text(value)
    if row.option_value != text:
        robot.settings = merged_settings(robot.settings, {name: value})
        row.option_value = text
        row.updated_at = now_ms()
        session.flush()
    return row


def option_entity(row: RobotOption) -> dict[str, Any]:
    return {
        "id": row.id, "optionId": row.option_id, "tenantId": row.tenant_id, "robotId": row.robot_id,
        "optionName": row.option_name, "optionValue": row.option_value,
        "createDateTime": format_datetime(row.created_at), "lastUpdateDateTime": format_datetime(row.updated_at),
    }


def options_entity(row: RobotOption | None) -> list[dict[str, Any]]:
    return [] if row is None else [option_entity(row)]


def evaluation_enabled(robot: Robot) -> bool:
    return resolve_settings(robot.settings).evaluateSwitch
