"""The demo tenant, admin and robot created on the very first start of `huida serve`."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from huida.auth.models import Tenant
from huida.auth.service import create_tenant
from huida.context import AppContext
from huida.demo.faq import load_demo_knowledge
from huida.robots.service import create_robot
from huida.system import SystemValue

DEMO_USERNAME = "admin@huida.local"


@dataclass(frozen=True)
class DemoInfo:
    tenant_id: int
    robot_id: str
    username: str
    password: str | None  # None when the operator supplied it (HUIDA_ADMIN_PASSWORD): never echoed


def ensure_demo(ctx: AppContext) -> DemoInfo | None:
    """Creates the demo once per database; returns its login only the time it was created."""
    try:
        with ctx.db.session() as session:
            if session.get(SystemValue, "demo_seeded") or session.scalar(select(Tenant.id).limit(1)):
                return None
            # The marker row makes a second process starting at the same moment fail here, not duplicate.
            session.add(SystemValue(key="demo_seeded", value="1"))
            session.flush()
            created = create_tenant(session, "演示租户 Demo", DEMO_USERNAME, ctx.settings.admin_password)
            robot = create_robot(session, created.tenant.id, "小答 (演示机器人)",
                                 description="Huida 演示机器人：常见问题、图片、图文、菜单和转人工。")
            load_demo_knowledge(session, created.tenant.id, robot.robot_id)
            return DemoInfo(created.tenant.id, robot.robot_id, DEMO_USERNAME,
                            created.password if created.generated else None)
    except IntegrityError:
        return None
