"""Reading an uploaded file from a request: the raw body, or the multipart field `file`.

Sizes are enforced while reading, so an oversize upload is refused before it is held in memory. An HTTP edge
(route helpers shared by the materials and Aily upload routes); the file name is cleaned by
huida/materials/upload.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.message import Message

from fastapi import Request
from starlette.datastructures import UploadFile

from huida.errors import InvalidInput
from huida.materials.images import too_large

MULTIPART_OVERHEAD = 64 * 1024  # boundaries and part headers around the file


@dataclass(frozen=True)
class Upload:
    data: bytes
    filename: str | None


def _declared_length(request: Request) -> int | None:
    value = request.headers.get("content-length", "")
    return int(value) if value.isdigit() else None


def filename_from_disposition(header: str | None) -> str | None:
    """`filename` or RFC 2231 `filename*` of a Content-Disposition header."""
    if not header:
        return None
    message = Message()
    message["content-disposition"] = header
    name = message.get_filename()
    if not name:
        return None
    try:  # a raw UTF-8 name arrives decoded as latin-1 by the HTTP layer
        return name.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return name


async def _read_raw(request: Request, limit: int) -> bytes:
    declared = _declared_length(request)
    if declared is not None and declared > limit:
        raise too_large(limit)
    data = bytearray()
    async for chunk in request.stream():
        data += chunk
        if len(data) > limit:
            raise too_large(limit)
    return bytes(data)


async def _read_multipart(request: Request, limit: int) -> Upload:
    declared = _declared_length(request)
    if declared is not None and declared > limit + MULTIPART_OVERHEAD:
        raise too_large(limit)
    async with request.form(max_files=1, max_fields=20) as form:
        part = form.get("file")
        if not isinstance(part, UploadFile):
            raise InvalidInput("MISSING_FILE", "the multipart body has no file field named 'file'")
        data = await part.read(limit + 1)
        if len(data) > limit:
            raise too_large(limit)
        return Upload(data, part.filename)


async def read_upload(request: Request, limit: int, filename: str | None = None) -> Upload:
    """The uploaded bytes and the client's file name (`filename` query parameter first)."""
    content_type = request.headers.get("content-type", "").lower()
    if content_type.startswith("multipart/form-data"):
        upload = await _read_multipart(request, limit)
        return Upload(upload.data, filename or upload.filename)
    data = await _read_raw(request, limit)
    return Upload(data, filename or filename_from_disposition(request.headers.get("content-disposition")))
