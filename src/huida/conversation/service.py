"""The conversation service: the one way in for a question, whatever the channel.

The open API, Feishu, the Aily-style sessions and the `huida ask` chat all call `ConversationService.ask`.
It reads the robot and its knowledge snapshot, asks the pure dialogue policy for a decision, composes the
typed reply (conversation/reply.py) and stores the question and the reply, all in one transaction. What it
returns is that typed reply; each API renders it at its edge (conversation/easemob.py for the open API).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from huida.context import AppContext
from huida.conversation import reply as r
from huida.conversation.compose import Composer, article_lookup, image_lookup
from huida.conversation.easemob import content_type
from huida.conversation.events import emit_transfer_human
from huida.conversation.models import ChatSession, Message
from huida.conversation.sessions import RECENT_KEPT, Visitor, open_session, peek_session, session_token
from huida.conversation.snapshots import CalibrationTarget, KnowledgeCache, RobotKnowledge
from huida.conversation.stored import content_body, reply_extra, reply_of
from huida.db import new_id, now_ms, table_of
from huida.engine.dialogue import types as t
from huida.engine.dialogue.policy import decide
from huida.engine.strategies import StrategyContext, StrategyError, context_from_trans_data
from huida.engine.text import normalize
from huida.errors import NotFound, bad_request, not_found
from huida.knowledge.models import Rule
from huida.learning.service import record_pair
from huida.robots.models import Robot
from huida.robots.service import get_robot
from huida.robots.settings import DEFAULT_HUMAN_KEYWORDS, RobotSettings, effective_small_talk, resolve_settings

RULE_SOURCES = (t.SOURCE_RULE, t.SOURCE_MENU)


@dataclass(frozen=True)
class AskRequest:
    """One visitor turn, as every channel hands it over."""

    tenant_id: int
    robot_id: str
    user_id: str
    question: str = ""
    type: str = "TEXT"
    knowledge_id: str | None = None
    origin_type: str | None = None
    strategy_data: dict[str, Any] | None = None
    channel: str = "api"
    visitor_key: str | None = None  # who shares a session; defaults to the user id
    chat_id: str | None = None
    chat_type: str = "p2p"
    extra: dict[str, Any] = field(default_factory=dict)  # stored on the visitor message (channel ids)
    dedupe_key: str | None = None  # the channel's message id: the same key twice answers once
    # "now": a handover emits transfer-human with the answer; "channel": the channel emits it itself once its
    # message reached the visitor (conversation.events.emit_transfer_human with its own ids).
    handover_event: str = "now"
    # Answer a visitor message stored earlier instead of storing a new one (an Aily-style message is posted,
    # then a run answers it); asking again for the same message returns its first answer.
    question_id: str | None = None


@dataclass(frozen=True)
class RobotView:
    robot: Robot
    settings: RobotSettings
    knowledge: RobotKnowledge

    def thresholds(self) -> tuple[float, float]:
        """(answer, recommend): the operator's override, else the calibrated values."""
        s, calibrated = self.settings, self.knowledge.thresholds
        answer = s.answerThreshold if s.answerThreshold is not None else calibrated.answer
        recommend = s.recommendThreshold if s.recommendThreshold is not None else calibrated.recommend
        return answer, min(recommend, answer)

    def first_turn(self, text: str, config: t.PolicyConfig | None = None,
                   context: StrategyContext | None = None) -> t.Situation:
        """A new visitor's first text turn, as the hit test and evaluations ask the policy (pass `config`
        and `context` when asking many questions: they are the same for each)."""
        return t.Situation(t.Turn("TEXT", text), normalize(text), t.SessionView(), config or self.config(),
                           self.knowledge, context or strategy_context(self.settings, None, None), now_ms())

    def config(self) -> t.PolicyConfig:
        s = self.settings
        answer, recommend = self.thresholds()
        return t.PolicyConfig(
            answer_threshold=answer, recommend_threshold=recommend, recommend_max=s.recommendMax,
            repeat_limit=s.repeatLimit, human_keywords=tuple(s.humanKeywords), sensitive_words=tuple(s.sensitiveWords),
            custom_human_keywords=tuple(k for k in s.humanKeywords if k not in DEFAULT_HUMAN_KEYWORDS),
            negative_sentiment=s.negativeSentimentEnabled,
            small_talk=_small_talk(s),
        )


def _small_talk(settings: RobotSettings) -> tuple[t.SmallTalk, ...]:
    # The defaults (or the robot's own smallTalk list) with smallTalkExtra applied; empty when switched off.
    return tuple(t.SmallTalk(tuple(e.patterns), e.reply) for e in effective_small_talk(settings))


def strategy_context(settings: RobotSettings, data: dict[str, Any] | None, origin_type: str | None) -> StrategyContext:
    try:
        return context_from_trans_data(data, origin_type, datetime.now(ZoneInfo(settings.timezone)))
    except StrategyError as exc:
        raise bad_request(f"strategyTransData: {exc}") from exc


@dataclass(frozen=True)
class Plan:
    """What the robot will answer to one turn: decided and composed, not yet stored."""

    decision: t.Decision
    content: r.Content
    normalized: str
    question_text: str


def session_view(state: dict[str, Any], question_count: int) -> t.SessionView:
    return t.SessionView(
        is_first_question=question_count == 0,
        recent_questions=tuple(state.get("recent", [])),
        last_menu=tuple((k, v) for k, v in state.get("menu", [])),
    )


class ConversationService:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx
        self.cache = KnowledgeCache(ctx.db)
        ctx.shutdown.append(self.cache.close)
        self.rng = random.Random()
        self._robots: dict[str, tuple[Robot, RobotSettings]] = {}  # robot id -> its row and settings, by version

    # -- reading the robot -------------------------------------------------------------------------
    def robot_view(self, tenant_id: int, robot_id: str) -> RobotView:
        with self.ctx.db.read() as session:
            return self._robot_view(session, tenant_id, robot_id)

    def _robot_view(self, session: Session, tenant_id: int, robot_id: str) -> RobotView:
        # One narrow read per ask: the robot's version. Its row and resolved settings are read again only when
        # the version moved (every change of settings bumps it), not validated on every ask.
        version = session.scalar(select(Robot.knowledge_version).where(Robot.robot_id == robot_id,
                                                                       Robot.tenant_id == tenant_id))
        if version is None:
            raise not_found("robot", robot_id)
        known = self._robots.get(robot_id)
        if known is None or known[0].knowledge_version != version or known[0].tenant_id != tenant_id:
            robot = get_robot(session, tenant_id, robot_id)
            session.expunge(robot)
            known = self._robots[robot_id] = (robot, resolve_settings(robot.settings))
        robot, settings = known
        target = CalibrationTarget(settings.targetPrecision, settings.outOfScopeShare)
        knowledge = self.cache.get(robot_id, robot.knowledge_version, target)
        return RobotView(robot, settings, knowledge)

    def composer(self, session: Session, view: RobotView) -> Composer:
        tenant_id = view.robot.tenant_id

        def rule_text(rule_id: str) -> str | None:
            rule = view.knowledge.rule(rule_id)
            return rule.standard_question if rule else None

        return Composer(settings=view.settings, rule_text=rule_text, image=image_lookup(session, tenant_id),
                        articles=article_lookup(session, tenant_id), new_id=new_id)

    # -- asking ------------------------------------------------------------------------------------
    def _turn(self, request: AskRequest, view: RobotView) -> t.Turn:
        knowledge_id = (request.knowledge_id or "").strip() or None
        kind = request.type
        if knowledge_id:
            is_button = knowledge_id.startswith(t.TRANSFER_PREFIXES)
            if not is_button and view.knowledge.rule(knowledge_id) is None:
                raise NotFound("KNOWLEDGE_NOT_FOUND", f"knowledgeId not found: {knowledge_id}")
            kind = "MENU_CLICK"  # §1.4: a knowledgeId means the visitor used a menu item
        elif kind == "MENU_CLICK":
            raise bad_request("knowledgeId is required for MENU_CLICK")
        return t.Turn(kind, request.question or "", knowledge_id)

    def ask(self, request: AskRequest) -> r.Reply:
        """Answers one turn; a turn whose dedupe key was seen before gets the stored answer again."""
        if request.question_id and (earlier := self._replay_question(request.question_id)):
            return earlier
        if request.dedupe_key and (earlier := self.replay(request.robot_id, request.dedupe_key)):
            return earlier
        try:
            return self._ask(request)
        except IntegrityError:
            # Two deliveries of the same channel message raced; the other one answered.
            if request.dedupe_key and (earlier := self.replay(request.robot_id, request.dedupe_key)):
                return earlier
            raise

    def replay(self, robot_id: str, dedupe_key: str) -> r.Reply | None:
        with self.ctx.db.read() as session:
            question = session.scalar(select(Message).where(Message.robot_id == robot_id,
                                                            Message.dedupe_key == dedupe_key))
            answer = question and session.scalar(select(Message).where(Message.reply_to == question.id))
            return reply_of(answer) if question is not None and answer is not None else None

    def _replay_question(self, question_id: str) -> r.Reply | None:
        with self.ctx.db.read() as session:
            answer = session.scalar(select(Message).where(Message.reply_to == question_id).order_by(Message.seq))
            return reply_of(answer) if answer is not None else None

    def _stored_question(self, session: Session, request: AskRequest) -> tuple[ChatSession, Message]:
        question = session.scalar(select(Message).where(Message.id == request.question_id, Message.role == "visitor",
                                                        Message.robot_id == request.robot_id))
        if question is None:
            raise NotFound("MESSAGE_NOT_FOUND", f"message not found: {request.question_id}")
        # Locked like open_session locks: one answer at a time per conversation.
        chat = session.scalar(select(ChatSession).where(ChatSession.id == question.session_id).with_for_update())
        assert chat is not None
        return chat, question

    def _ask(self, request: AskRequest) -> r.Reply:
        if request.question_id:
            return self._answer_stored(request)
        visitor = Visitor(request.tenant_id, request.robot_id, request.user_id, request.visitor_key or request.user_id,
                          request.channel, request.origin_type, request.chat_id, request.chat_type)
        now = now_ms()
        # Decided and composed in one read transaction, before the write: the writer's turn (SQLite's single
        # writer, PostgreSQL's row lock on the session) is held for the writes only. The write checks that the
        # conversation did not move meanwhile (another answer in the same session came first) and decides
        # again if it did.
        with self.ctx.db.read() as session:
            view = self._robot_view(session, request.tenant_id, request.robot_id)
            turn = self._turn(request, view)
            context = strategy_context(view.settings, request.strategy_data, request.origin_type)
            timeout = view.settings.sessionTimeoutMinutes * 60_000
            seen = peek_session(session, visitor, now, timeout)
            plan = self._plan(session, view, turn, context, seen.state, seen.question_count, now)
        with self.ctx.db.session() as session:
            now = now_ms()  # stored at the time of the write (a first ask may have built the index meanwhile)
            chat, _closed = open_session(session, visitor, now, timeout)
            if session_token(chat) != seen.token:
                plan = self._plan(session, view, turn, context, chat.state or {}, chat.question_count, now)
            return self._write(session, request, view, chat, turn, plan, now)

    def _answer_stored(self, request: AskRequest) -> r.Reply:
        """Answers a visitor message stored earlier (an Aily-style run), under the session's lock throughout."""
        view = self.robot_view(request.tenant_id, request.robot_id)
        turn = self._turn(request, view)
        context = strategy_context(view.settings, request.strategy_data, request.origin_type)
        with self.ctx.db.session() as session:
            now = now_ms()
            chat, stored = self._stored_question(session, request)
            earlier = session.scalar(select(Message).where(Message.reply_to == stored.id).order_by(Message.seq))
            if earlier is not None:  # answered meanwhile by a concurrent ask
                return reply_of(earlier)
            plan = self._plan(session, view, turn, context, chat.state or {}, chat.question_count, now)
            return self._write(session, request, view, chat, turn, plan, now, stored)

    def _plan(self, session: Session, view: RobotView, turn: t.Turn, context: StrategyContext,
              state: dict[str, Any], question_count: int, now: int) -> Plan:
        """The decision and the reply's content for this turn in a session in `state`."""
        normalized = normalize(turn.question)
        situation = t.Situation(turn, normalized, session_view(state, question_count), view.config(),
                                view.knowledge, context, now)
        decision = decide(situation)
        content = self.composer(session, view).content(decision)
        return Plan(decision, content, normalized, turn.question or _clicked_text(state, turn, view))

    def _write(self, session: Session, request: AskRequest, view: RobotView, chat: ChatSession, turn: t.Turn,
               plan: Plan, now: int, stored: Message | None = None) -> r.Reply:
        decision, content = plan.decision, plan.content
        # Ids chosen here: the reply is complete before anything is written, and both messages go in one
        # flush (no UPDATE of the answer afterwards).
        reply = _reply(request, view, chat.id, stored.id if stored else new_id(), new_id(), decision, content)
        question, answer = self._store(session, chat, request, turn, plan.question_text, reply, decision, now, stored)
        if _learn_from_click(session, chat, turn, request.robot_id):
            self.cache.schedule_refresh(request.robot_id)
        _remember(chat, plan.normalized, turn, decision, content, now)
        if decision.transfer and request.handover_event == "now":  # the webhook event, in this transaction
            emit_transfer_human(session, chat, question, answer)
        if decision.rule is not None and decision.answer_source in RULE_SOURCES and decision.answer is not None:
            _count_hit(session, request.robot_id, decision.rule.rule_id, now)
        return reply

    def _store(self, session: Session, chat: ChatSession, request: AskRequest, turn: t.Turn, question_text: str,
               reply: r.Reply, decision: t.Decision, now: int,
               stored: Message | None = None) -> tuple[Message, Message]:
        content = reply.content
        question = stored or Message(
            id=reply.question_id, session_id=chat.id, tenant_id=request.tenant_id, robot_id=request.robot_id,
            role="visitor", sender_id=request.user_id, question_type=turn.kind, knowledge_id=turn.knowledge_id,
            text=question_text, extra=dict(request.extra), dedupe_key=request.dedupe_key, created_at=now,
        )
        answer = Message(
            id=reply.msg_id, session_id=chat.id, tenant_id=request.tenant_id, robot_id=request.robot_id, role="robot",
            sender_id=request.robot_id, reply_to=question.id, extra={"reply": reply_extra(reply)},
            question_type=turn.kind, knowledge_id=turn.knowledge_id,
            text=r.plain_text(content), body=content_body(content), media_type=content_type(content),
            answer_type=decision.answer_type, answer_source=decision.answer_source, sub_type=decision.sub_type,
            rule_id=decision.rule.rule_id if decision.rule else None,
            answer_id=decision.answer.id if decision.answer else None, score=decision.score, created_at=now,
        )
        session.add_all([answer] if stored else [question, answer])
        session.flush()
        return question, answer


def _reply(request: AskRequest, view: RobotView, session_id: str, question_id: str, msg_id: str,
           decision: t.Decision, content: r.Content) -> r.Reply:
    rule = decision.rule if decision.answer is not None else None
    return r.Reply(
        msg_id=msg_id, session_id=session_id, question_id=question_id, tenant_id=request.tenant_id,
        robot_id=request.robot_id, user_id=request.user_id, question=request.question,
        answer_type=decision.answer_type, answer_source=decision.answer_source, sub_type=decision.sub_type,
        content=content, rule_id=rule.rule_id if rule else None, rule_question=rule.standard_question if rule else None,
        answer_id=decision.answer.id if decision.answer else None,
        satisfaction_invitation=bool(rule and view.settings.satisfactionInvitation),
        sentiment_labels=decision.sentiment_labels, handover=decision.transfer,
    )


def _clicked_text(state: dict[str, Any], turn: t.Turn, view: RobotView) -> str:
    """The label of the clicked item, so history reads like the conversation the visitor saw."""
    for knowledge_id, text in state.get("menu", []):
        if knowledge_id == turn.knowledge_id:
            return text
    rule = view.knowledge.rule(turn.knowledge_id or "")
    return rule.standard_question if rule else ""


def _remember(chat: ChatSession, normalized: str, turn: t.Turn, decision: t.Decision, content: r.Content,
              now: int) -> None:
    state = dict(chat.state or {})
    if turn.kind == "TEXT":
        state["recent"] = [*state.get("recent", []), normalized][-RECENT_KEPT:]
    # §1.4.2: only the menu of the last answer can be typed instead of clicked.
    if isinstance(content, r.Menu | r.Recommendations):
        shown = content.items + ((content.transfer,) if isinstance(content, r.Menu) and content.transfer else ())
        state["menu"] = [[item.knowledge_id, item.text] for item in shown]
    else:
        state.pop("menu", None)
    if isinstance(content, r.Recommendations):
        state["recommendedFor"] = turn.question
    else:
        state.pop("recommendedFor", None)
    chat.state = state
    chat.question_count += 1
    chat.last_active_at = now
    if decision.transfer and chat.handover in ("bot", "closed"):
        chat.handover = "pending"


def _learn_from_click(session: Session, chat: ChatSession, turn: t.Turn, robot_id: str) -> bool:
    """A recommended question the visitor clicked is evidence that their question meant that rule."""
    state = chat.state or {}
    asked = state.get("recommendedFor")
    shown = {knowledge_id for knowledge_id, _ in state.get("menu", [])}
    if turn.kind != "MENU_CLICK" or not asked or turn.knowledge_id not in shown:
        return False
    return record_pair(session, robot_id, asked, turn.knowledge_id or "", "click")


_RULES = table_of(Rule)
# A Core statement on the session's connection: the ORM's bulk UPDATE path (synchronising loaded objects)
# cost more than the rest of the write; no Rule object is loaded in an ask.
_COUNT_HIT = (update(_RULES).where(_RULES.c.robot_id == bindparam("robot"), _RULES.c.rule_id == bindparam("rule"))
              .values(hit_count=_RULES.c.hit_count + 1, last_hit_time=bindparam("now")))


def _count_hit(session: Session, robot_id: str, rule_id: str, now: int) -> None:
    session.connection().execute(_COUNT_HIT, {"robot": robot_id, "rule": rule_id, "now": now})


def conversation_service(ctx: AppContext) -> ConversationService:
    """The process's conversation service (one knowledge cache per process)."""
    service = ctx.services.get("conversation")
    if service is None:
        service = ctx.services.setdefault("conversation", ConversationService(ctx))
    return service
