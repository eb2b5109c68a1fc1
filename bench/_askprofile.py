"""Where one ask's time goes, and its database work (issue 16): the conversation service called in process.

`profile_asks` asks the demo robot `count` questions through `ConversationService.ask` (no HTTP) and reports
SQL statements and commits per ask (counted on both engines, the writer and the readers) and the share of
each phase, from cProfile's cumulative times of the functions that make an ask:

- robot and knowledge: `_robot_view` (the robot's version; its row, settings and snapshot from caches by version)
- session, unlocked: `peek_session` (read with the robot, before deciding)
- session, locked: `open_session` (the chat row, in the write transaction)
- engine: `decide` (normalise, match, the policy steps)
- composing the reply: `Composer.content` (materials looked up)
- storing: `_store` (both messages in one flush), of which the search index: `index_message`
- commit: `Session.commit`

The rest of an HTTP ask (parsing, the token, the route, the Easemob view, JSON) is what the HTTP rows show
beyond the service's own time.
"""

from __future__ import annotations

import cProfile
import pstats
import time
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import event

from huida.context import AppContext
from huida.conversation.service import AskRequest, conversation_service
from huida.reading.indexing import install_search_index

PHASES = (
    ("robot and knowledge (read)", "service.py", "_robot_view"),
    ("session, read before deciding", "sessions.py", "peek_session"),
    ("session, locked for the write", "sessions.py", "open_session"),
    ("engine: decide", "policy.py", "decide"),
    ("composing the reply", "compose.py", "content"),
    ("storing both messages", "service.py", "_store"),
    ("  of which the search index", "indexing.py", "index_message"),
    ("commit", "session.py", "commit"),
)


@dataclass
class AskProfile:
    ms_per_ask: float
    statements: float
    commits: float
    by_kind: list[tuple[str, float]]
    phases: list[tuple[str, float]]  # (phase, ms per ask)


def _kind(statement: str) -> str:
    words = statement.split()
    head = words[0].upper() if words else ""
    if head == "SELECT" and " FROM " in statement:
        return "SELECT " + statement.split(" FROM ", 1)[1].split()[0]
    if head in ("INSERT", "DELETE"):
        return f"{head} {words[2]}"
    if head == "UPDATE":
        return f"UPDATE {words[1]}"
    return " ".join(words[:2])


def profile_asks(ctx: AppContext, tenant_id: int, robot_id: str, questions: list[str], count: int) -> AskProfile:
    install_search_index()  # as every process that stores messages does (huida serve, the worker)
    service = conversation_service(ctx)
    asks = [AskRequest(tenant_id=tenant_id, robot_id=robot_id, user_id=f"p{n % 50}",
                       question=questions[n % len(questions)]) for n in range(count)]
    for request in asks[:20]:  # warm: the snapshot, the sessions
        service.ask(request)
    kinds: Counter[str] = Counter()
    commits = [0]
    engines = {ctx.db.engine, ctx.db._readers.kw["bind"]}  # one engine on PostgreSQL

    def on_statement(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        kinds[_kind(statement)] += 1

    def on_commit(_conn: object) -> None:
        commits[0] += 1

    for engine in engines:
        event.listen(engine, "before_cursor_execute", on_statement)
        event.listen(engine, "commit", on_commit)
    started = time.perf_counter()
    for request in asks:
        service.ask(request)
    elapsed = time.perf_counter() - started
    for engine in engines:
        event.remove(engine, "before_cursor_execute", on_statement)
        event.remove(engine, "commit", on_commit)
    profiler = cProfile.Profile()
    profiler.enable()
    for request in asks:
        service.ask(request)
    profiler.disable()
    return AskProfile(elapsed / count * 1000, kinds.total() / count, commits[0] / count,
                      [(k, v / count) for k, v in kinds.most_common()], _phases(profiler, count))


def _phases(profiler: cProfile.Profile, count: int) -> list[tuple[str, float]]:
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    total = max((v[3] for (f, _, name), v in stats.items() if name == "ask" and f.endswith("service.py")), default=0)
    out = [("whole ask (the service, under cProfile)", total / count * 1000)]
    for label, file, function in PHASES:
        cumulative = sum(v[3] for (f, _, name), v in stats.items() if name == function and f.endswith(file))
        out.append((label, cumulative / count * 1000))
    return out
