"""portal/directory_members.py: the 推荐目录 members as the apps below `directory` ask for them (issue 17
§3). The rule is `Application.objects.members()`, handed over by `DirectoryConfig.ready()`."""

from types import SimpleNamespace

import pytest
from django.core.exceptions import ImproperlyConfigured

from directory.models import Application, AppStatus, EditionStatus
from portal import directory_members
from tests.factories import ApplicationFactory, EditionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def organizations():
    """A member of the latest published edition, one on the 严重失信名单, one of an older edition only,
    one rejected."""
    old = EditionFactory(year=2024)
    latest = EditionFactory(year=2025)
    EditionFactory(year=2026, status=EditionStatus.REVIEWING)
    member = ApplicationFactory(edition=latest).organization
    listed = ApplicationFactory(edition=latest, organization__on_serious_list=True).organization
    older = ApplicationFactory(edition=old).organization
    rejected = ApplicationFactory(edition=latest, status=AppStatus.REJECTED).organization
    return {"member": member, "listed": listed, "older": older, "rejected": rejected}


def test_the_members_are_the_directory_rule_itself(organizations):
    assert str(directory_members.member_applications().query) == str(Application.objects.members().query)
    assert directory_members.member_organization_ids() == {organizations["member"].pk}


def test_marks_say_which_rows_name_a_member_in_one_query(organizations, django_assert_num_queries):
    rows = [SimpleNamespace(org_id=org.pk, name=name) for name, org in organizations.items()]
    rows.append(SimpleNamespace(org_id=None, name="none"))
    with django_assert_num_queries(1):
        marked = directory_members.mark_members(rows, "org_id", "is_member")
    assert marked is rows
    assert {row.name: row.is_member for row in rows} == {
        "member": True,
        "listed": False,
        "older": False,
        "rejected": False,
        "none": False,
    }


def test_an_empty_page_still_asks_once(organizations, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert directory_members.mark_members([], "org_id", "is_member") == []


def test_without_the_directory_app_the_question_is_refused(monkeypatch):
    monkeypatch.setattr(directory_members, "_members", None)
    with pytest.raises(ImproperlyConfigured):
        directory_members.member_applications()


def test_the_marks_read_the_members_as_they_are_now(organizations):
    """Issue 15: the marks' SQL is compiled once per process; it still reads the rows of each request."""
    ids = [org.pk for org in organizations.values()]
    assert directory_members.member_organization_ids(among=ids) == {organizations["member"].pk}
    member = organizations["member"]
    member.on_serious_list = True
    member.save()
    organizations["listed"].on_serious_list = False
    organizations["listed"].save()
    assert directory_members.member_organization_ids(among=ids) == {organizations["listed"].pk}
    Application.objects.filter(organization=organizations["listed"]).update(status=AppStatus.REMOVED)
    assert directory_members.member_organization_ids(among=ids) == set()


def test_the_compiled_marks_are_the_rule_itself(organizations):
    directory_members.member_organization_ids(among=[0])
    alias, sql, params = directory_members._member_ids_sql()
    rule = Application.objects.members().order_by().values_list("organization_id", flat=True)
    assert (sql, params) == rule.query.get_compiler(alias).as_sql()
    assert directory_members.member_organization_ids(among=[]) == set()
