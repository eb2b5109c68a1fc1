"""POST .../rules/import and GET .../rules/export (Huida's own endpoints, in the seed's style).

Listed in app.ROUTERS before the knowledge router, whose rules/{ruleId} would otherwise take
"export" for a rule id.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from huida.api.deps import Ctx
from huida.api.envelope import ok
from huida.api.responses import binary
from huida.auth.deps import Caller, Editor
from huida.context import AppContext
from huida.errors import bad_request
from huida.knowledge.importexport.formats import FORMATS, detect_format, format_named
from huida.knowledge.importexport.service import export_rules, import_rules
from huida.robots.service import get_robot

router = APIRouter(prefix="/v10/tenants/{tenantId}/knowledge/robots/{robotId}/rules", tags=["knowledge"])

FormatName = Annotated[str | None, Query(alias="format", max_length=20, description=f"one of {', '.join(FORMATS)}")]
_BINARY = {"type": "string", "format": "binary"}
IMPORT_BODY = {"requestBody": {"required": True, "content": {
    "application/octet-stream": {"schema": _BINARY},
    "multipart/form-data": {"schema": {"type": "object", "properties": {"file": _BINARY}, "required": ["file"]}},
}}}


EXPORT_DOC = binary(*sorted({f.media_type.split(";")[0] for f in FORMATS.values()}))


@dataclass(frozen=True)
class Upload:
    data: bytes
    filename: str | None
    content_type: str | None


async def read_upload(request: Request) -> Upload:
    """The file: the raw body, or the multipart field `file`."""
    content_type = request.headers.get("content-type", "")
    if not content_type.lower().startswith("multipart/form-data"):
        return Upload(await request.body(), None, content_type or None)
    form = await request.form(max_files=1, max_fields=20)
    try:
        item = form.get("file")
        if item is None:
            raise bad_request('a multipart upload needs the file in a field named "file"')
        if isinstance(item, str):
            return Upload(item.encode("utf-8"), None, None)
        return Upload(await item.read(), item.filename, item.content_type)
    finally:
        await form.close()


def _import(ctx: AppContext, tenant_id: int, robot_id: str, upload: Upload, format_name: str | None,
            mode: str) -> dict[str, Any]:
    with ctx.db.session() as session:
        get_robot(session, tenant_id, robot_id)
        fmt = detect_format(format_name, upload.filename, upload.content_type, upload.data)
        return import_rules(session, tenant_id, robot_id, upload.data, fmt, mode).entity()


@router.post("/import", openapi_extra=IMPORT_BODY)
async def rules_import(
    tenantId: int, robotId: str, request: Request, caller: Editor, ctx: Ctx, format_name: FormatName = None,
    mode: Annotated[Literal["append", "replace"], Query()] = "append",
) -> dict[str, Any]:
    """Imports a whole file or nothing: a bad file answers IMPORT_INVALID listing every bad row."""
    upload = await read_upload(request)
    # Parsing and writing 20,000 rules takes seconds: keep the event loop free meanwhile.
    return ok(await run_in_threadpool(_import, ctx, tenantId, robotId, upload, format_name, mode))


@router.get("/export", response_class=Response, responses=EXPORT_DOC)
def rules_export(tenantId: int, robotId: str, caller: Caller, ctx: Ctx, format_name: FormatName = None) -> Response:
    """Every rule of the robot as a file (jsonl by default) that imports back unchanged."""
    with ctx.db.read() as session:
        get_robot(session, tenantId, robotId)
        fmt = format_named(format_name or "jsonl")
        data = export_rules(session, robotId, fmt)
    disposition = f'attachment; filename="rules-{robotId}.{fmt.extension}"'
    return Response(data, media_type=fmt.media_type, headers={"Content-Disposition": disposition})
