"""Migration 0005 indexes the messages stored before it, so search finds old conversations too."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import insert, select

from huida.auth.models import Tenant
from huida.conversation.models import ChatSession, Message
from huida.db import alembic_config, make_engine, migrate
from huida.reading.models import MessageTerm
from huida.robots.models import Robot


def test_upgrading_indexes_existing_messages(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    command.upgrade(alembic_config(engine), "0002_conversation")
    with engine.begin() as conn:  # Core inserts: what an older Huida wrote, without the index
        conn.execute(insert(Tenant), {"id": 1, "name": "老租户", "status": "Enable", "sso_allowed_origins": [],
                                      "created_at": 1})
        conn.execute(insert(Robot), {"robot_id": "r1", "tenant_id": 1, "name": "r", "type": "RobotApi",
                                     "status": "Enable", "profile": {}, "settings": {}, "knowledge_version": 1,
                                     "created_at": 1, "updated_at": 1})
        conn.execute(insert(ChatSession), {"id": "s1", "tenant_id": 1, "robot_id": "r1", "user_id": "u1",
                                           "visitor_key": "u1", "channel": "api", "chat_type": "p2p", "state": {},
                                           "handover": "bot", "question_count": 1, "created_at": 1,
                                           "last_active_at": 1})
        conn.execute(insert(Message), {"id": "m1", "session_id": "s1", "tenant_id": 1, "robot_id": "r1",
                                       "role": "visitor", "sender_id": "u1", "text": "我的信用卡还款日是哪天",
                                       "extra": {}, "created_at": 1})
    migrate(engine)
    with engine.connect() as conn:
        terms = set(conn.scalars(select(MessageTerm.term).where(MessageTerm.tenant_id == 1)))
    assert {"信用", "信用卡", "还款"} <= terms
    engine.dispose()
