"""The comment levels, comment tags and satisfaction reasons every robot starts with.

Created on first use, once: a `feedback_setups` row marks a robot as set up, so tags an admin deleted do
not come back. Two first uses at the same time are safe: the marker's primary key lets one of them win
and the other reads the winner's rows.
"""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from huida.db import Database, now_ms
from huida.feedback.models import CommentLevel, CommentTag, FeedbackSetup, SatisfactionTag

# (name, score, tags): the five §2.1.2 levels. The score-5 tags make the seed's own example valid.
DEFAULT_LEVELS: tuple[tuple[str, int, tuple[str, ...]], ...] = (
    ("非常不满意", 1, ("答非所问", "没有解决问题", "回复太慢")),
    ("不满意", 2, ("答非所问", "答案不完整", "回复太慢")),
    ("一般", 3, ("答案不够详细", "还可以更快")),
    ("满意", 4, ("回答准确", "服务好")),
    ("非常满意", 5, ("服务好", "解决问题快")),
)
# §2.2.1 reasons for "not solved"; 解决问题慢 makes the seed's §2.2.3 example valid.
DEFAULT_REASONS: tuple[str, ...] = ("所问非所答", "答案不完整", "解决问题慢", "用户体验差")


def _create(session: Session, tenant_id: int, robot_id: str) -> None:
    now = now_ms()
    for name, score, tags in DEFAULT_LEVELS:
        level = CommentLevel(tenant_id=tenant_id, robot_id=robot_id, name=name, level=score, score=score,
                             status="Enable", created_at=now, updated_at=now)
        session.add(level)
        session.flush()
        session.add_all(CommentTag(level_id=level.id, tenant_id=tenant_id, robot_id=robot_id, name=tag, sort=n,
                                   created_at=now, updated_at=now) for n, tag in enumerate(tags, 1))
    session.add_all(SatisfactionTag(tenant_id=tenant_id, robot_id=robot_id, name=name, created_at=now,
                                    updated_at=now) for name in DEFAULT_REASONS)
    session.flush()


def is_set_up(session: Session, robot_id: str) -> bool:
    return session.get(FeedbackSetup, robot_id) is not None


def ensure_defaults(session: Session, tenant_id: int, robot_id: str) -> None:
    """Creates the robot's defaults unless they were created before (in the caller's transaction)."""
    if is_set_up(session, robot_id):
        return
    try:
        with session.begin_nested():
            session.add(FeedbackSetup(robot_id=robot_id, tenant_id=tenant_id))
            session.flush()
            _create(session, tenant_id, robot_id)
    except IntegrityError:  # a concurrent first use set the robot up (PostgreSQL); use its rows
        pass


def ensure_defaults_once(db: Database, tenant_id: int, robot_id: str) -> None:
    """For read paths: a quick read, and a write transaction only the very first time."""
    with db.read() as session:
        if is_set_up(session, robot_id):
            return
    with db.session() as session:
        ensure_defaults(session, tenant_id, robot_id)
