"""GET/PUT /v10/tenants/{tenantId}/predefined/robots/{robotId}/options/{optionName} (seed 004 §2.1.1)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path
from pydantic import BaseModel, ConfigDict, StrictBool, StrictStr, StringConstraints

from huida.api.deps import Ctx
from huida.api.envelope import ok
from huida.auth.deps import Caller, Editor
from huida.feedback.api.common import PREDEFINED
from huida.feedback.options import SWITCHES, options_entity, parse_value, set_option, synced_option
from huida.robots.service import get_robot

router = APIRouter(tags=["feedback"])
PATH = PREDEFINED + "/options/{optionName}"
# Only switches can be set (an unknown name is a 400 UNKNOWN_OPTION); reading one answers an empty list.
SwitchName = Annotated[str, Path(json_schema_extra={"enum": list(SWITCHES)})]


SwitchText = Annotated[StrictStr, StringConstraints(pattern=r"^\s*([Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee])\s*$")]


class OptionBody(BaseModel):
    model_config = ConfigDict(extra="ignore")  # clients send the whole option back; only the value counts
    # "true"/"false" as the seed writes them (any case, spaces around), or a JSON boolean (options.parse_value).
    optionValue: SwitchText | StrictBool


@router.get(PATH)
def read_option(tenantId: int, robotId: str, optionName: str, caller: Caller, ctx: Ctx) -> dict[str, Any]:
    # A write transaction: the first read of a switch gives it its id (see huida.feedback.options).
    with ctx.db.session() as session:
        robot = get_robot(session, tenantId, robotId)
        return ok(options_entity(synced_option(session, robot, optionName)))


@router.put(PATH)
def write_option(tenantId: int, robotId: str, optionName: SwitchName, body: OptionBody, caller: Editor,
                 ctx: Ctx) -> dict[str, Any]:
    value = parse_value(body.optionValue)
    with ctx.db.session() as session:
        robot = get_robot(session, tenantId, robotId)
        return ok(options_entity(set_option(session, robot, optionName, value)))
