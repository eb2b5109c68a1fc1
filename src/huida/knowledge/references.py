"""Checks that rule drafts point at things that exist: media, articles, menu targets, categories."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from huida.knowledge.models import Category, Rule
from huida.knowledge.schemas import RuleDraft
from huida.materials.models import Media, NewsArticle

DEFAULT_CATEGORY = "default"


def _existing(session: Session, column: InstrumentedAttribute[str], where: ColumnElement[bool],
              wanted: set[str]) -> set[str]:
    found: set[str] = set()
    values = sorted(wanted)
    for start in range(0, len(values), 500):  # keep IN lists small for every database
        chunk = values[start:start + 500]
        found.update(session.scalars(select(column).where(where, column.in_(chunk))).all())
    return found


def _wanted(drafts: Iterable[RuleDraft], kind: str, key: str) -> set[str]:
    out: set[str] = set()
    for draft in drafts:
        for answer in draft.answers:
            if answer.type == kind and answer.content:
                value = answer.content.get(key)
                if isinstance(value, list):
                    out.update(value)
                elif value:
                    out.add(value)
    return out


def _menu_targets(draft: RuleDraft) -> set[str]:
    return {
        item["knowledgeId"]
        for answer in draft.answers if answer.type == "MENU" and answer.content
        for item in answer.content.get("items", [])
    }


def check_references(session: Session, tenant_id: int, robot_id: str, drafts: Sequence[RuleDraft],
                     batch_rule_ids: set[str] | None = None, *, existing_rules: bool = True) -> list[tuple[int, str]]:
    """Problems as (draft index, reason); empty when everything resolves.

    Menu items may point at `batch_rule_ids` and, unless `existing_rules` is False (an import that
    replaces all of the robot's rules), at the robot's rules already stored.
    """
    media_ids = set().union(*(_wanted(drafts, kind, "mediaId") for kind in ("PIC", "VIDEO", "AUDIO")))
    article_ids = _wanted(drafts, "NEWS", "articleIds")
    menu_ids = set().union(*(_menu_targets(d) for d in drafts)) if drafts else set()
    category_ids = {c for d in drafts for c in d.category_ids} - {DEFAULT_CATEGORY}

    media = _existing(session, Media.id, Media.tenant_id == tenant_id, media_ids)
    articles = _existing(session, NewsArticle.id, NewsArticle.tenant_id == tenant_id, article_ids)
    stored = _existing(session, Rule.rule_id, Rule.robot_id == robot_id, menu_ids) if existing_rules else set()
    rules = stored | (batch_rule_ids or set())
    categories = _existing(session, Category.category_id, Category.robot_id == robot_id, category_ids)

    problems: list[tuple[int, str]] = []
    for index, draft in enumerate(drafts):
        for answer in draft.answers:
            content = answer.content or {}
            if content.get("mediaId") and content["mediaId"] not in media:
                problems.append((index, f"unknown media id: {content['mediaId']}"))
            problems.extend((index, f"unknown article id: {a}") for a in content.get("articleIds", [])
                            if answer.type == "NEWS" and a not in articles)
        problems.extend((index, f"menu item points at unknown rule: {k}")
                        for k in sorted(_menu_targets(draft) - rules))
        problems.extend((index, f"unknown category id: {c}")
                        for c in draft.category_ids if c != DEFAULT_CATEGORY and c not in categories)
    return problems
