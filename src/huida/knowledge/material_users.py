"""Rules whose answers show a media or an article (a `huida.material_users` entry point, materials/usage.py):
the materials package refuses to delete what an answer still shows, without knowing what a rule is."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from huida.knowledge.models import Answer, Rule
from huida.robots.models import Robot

MEDIA_ANSWER_TYPES = ("PIC", "VIDEO", "AUDIO")


def _answers(session: Session, tenant_id: int, types: tuple[str, ...]) -> list[tuple[str, dict | None]]:
    rows = session.execute(
        select(Rule.rule_id, Answer.content)
        .join(Rule, Answer.rule_pk == Rule.pk)
        .join(Robot, Robot.robot_id == Rule.robot_id)
        .where(Robot.tenant_id == tenant_id, Answer.type.in_(types))
    ).all()
    return [(rule_id, content) for rule_id, content in rows]


def material_users(session: Session, tenant_id: int, kind: str, ident: str) -> list[str]:
    """"rule <id>" for each rule of the tenant whose answers use the media or article (`kind`)."""
    if kind == "media":
        return [f"rule {rule_id}" for rule_id, content in _answers(session, tenant_id, MEDIA_ANSWER_TYPES)
                if (content or {}).get("mediaId") == ident]
    return [f"rule {rule_id}" for rule_id, content in _answers(session, tenant_id, ("NEWS",))
            if ident in (content or {}).get("articleIds", [])]
