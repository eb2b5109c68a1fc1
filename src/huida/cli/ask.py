"""`huida ask`: talk to a robot from the terminal, through the same conversation service as the API."""

from __future__ import annotations

import getpass
import json
from dataclasses import dataclass, field
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from huida.cli.base import DbOption, app, check_optional_features, console, fail, open_context
from huida.cli.chat_view import Choice, chat_view, pick
from huida.conversation import easemob
from huida.conversation.hittest import hit_test
from huida.conversation.reply import Reply
from huida.conversation.service import AskRequest, ConversationService, conversation_service
from huida.errors import DomainError


@dataclass
class Chat:
    """One visitor's terminal conversation: the robot, how to show answers, and the last answer's choices."""

    service: ConversationService
    tenant: int
    robot: str
    user: str
    as_json: bool = False
    explain: bool = False
    choices: list[Choice] = field(default_factory=list)

    def say(self, line: str) -> None:
        clicked = pick(self.choices, line)
        if clicked is not None:  # typing a choice's number clicks it
            self._send("", clicked.knowledge_id)
        elif line.startswith("#"):  # "#<knowledgeId>" clicks any menu item or recommendation
            self._send("", line[1:].strip())
        else:
            self._send(line, None)

    def _send(self, question: str, knowledge_id: str | None) -> None:
        request = AskRequest(tenant_id=self.tenant, robot_id=self.robot, user_id=self.user, question=question,
                             type="MENU_CLICK" if knowledge_id else "TEXT", knowledge_id=knowledge_id,
                             origin_type="cli", channel="cli")
        reply = self.service.ask(request)
        links = easemob.links(self.service.ctx, self.tenant)
        if self.as_json:
            console.print_json(json.dumps(easemob.entity(reply, links), ensure_ascii=False))
            return
        self._show(reply, links)
        if self.explain and question:
            self._explain(reply, question)

    def _show(self, reply: Reply, links: easemob.Links) -> None:
        view = chat_view(reply.content, links)
        self.choices = view.choices
        first, *rest = view.lines or [""]
        console.print(f"[bold green]robot>[/bold green] {escape(first)}")
        for line in rest:
            console.print(f"       {escape(line)}")
        for number, choice in enumerate(view.choices, 1):
            console.print(f"       [bold]{number}.[/bold] {escape(choice.label)}")

    def _explain(self, reply: Reply, question: str) -> None:
        console.print(f"[dim]{reply.answer_type} · {reply.answer_source} · {reply.sub_type}[/dim]")
        candidates = hit_test(self.service, self.tenant, self.robot, question, 3)["candidates"]
        if candidates:
            table = Table("score", "rule", "matched question", title="top candidates", title_justify="left")
            for c in candidates:
                table.add_row(f"{c['score']:.3f}", c["ruleId"], c["question"])
            console.print(table)


@app.command()
def ask(
    tenant: Annotated[int, typer.Option("--tenant", min=1, max=2**63 - 1, help="Tenant id")],
    robot: Annotated[str, typer.Option("--robot", help="Robot id")],
    question: Annotated[str | None, typer.Argument(help="The question; omit it for an interactive session")] = None,
    user: Annotated[str | None, typer.Option("--user", help="Visitor id (default: cli-<login name>)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print each answer as the API's raw JSON entity")] = False,
    explain: Annotated[bool, typer.Option("--explain", help="Also show the decision and the top candidates")]
    = False,
    db: DbOption = None,
) -> None:
    """Ask a robot one question, or chat with it: type a choice's number to click it ('#<knowledgeId>' clicks
    any menu item)."""
    check_optional_features()
    chat = Chat(conversation_service(open_context(db)), tenant, robot, user or f"cli-{getpass.getuser()}",
                as_json=as_json, explain=explain)
    try:
        if question is not None:
            chat.say(question)
            return
        console.print("Chatting with the robot; type a number to click a choice; an empty line or Ctrl-D ends.")
        while True:
            try:
                line = console.input("[bold cyan]you>[/bold cyan] ")
            except EOFError:
                break
            if not line.strip():
                break
            chat.say(line)
    except DomainError as exc:
        raise fail(exc.description) from exc
