"""Copy a demand into a new draft and preview a draft as the public will see it (issue 18, R-DEM-3,
R-DEM-4, R-ACC-4, R-ACC-5)."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from demands.models import Demand, Status
from tests.factories import DemandFactory

pytestmark = pytest.mark.django_db


def last_years(unit, **kwargs):
    year = timezone.localdate().year - 1
    kwargs.setdefault("status", Status.CANCELLED)
    return DemandFactory(
        unit=unit,
        year=year,
        period_start=datetime.date(year, 3, 1),
        period_end=datetime.date(year, 12, 31),
        cancelled_at=timezone.now(),
        cancel_reason="实施条件变化",
        **kwargs,
    )


def test_a_purchaser_copies_last_years_demand_into_a_draft_of_this_year(login, hp_purchaser):
    old = last_years(hp_purchaser.purchaser_unit, budget=Decimal("420000"), other_info="每周三次上门")
    response = login(hp_purchaser).post(f"/demands/{old.pk}/copy/")

    copy = Demand.objects.exclude(pk=old.pk).get()
    assert response.status_code == 302 and response["Location"] == f"/demands/{copy.pk}/edit/"
    year = timezone.localdate().year
    assert (copy.status, copy.year, copy.published_at) == (Status.DRAFT, year, None)
    assert (copy.period_start, copy.period_end) == (datetime.date(year, 3, 1), datetime.date(year, 12, 31))
    assert (copy.title, copy.budget, copy.other_info) == (old.title, Decimal("420000"), "每周三次上门")
    assert (copy.cancel_reason, copy.cancelled_at, copy.awarded_org) == ("", None, None)
    assert copy.created_by == hp_purchaser
    assert f"复制自需求 {old.pk}" in copy.history.get().history_change_reason
    old.refresh_from_db()
    assert old.status == Status.CANCELLED


def test_an_evaluated_demand_copies_without_its_award_and_evaluation(login, hp_purchaser, hp_org):
    old = DemandFactory(
        unit=hp_purchaser.purchaser_unit,
        status=Status.EVALUATED,
        awarded_org=hp_org,
        award_amount=Decimal("300000"),
        awarded_on=timezone.localdate(),
        eval_grade="good",
        eval_score=Decimal("85"),
        eval_summary="好",
        evaluated_on=timezone.localdate(),
    )
    login(hp_purchaser).post(f"/demands/{old.pk}/copy/")
    copy = Demand.objects.exclude(pk=old.pk).get()
    assert (copy.status, copy.awarded_org, copy.eval_grade, copy.eval_score) == (Status.DRAFT, None, "", None)


@pytest.mark.parametrize("who", ["xh_purchaser", "hp_org_user", "hp_admin", "city_admin", "monitor"])
def test_nobody_else_copies_a_units_demand(request, login, hp_unit, who):
    """R-ACC-5: another unit (even of the same district), an organization or an administrator get 404."""
    old = last_years(hp_unit)
    response = login(request.getfixturevalue(who)).post(f"/demands/{old.pk}/copy/")
    assert response.status_code == 404
    assert Demand.objects.count() == 1


def test_copying_answers_post_only(login, hp_purchaser):
    old = last_years(hp_purchaser.purchaser_unit)
    assert login(hp_purchaser).get(f"/demands/{old.pk}/copy/").status_code == 405


def test_the_detail_page_offers_copy_and_preview_to_the_owner_only(login, client, hp_purchaser, xh_purchaser):
    draft = DemandFactory(unit=hp_purchaser.purchaser_unit, status=Status.DRAFT)
    page = login(hp_purchaser).get(f"/demands/{draft.pk}/").content.decode()
    assert "复制为新草稿" in page and "预览公开页面" in page
    published = DemandFactory(unit=hp_purchaser.purchaser_unit)
    page = login(xh_purchaser).get(f"/demands/{published.pk}/").content.decode()
    assert "复制为新草稿" not in page


def test_a_draft_previews_as_the_public_will_see_it(login, hp_purchaser, django_assert_max_num_queries):
    draft = DemandFactory(
        unit=hp_purchaser.purchaser_unit,
        status=Status.DRAFT,
        contact_phone="021-63219999",
    )
    client = login(hp_purchaser)
    client.get(f"/demands/{draft.pk}/preview/")
    with django_assert_max_num_queries(12):
        response = client.get(f"/demands/{draft.pk}/preview/")
    page = response.content.decode()

    assert response.status_code == 200
    assert "预览" in page and "尚未发布" in page
    assert draft.title in page
    assert "已发布" in page  # the badge as it will read
    assert "021-63219999" not in page  # visitors see no contacts (R-ACC-4)
    assert "联系方式仅对登录用户显示" in page
    assert "修改草稿" not in page and "变更记录" not in page
    draft.refresh_from_db()
    assert (draft.status, draft.published_at) == (Status.DRAFT, None)  # nothing saved


@pytest.mark.parametrize("who", ["xh_purchaser", "hp_org_user", "hp_admin", "monitor"])
def test_only_the_unit_previews_its_draft(request, login, hp_unit, who):
    draft = DemandFactory(unit=hp_unit, status=Status.DRAFT)
    assert login(request.getfixturevalue(who)).get(f"/demands/{draft.pk}/preview/").status_code == 404


def test_a_visitor_is_sent_to_login_for_a_preview(client, hp_unit):
    draft = DemandFactory(unit=hp_unit, status=Status.DRAFT)
    response = client.get(f"/demands/{draft.pk}/preview/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
