"""Comment levels with their tags (§2.1.2) and satisfaction reason tags (§2.2.1): reading and admin edits."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from huida.db import now_ms
from huida.errors import bad_request, conflict, not_found
from huida.feedback.models import CommentLevel, CommentTag, SatisfactionTag
from huida.feedback.names import clean_name
from huida.timefmt import format_datetime

ENABLE, DISABLE = "Enable", "Disable"
SCORES = range(1, 6)
MAX_TAGS = 50  # per level, and reasons per robot: these are picked from a list on a phone screen


# -- comment levels --------------------------------------------------------------------------------

def levels(session: Session, robot_id: str) -> list[CommentLevel]:
    return list(session.scalars(select(CommentLevel).where(CommentLevel.robot_id == robot_id)
                                .order_by(CommentLevel.score)))


def tags_by_level(session: Session, level_ids: list[int]) -> dict[int, list[CommentTag]]:
    grouped: dict[int, list[CommentTag]] = {level_id: [] for level_id in level_ids}
    if level_ids:
        rows = session.scalars(select(CommentTag).where(CommentTag.level_id.in_(level_ids))
                               .order_by(CommentTag.sort, CommentTag.id))
        for tag in rows:
            grouped[tag.level_id].append(tag)
    return grouped


def get_level(session: Session, robot_id: str, level_id: int) -> CommentLevel:
    level = session.scalar(select(CommentLevel).where(CommentLevel.id == level_id, CommentLevel.robot_id == robot_id))
    if level is None:
        raise not_found("comment level", level_id)
    return level


def level_for_score(session: Session, robot_id: str, score: int) -> CommentLevel | None:
    return session.scalar(select(CommentLevel).where(CommentLevel.robot_id == robot_id, CommentLevel.score == score))


def _check_score(score: int) -> int:
    if score not in SCORES:
        raise bad_request("score must be 1-5")
    return score


def _check_status(status: str) -> str:
    if status not in (ENABLE, DISABLE):
        raise bad_request("status must be Enable or Disable")
    return status


def create_level(session: Session, tenant_id: int, robot_id: str, *, name: str, score: int,
                 status: str = ENABLE) -> CommentLevel:
    """A level for a score that has none (after an admin deleted it): one level per score."""
    if level_for_score(session, robot_id, _check_score(score)) is not None:
        raise conflict(f"score {score} already has a level", "COMMENT_LEVEL_EXISTS")
    now = now_ms()
    level = CommentLevel(tenant_id=tenant_id, robot_id=robot_id, name=clean_name(name), level=score, score=score,
                         status=_check_status(status), created_at=now, updated_at=now)
    session.add(level)
    session.flush()
    return level


def update_level(session: Session, level: CommentLevel, *, name: str | None, status: str | None) -> CommentLevel:
    if name is not None:
        level.name = clean_name(name)
    if status is not None:
        level.status = _check_status(status)
    level.updated_at = now_ms()
    session.flush()
    return level


# -- comment tags ----------------------------------------------------------------------------------

def get_tag(session: Session, level: CommentLevel, tag_id: int) -> CommentTag:
    tag = session.scalar(select(CommentTag).where(CommentTag.id == tag_id, CommentTag.level_id == level.id))
    if tag is None:
        raise not_found("comment tag", tag_id)
    return tag


def _unique_tag_name(session: Session, level: CommentLevel, name: str, except_id: int | None = None) -> str:
    same = session.scalar(select(CommentTag.id).where(CommentTag.level_id == level.id, CommentTag.name == name))
    if same is not None and same != except_id:
        raise conflict(f"level {level.name} already has a tag named {name}", "COMMENT_TAG_EXISTS")
    return name


def create_tag(session: Session, level: CommentLevel, *, name: str, sort: int | None) -> CommentTag:
    name = _unique_tag_name(session, level, clean_name(name))
    count = session.scalar(select(func.count()).select_from(CommentTag).where(CommentTag.level_id == level.id)) or 0
    if count >= MAX_TAGS:
        raise conflict(f"a level has at most {MAX_TAGS} tags", "TOO_MANY_TAGS")
    now = now_ms()
    tag = CommentTag(level_id=level.id, tenant_id=level.tenant_id, robot_id=level.robot_id, name=name,
                     sort=count + 1 if sort is None else sort, created_at=now, updated_at=now)
    session.add(tag)
    session.flush()
    return tag


def update_tag(session: Session, level: CommentLevel, tag: CommentTag, *, name: str | None,
               sort: int | None) -> CommentTag:
    if name is not None:
        tag.name = _unique_tag_name(session, level, clean_name(name), except_id=tag.id)
    if sort is not None:
        tag.sort = sort
    tag.updated_at = now_ms()
    session.flush()
    return tag


def level_entity(level: CommentLevel, tags: list[CommentTag]) -> dict[str, Any]:
    return {
        "id": level.id, "tenantId": level.tenant_id, "robotId": level.robot_id, "name": level.name,
        "level": level.level, "score": level.score, "status": level.status,
        "createDateTime": format_datetime(level.created_at), "lastUpdateDateTime": format_datetime(level.updated_at),
        "tagList": [tag_entity(tag) for tag in tags],
    }


def tag_entity(tag: CommentTag) -> dict[str, Any]:
    return {"id": tag.id, "sessionCommentTagId": tag.level_id, "name": tag.name, "sort": tag.sort,
            "createDateTime": format_datetime(tag.created_at), "lastUpdateTime": format_datetime(tag.updated_at)}


def levels_entity(session: Session, robot_id: str) -> list[dict[str, Any]]:
    rows = levels(session, robot_id)
    grouped = tags_by_level(session, [level.id for level in rows])
    return [level_entity(level, grouped[level.id]) for level in rows]


# -- satisfaction reason tags ----------------------------------------------------------------------

def reasons(session: Session, robot_id: str) -> list[SatisfactionTag]:
    return list(session.scalars(select(SatisfactionTag).where(SatisfactionTag.robot_id == robot_id)
                                .order_by(SatisfactionTag.id)))


def get_reason(session: Session, robot_id: str, tag_id: int) -> SatisfactionTag:
    tag = session.scalar(select(SatisfactionTag).where(SatisfactionTag.id == tag_id,
                                                       SatisfactionTag.robot_id == robot_id))
    if tag is None:
        raise not_found("satisfaction comment tag", tag_id)
    return tag


def _unique_reason(session: Session, robot_id: str, name: str, except_id: int | None = None) -> str:
    same = session.scalar(select(SatisfactionTag.id).where(SatisfactionTag.robot_id == robot_id,
                                                           SatisfactionTag.name == name))
    if same is not None and same != except_id:
        raise conflict(f"a reason tag named {name} exists", "SATISFACTION_TAG_EXISTS")
    return name


def create_reason(session: Session, tenant_id: int, robot_id: str, name: str) -> SatisfactionTag:
    name = _unique_reason(session, robot_id, clean_name(name))
    if len(reasons(session, robot_id)) >= MAX_TAGS:
        raise conflict(f"a robot has at most {MAX_TAGS} reason tags", "TOO_MANY_TAGS")
    now = now_ms()
    tag = SatisfactionTag(tenant_id=tenant_id, robot_id=robot_id, name=name, created_at=now, updated_at=now)
    session.add(tag)
    session.flush()
    return tag


def rename_reason(session: Session, tag: SatisfactionTag, name: str) -> SatisfactionTag:
    tag.name = _unique_reason(session, tag.robot_id, clean_name(name), except_id=tag.id)
    tag.updated_at = now_ms()
    session.flush()
    return tag


def reason_entity(tag: SatisfactionTag) -> dict[str, Any]:
    return {"id": tag.id, "tenantId": tag.tenant_id, "robotId": tag.robot_id, "name": tag.name,
            "createDateTime": format_datetime(tag.created_at), "lastUpdateDateTime": format_datetime(tag.updated_at)}
