"""Migrations 0005 and 0009 index the messages stored before them, so search finds old conversations too."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import column, insert, select, table

from huida.conversation.models import ChatSession, Message
from huida.db import alembic_config, make_engine, migrate
from huida.reading.models import MessageTerm
from huida.robots.models import Robot

# The tenants table as 0001 made it (the model has columns added since, whose defaults an old schema lacks).
OLD_TENANTS = table("tenants", *(column(name) for name in ("id", "name", "status", "sso_allowed_origins",
                                                           "created_at")))


def _old_database(tmp_path: Path, revision: str, text: str):
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    command.upgrade(alembic_config(engine), revision)
    with engine.begin() as conn:  # Core inserts: what an older Huida wrote, without the index
        conn.execute(insert(OLD_TENANTS), {"id": 1, "name": "老租户", "status": "Enable", "sso_allowed_origins": "[]",
                                      "created_at": 1})
        conn.execute(insert(Robot), {"robot_id": "r1", "tenant_id": 1, "name": "r", "type": "RobotApi",
                                     "status": "Enable", "profile": {}, "settings": {}, "knowledge_version": 1,
                                     "created_at": 1, "updated_at": 1})
        conn.execute(insert(ChatSession), {"id": "s1", "tenant_id": 1, "robot_id": "r1", "user_id": "u1",
                                           "visitor_key": "u1", "channel": "api", "chat_type": "p2p", "state": {},
                                           "handover": "bot", "question_count": 1, "created_at": 1,
                                           "last_active_at": 1})
        conn.execute(insert(Message), {"id": "m1", "session_id": "s1", "tenant_id": 1, "robot_id": "r1",
                                       "role": "visitor", "sender_id": "u1", "text": text,
                                       "extra": {}, "created_at": 1})
    return engine


def test_upgrading_indexes_existing_messages(tmp_path: Path) -> None:
    engine = _old_database(tmp_path, "0002_conversation", "我的信用卡还款日是哪天")
    migrate(engine)
    with engine.connect() as conn:
        terms = set(conn.scalars(select(MessageTerm.term).where(MessageTerm.tenant_id == 1)))
    assert {"信用", "信用卡", "还款"} <= terms
    engine.dispose()


def test_upgrading_restems_english_terms(tmp_path: Path) -> None:
    engine = _old_database(tmp_path, "0008_merge", "Which policies apply once my money is transferred?")
    with engine.begin() as conn:  # the postings Huida 0.1's hand-written stemmer wrote for that message
        rows = [{"tenant_id": 1, "term": term, "seq": 1} for term in ("which", "policy", "transferr", "~s1")]
        conn.execute(insert(MessageTerm), rows)
    migrate(engine)
    with engine.connect() as conn:
        terms = set(conn.scalars(select(MessageTerm.term).where(MessageTerm.tenant_id == 1)))
    assert {"polici", "transfer", "money", "~s1"} <= terms
    assert not {"policy", "transferr"} & terms
    engine.dispose()
