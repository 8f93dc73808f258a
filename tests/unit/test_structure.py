"""The shape of tui/: small modules and functions, no import cycle, one owner of the App.

Measured on the source, as a reviewer would: every ``import`` statement counts, those
inside functions too; only ``if TYPE_CHECKING:`` blocks are left out (they never run). A
``from package import name`` is an edge to ``package.name`` when that is a module, else to
the package itself.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TUI = ROOT / "tui"

APP_LINES = 300  # tui/app.py stays below this
MODULE_LINES = 400
FUNCTION_LINES = 60


@cache
def modules() -> dict[str, Path]:
    """Module name → file, for every module under tui/."""
    found = {}
    for path in TUI.rglob("*.py"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


@cache
def tree(name: str) -> ast.Module:
    return ast.parse(modules()[name].read_text())


def _walk(node: ast.AST, type_checking: bool = False) -> Iterator[tuple[ast.AST, bool]]:
    """Every node under ``node``, and whether it sits in an ``if TYPE_CHECKING:`` block."""
    for child in ast.iter_child_nodes(node):
        yield child, type_checking
        inside = type_checking or (isinstance(child, ast.If) and _is_type_checking(child.test))
        yield from _walk(child, inside)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _resolve(target: str) -> str | None:
    """The tui module ``target`` names (its longest prefix that is one), if any."""
    while target and target not in modules():
        target = target.rsplit(".", 1)[0] if "." in target else ""
    return target or None


def imports(name: str) -> Iterator[tuple[ast.Import | ast.ImportFrom, list[str]]]:
    """Each import statement of module ``name`` that runs, with what it names."""
    path = modules()[name]
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    for node, type_checking in _walk(tree(name)):
        if type_checking:
            continue
        if isinstance(node, ast.Import):
            yield node, [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*up, base] if base else up)
            yield node, [base, *(f"{base}.{alias.name}" for alias in node.names)]


def graph() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {name: set() for name in modules()}
    for name in modules():
        for _node, targets in imports(name):
            for target in targets:
                module = _resolve(target)
                if module is not None and module != name:
                    edges[name].add(module)
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def lines(path: Path) -> int:
    return len(path.read_text().splitlines())


def test_the_app_module_is_small() -> None:
    assert lines(TUI / "app.py") < APP_LINES


def test_no_module_is_over_400_lines() -> None:
    big = {
        str(path.relative_to(ROOT)): lines(path)
        for path in modules().values()
        if lines(path) > MODULE_LINES
    }
    assert big == {}


def test_no_function_is_over_60_lines() -> None:
    long = []
    for name, path in modules().items():
        for node, _ in _walk(tree(name)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > FUNCTION_LINES:
                    long.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name} ({length})")
    assert long == []


def test_no_import_cycle_among_tui_modules() -> None:
    assert cycles(graph()) == []


def test_the_cycle_finder_finds_cycles() -> None:
    # (So that an empty answer above means something.)
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert cycles(edges) == [["a", "b", "c"]]


def test_only_the_app_and_the_cli_import_the_app_class() -> None:
    importers = []
    for name, path in modules().items():
        if name == "tui.app" or name == "tui.cli" or name.startswith("tui.cli."):
            continue
        for node, _targets in imports(name):
            named = [alias.name for alias in node.names]
            module = node.module if isinstance(node, ast.ImportFrom) else None
            if "AcctApp" in named or "tui.app" in named or (module == "tui" and "app" in named):
                importers.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert importers == []


# Private attributes of other libraries' objects that tui/aws sets on purpose, by file.
ALLOWED_PRIVATE = {
    # botocore's AssumeRoleProvider takes its MFA prompter only in its constructor
    # (``prompter=getpass.getpass``); there is no public setter.
    ("tui/aws/session.py", "_prompter"),
}


def _is_private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def test_the_aws_layer_reaches_into_no_other_objects_private_attributes() -> None:
    reached = []
    for name, path in modules().items():
        if not name.startswith("tui.aws"):
            continue
        rel = path.relative_to(ROOT).as_posix()
        for node, _ in _walk(tree(name)):
            if isinstance(node, ast.Attribute) and _is_private(node.attr):
                own = isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")
                if not own and (rel, node.attr) not in ALLOWED_PRIVATE:
                    reached.append(f"{rel}:{node.lineno} reads {node.attr} of another object")
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("tui."):
                private = [a.name for a in node.names if _is_private(a.name)]
                reached += [f"{rel}:{node.lineno} imports {p} from {node.module}" for p in private]
    assert reached == []
