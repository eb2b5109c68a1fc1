"""An import-linter contract type for pyproject.toml: a `forbidden` contract with the HTTP edges left out.

import-linter's own `forbidden` contract takes its source modules as a list and has no way to say "every
module but these". Huida's rule is the other way round: every module of `huida` is transport-neutral except the
HTTP edges (huida/api, app.py, the route, view and dependency modules), and a module added tomorrow must be
checked without anyone remembering to list it. So this contract takes `source_modules` (wildcards allowed) and
`edges` (module expressions; each also covers its submodules), and checks the forbidden imports from every
source module that is not an edge, exactly as `forbidden` does (same options, same report). Modules are taken
one by one (`as_packages` is off): `huida.feedback` the package does not stand for `huida.feedback.api`.

Registered in pyproject.toml under [tool.importlinter] `contract_types`; `lint-imports` finds it because it puts
the working directory on sys.path, so run it from the repository's root (tests/test_architecture.py does).
"""

from __future__ import annotations

from grimp import ImportGraph
from importlinter.contracts.forbidden import ForbiddenContract
from importlinter.domain import fields
from importlinter.domain.contract import ContractCheck, InvalidContractOptions
from importlinter.domain.helpers import module_expressions_to_modules
from importlinter.domain.imports import ModuleExpression


class ForbiddenOutsideEdgesContract(ForbiddenContract):
    type_name = "forbidden_outside_edges"

    edges = fields.SetField(subfield=fields.ModuleExpressionField())

    def validate(self) -> None:
        if self.as_packages:  # type: ignore[has-type]
            raise InvalidContractOptions({"as_packages": "must be false: an edge may sit inside a source package"})

    def check(self, graph: ImportGraph, verbose: bool) -> ContractCheck:
        sources = module_expressions_to_modules(graph, self.source_modules)  # type: ignore[has-type]
        # A named edge that no longer exists (renamed, moved) is an error, as a missing source module is; a pattern
        # (`huida.**.routes`) may match nothing.
        expressions: set[ModuleExpression] = self.edges  # type: ignore[has-type]
        named = [e for e in expressions if not e.has_wildcard_expression()]
        patterns = [e for e in expressions if e.has_wildcard_expression()]
        edges = (module_expressions_to_modules(graph, named, as_packages=True, raise_if_unmatched=True)
                 | module_expressions_to_modules(graph, patterns, as_packages=True))
        self.source_modules = {ModuleExpression(module.name) for module in sources - edges}
        return super().check(graph, verbose)
