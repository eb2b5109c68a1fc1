"""Shared bits of the feedback routes: paths and the body's copies of the path ids."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path

from huida.api.errors import bad_request

COMMENT = "/v10/tenants/{tenantId}/comment/robots/{robotId}"
PREDEFINED = "/v10/tenants/{tenantId}/predefined/robots/{robotId}"
KNOWLEDGE = "/v10/tenants/{tenantId}/knowledge/robots/{robotId}"
# Integer ids in paths, bounded so that an absurd number is a 400, not a database overflow.
RowId = Annotated[int, Path(ge=1, le=2**53)]


def check_path(body: Any, tenant_id: int, robot_id: str) -> None:
    """The seed's bodies repeat tenantId and robotId; when sent they must agree with the path."""
    if getattr(body, "tenantId", None) is not None and body.tenantId != tenant_id:
        raise bad_request("tenantId in the body does not match the path")
    if getattr(body, "robotId", None) and body.robotId != robot_id:
        raise bad_request("robotId in the body does not match the path")
