"""Session comments and their levels and tags (seed 004 §2.1.2–§2.1.4), plus admin edits of levels and tags.

Seed paths: GET .../tags, POST .../comments, GET .../comment?sessionId=. Huida's additions (admins):
POST .../levels, GET/PUT/DELETE .../levels/{levelId}, POST .../levels/{levelId}/tags,
PUT/DELETE .../levels/{levelId}/tags/{tagId}.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from huida.api.deps import Ctx
from huida.api.envelope import ok
from huida.api.pathids import check_body_ids
from huida.auth.deps import Agent, Caller, Editor
from huida.feedback import tags as t
from huida.feedback.api.common import COMMENT, RatingFields, RowId
from huida.feedback.comments import NewComment, add_comment, comment_entity, current_comment
from huida.feedback.defaults import ensure_defaults, ensure_defaults_once
from huida.feedback.names import MAX_NAME
from huida.robots.service import get_robot

router = APIRouter(tags=["feedback"])


# A level's or tag's name as names.clean_name keeps it: 1-50 characters, not blank, no comma (tags travel
# comma-separated).
Name = Annotated[str, StringConstraints(max_length=MAX_NAME, pattern=r"^[^,，]*\S[^,，]*$")]
# The star score of §2.1.3 (tags.SCORES); strict, so that a JSON `true` is refused rather than read as 1.
Score = Annotated[int, Field(strict=True, ge=1, le=5)]
LevelStatus = Literal["Enable", "Disable"]  # tags.ENABLE / tags.DISABLE


class CommentBody(RatingFields):
    score: Score
    tag: str | None = Field(None, max_length=1000)


@router.post(COMMENT + "/comments")
def post_comment(tenantId: int, robotId: str, body: CommentBody, caller: Agent, ctx: Ctx) -> dict[str, Any]:
    check_body_ids(body, tenantId, robotId)
    new = NewComment(session_id=body.sessionId, score=body.score, tag=body.tag, comment=body.comment,
                     access_id=body.accessId, appraiser_name=body.appraiserName, source=body.source)
    with ctx.db.session() as session:
        return ok(comment_entity(add_comment(session, tenantId, robotId, new)))


@router.get(COMMENT + "/comment")
def get_comment(tenantId: int, robotId: str, caller: Caller, ctx: Ctx,
                sessionId: Annotated[str, Query(min_length=1, max_length=64)]) -> dict[str, Any]:
    """The session's current comment (null when it has none)."""
    with ctx.db.read() as session:
        get_robot(session, tenantId, robotId)
        row = current_comment(session, tenantId, robotId, sessionId)
        return ok(comment_entity(row) if row else None)


@router.get(COMMENT + "/tags")
def get_levels(tenantId: int, robotId: str, caller: Caller, ctx: Ctx) -> dict[str, Any]:
    with ctx.db.read() as session:
        get_robot(session, tenantId, robotId)
    ensure_defaults_once(ctx.db, tenantId, robotId)
    with ctx.db.read() as session:
        return ok(t.levels_entity(session, robotId))


# -- admin: levels -----------------------------------------------------------------------------------

class LevelBody(BaseModel):
    model_config = ConfigDict(extra="ignore")
    name: Name
    score: Score
    status: LevelStatus = "Enable"


class LevelChanges(BaseModel):
    model_config = ConfigDict(extra="ignore")
    name: Name | None = None
    status: LevelStatus | None = None


def _level_entity(session: Any, level: t.CommentLevel) -> dict[str, Any]:
    return t.level_entity(level, t.tags_by_level(session, [level.id])[level.id])


@router.post(COMMENT + "/levels")
def create_level(tenantId: int, robotId: str, body: LevelBody, caller: Editor, ctx: Ctx) -> dict[str, Any]:
    with ctx.db.session() as session:
        get_robot(session, tenantId, robotId)
        ensure_defaults(session, tenantId, robotId)
        level = t.create_level(session, tenantId, robotId, name=body.name, score=body.score, status=body.status)
        return ok(_level_entity(session, level))


@router.get(COMMENT + "/levels/{levelId}")
def read_level(tenantId: int, robotId: str, levelId: RowId, caller: Caller, ctx: Ctx) -> dict[str, Any]:
    with ctx.db.read() as session:
        get_robot(session, tenantId, robotId)
        return ok(_level_entity(session, t.get_level(session, robotId, levelId)))


@router.put(COMMENT + "/levels/{levelId}")
def update_level(tenantId: int, robotId: str, levelId: RowId, body: LevelChanges, caller: Editor,
                 ctx: Ctx) -> dict[str, Any]:
    with ctx.db.session() as session:
        get_robot(session, tenantId, robotId)
        level = t.update_level(session, t.get_level(session, robotId, levelId), name=body.name, status=body.status)
        return ok(_level_entity(session, level))


@router.delete(COMMENT + "/levels/{levelId}")
def delete_level(tenantId: int, robotId: str, levelId: RowId, caller: Editor, ctx: Ctx) -> dict[str, Any]:
    """Deletes the level and its tags; comments already given keep their score and tag text."""
    with ctx.db.session() as session:
        get_robot(session, tenantId, robotId)
        session.delete(t.get_level(session, robotId, levelId))
        return ok(True)


# -- admin: tags of a level ----------------------------------------------------------------------------

class TagBody(BaseModel):
    model_config = ConfigDict(extra="ignore")
    name: Name
    sort: int | None = Field(None, strict=True, ge=0, le=1_000_000)


class TagChanges(BaseModel):
    model_config = ConfigDict(extra="ignore")
    name: Name | None = None
    sort: int | None = Field(None, strict=True, ge=0, le=1_000_000)


@router.post(COMMENT + "/levels/{levelId}/tags")
def create_tag(tenantId: int, robotId: str, levelId: RowId, body: TagBody, caller: Editor, ctx: Ctx) -> dict[str, Any]:
    with ctx.db.session() as session:
        get_robot(session, tenantId, robotId)
        level = t.get_level(session, robotId, levelId)
        return ok(t.tag_entity(t.create_tag(session, level, name=body.name, sort=body.sort)))


@router.put(COMMENT + "/levels/{levelId}/tags/{tagId}")
def update_tag(tenantId: int, robotId: str, levelId: RowId, tagId: RowId, body: TagChanges, caller: Editor,
               ctx: Ctx) -> dict[str, Any]:
    with ctx.db.session() as session:
        get_robot(session, tenantId, robotId)
        level = t.get_level(session, robotId, levelId)
        tag = t.update_tag(session, level, t.get_tag(session, level, tagId), name=body.name, sort=body.sort)
        return ok(t.tag_entity(tag))


@router.delete(COMMENT + "/levels/{levelId}/tags/{tagId}")
def delete_tag(tenantId: int, robotId: str, levelId: RowId, tagId: RowId, caller: Editor, ctx: Ctx) -> dict[str, Any]:
    with ctx.db.session() as session:
        get_robot(session, tenantId, robotId)
        session.delete(t.get_tag(session, t.get_level(session, robotId, levelId), tagId))
        return ok(True)
