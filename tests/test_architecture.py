"""The import graph matches the design: kernel ← catalog ← search ← archive ← ingest, retention.

Every import of every module counts (inside functions too), so the order
cannot be dodged by a late import; module-level imports must form no cycle and
stand at the top of their file.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Rank of each package: a module may import packages of a lower rank, and its own.
RANK = {"kernel": 0, "catalog": 1, "search": 2, "archive": 3, "ingest": 4, "retention": 4}
PACKAGES = tuple(RANK) + ("config",)


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


MODULES = _modules()


def _is_package(name: str) -> bool:
    return MODULES.get(name, Path()).name == "__init__.py"


def _imports(name: str, tree: ast.Module, *, top_level_only: bool):
    """Yield (line, imported module) for each import of project modules in ``tree``."""
    nodes = tree.body if top_level_only else ast.walk(tree)
    base = name if _is_package(name) else name.rpartition(".")[0]
    for node in nodes:
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                anchor = base.split(".")
                anchor = anchor[:len(anchor) - (node.level - 1)]
                module = ".".join(anchor + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            for alias in node.names:
                # "from package import module" imports the module itself.
                child = f"{module}.{alias.name}"
                yield node.lineno, child if child in MODULES else module


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def test_every_import_points_down_the_order():
    wrong = []
    for name, path in MODULES.items():
        source = name.split(".")[0]
        if source == "config":
            continue  # the project's settings and URLs sit above every app
        for line, target in _imports(name, _tree(path), top_level_only=False):
            target_package = target.split(".")[0]
            if target_package not in PACKAGES or target_package == source:
                continue
            if target_package == "config" or RANK[target_package] >= RANK[source]:
                wrong.append(f"{path.relative_to(ROOT)}:{line} imports {target}")
    assert not wrong, "imports against kernel ← catalog ← search ← archive ← ingest, retention:\n" \
        + "\n".join(wrong)


def _graph() -> dict[str, set[str]]:
    graph = {}
    for name, path in MODULES.items():
        graph[name] = {target for _, target in _imports(name, _tree(path), top_level_only=True)
                       if target in MODULES and target != name}
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Return the strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                item = stack.pop()
                on_stack.discard(item)
                component.append(item)
                if item == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_module_level_imports_form_no_cycle():
    assert _cycles(_graph()) == []


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_imports_stand_at_the_top_of_each_module():
    late = []
    for name, path in MODULES.items():
        seen_code = False
        for node in _tree(path).body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                seen_code = True
            elif isinstance(node, (ast.Import, ast.ImportFrom)) and seen_code:
                late.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not late, "imports below code: " + ", ".join(late)


def test_application_code_writes_audit_events_through_audit_log():
    # The chain's primitive skips the vocabulary; only the audit module itself may call it.
    callers = [str(path.relative_to(ROOT)) for name, path in MODULES.items()
               if name != "archive.audit" and "audit_event_record" in path.read_text("utf-8")]
    assert callers == []


def test_every_transactional_test_restores_the_migrated_data():
    # A transactional test without serialized_rollback flushes the roles and the audit
    # chain's head that migrations made, and every later test that needs them fails.
    offenders = []
    for path in Path(__file__).parent.rglob("test_*.py"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if re.search(r"django_db\(.*transaction=True", line) and "serialized_rollback=True" \
                    not in line:
                offenders.append(f"{path.name}: {line.strip()}")
    assert offenders == []
