"""Layers that show (issue 17 §3, ARCHITECTURE.md "Layers"): a bottom layer everyone uses (`portal`:
reference data, Excel, search, uploads, confidentiality, errors), the apps above it, and the site on
top (`home`: the home page, 工作台, combined search, `seed_demo`). Imports point down only; the project's
composition root (`portal/settings.py`, `portal/urls.py`, `portal/wsgi.py`) wires every app and is
outside the layers. Bench-only code lives in `bench/`, which no app imports.

Every upward import fails the test, wherever it is in the file (inside a function too), so no app's
models import a higher app either. A lower app
that needs something from a higher one is handed it at start-up instead: the 推荐目录 members reach
the demand and offer listings through `portal/directory_members.py`, filled by
`DirectoryConfig.ready()`.
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


def imports(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module


def app_files(root=ROOT):
    for app in LAYERS:
        for path in sorted((root / app).rglob("*.py")):
            rel = path.relative_to(root).as_posix()
            if "/migrations/" not in rel and rel not in COMPOSITION_ROOT:
                yield app, rel, path


def upward_imports(root=ROOT):
    found = set()
    for app, rel, path in app_files(root):
        for module in imports(path):
            top = module.split(".")[0]
            if top == "bench":
                found.add((rel, module))
            elif top in LAYERS and top != app and LAYERS[top] > LAYERS[app]:
                found.add((rel, module))
    return found


def test_imports_point_down_only():
    found = sorted(upward_imports())
    assert found == [], "upward imports: " + ", ".join(f"{r} → {m}" for r, m in found)


def test_the_check_finds_an_upward_import_wherever_it_is(tmp_path):
    files = {
        "demands/views.py": "from directory.selectors import members\n",
        "offerings/filters.py": "def f():\n    import directory.selectors as s\n",
        "portal/listing.py": "from bench import views\nfrom . import params\n",
        "directory/views.py": "from offerings.models import Offering\n",  # down: fine
        "demands/migrations/0001_initial.py": "import directory.models\n",  # migrations: outside
    }
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    assert upward_imports(tmp_path) == {
        ("demands/views.py", "directory.selectors"),
        ("offerings/filters.py", "directory.selectors"),
        ("portal/listing.py", "bench"),
    }


def test_apps_on_one_level_import_each_other_one_way_only():
    edges = set()
    for app, _, path in app_files():
        for module in imports(path):
            top = module.split(".")[0]
            if top in LAYERS and top != app and LAYERS[top] == LAYERS[app]:
                edges.add((app, top))
    both_ways = sorted((a, b) for a, b in edges if (b, a) in edges and a < b)
    assert both_ways == []
