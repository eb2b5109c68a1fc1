"""GET/PUT /v10/tenants/{tenantId}/predefined/robots/{robotId}/options/{optionName} (seed 004 §2.1.1)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, StrictBool, StrictStr

from huida.api.deps import Admin, Caller, Ctx
from huida.api.envelope import ok
from huida.feedback.api.common import PREDEFINED
from huida.feedback.options import options_entity, parse_value, set_option, synced_option
from huida.robots.service import get_robot

router = APIRouter(tags=["feedback"])
PATH = PREDEFINED + "/options/{optionName}"


class OptionBody(BaseModel):
    model_config = ConfigDict(extra="ignore")  # clients send the whole option back; only the value counts
    optionValue: StrictStr | StrictBool


@router.get(PATH)
def read_option(tenantId: int, robotId: str, optionName: str, caller: Caller, ctx: Ctx) -> dict[str, Any]:
    # A write transaction: the first read of a switch gives it its id (see huida.feedback.options).
    with ctx.db.session() as session:
        robot = get_robot(session, tenantId, robotId)
        return ok(options_entity(synced_option(session, robot, optionName)))


@router.put(PATH)
def write_option(tenantId: int, robotId: str, optionName: str, body: OptionBody, caller: Admin,
                 ctx: Ctx) -> dict[str, Any]:
    value = parse_value(body.optionValue)
    with ctx.db.session() as session:
        robot = get_robot(session, tenantId, robotId)
        return ok(options_entity(set_option(session, robot, optionName, value)))
