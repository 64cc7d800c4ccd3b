"""What may be published here at all, and how bad input is answered, through the 发布需求 form.

Requirements pinned here:
- R-DEM-2 (第四条(一)): the budget must be below the government procurement threshold, a setting
  (PROCUREMENT_THRESHOLD_YUAN, default 1,000,000 元); 政府履职所需辅助性事项 and 补贴、资助类 projects
  are refused with a clear message.
- R-DEM-1, R-DEM-5: dates make sense, the 街镇 belongs to the district, an added project names its
  预算批复日期.
- R-GEN-3: every refusal is the form again (status 200) with a Chinese message, and nothing is saved;
  text is stored as typed and always shown escaped.
"""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from django.utils.html import escape

from demands.models import Demand, Status
from portal.models import Category, PurchaseType
from tests.demands import lifecycle_helpers
from tests.factories import DemandFactory

pytestmark = pytest.mark.django_db

NEW = "/demands/new/"


def demand_form(place, **overrides):
    """A complete, valid 发布需求 form for a 街镇 of the purchaser's district, published at once."""
    return lifecycle_helpers.demand_form(place, **{"action": "publish", **overrides})


def has_chinese(message):
    return any("\u4e00" <= ch <= "\u9fff" for ch in message)


def assert_refused(response, field, *fragments):
    """The form comes back with a Chinese message on `field`, shown on the page, and no demand exists."""
    assert response.status_code == 200
    assert not Demand.objects.exists()
    errors = response.context["form"].errors.get(field)
    assert errors, f"expected an error on {field}, got {response.context['form'].errors!r}"
    assert all(has_chinese(e) for e in errors), errors
    page = response.content.decode()
    for error in errors:
        assert escape(error) in page
    for fragment in fragments:
        assert fragment in " ".join(errors)
    return errors


def post(login, user, data):
    return login(user).post(NEW, data)


def published_budget(login, user, street, typed):
    """The budget stored when `user` publishes the 发布需求 form with `typed` as its budget."""
    assert post(login, user, demand_form(street, budget=typed)).status_code == 302
    return Demand.objects.get().budget


# --- the procurement threshold (R-DEM-2) -------------------------------------------------------------


@pytest.mark.parametrize("budget", ["1000000", "1,000,000.00", "1000000.01", "2500000"])
def test_a_budget_at_or_above_the_threshold_is_refused_citing_article_4(
    login, hp_purchaser, hp_street, budget
):
    """R-DEM-2: 1,000,000 元 and above belong to government procurement, not to this platform."""
    response = post(login, hp_purchaser, demand_form(hp_street, budget=budget))
    assert_refused(response, "budget", "第四条", "1,000,000")


@pytest.mark.parametrize("budget", ["999999.99", "999,999.99"])
def test_a_budget_just_below_the_threshold_is_accepted(login, hp_purchaser, hp_street, budget):
    """R-DEM-2: one cent below the threshold is within scope."""
    assert published_budget(login, hp_purchaser, hp_street, budget) == Decimal("999999.99")


@pytest.mark.parametrize(
    "budget", ["-1", "-380000", "0", "0.00", "abc", "三十万", "15万", "38O000", "1.005", ""]
)
def test_a_negative_zero_or_non_numeric_budget_is_refused(login, hp_purchaser, hp_street, budget):
    """R-DEM-2, R-GEN-3: only a positive amount in 元 is a budget; anything else gets a Chinese message."""
    response = post(login, hp_purchaser, demand_form(hp_street, budget=budget))
    assert_refused(response, "budget")


def test_a_budget_typed_with_thousands_separators_is_accepted(login, hp_purchaser, hp_street):
    """R-GEN-1, R-GEN-3: "380,000" is read as it is meant: 380,000 元."""
    assert published_budget(login, hp_purchaser, hp_street, "380,000") == Decimal("380000.00")


def test_the_threshold_is_a_setting(login, hp_purchaser, hp_street, settings):
    """R-DEM-2: lowering PROCUREMENT_THRESHOLD_YUAN lowers the limit, and the message quotes the new one."""
    settings.PROCUREMENT_THRESHOLD_YUAN = 500_000
    response = post(login, hp_purchaser, demand_form(hp_street, budget="500000"))
    assert_refused(response, "budget", "500,000", "第四条")

    assert published_budget(login, hp_purchaser, hp_street, "499999.99") == Decimal("499999.99")


def test_raising_the_threshold_setting_admits_bigger_budgets(login, hp_purchaser, hp_street, settings):
    """R-DEM-2: with a threshold of 2,000,000 元 a 1,500,000 元 project may be published."""
    settings.PROCUREMENT_THRESHOLD_YUAN = 2_000_000
    assert published_budget(login, hp_purchaser, hp_street, "1,500,000") == Decimal("1500000.00")


def test_adjusting_a_published_demand_to_the_threshold_is_refused_and_changes_nothing(
    login, hp_purchaser, hp_street
):
    """R-DEM-2, R-DEM-4, R-GEN-3: the scope rules hold for 调整 too; the published demand is untouched."""
    demand = DemandFactory(unit=hp_purchaser.purchaser_unit, street=hp_street, budget=Decimal("380000.00"))
    before = Demand.objects.filter(pk=demand.pk).values().get()
    history = demand.history.count()
    data = demand_form(hp_street, budget="1,000,000", reason="追加服务内容")
    data.pop("action")
    response = login(hp_purchaser).post(f"/demands/{demand.pk}/edit/", data)

    assert response.status_code == 200
    errors = response.context["form"].errors["budget"]
    assert "第四条" in " ".join(errors)
    assert Demand.objects.filter(pk=demand.pk).values().get() == before
    assert demand.history.count() == history


# --- purchase types outside the platform's scope (R-DEM-2) -----------------------------------------------


@pytest.mark.parametrize("code", ["auxiliary", "subsidy"])
def test_a_purchase_type_outside_the_platform_is_refused_with_its_note(login, hp_purchaser, hp_street, code):
    """R-DEM-2: 政府履职所需辅助性事项 and 补贴、资助类 are refused, quoting the reason kept with the type."""
    purchase_type = PurchaseType.objects.get(code=code)
    assert purchase_type.allowed is False
    assert purchase_type.note
    response = post(login, hp_purchaser, demand_form(hp_street, purchase_type=str(purchase_type.pk)))
    assert_refused(response, "purchase_type", purchase_type.name, purchase_type.note)


@pytest.mark.parametrize("code", ["auxiliary", "subsidy"])
def test_a_draft_with_a_purchase_type_outside_the_platform_is_refused_too(
    login, hp_purchaser, hp_street, code
):
    """R-DEM-2: the rule is not only checked when publishing; a draft cannot hold such a project either."""
    purchase_type = PurchaseType.objects.get(code=code)
    data = demand_form(hp_street, purchase_type=str(purchase_type.pk), action="draft")
    assert_refused(post(login, hp_purchaser, data), "purchase_type", purchase_type.note)


# --- dates, places and plan types (R-DEM-1, R-DEM-5) ------------------------------------------------------


def test_an_end_date_before_the_start_is_refused(login, hp_purchaser, hp_street):
    """R-DEM-1, R-GEN-3: 实施期限 must run forwards."""
    start = timezone.localdate() + datetime.timedelta(days=30)
    data = demand_form(
        hp_street,
        period_start=start.isoformat(),
        period_end=(start - datetime.timedelta(days=1)).isoformat(),
    )
    assert_refused(post(login, hp_purchaser, data), "period_end", "不能早于开始日期")


def test_an_end_date_on_the_start_date_is_accepted(login, hp_purchaser, hp_street):
    """R-DEM-1: a one-day project (end = start) is a valid period."""
    start = timezone.localdate() + datetime.timedelta(days=30)
    data = demand_form(hp_street, period_start=start.isoformat(), period_end=start.isoformat())
    assert post(login, hp_purchaser, data).status_code == 302


def test_a_street_of_another_district_is_refused(login, hp_purchaser, huangpu, xh_street):
    """R-DEM-1, R-GEN-3: 服务街镇 must lie in the chosen 服务区域."""
    data = demand_form(xh_street, district=str(huangpu.pk))
    assert_refused(post(login, hp_purchaser, data), "street", "不属于所选的服务区域")


def test_the_street_may_be_left_empty(login, hp_purchaser, hp_street):
    """R-DEM-1: 服务街镇 is optional ("服务区域 (district, optionally 街镇)"); leaving it empty publishes
    a district-wide demand."""
    response = post(login, hp_purchaser, demand_form(hp_street, street=""))
    assert response.status_code == 302
    demand = Demand.objects.get()
    assert demand.street is None
    assert demand.district == hp_street.district


def test_an_added_project_without_its_budget_approval_date_is_refused(login, hp_purchaser, hp_street):
    """R-DEM-5: an added project's deadline runs from its 预算批复日期, so the date is required."""
    data = demand_form(hp_street, plan_type="added", budget_approved_on="")
    assert_refused(post(login, hp_purchaser, data), "budget_approved_on", "预算批复日期")


def test_an_added_project_with_its_budget_approval_date_is_accepted(login, hp_purchaser, hp_street):
    """R-DEM-5: the positive twin of the rule above."""
    approved = timezone.localdate() - datetime.timedelta(days=3)
    data = demand_form(
        hp_street, plan_type="added", budget_approved_on=approved.isoformat(), year=str(approved.year)
    )
    assert post(login, hp_purchaser, data).status_code == 302
    assert Demand.objects.get().budget_approved_on == approved


# --- lengths, tampered choices and markup (R-GEN-3) -------------------------------------------------------


def test_a_title_over_100_characters_is_refused(login, hp_purchaser, hp_street):
    """R-DEM-1, R-GEN-3: 项目名称 is at most 100 characters; the message says so in Chinese."""
    data = demand_form(hp_street, title="养" * 101)
    errors = assert_refused(post(login, hp_purchaser, data), "title")
    assert "100" in " ".join(errors)


def test_a_title_of_exactly_100_characters_is_accepted(login, hp_purchaser, hp_street):
    """R-DEM-1: the boundary of the length rule."""
    assert post(login, hp_purchaser, demand_form(hp_street, title="养" * 100)).status_code == 302


def test_qualification_over_2000_characters_is_refused(login, hp_purchaser, hp_street):
    """R-DEM-1, R-GEN-3: long text fields have a limit too."""
    data = demand_form(hp_street, qualification="资" * 2001)
    assert_refused(post(login, hp_purchaser, data), "qualification")


@pytest.mark.parametrize(
    "field", ["category", "purchase_type", "district", "street", "orientation", "plan_type"]
)
def test_a_tampered_choice_gets_a_message_not_an_error_page(login, hp_purchaser, hp_street, field):
    """R-GEN-3: a choice that is not on the list (an edited request) is answered with a Chinese message."""
    data = demand_form(hp_street, **{field: "abc"})
    assert_refused(post(login, hp_purchaser, data), field)


def test_a_top_level_category_is_refused(login, hp_purchaser, hp_street):
    """R-DEM-1: 项目类别 is two-level; the demand names a second-level one."""
    data = demand_form(hp_street, category=str(Category.objects.get(code="01").pk))
    assert_refused(post(login, hp_purchaser, data), "category", "二级")


@pytest.mark.parametrize(
    "field", ["title", "service_targets", "qualification", "other_info", "contact_person"]
)
def test_markup_in_text_fields_is_stored_as_typed_and_shown_escaped(login, hp_purchaser, hp_street, field):
    """R-GEN-3: text is kept as the user typed it, and the detail page never lets it run as markup."""
    typed = '<script>alert("x")</script><i>养老</i>'
    client = login(hp_purchaser)
    response = client.post(NEW, demand_form(hp_street, **{field: typed}))
    assert response.status_code == 302

    demand = Demand.objects.get()
    assert getattr(demand, field) == typed
    assert demand.status == Status.PUBLISHED
    page = client.get(f"/demands/{demand.pk}/").content.decode()
    assert "<script>alert" not in page
    assert "<i>养老</i>" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;i&gt;养老&lt;/i&gt;" in page


def test_markup_in_a_title_is_escaped_in_the_public_listing(client, hp_unit):
    """R-GEN-3, R-MAT-1: the listing escapes titles too."""
    DemandFactory(unit=hp_unit, title="<script>alert(1)</script>社区养老")
    page = client.get("/demands/").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;社区养老" in page
