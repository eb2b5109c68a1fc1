"""Helpers for the import/export tests: calls, error checks and a robot holding every answer type."""

from __future__ import annotations

import io
from typing import Any

import httpx
import openpyxl

from huida.materials.models import Media, NewsArticle
from tests.support.client import Api

CONTENT_TYPES = {"jsonl": "application/x-ndjson", "csv": "text/csv",
                 "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def rules_path(robot_id: str) -> str:
    return f"/knowledge/robots/{robot_id}/rules"


def import_file(api: Api, robot_id: str, data: bytes, fmt: str | None = None, mode: str | None = None,
                **kwargs: Any) -> httpx.Response:
    params = {k: v for k, v in (("format", fmt), ("mode", mode)) if v}
    if "files" not in kwargs:
        kwargs.setdefault("content", data)
    return api.post(f"{rules_path(robot_id)}/import", params=params, **kwargs)


def import_ok(api: Api, robot_id: str, data: bytes, fmt: str | None = None, mode: str | None = None) -> dict:
    response = import_file(api, robot_id, data, fmt, mode)
    assert response.status_code == 200, response.text
    return response.json()["entity"]


def export_file(api: Api, robot_id: str, fmt: str | None = None) -> bytes:
    response = api.get(f"{rules_path(robot_id)}/export", params={"format": fmt} if fmt else None)
    assert response.status_code == 200, response.text
    name = fmt or "jsonl"
    assert response.headers["content-type"].startswith(CONTENT_TYPES[name])
    assert response.headers["content-disposition"] == f'attachment; filename="rules-{robot_id}.{name}"'
    return response.content


def import_errors(response: httpx.Response) -> list[dict[str, Any]]:
    """Asserts an IMPORT_INVALID answer in the envelope; returns its bad rows."""
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["status"] == "FAIL" and body["errorCode"] == "IMPORT_INVALID", body
    assert "nothing was imported" in body["errorDescription"]
    errors = body["entity"]["errors"]
    assert errors and body["entity"]["errorCount"] == len(errors)
    assert all(set(e) == {"line", "id", "reason"} for e in errors)
    return errors


def by_line(errors: list[dict[str, Any]]) -> dict[int | None, str]:
    return {e["line"]: e["reason"] for e in errors}


def robot_state(api: Api, robot_id: str) -> tuple[int, int]:
    """(knowledge version, number of rules): what a failed import must leave untouched."""
    version = api.ok("GET", f"/robots/{robot_id}")["knowledgeVersion"]
    response = api.get(f"{rules_path(robot_id)}/search", params={"per_page": 1})
    return version, response.json()["totalElements"]


def sheet_values(data: bytes) -> list[tuple]:
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    try:
        return [tuple(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
    finally:
        workbook.close()


def xlsx_bytes(rows: list[list[Any]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def add_materials(api: Api) -> tuple[list[str], list[str]]:
    """Two media and two news articles of the api tenant, inserted directly (ids: media, articles)."""
    with api.server.ctx.db.session() as session:
        media = [Media(tenant_id=api.tenant_id, filename=f"p{i}.png", content_type="image/png", size=4, width=1,
                       height=1, data=b"\x89PNG", thumbnail=b"\x89PNG") for i in range(2)]
        articles = [NewsArticle(tenant_id=api.tenant_id, title=f"文章{i}", html="<p>正文</p>") for i in range(2)]
        session.add_all([*media, *articles])
        session.flush()
        return [m.id for m in media], [a.id for a in articles]


def rich_rules(media: list[str], articles: list[str]) -> list[dict[str, Any]]:
    """Rules exercising every answer type and field an export must carry, in creation order."""
    return [
        {"id": "simple", "questions": ["怎么退款", "如何退货退款"], "answer": "在订单详情页申请退款。",
         "category": "售后"},
        {"id": "pic", "questions": [{"question": "尺码表", "attributes": {"source": "运营"}}, "衣服尺码"],
         "answers": [{"type": "PIC", "content": {"mediaId": media[0]}}], "categories": ["商品", "售后"]},
        {"id": "news", "questions": ["最近有什么活动"],
         "answers": [{"type": "NEWS", "content": {"articleIds": articles, "showDirectly": True}}]},
        {"id": "human", "questions": ["转人工"], "answers": [{"type": "HUMAN", "content": {
            "transferPrompt": "正在为您转接人工", "enableTransferPrompt": False, "properties": {"skill": "售后"}}}]},
        {"id": "media", "questions": ["看视频", "听语音"], "answers": [
            {"type": "VIDEO", "content": {"url": "https://example.com/v.mp4"}},
            {"type": "AUDIO", "content": {"mediaId": media[1]}}]},
        {"id": "menu", "questions": ["帮助菜单"], "answers": [{"type": "MENU", "content": {
            "title": "请选择：", "transferToHuman": True,
            "items": [{"knowledgeId": "simple", "text": "退款"}, {"knowledgeId": "pic"}]}}]},
        {"id": "rich", "questions": ["=1+1", "第一行\n第二行", "  带空格的问题 "],
         "answers": [
             {"type": "TEXT", "answer": "工作日答案\r\n第二行\t_x0041_ 😀", "display": "展示文本",
              "strategies": [{"type": "TIME", "weekdays": [1, 2, 3, 4, 5], "start": "09:00", "end": "18:00"}]},
             {"type": "TEXT", "answer": "=SUM(A1:A2)",
              "strategies": [{"type": "CHANNEL", "originTypes": ["webim"]}]}],
         "status": "DISABLE", "enableTime": 1700000000000, "disableTime": 1800000000000,
         "strategyGroupId": "group-1", "topic": "主题", "answerMode": "ALL",
         "extInfo": {"来源": "导入", "n": [1, 2.5, None]},
         "categories": ["售后"]},
        {"id": "plain-default", "questions": ["你好"], "answer": "您好，请问有什么可以帮您？"},
        # Plain cells holding what XML parsers would change (CR), the control characters Huida keeps (tab; the
        # others are refused, huida/safetext.py), emoji and a literal "_x0041_".
        {"id": "control", "questions": ["标准\r问\t题", "相似问题😀"], "answer": "第一行\r\n第二行\t _x0041_ 👍"},
    ]


def rich_robot(api: Api) -> str:
    robot_id = api.new_robot("富知识")
    media, articles = add_materials(api)
    for rule in rich_rules(media, articles):
        api.ok("POST", rules_path(robot_id), json=rule)
    return robot_id
