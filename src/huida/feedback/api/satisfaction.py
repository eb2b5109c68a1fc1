"""Satisfaction per answer (seed 004 §2.2): reason tags (§2.2.1, with admin edits), ratings (§2.2.2/§2.2.3)
and a session's ratings (§2.2.4)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from huida.api.deps import Ctx, PageNumber
from huida.api.envelope import ok, page
from huida.api.pathids import check_body_ids
from huida.auth.deps import Agent, Caller, Editor
from huida.errors import bad_request
from huida.feedback import tags as t
from huida.feedback.api.comments import Name
from huida.feedback.api.common import COMMENT, RatingFields, RowId
from huida.feedback.defaults import ensure_defaults, ensure_defaults_once
from huida.feedback.satisfaction import NewRating, list_ratings, listed_entity, rate_answer, rating_entity
from huida.robots.service import get_robot

router = APIRouter(tags=["feedback"])
TAGS = COMMENT + "/satisfactionCommentTags"
MAX_SIZE = 100


class RatingBody(RatingFields):
    msgId: str = Field(min_length=1, max_length=64)
    type: int = Field(strict=True, ge=1, le=2, description="1 solved, 2 not solved")
    reasonTag: str | None = Field(None, max_length=1000)


@router.post(COMMENT + "/satisfactionComments")
def post_rating(tenantId: int, robotId: str, body: RatingBody, caller: Agent, ctx: Ctx) -> dict[str, Any]:
    check_body_ids(body, tenantId, robotId)
    new = NewRating(session_id=body.sessionId, msg_id=body.msgId, type=body.type, reason_tag=body.reasonTag,
                    comment=body.comment, access_id=body.accessId, appraiser_name=body.appraiserName,
                    source=body.source)
    with ctx.db.session() as session:
        return ok(rating_entity(rate_answer(session, tenantId, robotId, new)))


@router.get(COMMENT + "/session/{sessionId}/satisfactionComments")
def session_ratings(tenantId: int, robotId: str, sessionId: str, caller: Caller, ctx: Ctx,
                    rating_type: Annotated[int | None, Query(alias="type", ge=1, le=2)] = None,
                    page_number: PageNumber = 0,
                    size: Annotated[int, Query(ge=1, le=MAX_SIZE)] = 20) -> dict[str, Any]:
    if rating_type not in (None, 1, 2):
        raise bad_request("type must be 1 (solved) or 2 (not solved)")
    with ctx.db.read() as session:
        rows, total = list_ratings(session, tenantId, robotId, sessionId, rating_type=rating_type,
                                   page=page_number, size=size)
        return page([listed_entity(r, m) for r, m in rows], number=page_number, size=size, total=total)


# -- reason tags -------------------------------------------------------------------------------------

class ReasonBody(BaseModel):
    model_config = ConfigDict(extra="ignore")
    name: Name


@router.get(TAGS)
def get_reasons(tenantId: int, robotId: str, caller: Caller, ctx: Ctx) -> dict[str, Any]:
    with ctx.db.read() as session:
        get_robot(session, tenantId, robotId)
    ensure_defaults_once(ctx.db, tenantId, robotId)
    with ctx.db.read() as session:
        return ok([t.reason_entity(tag) for tag in t.reasons(session, robotId)])


@router.post(TAGS)
def create_reason(tenantId: int, robotId: str, body: ReasonBody, caller: Editor, ctx: Ctx) -> dict[str, Any]:
    with ctx.db.session() as session:
        get_robot(session, tenantId, robotId)
        ensure_defaults(session, tenantId, robotId)
        return ok(t.reason_entity(t.create_reason(session, tenantId, robotId, body.name)))


@router.put(TAGS + "/{tagId}")
def rename_reason(tenantId: int, robotId: str, tagId: RowId, body: ReasonBody, caller: Editor,
                  ctx: Ctx) -> dict[str, Any]:
    with ctx.db.session() as session:
        get_robot(session, tenantId, robotId)
        return ok(t.reason_entity(t.rename_reason(session, t.get_reason(session, robotId, tagId), body.name)))


@router.delete(TAGS + "/{tagId}")
def delete_reason(tenantId: int, robotId: str, tagId: RowId, caller: Editor, ctx: Ctx) -> dict[str, Any]:
    """Ratings already given keep their reasonTag text."""
    with ctx.db.session() as session:
        get_robot(session, tenantId, robotId)
        session.delete(t.get_reason(session, robotId, tagId))
        return ok(True)
