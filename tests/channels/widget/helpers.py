"""A widget visitor talking to the widget API over HTTP, as widget.js does."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx

from huida.demo.faq import load_demo_knowledge
from tests.support.client import Api

ORIGIN = "https://shop.example"
BASE = "/widget/v1"


def demo_robot(api: Api) -> str:
    """A robot of the api's tenant with the demo shop's knowledge (text, image, article, menus, transfer)."""
    robot = api.new_robot("小答")
    with api.server.ctx.db.session() as session:
        load_demo_knowledge(session, api.tenant_id, robot)
    return robot


def new_key(api: Api, robot: str, origins: list[str] | None = None, **fields: Any) -> dict[str, Any]:
    return api.ok("POST", f"/robots/{robot}/widget-keys", json={"allowedOrigins": origins or [ORIGIN], **fields})


@dataclass
class Visitor:
    http: httpx.Client
    key: str
    origin: str | None = ORIGIN
    visitor_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    token: str | None = None

    def headers(self, **extra: str) -> dict[str, str]:
        headers = {"X-Huida-Widget-Key": self.key, **extra}
        if self.origin:
            headers["Origin"] = self.origin
        if self.token:
            headers["X-Huida-Visitor-Token"] = self.token
        return headers

    def call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = {**self.headers(), **kwargs.pop("headers", {})}
        return self.http.request(method, BASE + path, headers=headers, **kwargs)

    def ok(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.call(method, path, **kwargs)
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["status"] == "OK", body
        return body["entity"]

    def start(self) -> Visitor:
        self.token = self.ok("POST", "/visitors", json={"visitorId": self.visitor_id})["token"]
        return self

    def ask(self, question: str) -> dict[str, Any]:
        return self.ok("POST", "/ask", json={"question": question})

    def click(self, knowledge_id: str) -> dict[str, Any]:
        return self.ok("POST", "/ask", json={"type": "MENU_CLICK", "knowledgeId": knowledge_id})


def visitor(api: Api, key: str, **fields: Any) -> Visitor:
    http = httpx.Client(base_url=api.server.base_url, timeout=30)
    return Visitor(http, key, **fields)
