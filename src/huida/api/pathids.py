"""The seed's bodies repeat the path's ids (`tenantId`, `robotId`): when a body sends them, they must agree."""

from __future__ import annotations

from huida.errors import bad_request


def check_body_ids(body: object | None, tenant_id: int, robot_id: str) -> None:
    """A 400 when the body's `tenantId` or `robotId`, if sent, differs from the path's."""
    tenant = getattr(body, "tenantId", None)
    if tenant is not None and tenant != tenant_id:
        raise bad_request("tenantId in the body does not match the path")
    robot = getattr(body, "robotId", None)
    if robot and robot != robot_id:
        raise bad_request("robotId in the body does not match the path")
