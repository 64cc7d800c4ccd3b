"""The OCDS 1.1 export (issue 17 §5): a release package per year and per demand, valid against the
vendored OCDS 1.1.5 release-package schema (with the release schema it refers to), planning / tender /
award sections, parties identified by CN-USCI and the 统一社会信用代码, no contact detail."""

import json
from pathlib import Path

import pytest
from jsonschema import Draft4Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from .conftest import CONTACTS, LAST_YEAR, PRIVATE_DEMANDS, THIS_YEAR, get_json

pytestmark = pytest.mark.django_db

SCHEMAS = Path(__file__).resolve().parents[2] / "opendata" / "ocds_schema"


def load(name):
    return json.loads((SCHEMAS / name).read_text(encoding="utf-8"))


PACKAGE_SCHEMA = load("release-package-schema.json")
RELEASE_SCHEMA = load("release-schema.json")
REGISTRY = Registry().with_resource(RELEASE_SCHEMA["id"], Resource.from_contents(RELEASE_SCHEMA, DRAFT4))
VALIDATOR = Draft4Validator(PACKAGE_SCHEMA, registry=REGISTRY, format_checker=FormatChecker())


def errors(package):
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in VALIDATOR.iter_errors(package)]


def test_the_validator_refuses_a_broken_package():
    """The check below means something: a package without publisher, or with a bad tag, fails."""
    assert errors({"uri": "https://example.org/p.json", "version": "1.1", "releases": []})
    bad_release = {"ocid": "ocds-x-1", "id": "1", "date": "2026-01-01T00:00:00+08:00", "tag": ["nonsense"]}
    package = {
        "uri": "https://example.org/p.json",
        "version": "1.1",
        "publishedDate": "2026-01-01T00:00:00+08:00",
        "publisher": {"name": "x"},
        "releases": [bad_release],
    }
    assert any("tag" in e for e in errors(package))


@pytest.mark.parametrize("year", [THIS_YEAR, LAST_YEAR])
def test_the_yearly_package_is_valid_ocds_and_holds_the_public_demands_of_the_year(client, world, year):
    package = get_json(client, f"/api/v1/ocds/{year}.json")
    assert errors(package) == []
    expected = {d.pk for name, d in world.items() if name.startswith("d_") and d.year == year}
    expected -= {world[n].pk for n in PRIVATE_DEMANDS}
    assert {int(r["tender"]["id"]) for r in package["releases"]} == expected
    assert package["version"] == "1.1"


def test_an_awarded_and_evaluated_demand_has_planning_tender_award_and_its_evaluation(client, world):
    d = world.d_evaluated
    package = get_json(client, f"/api/v1/ocds/demands/{d.pk}.json")
    assert errors(package) == []
    (release,) = package["releases"]
    assert release["ocid"].endswith(f"-{d.pk}")
    assert release["planning"]["budget"]["amount"] == {"amount": float(d.budget), "currency": "CNY"}
    assert release["tender"]["status"] == "complete"
    (award,) = release["awards"]
    assert award["value"] == {"amount": 180000.0, "currency": "CNY"}
    supplier = f"CN-USCI-{d.awarded_org.uscc}"
    assert award["suppliers"] == [{"id": supplier, "name": d.awarded_org.name}]
    parties = {p["id"]: p for p in release["parties"]}
    assert parties[supplier]["identifier"] == {
        "scheme": "CN-USCI",
        "id": d.awarded_org.uscc,
        "legalName": d.awarded_org.name,
    }
    assert parties[f"CN-USCI-{d.unit.uscc}"]["roles"] == ["buyer", "procuringEntity"]
    (milestone,) = release["contracts"][0]["implementation"]["milestones"]
    assert (
        milestone["type"] == "assessment"
        and "良好" in milestone["description"]
        or "88.50" in milestone["description"]
    )


def test_a_cancelled_demand_is_a_cancelled_tender_and_an_open_one_is_active(client, world):
    cancelled = get_json(client, f"/api/v1/ocds/demands/{world.d_cancelled.pk}.json")["releases"][0]
    assert cancelled["tender"]["status"] == "cancelled" and "awards" not in cancelled
    active = get_json(client, f"/api/v1/ocds/demands/{world.d_hp_home.pk}.json")["releases"][0]
    assert active["tender"]["status"] == "active"


@pytest.mark.parametrize("name", PRIVATE_DEMANDS)
def test_a_draft_or_unpublished_demand_has_no_ocds_release(client, world, name):
    get_json(client, f"/api/v1/ocds/demands/{world[name].pk}.json", status=404)


def test_the_export_holds_no_contact_detail(client, world):
    body = (
        client.get(f"/api/v1/ocds/{THIS_YEAR}.json").content.decode()
        + client.get(f"/api/v1/ocds/{LAST_YEAR}.json").content.decode()
    )
    for value in CONTACTS:
        assert value not in body


def test_a_year_without_demands_answers_404_as_a_package_holds_at_least_one_release(client, world):
    assert "1999" in get_json(client, "/api/v1/ocds/1999.json", status=404)["error"]


def test_the_yearly_package_costs_one_query_whatever_its_size(client, world, django_assert_num_queries):
    client.get(f"/api/v1/ocds/{LAST_YEAR}.json")  # warm up
    with django_assert_num_queries(1):
        package = get_json(client, f"/api/v1/ocds/{LAST_YEAR}.json")
    assert len(package["releases"]) >= 3
