"""The package's layers, read from its imports with `ast` (those inside functions too).

A module may import from its own layer or a lower one, never from a higher one; no
module imports itself back through others (a cycle); no module takes a private name
(`_x`) from another module of ours; a lazy import (inside a function) is deliberate,
says why on its line (`# lazy: ...`), and there are few of them; and every module
keeps to one job, under MAX_LINES lines. docs/architecture.md describes the layers.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "badgesite"

# Lowest first. A module belongs to the layer of the longest name here that is its
# own name or a package above it ("badgesite" itself: only the package's __init__).
LAYERS = [
    ["badgesite", "badgesite.errors", "badgesite.model", "badgesite.vocab", "badgesite.urls",
     "badgesite.recipients", "badgesite.workers", "badgesite.provenance", "badgesite.countries"],  # the foundation
    ["badgesite.sign"],  # signing primitives: know nothing of badges
    ["badgesite.source"],  # the only reader of user files (YAML with positions, images, keys.yaml, leaks)
    ["badgesite.config", "badgesite.microcredentials", "badgesite.assemble"],  # validation into the typed model
    ["badgesite.documents"],  # OB 2.0 and OB 3.0 documents: pure functions of the model
    ["badgesite.keyring"],  # the signing key's custody
    ["badgesite.output"],  # every output file as (path, bytes): pages, cards, baked images, credentials
    ["badgesite.folders", "badgesite.write", "badgesite.outputindex", "badgesite.sitesize"],  # the staging folder, the swap, its size
    ["badgesite.incremental"],  # what changed since the last build: the one seam
    ["badgesite.build"],  # the pipeline
    ["badgesite.review", "badgesite.designrules", "badgesite.verify", "badgesite.authoring", "badgesite.serve",
     "badgesite.objectstore", "badgesite.deploy", "badgesite.mail", "badgesite.exports"],
    ["badgesite.check", "badgesite.evaluation"],  # what commands call: check (+ review, design rules), stats
    ["badgesite.cli"],  # the command line
    ["badgesite.docgen"],  # generates docs/ from the code and the command line
]
MAX_LAZY = 12  # the issue allows a dozen: one per command that loads heavy libraries, and a few more
MAX_LINES = 400


@dataclass(frozen=True)
class Edge:
    source: str  # importing module
    target: str  # imported module
    names: tuple[str, ...]  # names taken from it
    line: int
    lazy: bool  # inside a function
    comment: str  # the text of its line


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@lru_cache(maxsize=None)
def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def resolve(node: ast.ImportFrom, here: str, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    base = here.split(".") if is_package else here.split(".")[:-1]
    base = base[:len(base) - node.level + 1]
    return ".".join(base + ([node.module] if node.module else []))


@lru_cache(maxsize=None)
def edges() -> tuple[Edge, ...]:
    known = modules()
    found = []
    for name, path in known.items():
        text = path.read_text("utf-8")
        lines = text.splitlines()
        tree = ast.parse(text)
        parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}

        def lazy(node) -> bool:
            while node in parents:
                node = parents[node]
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                    return True
            return False

        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                targets = [(a.name, ()) for a in node.names if a.name.split(".")[0] == "badgesite"]
            elif isinstance(node, ast.ImportFrom):
                base = resolve(node, name, path.name == "__init__.py")
                if base.split(".")[0] != "badgesite":
                    continue
                targets, names = [], []
                for alias in node.names:  # `from pkg import module` depends on that module
                    sub = f"{base}.{alias.name}"
                    if sub in known:
                        targets.append((sub, ()))
                    else:
                        names.append(alias.name)
                if names:
                    targets.append((base, tuple(names)))
            else:
                continue
            for target, names in targets:
                found.append(Edge(name, target, names, node.lineno, lazy(node), lines[node.lineno - 1]))
    return tuple(found)


def layer(module: str) -> int:
    best, where = -1, None
    for number, names in enumerate(LAYERS):
        for prefix in names:
            if module == prefix or (prefix != "badgesite" and module.startswith(prefix + ".")):
                if len(prefix) > best:
                    best, where = len(prefix), number
    if where is None:
        raise AssertionError(f"{module} is in no layer: add it to LAYERS (and to docs/architecture.md)")
    return where


def test_every_module_has_a_layer():
    for name in modules():
        layer(name)


def test_imports_point_down():
    upward = [f"{e.source} (line {e.line}) imports {e.target}: layer {layer(e.source)} -> {layer(e.target)}"
              for e in edges() if layer(e.target) > layer(e.source)]
    assert not upward, "\n".join(upward)


def test_no_cycles():
    graph: dict[str, set[str]] = {}
    for e in edges():
        if e.target != e.source:
            graph.setdefault(e.source, set()).add(e.target)
    state: dict[str, int] = {}  # 1: on the path, 2: done
    cycles = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                cycles.append(" -> ".join(path[path.index(nxt):] + [nxt]))
            elif nxt not in state:
                visit(nxt, path + [nxt])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert not cycles, "\n".join(cycles)


def test_no_private_names_across_modules():
    known = modules()
    taken = [f"{e.source} (line {e.line}) takes {n} from {e.target}" for e in edges()
             for n in e.names if n.startswith("_") and not n.startswith("__")]
    # module._name, where module is one of ours bound by an import
    for name, path in known.items():
        tree = ast.parse(path.read_text("utf-8"))
        bound = {}
        for e in (e for e in edges() if e.source == name and not e.names and e.target in known):
            bound[e.target.rsplit(".", 1)[-1]] = e.target
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                for alias in node.names:
                    if alias.asname and alias.name.rsplit(".", 1)[-1] in bound:
                        bound[alias.asname] = bound[alias.name.rsplit(".", 1)[-1]]
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in bound
                    and node.attr.startswith("_") and not node.attr.startswith("__")):
                taken.append(f"{name} (line {node.lineno}) takes {node.attr} from {bound[node.value.id]}")
    assert not taken, "\n".join(taken)


def test_lazy_imports_are_few_and_say_why():
    lazy = [e for e in edges() if e.lazy]
    unexplained = [f"{e.source} (line {e.line}): {e.comment.strip()}" for e in lazy if "# lazy:" not in e.comment]
    assert not unexplained, "a lazy import says why on its line (# lazy: ...):\n" + "\n".join(unexplained)
    assert len(lazy) <= MAX_LAZY, "\n".join(f"{e.source} (line {e.line})" for e in lazy)


@pytest.mark.parametrize("name", sorted(modules()))
def test_modules_stay_small(name: str):
    lines = len(modules()[name].read_text("utf-8").splitlines())
    assert lines <= MAX_LINES, f"{name} has {lines} lines: split it by what its parts do"


def test_the_reader_finds_the_edges_inside_functions():
    """The reader itself: an import inside a function is an edge, and a lazy one."""
    found = {(e.source, e.target): e for e in edges()}
    build = found[("badgesite.cli.build", "badgesite.build")]
    assert build.lazy and "# lazy:" in build.comment
    assert not found[("badgesite.build", "badgesite.write")].lazy



def code_words(path: Path) -> set[str]:
    """The texts and the names written in a module's code (not in its docstrings or comments)."""
    tree = ast.parse(path.read_text("utf-8"))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                  and node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    words = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            words.add(node.value)
        elif isinstance(node, ast.Attribute):
            words.add(node.attr)
        elif isinstance(node, ast.Name):
            words.add(node.id)
    return words


def test_what_builds_remember_is_kept_only_by_the_incremental_build():
    """The output's state record and the compiled templates are read and written by
    incremental/ alone; the layers below are given what they need."""
    def users(word: str) -> set[str]:
        return {name for name, path in modules().items() if any(word in w for w in code_words(path))}

    assert users("state.json") == {"badgesite.incremental.state"}
    assert users("FileSystemBytecodeCache") == {"badgesite.incremental.memos"}
