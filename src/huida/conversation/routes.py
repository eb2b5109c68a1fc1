"""Ask, welcome, transfer receipt (seed 004 §1.3–1.6), history playback (§5.1) and the hit test."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, field_validator

from huida.api.deps import Ctx, PageNumber
from huida.api.envelope import ok, page
from huida.api.pathids import check_body_ids
from huida.auth.deps import Agent, Caller
from huida.conversation import easemob
from huida.conversation.history import playback
from huida.conversation.hittest import hit_test
from huida.conversation.receipts import confirm_transfer
from huida.conversation.service import AskRequest, conversation_service
from huida.conversation.welcome import greeting_for
from huida.errors import bad_request
from huida.robots.service import get_robot

router = APIRouter(tags=["conversation"])
ROBOT = "/v10/tenants/{tenantId}/knowledge/robots/{robotId}"
MAX_QUESTION = 2000


def _upper(value: Any) -> Any:
    return value.upper() if isinstance(value, str) else value


class AskBody(BaseModel):
    model_config = ConfigDict(extra="ignore")

    question: str | None = Field(None, max_length=MAX_QUESTION)
    type: Literal["TEXT", "MENU_CLICK"] = "TEXT"
    knowledgeId: str | None = Field(None, max_length=200)
    userId: str = Field(min_length=1, max_length=200)
    originType: str | None = Field(None, max_length=64)
    strategyTransData: dict[str, Any] | None = None
    tenantId: int | None = None
    robotId: str | None = Field(None, max_length=64)

    @field_validator("type", mode="before")
    @classmethod
    def _type_upper(cls, value: Any) -> Any:
        return _upper(value)

    @field_validator("userId")
    @classmethod
    def _user_id(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("userId must not be blank")
        return value


@router.post(ROBOT + "/ask", response_model=None)
def ask(tenantId: int, robotId: str, body: AskBody, caller: Agent, ctx: Ctx) -> JSONResponse:
    check_body_ids(body, tenantId, robotId)
    if body.type == "TEXT" and body.question is None and not body.knowledgeId:
        raise bad_request("question is required for TEXT")
    request = AskRequest(
        tenant_id=tenantId, robot_id=robotId, user_id=body.userId, question=body.question or "", type=body.type,
        knowledge_id=body.knowledgeId, origin_type=body.originType, strategy_data=body.strategyTransData,
    )
    # A ready response: the entity is plain JSON already, and FastAPI's generic encoding of a returned dict
    # (jsonable_encoder walking every value) was a tenth of an ask's time outside the service.
    return JSONResponse(ok(easemob.entity(conversation_service(ctx).ask(request), easemob.links(ctx, tenantId))))


class WelcomeBody(BaseModel):
    model_config = ConfigDict(extra="ignore")
    strategyTransData: dict[str, Any] | None = None
    originType: str | None = Field(None, max_length=64)


def _welcome(tenantId: int, robotId: str, body: WelcomeBody | None, ctx: Ctx) -> dict[str, Any]:
    body = body or WelcomeBody()
    greeting = greeting_for(conversation_service(ctx), tenantId, robotId, body.strategyTransData, body.originType)
    return ok(easemob.welcome_entity(greeting, easemob.links(ctx, tenantId)))


@router.post(ROBOT + "/visitor-welcome")
def welcome(tenantId: int, robotId: str, caller: Agent, ctx: Ctx, body: WelcomeBody | None = None) -> dict[str, Any]:
    return _welcome(tenantId, robotId, body, ctx)


@router.post("/v11/tenants/{tenantId}/knowledge/robots/{robotId}/visitor-welcome", include_in_schema=False)
def welcome_v11(tenantId: int, robotId: str, caller: Agent, ctx: Ctx,
                body: WelcomeBody | None = None) -> dict[str, Any]:
    """The seed documents welcome under /v11; both versions answer the same."""
    return _welcome(tenantId, robotId, body, ctx)


class TransferReceipt(BaseModel):
    model_config = ConfigDict(extra="ignore")
    accessId: str | None = Field(None, max_length=200)
    msgId: str = Field(min_length=1, max_length=64)
    sessionId: str = Field(min_length=1, max_length=64)
    result: Literal["Success", "Fail"]


@router.post(ROBOT + "/transfer-human-confirmation")
def transfer_confirmation(tenantId: int, robotId: str, body: TransferReceipt, caller: Agent,
                          ctx: Ctx) -> dict[str, Any]:
    """§1.6: `true` when taken, `false` (200 as well) when the ids name no transfer answer of this robot."""
    with ctx.db.session() as session:
        get_robot(session, tenantId, robotId)
        taken = confirm_transfer(session, tenantId, robotId, body.sessionId, body.msgId, body.result, body.accessId)
    return ok(taken)


class HitTestBody(BaseModel):
    model_config = ConfigDict(extra="ignore")
    question: str = Field(max_length=MAX_QUESTION)
    topK: int = Field(5, ge=1, le=50)


@router.post(ROBOT + "/hit-test")
def hit_test_route(tenantId: int, robotId: str, body: HitTestBody, caller: Agent, ctx: Ctx) -> dict[str, Any]:
    return ok(hit_test(conversation_service(ctx), tenantId, robotId, body.question, body.topK))


@router.get("/v10/tenants/{tenantId}/session-history/robots/{robotId}/playback/from/sessionId")
def history(tenantId: int, robotId: str, caller: Caller, ctx: Ctx,
            sessionId: Annotated[str, Query(min_length=1, max_length=64)],
            page_number: PageNumber = 0,
            size: Annotated[int, Query(ge=1, le=500)] = 20) -> dict[str, Any]:
    with ctx.db.read() as session:
        get_robot(session, tenantId, robotId)
        docs, total = playback(session, tenantId, robotId, sessionId, page_number, size,
                               easemob.links(ctx, tenantId))
    return page(docs, number=page_number, size=size, total=total)
