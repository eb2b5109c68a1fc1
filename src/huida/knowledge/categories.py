"""Rule categories of a robot; "default" always exists and needs no row."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from huida.db import new_id, now_ms
from huida.errors import InvalidInput, conflict, not_found
from huida.knowledge.models import Category, Rule, RuleCategory
from huida.knowledge.references import DEFAULT_CATEGORY
from huida.timefmt import format_datetime

DEFAULT_NAME = "默认分类"


def list_categories(session: Session, robot_id: str) -> list[Category]:
    return list(session.scalars(select(Category).where(Category.robot_id == robot_id).order_by(Category.pk)).all())


def category_entity(category: Category | None, robot_id: str) -> dict[str, Any]:
    if category is None:
        return {"id": DEFAULT_CATEGORY, "robotId": robot_id, "name": DEFAULT_NAME, "parentId": None,
                "createTime": None, "updateTime": None, "createDateTime": None}
    return {"id": category.category_id, "robotId": robot_id, "name": category.name, "parentId": category.parent_id,
            "createTime": category.create_time, "updateTime": category.update_time,
            "createDateTime": format_datetime(category.create_time)}


def get_category(session: Session, robot_id: str, category_id: str) -> Category:
    category = session.scalar(
        select(Category).where(Category.robot_id == robot_id, Category.category_id == category_id)
    )
    if category is None:
        raise not_found("category", category_id)
    return category


def _check_parent(session: Session, robot_id: str, parent_id: str | None, own_id: str | None = None) -> None:
    """The parent must exist in the robot, and must not be the category itself or one of its descendants."""
    if parent_id is None or parent_id == DEFAULT_CATEGORY:
        return
    parents = dict(session.execute(select(Category.category_id, Category.parent_id)
                                   .where(Category.robot_id == robot_id)).all())
    if parent_id not in parents:
        raise InvalidInput("INVALID_REFERENCE", f"unknown parent category id: {parent_id}")
    ancestor: str | None = parent_id
    seen: set[str] = set()
    while ancestor is not None and ancestor not in seen:
        if ancestor == own_id:
            raise InvalidInput("INVALID_PARAMETER", "a category cannot be its own parent or ancestor")
        seen.add(ancestor)
        ancestor = parents.get(ancestor)


def create_category(session: Session, robot_id: str, name: str, category_id: str | None = None,
                    parent_id: str | None = None) -> Category:
    category_id = category_id or new_id()
    if category_id == DEFAULT_CATEGORY or session.scalar(
        select(Category.pk).where(Category.robot_id == robot_id, Category.category_id == category_id)
    ):
        raise conflict(f"category id already exists: {category_id}", "CATEGORY_EXISTS")
    _check_parent(session, robot_id, parent_id)
    category = Category(robot_id=robot_id, category_id=category_id, name=name, parent_id=parent_id)
    session.add(category)
    session.flush()
    return category


def update_category(session: Session, robot_id: str, category_id: str, name: str | None,
                    parent_id: str | None) -> Category:
    category = get_category(session, robot_id, category_id)
    if name is not None:
        category.name = name
    if parent_id is not None:
        _check_parent(session, robot_id, parent_id, category_id)
        category.parent_id = parent_id
    category.update_time = now_ms()
    return category


def delete_category(session: Session, robot_id: str, category_id: str) -> None:
    """Rules of a deleted category fall back to "default"; children move up to the root."""
    category = get_category(session, robot_id, category_id)
    rule_pks = select(Rule.pk).where(Rule.robot_id == robot_id)
    session.execute(delete(RuleCategory).where(RuleCategory.category_id == category_id,
                                               RuleCategory.rule_pk.in_(rule_pks)))
    for child in session.scalars(select(Category).where(Category.robot_id == robot_id,
                                                        Category.parent_id == category_id)):
        child.parent_id = None
    session.delete(category)


def resolve_names(session: Session, robot_id: str, names: set[str]) -> dict[str, str]:
    """Category ids by name, creating the categories that do not exist yet."""
    if not names:
        return {}
    existing = {c.name: c.category_id for c in list_categories(session, robot_id)}
    existing.setdefault(DEFAULT_NAME, DEFAULT_CATEGORY)
    for name in sorted(names - existing.keys()):
        existing[name] = create_category(session, robot_id, name).category_id
    return {name: existing[name] for name in names}
