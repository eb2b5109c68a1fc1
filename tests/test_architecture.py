"""The architecture contracts of pyproject.toml ([tool.importlinter]) hold, and can fail.

- edges: only the HTTP edges (huida/api, app.py, route, view and dependency modules) import fastapi, starlette
  or huida.api; everything else raises huida.errors and knows nothing of HTTP;
- pure-engine: huida.engine imports nothing of Huida but itself (nor a web framework or a database);
- acyclic: no import cycle between Huida's top-level packages, imports inside functions included.

The first test runs `lint-imports` as a developer would. The others feed the same contracts a small hand-made
import graph with one violation each, so a contract that silently checks nothing (an edge pattern that matches
every module, a source list that matches none) fails here.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import grimp
import pytest
from importlinter.api import read_configuration
from importlinter.contracts.acyclic_siblings import AcyclicSiblingsContract
from importlinter.contracts.forbidden import ForbiddenContract

from tests.support.contracts import ForbiddenOutsideEdgesContract

ROOT = Path(__file__).resolve().parent.parent
CONTRACT_TYPES = {"forbidden_outside_edges": ForbiddenOutsideEdgesContract, "forbidden": ForbiddenContract,
                  "acyclic_siblings": AcyclicSiblingsContract}


def test_the_contracts_hold() -> None:
    lint_imports = Path(sys.executable).parent / "lint-imports"
    run = subprocess.run([str(lint_imports), "--no-cache", "--no-logo"], cwd=ROOT, capture_output=True, text=True,
                         timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 broken" in run.stdout


def _contract(contract_id: str) -> Any:
    config = read_configuration(str(ROOT / "pyproject.toml"))
    options = next(c for c in config["contracts_options"] if c.get("id") == contract_id)
    options = {key: value for key, value in options.items() if key not in ("id", "name", "type")}
    options.pop("ignore_imports", None)  # they name modules of the real graph, absent from the small one
    kind = next(c["type"] for c in config["contracts_options"] if c.get("id") == contract_id)
    return CONTRACT_TYPES[kind](contract_id, config["session_options"], options)


def _graph(*imports: tuple[str, str]) -> grimp.ImportGraph:
    graph = grimp.ImportGraph()
    named_edges = {str(edge) for edge in _contract("edges").edges if "*" not in str(edge)}
    modules = named_edges | {"huida", "huida.engine", "huida.engine.text", "huida.api", "huida.api.errors", "huida.app",
               "huida.knowledge", "huida.knowledge.routes", "huida.knowledge.service", "huida.feedback",
               "huida.feedback.api", "huida.feedback.api.thumbs", "huida.feedback.thumbs", "huida.errors"}
    for module in sorted(modules):
        graph.add_module(module)
    for external in ("fastapi", "starlette", "sqlalchemy"):
        graph.add_module(external, is_squashed=True)
    for importer, imported in imports:
        graph.add_import(importer=importer, imported=imported, line_number=1, line_contents=f"import {imported}")
    return graph


# Imports every contract allows: edges use the web and huida.api, services use huida.errors.
ALLOWED = (("huida.knowledge.routes", "fastapi"), ("huida.knowledge.routes", "huida.api.errors"),
           ("huida.feedback.api.thumbs", "huida.api.errors"), ("huida.feedback.api.thumbs", "starlette"),
           ("huida.app", "huida.api.errors"), ("huida.knowledge.routes", "huida.knowledge.service"),
           ("huida.knowledge.service", "huida.errors"), ("huida.api.errors", "huida.errors"),
           ("huida.feedback.api.thumbs", "huida.feedback.thumbs"), ("huida.engine", "huida.engine.text"))


@pytest.mark.parametrize("contract_id", ["edges", "pure-engine", "acyclic"])
def test_a_graph_that_keeps_the_rules_passes(contract_id: str) -> None:
    assert _contract(contract_id).check(_graph(*ALLOWED), verbose=False).kept


@pytest.mark.parametrize(("contract_id", "bad"), [
    ("edges", ("huida.knowledge.service", "huida.api.errors")),  # a service that knows HTTP statuses
    ("edges", ("huida.feedback.thumbs", "fastapi")),  # beside the route package, not in it
    ("edges", ("huida.feedback", "starlette")),  # a package's own __init__ is not its route subpackage
    ("pure-engine", ("huida.engine.text", "huida.knowledge.service")),
    ("pure-engine", ("huida.engine.text", "sqlalchemy")),
    ("acyclic", ("huida.knowledge.service", "huida.feedback.thumbs")),  # feedback already imports knowledge
])
def test_one_bad_import_breaks_the_contract(contract_id: str, bad: tuple[str, str]) -> None:
    graph = _graph(*ALLOWED, ("huida.feedback.thumbs", "huida.knowledge.service"), bad)
    assert not _contract(contract_id).check(graph, verbose=False).kept
