"""Who calls the Aily-style API: `Authorization: Bearer <token>` with a tenant user's token (any robot of
the tenant, named by `robot_id`) or a robot's API key (that robot only). Telling who it is from a request is
HTTP and lives at the edge (huida/channels/aily/deps.py)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AilyCaller:
    tenant_id: int
    principal: str  # who created things: a user id, or "api_key:<id>"
    robot_id: str | None  # set for an API key: the only robot it may use
    biz_user_id: str | None  # the end user the client speaks for (X-Aily-BizUserID)

    def may_use(self, robot_id: str) -> bool:
        return self.robot_id is None or self.robot_id == robot_id
