"""The shape of the code base, read from the source: which package may import which, no import
cycles, and the things that exist once (the fence scanner, the verdict type, the kinds).

Every import counts, at module level, in functions and under `TYPE_CHECKING`: a lazy import is
still a dependency. `from pkg import name` counts as importing `pkg.name` when that is a module.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("synoema", "assistant", "corpus", "dialogue", "training", "evaluation")
PIPELINE = ("corpus", "dialogue", "training", "evaluation")
KIND_NAMES = {"explain", "fix", "ask", "review", "write"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def modules() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for package in PACKAGES:
        folder = ROOT / package
        if folder.is_dir():
            for path in folder.rglob("*.py"):
                found[_module_name(path)] = path
    return found


@cache
def tree(name: str) -> ast.Module:
    return ast.parse(modules()[name].read_text(encoding="utf-8"))


def _resolve(name: str, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    is_package = modules()[name].name == "__init__.py"
    base = name.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


@cache
def imports_of(name: str) -> frozenset[str]:
    """The project modules `name` imports, anywhere in its source."""
    known = modules()
    out: set[str] = set()
    for node in ast.walk(tree(name)):
        if isinstance(node, ast.Import):
            out |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            target = _resolve(name, node)
            submodules = {f"{target}.{alias.name}" for alias in node.names} & known.keys()
            out |= submodules or {target}
            if submodules and len(submodules) < len(node.names):
                out.add(target)
    return frozenset(m for m in out if m in known)


def cycles(names: list[str]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan), among `names`."""
    inside = set(names)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def visit(v: str) -> None:
        nonlocal counter
        index[v] = low[v] = counter
        counter += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(imports_of(v) & inside):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for name in sorted(inside):
        if name not in index:
            visit(name)
    return found


def closure(name: str) -> set[str]:
    seen: set[str] = set()
    todo = [name]
    while todo:
        current = todo.pop()
        for target in imports_of(current):
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


def in_package(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def test_no_import_cycle_in_the_assistant() -> None:
    names = [m for m in modules() if in_package(m, "assistant")]
    assert cycles(names) == []


def test_the_language_layer_imports_nothing_above_it() -> None:
    for name in (m for m in modules() if in_package(m, "synoema")):
        above = {m for m in imports_of(name) if not in_package(m, "synoema")}
        assert not above, f"{name} imports {sorted(above)}"


def test_the_pipeline_packages_never_reach_the_app() -> None:
    for name in (m for m in modules() if m.split(".")[0] in PIPELINE):
        reached = {m for m in closure(name) if in_package(m, "assistant.app")}
        assert not reached, f"{name} reaches {sorted(reached)}"
    engine = {m for name in modules() if in_package(name, "assistant.engine") for m in closure(name)}
    assert not {m for m in engine if in_package(m, "assistant.app")}, "the engine must not reach the app"


def _strings(node: ast.AST) -> Iterator[str]:
    for child in ast.walk(node):
        if isinstance(child, ast.Constant) and isinstance(child.value, str):
            yield child.value


def _where(predicate, packages: tuple[str, ...] = ("synoema", "assistant")) -> set[str]:  # type: ignore[no-untyped-def]
    """Modules of `packages` (by default the language layer and the assistant: the answer pipeline)
    where `predicate` holds for some node."""
    return {name for name in modules() if name.split(".")[0] in packages
            and any(predicate(node) for node in ast.walk(tree(name)))}


def test_one_fence_scanner_and_one_list_of_synoema_languages() -> None:
    def fence_pattern(node: ast.AST) -> bool:  # the regular expression of a fence line
        return isinstance(node, ast.Constant) and isinstance(node.value, str) and "`{3," in node.value

    assert _where(fence_pattern, PACKAGES) == {"synoema.snippets"}

    def langs(node: ast.AST) -> bool:
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            return any(isinstance(t, ast.Name) and t.id == "SYNOEMA_LANGS" for t in targets)
        if isinstance(node, ast.Tuple | ast.List | ast.Set):  # an inline ("sno", "synoema")
            values = {e.value for e in node.elts if isinstance(e, ast.Constant)}
            return values == {"sno", "synoema"}
        return False

    assert _where(langs, PACKAGES) == {"synoema.fences"}


def test_one_verdict_type() -> None:
    def verdict_class(node: ast.AST) -> bool:
        return isinstance(node, ast.ClassDef) and (
            node.name.endswith("Verdict") or node.name in ("CheckOutcome", "SnippetVerdict"))

    assert _where(verdict_class) == {"assistant.verdict"}


def test_the_kinds_are_defined_once() -> None:
    def kind_list(node: ast.AST) -> bool:
        if isinstance(node, ast.Tuple | ast.List | ast.Set):
            values = {e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)}
            return len(values & KIND_NAMES) >= 4
        return isinstance(node, ast.ClassDef) and node.name == "Kind"

    assert _where(kind_list) == {"assistant.kinds"}
