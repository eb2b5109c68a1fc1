"""Rules and categories of a robot (seed 004 §3.1 and the CRUD it implies)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from huida.api.deps import Ctx
from huida.api.envelope import MAX_PAGE, ok, page
from huida.auth.deps import Caller, Editor
from huida.knowledge import categories as cats
from huida.knowledge.schemas import ANSWER_TYPES, RULE_ID, RuleIn, to_draft
from huida.knowledge.search import RuleQuery, search_rules
from huida.knowledge.service import create_rule, delete_rule, get_rule, replace_rule, rule_entity
from huida.robots.service import get_robot

router = APIRouter(prefix="/v10/tenants/{tenantId}/knowledge/robots/{robotId}", tags=["knowledge"])


def _split(values: list[str] | None) -> tuple[str, ...]:
    """Accepts `categoryIds=a,b` as well as repeated `categoryIds=a&categoryIds=b`."""
    return tuple(v.strip() for value in values or [] for v in value.split(",") if v.strip())


# §3.1 pages count from 1, as the seed's own example shows (`page=1&per_page=10` answers `number: 1`, `first:
# true`); its text says "from 0", so `page=0` is the first page too (answered as page 1). Other listings count
# from 0.
SearchPage = Annotated[int, Query(alias="page", ge=0, le=MAX_PAGE,
                                  description="1-based page number (0 is taken as 1, the first page)")]


@router.get("/rules/search")
def rules_search(
    tenantId: int, robotId: str, caller: Caller, ctx: Ctx,
    page_number: SearchPage = 1,
    per_page: Annotated[int, Query(ge=1, le=500)] = 10,
    q: Annotated[str | None, Query(max_length=500)] = None,
    sortOrder: Annotated[Literal["ASC", "DESC", "asc", "desc"], Query()] = "DESC",
    sortProperty: Annotated[str, Query(max_length=50)] = "createTime",
    categoryIds: Annotated[list[str] | None, Query()] = None,
    type: Annotated[Literal[ANSWER_TYPES] | None, Query()] = None,  # type: ignore[valid-type]
    status: Annotated[Literal["ENABLE", "DISABLE"] | None, Query()] = None,
) -> dict[str, Any]:
    index = max(page_number, 1) - 1  # 0-based, for the query and the envelope's first/last
    query = RuleQuery(page=index, per_page=per_page, q=q, sort_order=sortOrder, sort_property=sortProperty,
                      category_ids=_split(categoryIds), answer_type=type, status=status)
    with ctx.db.session() as session:
        get_robot(session, tenantId, robotId)
        rules, total = search_rules(session, robotId, query)
        body = page([rule_entity(r) for r in rules], number=index, size=per_page, total=total)
    body["number"] = index + 1
    return body


@router.post("/rules")
def rules_create(tenantId: int, robotId: str, body: RuleIn, caller: Editor, ctx: Ctx) -> dict[str, Any]:
    with ctx.db.session() as session:
        get_robot(session, tenantId, robotId)
        rule = create_rule(session, tenantId, robotId, to_draft(body))
        return ok(rule_entity(rule))


@router.get("/rules/{ruleId}")
def rules_read(tenantId: int, robotId: str, ruleId: str, caller: Caller, ctx: Ctx) -> dict[str, Any]:
    with ctx.db.session() as session:
        get_robot(session, tenantId, robotId)
        return ok(rule_entity(get_rule(session, robotId, ruleId)))


@router.put("/rules/{ruleId}")
def rules_replace(tenantId: int, robotId: str, ruleId: str, body: RuleIn, caller: Editor, ctx: Ctx) -> dict[str, Any]:
    with ctx.db.session() as session:
        get_robot(session, tenantId, robotId)
        draft = to_draft(body)
        draft.rule_id = ruleId
        return ok(rule_entity(replace_rule(session, tenantId, robotId, ruleId, draft)))


@router.delete("/rules/{ruleId}")
def rules_delete(tenantId: int, robotId: str, ruleId: str, caller: Editor, ctx: Ctx) -> dict[str, Any]:
    with ctx.db.session() as session:
        get_robot(session, tenantId, robotId)
        delete_rule(session, robotId, ruleId)
        return ok(True)


CategoryName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class CategoryIn(BaseModel):
    model_config = ConfigDict(extra="ignore")
    id: str | None = Field(None, pattern=RULE_ID.pattern)
    name: CategoryName
    parentId: str | None = Field(None, max_length=64)


class CategoryChanges(BaseModel):
    model_config = ConfigDict(extra="ignore")
    name: CategoryName | None = None
    parentId: str | None = Field(None, max_length=64)


@router.get("/categories")
def categories_list(tenantId: int, robotId: str, caller: Caller, ctx: Ctx) -> dict[str, Any]:
    with ctx.db.session() as session:
        get_robot(session, tenantId, robotId)
        rows = cats.list_categories(session, robotId)
        return ok([cats.category_entity(None, robotId), *(cats.category_entity(c, robotId) for c in rows)])


@router.post("/categories")
def categories_create(tenantId: int, robotId: str, body: CategoryIn, caller: Editor, ctx: Ctx) -> dict[str, Any]:
    with ctx.db.session() as session:
        get_robot(session, tenantId, robotId)
        category = cats.create_category(session, robotId, body.name, body.id, body.parentId)
        return ok(cats.category_entity(category, robotId))


@router.put("/categories/{categoryId}")
def categories_update(tenantId: int, robotId: str, categoryId: str, body: CategoryChanges, caller: Editor,
                      ctx: Ctx) -> dict[str, Any]:
    with ctx.db.session() as session:
        get_robot(session, tenantId, robotId)
        category = cats.update_category(session, robotId, categoryId, body.name, body.parentId)
        return ok(cats.category_entity(category, robotId))


@router.delete("/categories/{categoryId}")
def categories_delete(tenantId: int, robotId: str, categoryId: str, caller: Editor, ctx: Ctx) -> dict[str, Any]:
    with ctx.db.session() as session:
        get_robot(session, tenantId, robotId)
        cats.delete_category(session, robotId, categoryId)
        return ok(True)
