"""bench/health.py end to end on a tiny generated KB (never the real data): suggest, merge, measure."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

from huida.engine.matcher import KnowledgeItem, build_matcher

BENCH = Path(__file__).resolve().parents[2] / "bench"
KB = {
    "para-a": ["信用卡年费是多少", "信用卡每年收多少年费"],
    "para-b": ["信用卡的年费多少钱", "办信用卡要交年费吗"],  # a paraphrase of para-a
    "single": ["营业时间是几点"],
    "ship": ["快递多久能到", "发货后几天到货"],
    "invoice": ["可以开发票吗", "发票怎么申请"],
}
QUERIES = [("信用卡年费多少", "para-a"), ("信用卡一年要交多少年费", "para-b"), ("快递几天能到", "ship"),
           ("发票如何申请", "invoice"), ("几点开门营业", "single"), ("今天天气怎么样", None)]


def _write_task(root: Path) -> None:
    task = root / "faq" / "tiny"
    task.mkdir(parents=True)
    task.joinpath("kb.jsonl").write_text("".join(
        json.dumps({"id": rule, "questions": qs, "answer": f"answer of {rule}"}, ensure_ascii=False) + "\n"
        for rule, qs in KB.items()), encoding="utf-8")
    task.joinpath("queries.jsonl").write_text("".join(
        json.dumps({"text": text, "expect": expect}, ensure_ascii=False) + "\n" for text, expect in QUERIES),
        encoding="utf-8")


def _threshold() -> float:
    """Between the paraphrases' cross score and every other cross score of the same matcher the bench builds."""
    matcher = build_matcher([KnowledgeItem(r, tuple(qs)) for r, qs in KB.items()])
    signal = noise = 0.0
    for rule, questions in KB.items():
        for question in questions:
            for c in matcher.search(question, 5):
                if c.rule_id == rule:
                    continue
                if {rule, c.rule_id} == {"para-a", "para-b"}:
                    signal = max(signal, c.score)
                else:
                    noise = max(noise, c.score)
    assert signal > noise, (signal, noise)
    return (signal + noise) / 2


def _bench(monkeypatch: pytest.MonkeyPatch, data: Path | None = None) -> ModuleType:
    monkeypatch.syspath_prepend(str(BENCH))
    spec = importlib.util.spec_from_file_location("bench_health_under_test", BENCH / "health.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)  # dataclasses look their module up while it loads
    spec.loader.exec_module(module)
    if data is not None:  # read the tiny task, not ../shared/data
        monkeypatch.setattr(sys.modules["_data"], "FAQ", data / "faq")
    return module


def test_the_bench_merges_the_suggested_pair_and_measures_both_ways(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    _write_task(tmp_path)
    bench = _bench(monkeypatch, tmp_path)
    result = bench.main(["--task", "tiny", "--threshold", f"{_threshold():.6f}"])
    assert result["groups"] == [["para-a", "para-b"]]
    assert [p.rule_ids for p in result["overlaps"].pairs] == [("para-a", "para-b")]
    before, grouped, original = result["rows"]
    assert (before.rules, grouped.rules, original.rules) == (5, 4, 4)
    assert before.questions == grouped.questions == 9
    assert before.report.n_in_scope == grouped.report.n_in_scope == 5 and before.report.n_out_of_scope == 1
    assert original.report.hit1 <= grouped.report.hit1  # group labels only ever add right answers
    out = capsys.readouterr().out
    assert "Knowledge health on tiny" in out and "after, original labels" in out and "para-a + para-b" in out


def test_merge_keeps_the_larger_rule_and_its_standard_question_first(monkeypatch: pytest.MonkeyPatch) -> None:
    bench = _bench(monkeypatch)
    items = [KnowledgeItem("a", ("甲",)), KnowledgeItem("b", ("乙", "乙二")), KnowledgeItem("c", ("丙",)),
             KnowledgeItem("d", ("丁",))]
    merged, target = bench.merge(items, [["a", "b", "d"]])
    assert [(i.rule_id, i.questions) for i in merged] == [("b", ("乙", "乙二", "甲", "丁")), ("c", ("丙",))]
    assert target == {"a": "b", "b": "b", "d": "b"}
