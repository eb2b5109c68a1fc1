"""Each process's in-memory view of a robot's knowledge: its rules and its matcher.

A snapshot is labelled with the robot's knowledge version (one integer in the database), so a process
notices any change made by any process with one cheap read. Catching up uses the change log the
version bumps write (robots.models.KnowledgeChange):

- a few rules changed: those rules are re-read and upserted into (or removed from) the live matcher, in
  milliseconds; a debounced background refresh later retrains and recalibrates it;
- settings only: the same rules and matcher under the new version;
- anything else (imports, a gap in the log): a rebuild, on the request path for a small robot, in the
  background for a large one, whose current snapshot keeps answering meanwhile.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from huida.db import Database
from huida.embeddings import embedder_from_env
from huida.engine.dialogue import types as t
from huida.engine.matcher import (
    Embedder,
    Explained,
    KnowledgeItem,
    Matcher,
    MatcherOptions,
    Signal,
    Thresholds,
    build_matcher,
)
from huida.knowledge.models import Rule
from huida.learning.service import learned_pairs, load_pair_model
from huida.robots.models import KnowledgeChange, Robot

log = logging.getLogger("huida.knowledge")

SYNC_REBUILD_QUESTIONS = 20_000  # robots up to this size rebuild on the request path (fast enough)
MAX_INCREMENTAL_RULES = 200  # more changed rules than this: rebuild instead of upserting one by one
REFRESH_DELAY_SECONDS = 30.0  # after the last incremental change, retrain and recalibrate in the background
# ... but no later than this after the first change still waiting: a steady trickle of changes (a click
# learned every few seconds all day) would otherwise postpone the refresh for ever.
REFRESH_MAX_WAIT_SECONDS = 300.0


@lru_cache(maxsize=1)
def process_embedder() -> Embedder | None:
    """The optional dense model named by HUIDA_EMBEDDING_MODEL / HUIDA_EMBEDDING_URL, loaded once per process."""
    return embedder_from_env()


def _rule_view(rule: Rule) -> t.RuleView:
    answers = tuple(
        t.AnswerView(a.id, a.type, a.answer, a.content, tuple(a.strategies or ())) for a in rule.answers
    )
    standard = rule.questions[0].question if rule.questions else ""
    return t.RuleView(rule.rule_id, standard, answers, rule.status, rule.enable_time, rule.disable_time,
                      send_all=rule.answer_mode == "ALL")


def _item(rule: Rule) -> KnowledgeItem | None:
    """What the matcher indexes: enabled rules with questions (time windows are checked per ask)."""
    if rule.status != "ENABLE" or not rule.questions:
        return None
    return KnowledgeItem(rule.rule_id, tuple(q.question for q in rule.questions))


class GuardedMatcher:
    """The matcher with a lock: searches and in-place updates never overlap (the engine's indexes are
    not safe to read while they are being changed). Searches are a few milliseconds and CPU-bound, so
    serialising them per robot costs little under the GIL."""

    def __init__(self, matcher: Matcher) -> None:
        self.matcher = matcher
        self.lock = threading.Lock()

    def search(self, question: str, k: int) -> list[t.Candidate]:
        with self.lock:
            found = self.matcher.search(question, k)
        return [t.Candidate(c.rule_id, c.question, c.score, c.exact) for c in found]

    def explain(self, question: str, k: int) -> list[Explained]:
        with self.lock:
            return self.matcher.explain(question, k)

    def apply(self, upserts: Iterable[KnowledgeItem], removals: Iterable[str]) -> None:
        with self.lock:
            for rule_id in removals:
                self.matcher.remove(rule_id)
            for item in upserts:
                self.matcher.upsert(item)

    def calibrate(self, target: CalibrationTarget) -> Thresholds:
        with self.lock:
            return self.matcher.calibrate(target.precision, target.oos_share)

    def signals(self) -> tuple[Signal, ...]:
        with self.lock:
            return self.matcher.signals()


@dataclass(frozen=True)
class CalibrationTarget:
    """What a robot's thresholds are calibrated for (robot settings targetPrecision, outOfScopeShare)."""

    precision: float = 0.9
    oos_share: float = 0.7


@dataclass(frozen=True)
class RobotKnowledge:
    """Implements the policy's `Knowledge` protocol for one version of one robot."""

    robot_id: str
    version: int
    rules: dict[str, t.RuleView]
    matcher: GuardedMatcher
    thresholds: Thresholds
    target: CalibrationTarget
    questions: int  # indexed questions when built: decides whether a rebuild can run on the request path

    def rule(self, rule_id: str) -> t.RuleView | None:
        return self.rules.get(rule_id)

    def search(self, question: str, k: int) -> Sequence[t.Candidate]:
        return self.matcher.search(question, k)

    def explain(self, question: str, k: int) -> list[Explained]:
        """The candidates with each signal's own score (the hit test)."""
        return self.matcher.explain(question, k)


def build_knowledge(session: Session, robot_id: str, target: CalibrationTarget) -> RobotKnowledge:
    """Reads every rule and trains a new matcher (with what the robot has learned)."""
    # The version is read in the same snapshot as the rules, so the label always matches the content.
    version = session.scalar(select(Robot.knowledge_version).where(Robot.robot_id == robot_id)) or 0
    rules = session.scalars(select(Rule).where(Rule.robot_id == robot_id).order_by(Rule.pk)).all()
    items = [item for rule in rules if (item := _item(rule)) is not None]
    options = MatcherOptions(target_precision=target.precision, oos_share=target.oos_share,
                             embedder=process_embedder(), pairs=load_pair_model(session, robot_id))
    matcher = build_matcher(items, options)
    thresholds = matcher.thresholds
    pairs = learned_pairs(session, robot_id)
    if pairs:
        matcher.learn_pairs(pairs)
        thresholds = matcher.refresh(target.precision)
    views = {rule.rule_id: _rule_view(rule) for rule in rules}
    return RobotKnowledge(robot_id, version, views, GuardedMatcher(matcher), thresholds, target,
                          sum(len(i.questions) for i in items))


@dataclass(frozen=True)
class ChangePlan:
    version: int
    rule_ids: frozenset[str]
    rebuild: bool


def plan_changes(session: Session, robot_id: str, since: int) -> ChangePlan:
    """What changed after version `since`, from the change log."""
    version = session.scalar(select(Robot.knowledge_version).where(Robot.robot_id == robot_id)) or since
    rows = session.execute(select(KnowledgeChange.version, KnowledgeChange.scope, KnowledgeChange.rule_id)
                           .where(KnowledgeChange.robot_id == robot_id, KnowledgeChange.version > since,
                                  KnowledgeChange.version <= version)).all()
    complete = {v for v, _, _ in rows} == set(range(since + 1, version + 1))  # pruned or missing rows: rebuild
    rule_ids = frozenset(r for _, scope, r in rows if scope == "rule" and r)
    rebuild = not complete or any(scope == "all" for _, scope, _ in rows) or len(rule_ids) > MAX_INCREMENTAL_RULES
    return ChangePlan(version, rule_ids, rebuild)


def apply_changes(session: Session, current: RobotKnowledge, plan: ChangePlan) -> RobotKnowledge:
    """Re-reads the changed rules and updates the live matcher in place."""
    found = {rule.rule_id: rule for rule in session.scalars(
        select(Rule).where(Rule.robot_id == current.robot_id, Rule.rule_id.in_(plan.rule_ids)))} \
        if plan.rule_ids else {}
    rules = dict(current.rules)
    upserts, removals = [], []
    for rule_id in sorted(plan.rule_ids):
        rule = found.get(rule_id)
        if rule is None:
            rules.pop(rule_id, None)
        else:
            rules[rule_id] = _rule_view(rule)
        item = _item(rule) if rule is not None else None
        if item is None:
            removals.append(rule_id)
        else:
            upserts.append(item)
    current.matcher.apply(upserts, removals)
    return replace(current, version=plan.version, rules=rules)


def expected_view(thresholds: Thresholds) -> dict[str, float | None]:
    """What the calibrated thresholds are expected to give (hit test, evaluation)."""
    return {"precision": thresholds.expected_precision, "answerRate": thresholds.expected_answer_rate}


def signal_views(knowledge: RobotKnowledge) -> list[dict[str, Any]]:
    """Each signal of the robot's matcher: on or off, and why (settings, hit test, evaluation)."""
    return [{"name": s.name, "on": s.on, "reason": s.reason} for s in knowledge.matcher.signals()]


def _store_calibration(db: Database, snapshot: RobotKnowledge) -> None:
    """Shows the calibrated thresholds, what they are expected to give and which signals match with the
    robot's settings (derived values: no version bump)."""
    t = snapshot.thresholds
    calibration = {"expectedPrecision": t.expected_precision, "expectedAnswerRate": t.expected_answer_rate,
                   "signals": signal_views(snapshot)}
    with db.session() as session:
        session.execute(update(Robot).where(Robot.robot_id == snapshot.robot_id).values(
            calibrated_answer=t.answer, calibrated_recommend=t.recommend, calibration=calibration))


@dataclass
class KnowledgeCache:
    """Snapshots per robot for this process; one update at a time per robot."""

    db: Database
    _snapshots: dict[str, RobotKnowledge] = field(default_factory=dict)
    _locks: dict[str, threading.Lock] = field(default_factory=dict)
    _guard: threading.Lock = field(default_factory=threading.Lock)
    _pending: dict[str, threading.Timer] = field(default_factory=dict)
    _waiting_since: dict[str, float] = field(default_factory=dict)  # first change a pending refresh waits for
    _rebuilding: set[str] = field(default_factory=set)
    _background: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(max_workers=1, thread_name_prefix="knowledge"))

    def get(self, robot_id: str, version: int, target: CalibrationTarget) -> RobotKnowledge:
        current = self._snapshots.get(robot_id)
        if current is not None and current.version >= version and current.target == target:
            return current
        with self._lock(robot_id):
            current = self._snapshots.get(robot_id)
            if current is None:
                return self._publish(self._build(robot_id, target))
            if current.version < version:
                current = self._catch_up(current, target)
            if current.target != target:
                current = replace(current, thresholds=current.matcher.calibrate(target), target=target)
                _store_calibration(self.db, current)
            return self._publish(current)

    def _lock(self, robot_id: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(robot_id, threading.Lock())

    def _publish(self, snapshot: RobotKnowledge) -> RobotKnowledge:
        self._snapshots[snapshot.robot_id] = snapshot
        return snapshot

    def _build(self, robot_id: str, target: CalibrationTarget) -> RobotKnowledge:
        with self.db.read() as session:
            snapshot = build_knowledge(session, robot_id, target)
        _store_calibration(self.db, snapshot)
        return snapshot

    def _catch_up(self, current: RobotKnowledge, target: CalibrationTarget) -> RobotKnowledge:
        with self.db.read() as session:
            plan = plan_changes(session, current.robot_id, current.version)
            if not plan.rebuild:
                updated = apply_changes(session, current, plan)
                if plan.rule_ids:
                    self.schedule_refresh(current.robot_id)
                return updated
        if current.questions <= SYNC_REBUILD_QUESTIONS:
            return self._build(current.robot_id, target)
        self._rebuild_in_background(current.robot_id)
        return current  # a large robot keeps answering from what it knows until the rebuild lands

    def schedule_refresh(self, robot_id: str) -> None:
        """Retrain the robot's matcher in the background once changes have settled (debounced)."""
        with self._guard:
            now = time.monotonic()
            since = self._waiting_since.setdefault(robot_id, now)
            delay = max(0.0, min(REFRESH_DELAY_SECONDS, since + REFRESH_MAX_WAIT_SECONDS - now))
            timer = self._pending.pop(robot_id, None)
            if timer is not None:
                timer.cancel()
            timer = threading.Timer(delay, self._refresh_due, args=(robot_id,))
            timer.daemon = True
            self._pending[robot_id] = timer
            timer.start()

    def _refresh_due(self, robot_id: str) -> None:
        with self._guard:
            self._pending.pop(robot_id, None)
            self._waiting_since.pop(robot_id, None)
        self._rebuild_in_background(robot_id)

    def _rebuild_in_background(self, robot_id: str) -> None:
        with self._guard:
            if robot_id in self._rebuilding:
                return
            self._rebuilding.add(robot_id)
        self._background.submit(self._rebuild, robot_id)

    def _rebuild(self, robot_id: str) -> None:
        try:
            current = self._snapshots.get(robot_id)
            if current is None:
                return
            fresh = self._build(robot_id, current.target)
            with self._lock(robot_id):
                latest = self._snapshots.get(robot_id, fresh)
                if latest.version > fresh.version:  # changes landed meanwhile: replay them on the new one
                    with self.db.read() as session:
                        plan = plan_changes(session, robot_id, fresh.version)
                        fresh = fresh if plan.rebuild else apply_changes(session, fresh, plan)
                self._publish(fresh)
        except Exception:  # a failed background rebuild must not take the robot down; the next change retries
            log.exception("background rebuild of robot %s failed", robot_id)
        finally:
            with self._guard:
                self._rebuilding.discard(robot_id)

    def close(self) -> None:
        with self._guard:
            for timer in self._pending.values():
                timer.cancel()
            self._pending.clear()
        self._background.shutdown(wait=False, cancel_futures=True)
