"""The project's import map, from an AST walk: which app imports which, the import
cycles, and the project-internal imports hidden inside functions.

    .venv/bin/python bench/import_map.py            # summary
    .venv/bin/python bench/import_map.py --edges    # every module-to-module edge

Only the apps' own code is read (migrations, tests and settings are left out). An
import inside a function or method is "local"; it doesn't run at import time, so a
cycle that needs one is listed apart from the cycles Python must resolve on start-up.
"""

import argparse
import ast
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("cms", "reviews", "glossary", "assets")


def modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            rel = path.relative_to(ROOT)
            if "migrations" in rel.parts or "settings" in rel.parts:
                continue
            name = ".".join(rel.with_suffix("").parts)
            if name.endswith(".__init__"):
                name = name[: -len(".__init__")]
            yield name, path


def resolve(name, known):
    """The longest known module that ``name`` is, or is inside."""
    while name:
        if name in known:
            return name
        name = name.rpartition(".")[0]
    return None


def imports_of(name, path, known):
    """(target module, local?) for each project-internal import in one file."""
    tree = ast.parse(path.read_text(), str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []

    def visit(node, local):
        for child in ast.iter_child_nodes(node):
            inner = local or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            if isinstance(child, ast.Import):
                for alias in child.names:
                    target = resolve(alias.name, known)
                    if target:
                        found.append((target, local))
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    parts = package.split(".")
                    parts = parts[: len(parts) - child.level + 1]
                    base = ".".join(parts + ([base] if base else []))
                for alias in child.names:
                    target = resolve(f"{base}.{alias.name}", known) or resolve(base, known)
                    if target:
                        found.append((target, local))
            visit(child, inner)

    visit(tree, False)
    return [(t, local) for t, local in found if t != name]


def cycles(graph):
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def strong(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    sys.setrecursionlimit(10000)
    for v in list(graph):
        if v not in index:
            strong(v)
    return sorted(out)


def app_of(module):
    return module.split(".")[0]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edges", action="store_true", help="print every edge")
    args = parser.parse_args(argv)

    found = dict(modules())
    known = set(found)
    top = defaultdict(set)
    every = defaultdict(set)
    local_imports = 0
    app_edges = Counter()
    for name, path in found.items():
        top.setdefault(name, set())
        every.setdefault(name, set())
        for target, local in imports_of(name, path, known):
            every[name].add(target)
            if local:
                local_imports += 1
            else:
                top[name].add(target)
    for name, targets in every.items():
        for target in targets:
            if app_of(name) != app_of(target):
                app_edges[(app_of(name), app_of(target))] += 1

    start_cycles = cycles(top)
    all_cycles = cycles(every)
    print(f"modules: {len(found)}")
    print(f"project-internal imports inside functions: {local_imports}")
    print(f"cycles among module-level imports: {len(start_cycles)}")
    for component in start_cycles:
        print("  " + " <-> ".join(component))
    print(f"cycles counting imports inside functions too: {len(all_cycles)}")
    for component in all_cycles:
        apps = sorted({app_of(m) for m in component})
        across = " (across " + ", ".join(apps) + ")" if len(apps) > 1 else ""
        print(f"  {len(component)} modules{across}: " + ", ".join(component))
    print("cross-app edges (importing app -> imported app: modules importing):")
    for (source, target), count in sorted(app_edges.items()):
        print(f"  {source} -> {target}: {count}")
    if args.edges:
        for name in sorted(every):
            for target in sorted(every[name]):
                flag = "" if target in top[name] else " (local)"
                print(f"{name} -> {target}{flag}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
