"""tui/aws keeps its shape: small modules and functions, no import cycle, no reaching into
another module's private attributes."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
AWS_DIR = ROOT / "tui" / "aws"


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


# Every module and package of tui/aws (its subpackages too), by dotted name.
AWS_PATHS = {_module_name(p): p for p in sorted(AWS_DIR.rglob("*.py"))}


# -- structure ------------------------------------------------------------------------------
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60
# Private attributes of other libraries' objects that tui/aws sets on purpose, by file.
ALLOWED_PRIVATE = {
    # botocore's AssumeRoleProvider takes its MFA prompter only in its constructor
    # (``prompter=getpass.getpass``); there is no public setter.
    ("tui/aws/session.py", "_prompter"),
}


def _is_private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _in_type_checking(parents: list[ast.AST]) -> bool:
    for node in parents:
        if isinstance(node, ast.If):
            test = node.test
            if (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
                isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
            ):
                return True
    return False


def _imported(name: str, path: Path, node: ast.Import | ast.ImportFrom) -> list[str]:
    """The tui/aws modules an import statement of module ``name`` depends on: ``from pkg
    import x`` runs ``pkg`` (its ``__init__``) and, when ``x`` is a module, ``pkg.x``."""
    if isinstance(node, ast.Import):
        targets = [alias.name for alias in node.names]
    else:
        base = node.module or ""
        if node.level:
            package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
            parts = package.split(".")
            kept = parts[: len(parts) - (node.level - 1)]
            base = ".".join(kept + ([base] if base else []))
        targets = [base] + [f"{base}.{alias.name}" for alias in node.names]
    found = []
    for target in targets:
        while target and target not in AWS_PATHS:
            target = target.rsplit(".", 1)[0] if "." in target else ""
        if target and target != name:
            found.append(target)
    return found


def _scan(name: str, path: Path, graph: dict[str, set[str]]) -> list[str]:
    """Size, long functions, private access and the imports of one module."""
    rel = path.relative_to(ROOT).as_posix()
    text = path.read_text()
    problems = []
    if (lines := len(text.splitlines())) > MAX_MODULE_LINES:
        problems.append(f"{rel} has {lines} lines (limit {MAX_MODULE_LINES})")
    stack: list[tuple[ast.AST, list[ast.AST]]] = [(ast.parse(text, rel), [])]
    while stack:
        node, parents = stack.pop()
        stack += [(child, [*parents, node]) for child in ast.iter_child_nodes(node)]
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            if length > MAX_FUNCTION_LINES:
                problems.append(f"{rel}:{node.lineno} {node.name} is {length} lines")
        elif isinstance(node, ast.Attribute) and _is_private(node.attr):
            own = isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")
            if not own and (rel, node.attr) not in ALLOWED_PRIVATE:
                problems.append(f"{rel}:{node.lineno} reads {node.attr} of another object")
        elif isinstance(node, ast.Import | ast.ImportFrom) and not _in_type_checking(parents):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("tui."):
                private = [a.name for a in node.names if _is_private(a.name)]
                problems += [f"{rel}:{node.lineno} imports {p} from {node.module}" for p in private]
            graph[name].update(_imported(name, path, node))
    return problems


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
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

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_aws_layer_keeps_its_shape() -> None:
    """Every tui/aws module <= 400 lines and function <= 60 lines; no import cycle inside
    tui/aws (imports inside functions count, ``if TYPE_CHECKING:`` ones do not); no
    ``x._private`` on anything but self/cls, and no private name imported from a module."""
    graph: dict[str, set[str]] = {name: set() for name in AWS_PATHS}
    problems = []
    for name, path in AWS_PATHS.items():
        problems += _scan(name, path, graph)
    problems += [f"import cycle: {' -> '.join(cycle)}" for cycle in _cycles(graph)]
    assert not problems, "\n".join(problems)
