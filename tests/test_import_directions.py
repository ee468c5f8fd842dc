"""The package's imports go one way: cli -> services -> store, pure modules and core.

Every import counts, including the ones inside functions (which the lazy start-up of
the CLI relies on, and which would otherwise hide a cycle). docs/architecture.md
explains the layers these rules keep.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import ROOT

PACKAGE = ROOT / "oms_cli"

#: Pure algorithm and parsing modules: plain data in, plain data out. They must not reach
#: database code, directly or through another oms module (a package name stands for
#: every module in it).
PURE = (
    "oms_cli.importers",
    "oms_cli.carriers",
    "oms_cli.orders.lifecycle",
    "oms_cli.release.decision",
    "oms_cli.release.priority",
    "oms_cli.release.schedule",
    "oms_cli.release.thank_you",
    "oms_cli.warehouse",
    "oms_cli.picking.routing",
    "oms_cli.picking.batching",
    "oms_cli.picking.scanning",
    "oms_cli.packing.engine",
    "oms_cli.packing.box_filling",
    "oms_cli.packing.exact_fit",
    "oms_cli.packing.exact_box",
    "oms_cli.rates.cards",
    "oms_cli.rates.quote",
    "oms_cli.packing.layers",
    "oms_cli.packing.dimweight",
    "oms_cli.packing.verify",
    "oms_cli.metrics.stats",
    "oms_cli.metrics.periods",
    "oms_cli.returns.plan",
    "oms_cli.payments.parsers",
    "oms_cli.payments.amounts",
    "oms_cli.documents.gs1",
    "oms_cli.documents.zpl",
    "oms_cli.documents.label_layout",
    "oms_cli.channels.base",
    "oms_cli.channels.http",
    "oms_cli.channels.client",
    "oms_cli.channels.shopify",
    "oms_cli.channels.woocommerce",
)

#: what "database code" is: the ORM, the SQL toolkit, migrations and our store
DATABASE = ("sqlalchemy", "sqlmodel", "alembic", "oms_cli.store")
#: terminal libraries, for cli/ only
TERMINAL = ("typer", "rich", "click")
#: modules outside the layering: the package's own __init__ and the entry point
ENTRY = ("oms_cli", "oms_cli.__main__")


@dataclass(frozen=True)
class Import:
    """One import statement's target, where it is written."""

    importer: str
    target: str
    file: Path
    line: int
    in_function: bool

    def where(self) -> str:
        inside = " (inside a function)" if self.in_function else ""
        return f"{self.file.relative_to(ROOT)}:{self.line}{inside} imports {self.target}"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports_of(path: Path) -> list[Import]:
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: list[Import] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inside = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
            if isinstance(child, ast.Import):
                found.extend(Import(name, a.name, path, child.lineno, inside) for a in child.names)
            elif isinstance(child, ast.ImportFrom):
                if child.level:
                    base = package.split(".")[: len(package.split(".")) - child.level + 1]
                    module = ".".join(base + ([child.module] if child.module else []))
                else:
                    module = child.module or ""
                found.append(Import(name, module, path, child.lineno, inside))
                # `from oms_cli.x import y` may name a module y: count it as imported too
                found.extend(Import(name, f"{module}.{a.name}", path, child.lineno, inside) for a in child.names)
            visit(child, inside)

    visit(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)), False)
    return found


def _all_imports() -> dict[str, list[Import]]:
    modules: dict[str, list[Import]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        modules[_module_name(path)] = _imports_of(path)
    # keep only targets that exist (a `from m import function` adds a non-module m.function)
    for name, imports in modules.items():
        modules[name] = [i for i in imports if not i.target.startswith("oms_cli") or i.target in modules]
    assert len(modules) > 100 and "oms_cli.cli.app" in modules  # the walk found the package
    return modules


def _within(name: str, prefixes: tuple[str, ...] | str) -> bool:
    prefixes = (prefixes,) if isinstance(prefixes, str) else prefixes
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def _package_of(module: str) -> str | None:
    """The top-level package a module belongs to (oms_cli.orders.model -> orders)."""
    if module in ENTRY or not module.startswith("oms_cli."):
        return None
    return module.split(".")[1]


MODULES = _all_imports()


def test_only_cli_imports_the_terminal_libraries() -> None:
    wrong = [
        i.where()
        for imports in MODULES.values()
        for i in imports
        if _within(i.target, TERMINAL) and not _within(i.importer, "oms_cli.cli")
    ]
    assert wrong == [], "Typer, Rich and Click belong in oms_cli/cli/ only:\n" + "\n".join(wrong)


def test_nothing_imports_the_cli() -> None:
    wrong = [
        i.where()
        for imports in MODULES.values()
        for i in imports
        if _within(i.target, "oms_cli.cli") and not _within(i.importer, ("oms_cli.cli", "oms_cli.__main__"))
    ]
    assert wrong == [], "services return results; only the CLI renders them:\n" + "\n".join(wrong)


def test_the_store_imports_no_domain_code() -> None:
    wrong = [
        i.where()
        for imports in MODULES.values()
        for i in imports
        if _within(i.importer, "oms_cli.store")
        and i.target.startswith("oms_cli")
        and not _within(i.target, ("oms_cli.store", "oms_cli.core"))
    ]
    assert wrong == [], "the store knows tables, not the shop's rules:\n" + "\n".join(wrong)


def test_pure_modules_reach_no_database_code() -> None:
    pure = [m for m in MODULES if _within(m, PURE)]
    assert len(pure) >= len(PURE)  # every name in PURE still exists
    for name in PURE:
        assert any(_within(m, name) for m in MODULES), f"{name} in PURE no longer exists"
    wrong = []
    for start in pure:
        # follow oms imports breadth first, remembering how each module was reached
        via: dict[str, Import | None] = {start: None}
        todo = [start]
        while todo:
            module = todo.pop(0)
            for i in MODULES[module]:
                if _within(i.target, DATABASE):
                    chain = [i.where()]
                    back = via[module]
                    while back is not None:
                        chain.append(back.where())
                        back = via[back.importer]
                    wrong.append(f"{start}:\n    " + "\n    ".join(reversed(chain)))
                    todo = []
                    break
                if i.target in MODULES and i.target not in via:
                    via[i.target] = i
                    todo.append(i.target)
    assert wrong == [], "pure modules take plain data and return plain data:\n" + "\n".join(wrong)


def test_no_import_cycle_between_packages() -> None:
    edges: dict[str, dict[str, Import]] = defaultdict(dict)
    for imports in MODULES.values():
        for i in imports:
            a, b = _package_of(i.importer), _package_of(i.target)
            if a and b and a != b:
                edges[a].setdefault(b, i)

    def reaches(start: str, goal: str) -> list[str] | None:
        paths = {start: [start]}
        todo = [start]
        while todo:
            here = todo.pop(0)
            for nxt in sorted(edges[here]):
                if nxt == goal:
                    return paths[here] + [goal]
                if nxt not in paths:
                    paths[nxt] = paths[here] + [nxt]
                    todo.append(nxt)
        return None

    cycles, seen = [], set()
    for a in sorted(edges):
        for b in sorted(edges[a]):
            back = reaches(b, a)
            if back is not None and frozenset(back) not in seen:
                seen.add(frozenset(back))
                ring = [a] + back
                steps = [edges[x][y].where() for x, y in zip(ring, ring[1:])]
                cycles.append(" -> ".join(ring) + "\n    " + "\n    ".join(steps))
    assert cycles == [], (
        "packages import each other in a circle; move the shared piece down to where the direction is right:\n"
        + "\n".join(cycles)
    )
