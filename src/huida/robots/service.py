"""Robots of a tenant: lookup, creation, settings updates and the knowledge version."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pydantic import ValidationError
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from huida.errors import InvalidInput, not_found
from huida.robots.models import KnowledgeChange, Robot
from huida.robots.settings import RobotSettings, resolve_settings
from huida.timefmt import format_datetime

PROFILE_FIELDS = ("nicename", "father", "mother", "school", "sex", "cityCode", "height", "weight", "blood")
STATUSES = ("Enable", "Disable")


def get_robot(session: Session, tenant_id: int, robot_id: str) -> Robot:
    """The robot, only if it belongs to the tenant (another tenant's robot is simply not found)."""
    robot = session.scalar(select(Robot).where(Robot.robot_id == robot_id, Robot.tenant_id == tenant_id))
    if robot is None:
        raise not_found("robot", robot_id)
    return robot


def list_robots(session: Session, tenant_id: int, page: int, size: int) -> tuple[list[Robot], int]:
    total = session.scalar(select(func.count()).select_from(Robot).where(Robot.tenant_id == tenant_id)) or 0
    robots = session.scalars(
        select(Robot).where(Robot.tenant_id == tenant_id).order_by(Robot.id).offset(page * size).limit(size)
    ).all()
    return list(robots), total


READ_ONLY_SETTINGS = ("calibratedAnswerThreshold", "calibratedRecommendThreshold", "expectedPrecision",
                      "expectedAnswerRate", "signals")


def merged_settings(current: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """Validated settings after applying `changes`; only values that differ from defaults are stored.
    Read-only values a client sends back from a read are ignored."""
    changes = {k: v for k, v in changes.items() if k not in READ_ONLY_SETTINGS}
    try:
        settings = RobotSettings.model_validate({**current, **changes})
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InvalidInput("INVALID_PARAMETER", f"settings.{where}: {first['msg']}") from exc
    return settings.model_dump(exclude_defaults=True, mode="json")


def create_robot(session: Session, tenant_id: int, name: str, profile: dict[str, Any] | None = None,
                 settings: dict[str, Any] | None = None, description: str | None = None,
                 avatar: str | None = None) -> Robot:
    robot = Robot(tenant_id=tenant_id, name=name, description=description, avatar=avatar,
                  profile={k: v for k, v in (profile or {}).items() if k in PROFILE_FIELDS},
                  settings=merged_settings({}, settings or {}))
    session.add(robot)
    session.flush()
    return robot


CHANGES_KEPT = 10_000  # versions of change log kept per robot; a process further behind rebuilds


def bump_knowledge_version(session: Session, robot_id: str, changed: Iterable[str] | None = None) -> int:
    """Marks every process's index of this robot stale, in the caller's transaction, and logs what changed.

    `changed`: the ids of the rules written or deleted; empty when no rule changed (settings);
    None when anything may have changed (imports), which makes processes rebuild.
    """
    version = session.execute(
        update(Robot).where(Robot.robot_id == robot_id).values(knowledge_version=Robot.knowledge_version + 1)
        .returning(Robot.knowledge_version)
    ).scalar_one()
    ids = None if changed is None else sorted(set(changed))
    if ids is None or len(ids) > MAX_LOGGED_RULES:
        rows = [{"scope": "all", "rule_id": None}]
    else:
        rows = [{"scope": "rule", "rule_id": rule_id} for rule_id in ids] or [{"scope": "settings", "rule_id": None}]
    session.execute(insert(KnowledgeChange), [{"robot_id": robot_id, "version": version, **row} for row in rows])
    if version % 1000 == 0:
        session.execute(delete(KnowledgeChange).where(KnowledgeChange.robot_id == robot_id,
                                                      KnowledgeChange.version <= version - CHANGES_KEPT))
    return version


MAX_LOGGED_RULES = 1000  # beyond this many rules in one change, an update is a rebuild anyway


def robot_entity(robot: Robot, *, with_settings: bool = False) -> dict[str, Any]:
    entity: dict[str, Any] = {
        "id": robot.id, "robotId": robot.robot_id, "tenantId": robot.tenant_id,
        "nicename": robot.profile.get("nicename"), "type": robot.type, "status": robot.status,
        "avatar": robot.avatar, "name": robot.name,
        **{k: robot.profile.get(k) for k in ("father", "mother", "school")},
        "description": robot.description,
        **{k: robot.profile.get(k) for k in ("sex", "cityCode", "height", "weight", "blood")},
        "createDateTime": format_datetime(robot.created_at),
        "lastUpdateDateTime": format_datetime(robot.updated_at),
    }
    if with_settings:
        entity["knowledgeVersion"] = robot.knowledge_version
        entity["settings"] = resolve_settings(robot.settings).model_dump(mode="json")
        # Read-only: what the matcher calibrated from the knowledge (None until the robot first answers).
        entity["settings"]["calibratedAnswerThreshold"] = robot.calibrated_answer
        entity["settings"]["calibratedRecommendThreshold"] = robot.calibrated_recommend
        calibration = robot.calibration or {}
        for key in ("expectedPrecision", "expectedAnswerRate", "signals"):
            entity["settings"][key] = calibration.get(key)
    return entity
