"""POST .../rules/import and GET .../rules/export: lossless round trips, input shapes, modes, isolation."""

from __future__ import annotations

import json
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

import httpx
import pytest
from sqlalchemy import update

from huida.auth.security import issue_token
from huida.auth.service import create_user
from huida.knowledge.models import Rule
from huida.timefmt import DISPLAY_ZONE
from tests.knowledge.io_helpers import (
    export_file,
    import_file,
    import_ok,
    rich_robot,
    robot_state,
    rules_path,
    sheet_values,
    xlsx_bytes,
)
from tests.support.client import Api, expect_error

FORMATS = ["jsonl", "csv", "xlsx"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_round_trip_is_lossless_for_every_answer_type(api: Api, fmt: str) -> None:
    source = rich_robot(api)
    first = export_file(api, source, fmt)
    copy = api.new_robot("副本")
    entity = import_ok(api, copy, first, fmt)
    assert entity["imported"] == entity["total"] == 9 and entity["replaced"] == entity["deleted"] == 0
    assert entity["knowledgeVersion"] == robot_state(api, copy)[0]
    again = export_file(api, copy, fmt)
    if fmt == "xlsx":
        assert sheet_values(again) == sheet_values(first)
    else:
        assert again == first
    # Whatever the format, the copy holds exactly the rules of the source.
    assert export_file(api, copy, "jsonl") == export_file(api, source, "jsonl")


def test_jsonl_export_is_the_canonical_rule_record(api: Api) -> None:
    source = rich_robot(api)
    records = [json.loads(line) for line in export_file(api, source).decode().splitlines()]
    assert [r["id"] for r in records] == ["simple", "pic", "news", "human", "media", "menu", "rich", "plain-default",
                                          "control"]
    simple, pic, rich, control = records[0], records[1], records[6], records[8]
    assert simple == {"id": "simple", "questions": ["怎么退款", "如何退货退款"],
                      "answers": [{"type": "TEXT", "answer": "在订单详情页申请退款。"}], "categories": ["售后"],
                      "status": "ENABLE", "enableTime": 0, "disableTime": 4102444800000, "strategyGroupId": None,
                      "topic": None, "extInfo": {}, "answerMode": "ONE"}
    assert pic["questions"][0] == {"question": "尺码表", "attributes": {"source": "运营"}}
    assert pic["categories"] == ["商品", "售后"]
    assert records[7]["categories"] == ["默认分类"]
    assert control["questions"] == ["标准\r问\t题", "相似问题😀"]
    assert rich["status"] == "DISABLE" and rich["topic"] == "主题" and rich["extInfo"]["来源"] == "导入"
    assert rich["answerMode"] == "ALL"
    assert rich["answers"][0]["strategies"][0]["type"] == "TIME" and rich["answers"][0]["display"] == "展示文本"
    volatile = ("createTime", "updateTime", "hitCount", "robotId", "questionsIdArray")
    assert not any(key in record for record in records for key in volatile)


def test_csv_layout_one_row_per_rule(api: Api) -> None:
    text = export_file(api, rich_robot(api), "csv").decode("utf-8")
    assert text.startswith("\ufeffid,standardQuestion,similarQuestions,answer,answersJson,categories,status,")
    assert 'simple,怎么退款,如何退货退款,在订单详情页申请退款。,,售后,ENABLE,' in text
    assert '"商品\n售后"' in text  # several categories: one cell, one per line


def test_simple_faq_lines_create_categories_by_name(api: Api) -> None:
    robot = api.new_robot()
    lines = [{"id": "r0", "questions": ["花呗怎么还款", "花呗还款方式"], "answer": "answer of r0", "category": "faq"},
             {"id": "r1", "questions": ["借呗额度"], "answer": "answer of r1", "category": "faq"},
             {"questions": ["没有编号的规则"], "answer": "会生成一个编号"}]
    data = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines).encode()
    entity = import_ok(api, robot, data)
    assert entity["imported"] == 3 and entity["total"] == 3
    categories = {c["name"]: c["id"] for c in api.ok("GET", f"/knowledge/robots/{robot}/categories")}
    rule = api.ok("GET", f"{rules_path(robot)}/r0")
    assert rule["questionsArray"] == ["花呗怎么还款", "花呗还款方式"] and rule["answersArray"] == ["answer of r0"]
    assert rule["categoryIds"] == [categories["faq"]]
    found = api.get(f"{rules_path(robot)}/search", params={"q": "没有编号"}).json()
    assert found["totalElements"] == 1 and len(found["entity"][0]["id"]) == 36


def test_the_seed_read_shape_imports_as_it_is(api: Api) -> None:
    source = api.new_robot()
    api.new_rule(source, ["你好", "您好"], "不好")
    entity_shape = api.get(f"{rules_path(source)}/search").json()["entity"]  # the §3.1 shape, ids and all
    robot = api.new_robot()
    data = "\n".join(json.dumps(rule, ensure_ascii=False) for rule in entity_shape).encode()
    import_ok(api, robot, data, "jsonl")
    assert export_file(api, robot) == export_file(api, source)


def test_menus_may_point_at_rules_later_in_the_file(api: Api) -> None:
    robot = api.new_robot()
    lines = [{"id": "menu", "questions": ["菜单"], "answers": [{"type": "MENU", "content": {
                 "title": "选一个", "items": [{"knowledgeId": "a"}, {"knowledgeId": "b"}]}}]},
             {"id": "a", "questions": ["甲"], "answer": "甲的答案"}, {"id": "b", "questions": ["乙"], "answer": "乙"}]
    import_ok(api, robot, "\n".join(json.dumps(line, ensure_ascii=False) for line in lines).encode())
    menu = api.ok("GET", f"{rules_path(robot)}/menu")
    assert [i["knowledgeId"] for i in menu["answers"][0]["content"]["items"]] == ["a", "b"]


def test_multipart_upload_and_format_inference(api: Api) -> None:
    robot = api.new_robot()
    csv_data = "id,标准问题,答案\nm1,多部分上传,可以\n".encode()
    response = import_file(api, robot, b"", files={"file": ("rules.csv", csv_data, "application/octet-stream")})
    assert response.status_code == 200, response.text
    xlsx_data = xlsx_bytes([["标准问题", "答案"], ["表格上传", "也可以"]])
    response = import_file(api, robot, b"", files={"file": ("规则.xlsx", xlsx_data, "application/octet-stream")})
    assert response.status_code == 200, response.text
    raw_jsonl = json.dumps({"id": "raw", "questions": ["原始内容"], "answer": "嗅探出 JSONL"}).encode()
    assert import_file(api, robot, raw_jsonl).status_code == 200  # no format, no name: sniffed
    raw_csv = "标准问题,答案\n按类型识别,CSV\n".encode()
    assert import_file(api, robot, raw_csv, headers={"content-type": "text/csv"}).status_code == 200
    assert robot_state(api, robot)[1] == 4
    response = import_file(api, robot, b"", files={"upload": ("rules.csv", csv_data, "text/csv")})
    expect_error(response, 400, "INVALID_PARAMETER")


def test_append_replaces_same_ids_and_keeps_hit_statistics(api: Api) -> None:
    robot = api.new_robot()
    for rule_id in ("a", "b"):
        api.new_rule(robot, [f"问题{rule_id}"], f"答案{rule_id}", id=rule_id)
    with api.server.ctx.db.session() as session:
        session.execute(update(Rule).where(Rule.robot_id == robot, Rule.rule_id == "b").values(hit_count=7))
    version = robot_state(api, robot)[0]
    data = "id,standardQuestion,answer\nb,新问题b,新答案b\nc,问题c,答案c\n".encode()
    entity = import_ok(api, robot, data, "csv", "append")
    assert (entity["imported"], entity["replaced"], entity["deleted"], entity["total"]) == (2, 1, 0, 3)
    assert entity["knowledgeVersion"] == version + 1
    b = api.ok("GET", f"{rules_path(robot)}/b")
    assert b["questionsArray"] == ["新问题b"] and b["answersArray"] == ["新答案b"] and b["hitCount"] == 7
    assert api.ok("GET", f"{rules_path(robot)}/a")["answersArray"] == ["答案a"]


def test_concurrent_imports_of_the_same_new_ids_take_turns(api: Api) -> None:
    robot = api.new_robot()
    data = "".join(json.dumps({"id": f"c{i}", "questions": [f"并发问题{i}"], "answer": "答案"}) + "\n"
                   for i in range(300)).encode()
    with ThreadPoolExecutor(max_workers=3) as pool:
        responses = list(pool.map(lambda _: import_file(api, robot, data, "jsonl"), range(3)))
    assert [r.status_code for r in responses] == [200, 200, 200], [r.text[:200] for r in responses]
    assert sorted(r.json()["entity"]["replaced"] for r in responses) == [0, 300, 300]
    assert robot_state(api, robot)[1] == 300


def test_replace_deletes_the_rules_missing_from_the_file(api: Api) -> None:
    robot = api.new_robot()
    for rule_id in ("a", "b", "c"):
        api.new_rule(robot, [f"问题{rule_id}"], f"答案{rule_id}", id=rule_id)
    data = "id,standardQuestion,answer\nc,问题c,新答案c\nd,问题d,答案d\n".encode()
    entity = import_ok(api, robot, data, "csv", "replace")
    assert (entity["imported"], entity["replaced"], entity["deleted"], entity["total"]) == (2, 1, 2, 2)
    expect_error(api.get(f"{rules_path(robot)}/a"), 404)
    assert api.ok("GET", f"{rules_path(robot)}/c")["answersArray"] == ["新答案c"]


def test_chinese_headers_bom_gb18030_and_tabs(api: Api) -> None:
    robot = api.new_robot()
    text = "编号,标准问题,相似问题,答案,分类,状态\nz1,怎么开发票,\"发票\n开票\",在订单页申请,财务,启用\n"
    import_ok(api, robot, ("\ufeff" + text).encode("utf-8"), "csv")
    import_ok(api, robot, text.replace("z1", "z2").replace("怎么开发票", "如何开发票").encode("gb18030"), "csv")
    tsv = "标准问题\t答案\n制表符分隔\t可以\n"
    import_ok(api, robot, tsv.encode(), "csv")
    z1 = api.ok("GET", f"{rules_path(robot)}/z1")
    assert z1["questionsArray"] == ["怎么开发票", "发票", "开票"] and z1["status"] == "ENABLE"
    assert api.ok("GET", f"{rules_path(robot)}/z2")["questionsArray"][0] == "如何开发票"
    assert robot_state(api, robot)[1] == 3


def test_times_as_milliseconds_or_date_times(api: Api) -> None:
    robot = api.new_robot()
    csv_text = "id,标准问题,答案,生效时间,失效时间\nt1,限时活动,活动答案,2024-06-01 09:00:00,1.8E+12\n"
    import_ok(api, robot, csv_text.encode(), "csv")
    sheet = xlsx_bytes([["id", "标准问题", "答案", "生效时间"], ["t2", "表格时间", "答案", datetime(2024, 6, 1, 9, 0)]])
    import_ok(api, robot, sheet, "xlsx")
    nine = int(datetime(2024, 6, 1, 9, 0, tzinfo=DISPLAY_ZONE).timestamp() * 1000)
    t1, t2 = (api.ok("GET", f"{rules_path(robot)}/{rule_id}") for rule_id in ("t1", "t2"))
    assert (t1["enableTime"], t1["disableTime"], t2["enableTime"]) == (nine, 1_800_000_000_000, nine)


def test_export_of_an_empty_robot_and_unknown_formats(api: Api) -> None:
    robot = api.new_robot()
    assert export_file(api, robot) == b""
    assert export_file(api, robot, "csv").decode("utf-8-sig").strip().startswith("id,standardQuestion")
    assert sheet_values(export_file(api, robot, "xlsx"))[0][0] == "id"
    expect_error(api.get(f"{rules_path(robot)}/export", params={"format": "pdf"}), 400, "UNSUPPORTED_FORMAT")


def test_isolation_and_admin_only(api: Api, other_api: Api) -> None:
    theirs = other_api.new_robot()
    data = b'{"questions": ["q"], "answer": "a"}\n'
    expect_error(import_file(api, theirs, data), 404, "ROBOT_NOT_FOUND")
    expect_error(api.get(f"{rules_path(theirs)}/export"), 404, "ROBOT_NOT_FOUND")
    mine = api.new_robot()
    foreign = f"/v10/tenants/{other_api.tenant_id}/knowledge/robots/{theirs}/rules"
    expect_error(api.http.post(f"{foreign}/import", content=data), 403, "FORBIDDEN")
    expect_error(api.http.get(f"{foreign}/export"), 403, "FORBIDDEN")
    expect_error(api.http.post(f"/v10/tenants/{api.tenant_id}{rules_path(mine)}/import", content=data,
                               headers={"token": ""}), 401)
    assert robot_state(other_api, theirs)[1] == 0


def test_agents_export_but_do_not_import(api: Api) -> None:
    robot = api.new_robot()
    api.new_rule(robot, ["问题"], "答案")
    username = f"agent-{uuid.uuid4().hex[:8]}@example.com"
    with api.server.ctx.db.session() as session:
        user_id = create_user(session, api.tenant_id, username, "agent password 1", role="agent").id
    token, _ = issue_token(api.server.ctx.secret_key, tenant_id=api.tenant_id, user_id=user_id, username=username,
                           role="agent", ttl_seconds=3600)
    base = f"{api.server.base_url}/v10/tenants/{api.tenant_id}{rules_path(robot)}"
    with httpx.Client(headers={"token": token}, timeout=30) as agent:
        assert agent.get(f"{base}/export").status_code == 200
        expect_error(agent.post(f"{base}/import", content=b'{"questions": ["x"], "answer": "y"}'), 403,
                     "EDITOR_REQUIRED")
    assert robot_state(api, robot)[1] == 1
