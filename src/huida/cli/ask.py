"""`huida ask`: talk to a robot from the terminal, through the same conversation service as the API."""

from __future__ import annotations

import getpass
import json
from typing import Annotated, Any

import typer
from rich.table import Table

from huida.api.errors import ApiError
from huida.cli.base import DbOption, app, console, fail, open_context
from huida.conversation.hittest import hit_test
from huida.conversation.service import AskRequest, ConversationService, conversation_service


def _show(entity: dict[str, Any], candidates: list[dict[str, Any]]) -> None:
    content = entity["content"]
    console.print(f"[bold]{entity['answerType']}[/bold] · {entity['answerSource']} · {entity['subType']}")
    if content.get("type") == "txt":
        console.print(content.get("msg", ""))
    else:
        console.print_json(json.dumps(content, ensure_ascii=False))
    if candidates:
        table = Table("score", "rule", "matched question", title="top candidates", title_justify="left")
        for c in candidates:
            table.add_row(f"{c['score']:.3f}", c["ruleId"], c["question"])
        console.print(table)


def _ask_once(service: ConversationService, tenant: int, robot: str, user: str, question: str) -> None:
    candidates = hit_test(service, tenant, robot, question, 3)["candidates"]
    knowledge_id = None
    if question.startswith("#"):  # "#<knowledgeId>" clicks a menu item or a recommendation
        knowledge_id, question = question[1:].strip(), ""
    entity = service.ask(AskRequest(tenant_id=tenant, robot_id=robot, user_id=user, question=question,
                                    type="MENU_CLICK" if knowledge_id else "TEXT", knowledge_id=knowledge_id,
                                    origin_type="cli", channel="cli")).entity
    _show(entity, candidates)


@app.command()
def ask(
    tenant: Annotated[int, typer.Option("--tenant", min=1, max=2**63 - 1, help="Tenant id")],
    robot: Annotated[str, typer.Option("--robot", help="Robot id")],
    question: Annotated[str | None, typer.Argument(help="The question; omit it for an interactive session")] = None,
    user: Annotated[str | None, typer.Option("--user", help="Visitor id (default: cli-<login name>)")] = None,
    db: DbOption = None,
) -> None:
    """Ask a robot one question, or chat with it (type '#<knowledgeId>' to click a menu item)."""
    service = conversation_service(open_context(db))
    visitor = user or f"cli-{getpass.getuser()}"
    try:
        if question is not None:
            _ask_once(service, tenant, robot, visitor, question)
            return
        console.print("Chatting with the robot; an empty line or Ctrl-D ends.")
        while True:
            try:
                line = console.input("[bold cyan]you>[/bold cyan] ")
            except EOFError:
                break
            if not line.strip():
                break
            _ask_once(service, tenant, robot, visitor, line)
    except ApiError as exc:
        raise fail(exc.description) from exc
