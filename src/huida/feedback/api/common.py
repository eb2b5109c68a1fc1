"""Shared bits of the feedback routes: paths, path ids and the fields every rating carries."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path
from pydantic import BaseModel, ConfigDict, Field

COMMENT = "/v10/tenants/{tenantId}/comment/robots/{robotId}"
PREDEFINED = "/v10/tenants/{tenantId}/predefined/robots/{robotId}"
KNOWLEDGE = "/v10/tenants/{tenantId}/knowledge/robots/{robotId}"
# Integer ids in paths, bounded so that an absurd number is a 400, not a database overflow.
RowId = Annotated[int, Path(ge=1, le=2**53)]


class RatingFields(BaseModel):
    """What a visitor's rating carries whatever is rated (a session, §2.1.3, or an answer, §2.2.2)."""

    model_config = ConfigDict(extra="ignore")
    sessionId: str = Field(min_length=1, max_length=64)
    comment: str | None = Field(None, max_length=2000)
    accessId: str | None = Field(None, max_length=200)
    appraiserName: str | None = Field(None, max_length=100)
    source: str | None = Field(None, max_length=64)
    robotId: str | None = Field(None, max_length=64)
    tenantId: int | None = Field(None, strict=True)
