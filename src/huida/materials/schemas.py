"""News article bodies as clients send them; the read shape is accepted back (derived fields ignored)."""

from __future__ import annotations

from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator

MAX_HTML = 500_000  # characters of article HTML


class ArticleIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    title: str = Field(min_length=1, max_length=500)
    digest: str | None = Field(None, max_length=2000)
    html: str | None = Field(None, max_length=MAX_HTML)
    content: str | None = Field(None, max_length=MAX_HTML)  # an alias of `html` some clients use
    url: str | None = Field(None, max_length=2000)  # the original article, if it lives elsewhere
    thumbMediaId: str | None = Field(None, max_length=64)
    picMediaId: str | None = Field(None, max_length=64)

    @field_validator("title")
    @classmethod
    def _title(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("title must not be blank")
        return value.strip()

    @field_validator("url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        parts = urlsplit(value.strip())
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError("url must be an absolute http(s) URL")
        return value.strip()

    @field_validator("thumbMediaId", "picMediaId")
    @classmethod
    def _media_id(cls, value: str | None) -> str | None:
        return value.strip() or None if value is not None else None

    @property
    def body_html(self) -> str:
        return self.html if self.html is not None else (self.content or "")
