"""Files for `file_ids`: upload (type told by the bytes, never by the client), storage, and preview URLs.

A preview URL is signed (HMAC of the path and its expiry with the server's secret), so a browser or a chat
client can open it without a token until `expired_at`; the same path with a Bearer token works too.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from huida.channels.aily.errors import FILE_NOT_FOUND, invalid, missing
from huida.channels.aily.ids import new_file_id
from huida.channels.aily.models import AilyFile
from huida.materials.upload import clean_filename
from huida.reading.stores import StoredFile

MAX_FILE_BYTES = 20 * 1024 * 1024
PREVIEW_TTL_SECONDS = 24 * 3600
TEXT_PROBE = 8192

OFFICE = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
          "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
          "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation"}
LEGACY_OFFICE = {"doc": "application/msword", "xls": "application/vnd.ms-excel", "ppt": "application/vnd.ms-powerpoint"}
TEXTS = {"csv": "text/csv", "md": "text/markdown", "json": "application/json"}


@dataclass(frozen=True)
class Sniffed:
    mime_type: str
    kind: str  # image | file | audio | video
    extension: str


def _ext(name: str | None) -> str:
    return name.rsplit(".", 1)[-1].lower() if name and "." in name else ""


def _media(data: bytes) -> Sniffed | None:
    head = data[:16]
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return Sniffed("image/png", "image", "png")
    if head.startswith(b"\xff\xd8\xff"):
        return Sniffed("image/jpeg", "image", "jpg")
    if head.startswith((b"GIF87a", b"GIF89a")):
        return Sniffed("image/gif", "image", "gif")
    if head[:4] == b"RIFF" and head[8:12] in (b"WEBP", b"WAVE"):
        return Sniffed("image/webp", "image", "webp") if head[8:12] == b"WEBP" else Sniffed("audio/wav", "audio", "wav")
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return Sniffed("audio/mpeg", "audio", "mp3")
    if head.startswith(b"OggS"):
        return Sniffed("audio/ogg", "audio", "ogg")
    if head.startswith(b"#!AMR"):
        return Sniffed("audio/amr", "audio", "amr")
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand == b"M4A ":
            return Sniffed("audio/mp4", "audio", "m4a")
        return Sniffed("video/quicktime", "video", "mov") if brand == b"qt  " else Sniffed("video/mp4", "video", "mp4")
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return Sniffed("video/webm", "video", "webm")
    return None


def _document(data: bytes, ext: str) -> Sniffed | None:
    if data.startswith(b"%PDF-"):
        return Sniffed("application/pdf", "file", "pdf")
    if data.startswith(b"PK\x03\x04"):
        return Sniffed(OFFICE[ext], "file", ext) if ext in OFFICE else Sniffed("application/zip", "file", "zip")
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1") and ext in LEGACY_OFFICE:
        return Sniffed(LEGACY_OFFICE[ext], "file", ext)
    probe = data[:TEXT_PROBE]
    if b"\x00" in probe:
        return None
    try:
        probe.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(probe) - 4:  # not just a character cut at the probe's end
            return None
    return Sniffed(TEXTS.get(ext, "text/plain"), "file", ext if ext in TEXTS else "txt")


def sniff(data: bytes, name: str | None) -> Sniffed:
    if not data:
        raise invalid("file", "the file is empty")
    found = _media(data) or _document(data, _ext(name))
    if found is None:
        raise invalid("file", "this type of file is not accepted; upload an image, a PDF, an Office document, "
                              "a text file, audio or video")
    return found


def store_file(session: Session, tenant_id: int, data: bytes, name: str | None, created_by: str) -> AilyFile:
    if len(data) > MAX_FILE_BYTES:
        raise invalid("file", f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
    kind = sniff(data, name)
    file_name = clean_filename(name, kind.extension) if name and name.strip() else f"file.{kind.extension}"
    row = AilyFile(id=new_file_id(), tenant_id=tenant_id, file_name=file_name, mime_type=kind.mime_type,
                   kind=kind.kind, size=len(data), data=data, created_by=created_by)
    session.add(row)
    session.flush()
    return row


def get_file(session: Session, tenant_id: int, file_id: str) -> AilyFile:
    row = session.scalar(select(AilyFile).where(AilyFile.id == file_id, AilyFile.tenant_id == tenant_id))
    if row is None:
        raise missing("file", file_id, FILE_NOT_FOUND)
    return row


def get_any_file(session: Session, file_id: str) -> AilyFile:
    """A file by id alone: for a signed URL, which proves the server handed that id out."""
    row = session.get(AilyFile, file_id)
    if row is None:
        raise missing("file", file_id, FILE_NOT_FOUND)
    return row


# --- signed URLs ----------------------------------------------------------------------------------

def _signature(secret: str, path: str, expires: int) -> str:
    return hmac.new(f"aily-preview:{secret}".encode(), f"{path}|{expires}".encode(), hashlib.sha256).hexdigest()[:40]


def signed_url(secret: str, base_url: str, path: str, *, now: float | None = None) -> dict[str, str]:
    """`{url, expired_at}` (seconds, as a string, like Feishu's preview_url)."""
    expires = int(now if now is not None else time.time()) + PREVIEW_TTL_SECONDS
    return {"url": f"{base_url}{path}?expires={expires}&signature={_signature(secret, path, expires)}",
            "expired_at": str(expires)}


def signature_valid(secret: str, path: str, expires: str | None, signature: str | None) -> bool:
    if not expires or not signature or not expires.isdigit() or int(expires) < time.time():
        return False
    return secrets.compare_digest(_signature(secret, path, int(expires)), signature)


def file_content_path(file_id: str) -> str:
    return f"/open-apis/aily/v1/files/{file_id}/content"


def media_content_path(media_id: str) -> str:
    return f"/open-apis/aily/v1/media/{media_id}/content"


def file_view(row: AilyFile, preview: dict[str, str]) -> dict[str, Any]:
    return {"id": row.id, "mime_type": row.mime_type, "file_name": row.file_name, "metadata": "{}",
            "created_at": str(row.created_at), "preview_url": preview}


def aily_file(session: Session, tenant_id: int, file_id: str) -> StoredFile | None:
    """The "aily" store of conversation reading (a `huida.file_stores` entry point): uploads of this API."""
    row = session.scalar(select(AilyFile).where(AilyFile.id == file_id, AilyFile.tenant_id == tenant_id))
    if row is None:
        return None
    return StoredFile(row.size, row.mime_type, row.file_name, lambda: row.data)
