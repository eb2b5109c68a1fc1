"""Training a robot from labelled pairs (`huida train --pairs FILE`)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from huida.engine.matcher import read_labelled_pairs
from huida.engine.matcher.pairs import PairLearning
from huida.errors import InvalidInput
from huida.learning.service import save_pair_model
from huida.robots.service import bump_knowledge_version


def train_pairs(session: Session, robot_id: str, path: Path) -> int:
    """Learns term associations and a pair model from `q1 \\t q2 \\t label` lines and stores them for the
    robot; every process rebuilds its matcher with them. Returns the number of pairs learned from."""
    try:
        pairs = list(read_labelled_pairs(path))
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise InvalidInput("INVALID_PAIRS", f"cannot read labelled pairs from {path}: {exc}") from exc
    if not pairs:
        raise InvalidInput("INVALID_PAIRS", f"no labelled pairs in {path}")
    learned = PairLearning.learn(pairs)
    save_pair_model(session, robot_id, learned, f"{len(pairs)} labelled pairs from {path.name}")
    bump_knowledge_version(session, robot_id, None)
    return len(pairs)
