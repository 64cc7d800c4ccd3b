"""Files through Django's storage API only (issue 16 §2): with several web hosts and workers the files
live in an object store (STORAGE_S3_BUCKET) where no path exists, so application code never reads
`MEDIA_ROOT`, never asks a FieldFile or a storage for its `.path`, never builds a FileSystemStorage of its
own and never calls the built-in `open(` (FieldFile.open / storage.open go through the storage).
Migrations, settings and bench-only code are outside the rule."""

import ast
from pathlib import Path

import pytest
from django.apps import apps
from django.db import models

ROOT = Path(__file__).resolve().parents[2]
APPS = [
    "portal",
    "accounts",
    "inbox",
    "demands",
    "offerings",
    "notices",
    "directory",
    "matching",
    "supervision",
    "dashboard",
    "opendata",
    "home",
]
OUTSIDE = {"portal/settings.py"}
STORAGE_NAMES = {"storage", "default_storage"}


def file_field_names():
    return {
        f.name
        for model in apps.get_models()
        for f in model._meta.get_fields()
        if isinstance(f, models.FileField)
    }


def _attr_name(node):
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    return None


def problems(source, filename, fields):
    found = []
    for node in ast.walk(ast.parse(source)):
        where = f"{filename}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Name | ast.Attribute) and _attr_name(node) == "MEDIA_ROOT":
            found.append(f"{where} reads MEDIA_ROOT")
        elif isinstance(node, ast.Attribute) and node.attr == "path":
            owner = _attr_name(node.value)
            if owner in fields or owner in STORAGE_NAMES:
                found.append(f"{where} asks {owner} for its .path")
        elif isinstance(node, ast.Call):
            callee = _attr_name(node.func)
            if isinstance(node.func, ast.Name) and callee == "open":
                found.append(f"{where} calls open(")
            elif callee == "FileSystemStorage":
                found.append(f"{where} builds a FileSystemStorage of its own")
    return found


def application_files():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if "/migrations/" not in relative and relative not in OUTSIDE:
                yield relative, path


def test_application_code_uses_only_the_storage_api():
    fields = file_field_names()
    assert {"file", "recommendation_form"} <= fields
    found = []
    for relative, path in application_files():
        found += problems(path.read_text(encoding="utf-8"), relative, fields)
    assert found == []


@pytest.mark.parametrize(
    "source",
    [
        "from django.conf import settings\nroot = settings.MEDIA_ROOT / 'imports'",
        "def f(batch):\n    return batch.file.path",
        "def f(a):\n    return a.recommendation_form.path",
        "from django.core.files.storage import default_storage\nx = default_storage.path('a.pdf')",
        "with open('/srv/media/a.pdf', 'rb') as fh:\n    pass",
        "from django.core.files.storage import FileSystemStorage\ns = FileSystemStorage()",
    ],
)
def test_the_rule_catches_each_way_round_the_storage(source):
    assert problems(source, "x.py", file_field_names())


@pytest.mark.parametrize(
    "source",
    [
        "def f(batch):\n    with batch.file.open('rb') as fh:\n        return fh.read()",
        "from django.core.files.storage import default_storage\nx = default_storage.open('a.pdf')",
        "def f(request):\n    return request.path",
    ],
)
def test_the_storage_api_itself_is_allowed(source):
    assert problems(source, "x.py", file_field_names()) == []
