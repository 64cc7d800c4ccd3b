"""Issue 19 §3 (R-GEN-3): one helper parses the numbers, dates, years, pages and ids a request names
(`portal/params.py`). A view, form or admin module converting a value itself (`int(…)`, `.isdigit()`,
`fromisoformat`, `strptime`) is how the 500s of the outside test came about (a 5,000-digit page, a huge
district, full-width digits that `isdigit()` accepts and `int()` then reads): this test fails on any
such module, so the next view cannot do it again."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = (
    "accounts",
    "dashboard",
    "demands",
    "directory",
    "home",
    "inbox",
    "matching",
    "notices",
    "offerings",
    "opendata",
    "portal",
    "supervision",
)
# Modules that answer requests: their names, or any module reading request.GET / request.POST.
REQUEST_MODULE_NAMES = {
    "views.py",
    "forms.py",
    "admin.py",
    "api.py",
    "feeds.py",
    "middleware.py",
    "filters.py",
}
CONVERTING_METHODS = {"isdigit", "isdecimal", "isnumeric", "fromisoformat", "strptime"}
HELPER = ROOT / "portal" / "params.py"


def request_modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts or "management" in path.parts or path == HELPER:
                continue
            text = path.read_text(encoding="utf-8")
            named = path.name in REQUEST_MODULE_NAMES or path.name.startswith(("views_", "forms_", "admin_"))
            if named or "request.GET" in text or "request.POST" in text:
                yield path


def own_conversions(path):
    """`int(x)` with anything but a literal, and the str/datetime methods that parse a number or date."""
    found = []
    name = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path.name
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id == "int" and node.args:
            if not isinstance(node.args[0], ast.Constant):
                found.append(f"{name}:{node.lineno} int(…)")
        elif isinstance(func, ast.Attribute) and func.attr in CONVERTING_METHODS:
            found.append(f"{name}:{node.lineno} .{func.attr}(…)")
    return found


MODULES = list(request_modules())


def test_the_walk_finds_the_request_modules():
    names = {str(p.relative_to(ROOT)) for p in MODULES}
    assert {"notices/views.py", "directory/views.py", "supervision/views.py", "dashboard/forms.py"} <= names
    assert "matching/views.py" in names and "portal/listing.py" in names


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_request_module_parses_a_parameter_itself(path):
    assert not own_conversions(path), (
        "use portal.params (integer, object_id, page, year, date): " + ", ".join(own_conversions(path))
    )


def test_the_check_would_catch_the_old_code(tmp_path):
    old = tmp_path / "views.py"
    old.write_text(
        'def f(request):\n    d = request.GET.get("district", "")\n    return int(d) if d.isdigit() else None\n',
        encoding="utf-8",
    )
    assert sorted(own_conversions(old)) == ["views.py:3 .isdigit(…)", "views.py:3 int(…)"]
