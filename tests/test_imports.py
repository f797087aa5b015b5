"""The package's import graph: no cycles, hidden or not, and the dependency direction
the design states (docs/engine.md, DESIGN): the reference math and the compiled engine
never reach each other; the vectors know nothing of training.

Every import statement counts, those written inside functions too: an import moved
into a function to dodge a cycle is still a cycle here.
"""

import ast
from pathlib import Path

import pytest

import w2v

ROOT = Path(w2v.__file__).parent


def module_name(path):
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in ROOT.rglob("*.py")}


def imports_of(name, path):
    """Modules of the package that ``name`` imports, anywhere in its source."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            # "from X import y": y may be a submodule of X, else a name defined in X
            targets = [
                f"{source}.{a.name}" if f"{source}.{a.name}" in MODULES else source for a in node.names
            ]
        else:
            continue
        found.update(t for t in targets if t in MODULES and t != name)
    return found


GRAPH = {name: imports_of(name, path) for name, path in MODULES.items()}


def reachable(start):
    seen, todo = set(), [start]
    while todo:
        for nxt in GRAPH[todo.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def cycles(graph):
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on_stack, found, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
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


def test_the_walker_sees_imports_inside_functions_and_finds_cycles():
    assert "w2v.engine.kernel" in GRAPH["w2v.model"] or "w2v.engine.kernel" in reachable("w2v.model")
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []
    source = "def f():\n    from . import model\n"
    tree = ast.parse(source)
    assert any(isinstance(n, ast.ImportFrom) for n in ast.walk(tree))  # ast.walk enters functions


def test_no_import_cycles():
    assert cycles(GRAPH) == []


@pytest.mark.parametrize(
    "source,forbidden",
    [
        ("w2v.reference", "w2v.engine"),
        ("w2v.engine", "w2v.reference"),
        ("w2v.vectors", "w2v.engine"),
        ("w2v.vectors", "w2v.model"),
        ("w2v.evaluate", "w2v.vectors"),
        ("w2v.storage", "w2v.model"),
        ("w2v.storage", "w2v.vectors"),
        ("w2v.schedule", "w2v.engine"),
        ("w2v.engine", "w2v.model"),
    ],
)
def test_dependency_direction(source, forbidden):
    starts = [m for m in MODULES if m == source or m.startswith(source + ".")]
    assert starts
    for start in starts:
        bad = sorted(m for m in reachable(start) if m == forbidden or m.startswith(forbidden + "."))
        assert not bad, f"{start} reaches {bad}"
