"""Robots (seed 004 §1.2) plus create/read/update/delete with per-robot settings."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from huida.api.deps import Ctx, PageNumber
from huida.api.envelope import ok, page
from huida.auth.deps import Admin, Caller, Editor
from huida.robots.service import (
    bump_knowledge_version,
    create_robot,
    get_robot,
    list_robots,
    merged_settings,
    robot_entity,
)

router = APIRouter(prefix="/v10/tenants/{tenantId}/robots", tags=["robots"])


RobotName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class RobotChanges(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: RobotName | None = None
    status: Literal["Enable", "Disable"] | None = None
    description: str | None = Field(None, max_length=2000)
    avatar: str | None = Field(None, max_length=500)
    nicename: str | None = Field(None, max_length=200)
    father: str | None = Field(None, max_length=200)
    mother: str | None = Field(None, max_length=200)
    school: str | None = Field(None, max_length=200)
    sex: str | None = Field(None, max_length=20)
    cityCode: str | None = Field(None, max_length=50)
    height: str | int | None = None
    weight: str | int | None = None
    blood: str | None = Field(None, max_length=10)
    settings: dict[str, Any] | None = None
    # The seed's clients send these back; they are read-only here.
    id: int | None = None
    robotId: str | None = None
    tenantId: int | None = None
    type: str | None = None
    createDateTime: str | None = None
    lastUpdateDateTime: str | None = None
    knowledgeVersion: int | None = None


class NewRobot(RobotChanges):
    name: RobotName


PROFILE = ("nicename", "father", "mother", "school", "sex", "cityCode", "height", "weight", "blood")


@router.get("")
def robots_page(tenantId: int, caller: Caller, ctx: Ctx,
                page_number: PageNumber = 0,
                size: Annotated[int, Query(ge=1, le=1000)] = 20) -> dict[str, Any]:
    with ctx.db.session() as session:
        robots, total = list_robots(session, tenantId, page_number, size)
        return page([robot_entity(r) for r in robots], number=page_number, size=size, total=total)


@router.post("")
def new_robot(tenantId: int, body: NewRobot, caller: Admin, ctx: Ctx) -> dict[str, Any]:
    with ctx.db.session() as session:
        robot = create_robot(session, tenantId, body.name.strip(),
                             profile={k: getattr(body, k) for k in PROFILE if getattr(body, k) is not None},
                             settings=body.settings, description=body.description, avatar=body.avatar)
        if body.status:
            robot.status = body.status
        return ok(robot_entity(robot, with_settings=True))


@router.get("/{robotId}")
def read_robot(tenantId: int, robotId: str, caller: Caller, ctx: Ctx) -> dict[str, Any]:
    with ctx.db.session() as session:
        return ok(robot_entity(get_robot(session, tenantId, robotId), with_settings=True))


@router.put("/{robotId}")
def update_robot(tenantId: int, robotId: str, body: RobotChanges, caller: Editor, ctx: Ctx) -> dict[str, Any]:
    with ctx.db.session() as session:
        robot = get_robot(session, tenantId, robotId)
        for name in ("name", "status", "description", "avatar"):
            value = getattr(body, name)
            if value is not None:
                setattr(robot, name, value.strip() if name == "name" else value)
        changes = {k: getattr(body, k) for k in PROFILE if getattr(body, k) is not None}
        if changes:
            robot.profile = {**robot.profile, **changes}
        if body.settings is not None:
            robot.settings = merged_settings(robot.settings, body.settings)
            # Thresholds and texts shape answers; readers of the version refresh their caches.
            bump_knowledge_version(session, robot.robot_id, ())
        session.flush()
        session.refresh(robot)
        return ok(robot_entity(robot, with_settings=True))


@router.delete("/{robotId}")
def delete_robot(tenantId: int, robotId: str, caller: Admin, ctx: Ctx) -> dict[str, Any]:
    with ctx.db.session() as session:
        session.delete(get_robot(session, tenantId, robotId))
        return ok(True)
