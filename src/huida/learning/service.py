"""Recording what robots learn, and reading it back when a matcher is built."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from huida.engine.matcher.pairs import PairLearning
from huida.learning.models import LearnedPair, RobotModel

PAIR_MODEL = "pair-model"
MAX_QUESTION = 500
PAIRS_USED = 50_000  # the most recent pairs a matcher learns from
# ... and at most this many per rule: a popular rule's clicks cannot crowd out the others, and a robot's
# matcher (each learned phrasing costs it ~3 KB) stays bounded by its number of rules, not by its traffic.
PAIRS_PER_RULE = 200


def record_pair(session: Session, robot_id: str, question: str, rule_id: str, source: str) -> bool:
    """Keeps (question, rule) as evidence, once; in the caller's transaction. False when nothing was kept."""
    question = question.strip()
    if not question or len(question) > MAX_QUESTION:
        return False
    exists = session.scalar(select(LearnedPair.id).where(
        LearnedPair.robot_id == robot_id, LearnedPair.rule_id == rule_id, LearnedPair.question == question))
    if exists:
        return False
    session.add(LearnedPair(robot_id=robot_id, question=question, rule_id=rule_id, source=source))
    return True


def learned_pairs(session: Session, robot_id: str, per_rule: int = PAIRS_PER_RULE,
                  limit: int = PAIRS_USED) -> list[tuple[str, str]]:
    """The pairs a matcher learns from, oldest first: the newest `per_rule` of each rule, `limit` in all."""
    rank = func.row_number().over(partition_by=LearnedPair.rule_id, order_by=LearnedPair.id.desc()).label("rank")
    recent = (select(LearnedPair.id, LearnedPair.question, LearnedPair.rule_id, rank)
              .where(LearnedPair.robot_id == robot_id).subquery())
    rows = session.execute(select(recent.c.question, recent.c.rule_id).where(recent.c.rank <= per_rule)
                           .order_by(recent.c.id.desc()).limit(limit)).all()
    return [(question, rule_id) for question, rule_id in reversed(rows)]


def save_pair_model(session: Session, robot_id: str, learned: PairLearning, info: str) -> int:
    """Stores a model learned from labelled pairs for the robot (replacing the previous one)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "pairs.npz"
        learned.save(path)
        data = path.read_bytes()
    current = session.get(RobotModel, (robot_id, PAIR_MODEL))
    if current is None:
        session.add(RobotModel(robot_id=robot_id, kind=PAIR_MODEL, data=data, info=info))
    else:
        current.data, current.info = data, info
    return len(data)


def load_pair_model(session: Session, robot_id: str) -> PairLearning | None:
    data = session.scalar(select(RobotModel.data).where(RobotModel.robot_id == robot_id,
                                                        RobotModel.kind == PAIR_MODEL))
    return PairLearning.load(io.BytesIO(data)) if data else None  # type: ignore[arg-type]
