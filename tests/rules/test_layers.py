"""Layers that show (issue 17 §3, ARCHITECTURE.md "Layers"): a bottom layer everyone uses (`portal`:
reference data, Excel, search, uploads, confidentiality, errors), the apps above it, and the site on
top (`home`: the home page, 工作台, combined search, `seed_demo`). Imports point down only; the project's
composition root (`portal/settings.py`, `portal/urls.py`, `portal/wsgi.py`) wires every app and is
outside the layers. Bench-only code lives in `bench/`, which no app imports.

`REMAINING` names the upward imports still to be turned round (each with its reason); the test fails on
any other, and on an entry that has gone (so the list only shrinks).
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Lower number = lower layer. Apps on one level may not import each other both ways (checked below).
LAYERS = {
    "portal": 0,
    "accounts": 1,
    "inbox": 2,
    "demands": 3,
    "offerings": 3,
    "notices": 3,
    "directory": 4,
    "matching": 5,
    "supervision": 6,
    "dashboard": 7,
    "opendata": 7,
    "home": 9,
}
COMPOSITION_ROOT = {"portal/settings.py", "portal/urls.py", "portal/wsgi.py"}

# (importing file, imported module): why it is still there.
REMAINING = {
    ("demands/views.py", "directory.selectors"): "推荐目录 badges in the listing",
    ("offerings/views.py", "directory.selectors"): "推荐目录 badges in the listing",
    ("offerings/filters.py", "directory.selectors"): "the listing's 推荐目录 filter",
}


def imports(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module


def app_files():
    for app in LAYERS:
        for path in sorted((ROOT / app).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            if "/migrations/" not in rel and rel not in COMPOSITION_ROOT:
                yield app, rel, path


def upward_imports():
    found = set()
    for app, rel, path in app_files():
        for module in imports(path):
            top = module.split(".")[0]
            if top == "bench":
                found.add((rel, module))
            elif top in LAYERS and top != app and LAYERS[top] > LAYERS[app]:
                found.add((rel, module))
    return found


def _covered(edge):
    rel, module = edge
    return any(rel == r and (module == m or module.startswith(m + ".")) for r, m in REMAINING)


def test_imports_point_down_only():
    unexpected = sorted(edge for edge in upward_imports() if not _covered(edge))
    assert unexpected == [], "upward imports: " + ", ".join(f"{r} → {m}" for r, m in unexpected)


def test_the_list_of_remaining_upward_imports_only_shrinks():
    found = upward_imports()
    gone = sorted(
        (r, m)
        for r, m in REMAINING
        if not any(fr == r and (fm == m or fm.startswith(m + ".")) for fr, fm in found)
    )
    assert gone == [], f"remove these from REMAINING, they are fixed: {gone}"


def test_apps_on_one_level_import_each_other_one_way_only():
    edges = set()
    for app, _, path in app_files():
        for module in imports(path):
            top = module.split(".")[0]
            if top in LAYERS and top != app and LAYERS[top] == LAYERS[app]:
                edges.add((app, top))
    both_ways = sorted((a, b) for a, b in edges if (b, a) in edges and a < b)
    assert both_ways == []


def test_no_models_module_imports_a_higher_app():
    for app, rel, path in app_files():
        if not rel.endswith("models.py"):
            continue
        for module in imports(path):
            top = module.split(".")[0]
            if top in LAYERS and top != app and LAYERS[top] > LAYERS[app]:
                assert (rel, top) in REMAINING, f"{rel} imports {module}"
