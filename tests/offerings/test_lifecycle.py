"""The life of an offer: 草稿 → 已发布 → 已下架 → 已发布 again, through the pages an organization uses.

Requirements pinned here:
- R-OFF-1: the 发布服务项目 form records the organization (the user's own), the fields and the
  服务区域 (one or more districts, or 全市 alone).
- R-OFF-2: when 曾被政府购买 is ticked, 购买方名称, 购买金额, 实施地点 and 实施时间 are required.
- R-OFF-4: offers can be edited, withdrawn (下架) and published again; withdrawn offers leave the
  public listing and their page, but stay with the organization.
- R-GEN-2: every change leaves a history record with who did it and why.
- R-GEN-3: a refused form or action answers with a Chinese message and changes nothing.
"""

import datetime
from decimal import Decimal

import pytest

from offerings import services
from offerings.models import Offering, Status
from portal.errors import ServiceError
from tests.factories import HUANGPU_CODE, XUHUI_CODE, OfferingFactory
from tests.helpers import chinese, messages_of
from tests.html import text
from tests.login_pages import asks_to_log_in
from tests.offerings.helpers import (
    edit_form,
    history_of,
    offering_form,
    public_titles,
    purchase_fields,
    snapshot,
)

pytestmark = pytest.mark.django_db

NEW = "/offerings/new/"


def detail_url(offering):
    return f"/offerings/{offering.pk}/"


def action_url(offering, action):
    return f"/offerings/{offering.pk}/{action}/"


def create(client, action="publish", **overrides):
    return client.post(NEW, {**offering_form(**overrides), "action": action})


def form_errors(response):
    assert response.status_code == 200, response.status_code
    return response.context["form"].errors


# --- creating by the form ------------------------------------------------------------------------------


def test_the_new_offer_form_opens_with_the_organizations_contact_details(login, hp_org_user, hp_org):
    """R-OFF-1: the contact fields start from the organization's record."""
    response = login(hp_org_user).get(NEW)

    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["contact_person"] == hp_org.contact_person
    assert form.initial["contact_phone"] == hp_org.contact_phone
    choices = dict(form.fields["service_area"].choices)
    assert choices["all"] == "全市"
    assert choices[HUANGPU_CODE] == "黄浦区" and choices[XUHUI_CODE] == "徐汇区"
    assert len(choices) == 17


def test_an_organization_saves_a_draft_that_only_it_sees(client, login, hp_org_user, hp_org):
    """R-OFF-1, R-GEN-2: 保存为草稿 stores a draft of the user's organization with one history record."""
    response = create(login(hp_org_user), action="draft")

    offering = Offering.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail_url(offering)
    assert offering.organization == hp_org
    assert offering.created_by == hp_org_user
    assert offering.status == Status.DRAFT
    assert offering.published_at is None
    assert offering.citywide is False
    assert offering.service_codes == [HUANGPU_CODE, XUHUI_CODE]
    assert offering.service_area_display == "黄浦区、徐汇区"
    assert history_of(offering) == [(hp_org_user, "创建草稿", Status.DRAFT)]
    assert "已保存为草稿" in " ".join(messages_of(response))

    assert client.get(detail_url(offering)).status_code == 200  # the owner
    assert offering.title not in public_titles(client)
    client.logout()
    assert asks_to_log_in(client.get(detail_url(offering)), detail_url(offering))
    assert offering.title not in public_titles(client)


def test_an_organization_publishes_by_the_form_and_the_public_finds_it(client, login, hp_org_user, hp_org):
    """R-OFF-1, R-OFF-3: 发布 puts the offer straight into the public listing."""
    response = create(login(hp_org_user), action="publish")

    offering = Offering.objects.get()
    assert response.status_code == 302
    assert offering.status == Status.PUBLISHED
    assert offering.published_at is not None
    assert offering.organization == hp_org
    assert history_of(offering) == [(hp_org_user, "发布", Status.PUBLISHED)]
    assert "服务项目已发布" in " ".join(messages_of(response))

    client.logout()
    assert offering.title in public_titles(client)
    page = text(client.get(detail_url(offering)))
    assert offering.title in page and hp_org.name in page and "黄浦区、徐汇区" in page


def test_an_offer_for_the_whole_city_is_stored_as_citywide_without_districts(login, hp_org_user):
    """R-OFF-1: 全市 is one choice of its own."""
    create(login(hp_org_user), service_area=["all"])

    offering = Offering.objects.get()
    assert offering.citywide is True
    assert offering.service_district_codes == ""
    assert offering.service_area_display == "全市"


def test_the_organization_posted_in_the_form_is_ignored(login, hp_org_user, hp_org, xh_org):
    """R-OFF-1: 社会组织名称 is always the user's own organization, whatever the request says."""
    create(login(hp_org_user), organization=str(xh_org.pk), status="withdrawn", created_by="1")

    offering = Offering.objects.get()
    assert offering.organization == hp_org
    assert offering.status == Status.PUBLISHED
    assert offering.created_by == hp_org_user


REFUSED_FORMS = [
    pytest.param({"title": ""}, "title", "", id="title-missing"),
    pytest.param({"title": "养" * 101}, "title", "", id="title-too-long"),
    pytest.param({"category": ""}, "category", "", id="category-missing"),
    pytest.param({"summary": ""}, "summary", "", id="summary-missing"),
    pytest.param({"service_targets": ""}, "service_targets", "", id="targets-missing"),
    pytest.param({"service_area": None}, "service_area", "服务区域", id="area-missing"),
    pytest.param(
        {"service_area": ["all", HUANGPU_CODE]}, "service_area", "全市", id="citywide-and-a-district"
    ),
    pytest.param({"service_area": ["999999"]}, "service_area", "", id="unknown-district"),
    pytest.param({"contact_phone": ""}, "contact_phone", "", id="phone-missing"),
    pytest.param({"contact_email": "li@"}, "contact_email", "", id="bad-email"),
    pytest.param(
        purchase_fields(purchase_amount="五万"), "purchase_amount", "以元为单位", id="amount-in-words"
    ),
    pytest.param(purchase_fields(purchase_amount="-3"), "purchase_amount", "大于 0", id="amount-negative"),
    pytest.param(purchase_fields(purchase_amount="0"), "purchase_amount", "大于 0", id="amount-zero"),
    pytest.param(
        purchase_fields(implementation_start="2024-12-31", implementation_end="2024-01-01"),
        "implementation_end",
        "不能早于",
        id="end-before-start",
    ),
]


@pytest.mark.parametrize(("overrides", "field", "fragment"), REFUSED_FORMS)
@pytest.mark.parametrize("action", ["publish", "draft"])
def test_a_form_with_a_mistake_is_shown_again_in_chinese_and_nothing_is_saved(
    login, hp_org_user, overrides, field, fragment, action
):
    """R-OFF-1, R-OFF-2, R-GEN-3."""
    response = create(login(hp_org_user), action=action, **overrides)

    errors = form_errors(response)
    assert field in errors, errors
    message = " ".join(errors[field])
    assert chinese(message), message
    assert fragment in message
    assert Offering.objects.count() == 0
    assert Offering.history.model.objects.count() == 0


PURCHASE_FIELDS = {
    "purchaser_name": "购买方名称",
    "purchase_amount": "购买金额",
    "implementation_place": "实施地点",
    "implementation_start": "实施开始日期",
    "implementation_end": "实施结束日期",
}


def test_ticking_previously_purchased_requires_every_purchase_field(login, hp_org_user):
    """R-OFF-2: all five purchase fields left empty: five errors, each naming its field."""
    response = create(login(hp_org_user), previously_purchased="on")

    errors = form_errors(response)
    for field, label in PURCHASE_FIELDS.items():
        assert field in errors, f"no error on {field}: {errors}"
        assert label in " ".join(errors[field])
    assert Offering.objects.count() == 0
    assert Offering.history.model.objects.count() == 0


@pytest.mark.parametrize("missing", list(PURCHASE_FIELDS))
def test_each_purchase_field_alone_is_required_when_previously_purchased(login, hp_org_user, missing):
    """R-OFF-2: leaving any one of them out refuses the form."""
    response = create(login(hp_org_user), **purchase_fields(**{missing: ""}))

    errors = form_errors(response)
    assert list(errors) == [missing], errors
    assert PURCHASE_FIELDS[missing] in " ".join(errors[missing])
    assert Offering.objects.count() == 0


def test_purchase_fields_are_optional_when_not_previously_purchased(login, hp_org_user):
    """R-OFF-2: the rule applies only when the box is ticked."""
    response = create(login(hp_org_user))

    assert response.status_code == 302
    offering = Offering.objects.get()
    assert offering.previously_purchased is False
    assert offering.purchase_amount is None and offering.implementation_start is None


def test_a_previously_purchased_offer_keeps_and_shows_its_purchase_record(client, login, hp_org_user):
    """R-OFF-2: the purchase record is stored and shown on the public page."""
    create(login(hp_org_user), **purchase_fields(purchase_amount="150,000.50"))

    offering = Offering.objects.get()
    assert offering.previously_purchased is True
    assert offering.purchaser_name == "黄浦区民政局"
    assert offering.purchase_amount == Decimal("150000.50")
    assert offering.implementation_place == "黄浦区南京东路街道"
    assert offering.implementation_start == datetime.date(2024, 1, 1)
    assert offering.implementation_end == datetime.date(2024, 12, 31)

    client.logout()
    page = text(client.get(detail_url(offering)))
    assert "曾被政府购买情况" in page
    assert "黄浦区民政局" in page and "2024年1月1日" in page and "2024年12月31日" in page


# --- editing ---------------------------------------------------------------------------------------------


def test_editing_a_published_offer_keeps_it_published_and_records_who_changed_it(
    client, login, hp_org_user, hp_colleague
):
    """R-OFF-4, R-GEN-2: a colleague's edit is recorded under the colleague's name."""
    create(login(hp_org_user))
    offering = Offering.objects.get()
    published_at = offering.published_at

    response = login(hp_colleague).post(
        action_url(offering, "edit"),
        edit_form(offering, title="社区长者助餐与送餐服务", service_area=["all"]),
    )

    assert response.status_code == 302
    assert response["Location"] == detail_url(offering)
    offering.refresh_from_db()
    assert offering.title == "社区长者助餐与送餐服务"
    assert offering.citywide is True
    assert offering.status == Status.PUBLISHED
    assert offering.published_at == published_at
    assert history_of(offering) == [
        (hp_org_user, "发布", Status.PUBLISHED),
        (hp_colleague, "修改", Status.PUBLISHED),
    ]
    assert offering.history.first().title == "社区长者助餐与送餐服务"
    assert offering.history.last().title == "社区长者助餐服务"
    client.logout()
    assert "社区长者助餐与送餐服务" in public_titles(client)


def test_the_edit_form_opens_with_the_offers_current_values(login, hp_org_user):
    create(login(hp_org_user), service_area=[XUHUI_CODE])
    offering = Offering.objects.get()

    response = login(hp_org_user).get(action_url(offering, "edit"))

    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["service_area"] == [XUHUI_CODE]
    assert form.initial["category"] == str(offering.category_id)
    assert form.initial["title"] == offering.title


@pytest.mark.parametrize("status", [Status.DRAFT, Status.WITHDRAWN])
def test_editing_keeps_a_draft_a_draft_and_a_withdrawn_offer_withdrawn(login, hp_org_user, hp_org, status):
    """R-OFF-4: editing never publishes."""
    offering = OfferingFactory(organization=hp_org, status=status)
    if status == Status.DRAFT:
        Offering.objects.filter(pk=offering.pk).update(published_at=None)
        offering.refresh_from_db()

    response = login(hp_org_user).post(action_url(offering, "edit"), edit_form(offering, summary="新的简介"))

    assert response.status_code == 302
    offering.refresh_from_db()
    assert offering.status == status
    assert offering.summary == "新的简介"
    assert offering.history.count() == 2  # the factory's record, then the edit
    assert history_of(offering)[-1] == (hp_org_user, "修改", status)


def test_an_edit_that_breaks_a_rule_saves_nothing(login, hp_org_user, hp_org):
    """R-OFF-2, R-GEN-3: ticking 曾被政府购买 without the purchase fields is refused on edit too."""
    offering = OfferingFactory(organization=hp_org)
    before = snapshot(offering)

    response = login(hp_org_user).post(
        action_url(offering, "edit"), edit_form(offering, title="改过的名称", previously_purchased="on")
    )

    errors = form_errors(response)
    assert set(PURCHASE_FIELDS) <= set(errors)
    assert snapshot(offering) == before


# --- publish, withdraw, republish -----------------------------------------------------------------------


def test_publishing_a_draft_with_the_button_makes_it_public(client, login, hp_org_user):
    """R-OFF-4, R-GEN-2."""
    create(login(hp_org_user), action="draft")
    offering = Offering.objects.get()

    response = client.post(action_url(offering, "publish"))

    assert response.status_code == 302 and response["Location"] == detail_url(offering)
    offering.refresh_from_db()
    assert offering.status == Status.PUBLISHED and offering.published_at is not None
    assert history_of(offering)[-1] == (hp_org_user, "发布", Status.PUBLISHED)
    client.logout()
    assert offering.title in public_titles(client)
    assert client.get(detail_url(offering)).status_code == 200


def test_a_withdrawn_offer_leaves_the_public_but_stays_with_its_organization(
    client, login, hp_org_user, hp_purchaser, xh_org_user
):
    """R-OFF-4: 下架 hides the offer from the listing and its page (404) for everyone but the owner."""
    create(login(hp_org_user))
    offering = Offering.objects.get()

    response = client.post(action_url(offering, "withdraw"))

    assert response.status_code == 302
    assert "已下架" in " ".join(messages_of(response))
    offering.refresh_from_db()
    assert offering.status == Status.WITHDRAWN
    assert offering.withdrawn_at is not None
    assert history_of(offering)[-1] == (hp_org_user, "下架", Status.WITHDRAWN)

    owner_page = client.get(detail_url(offering))
    assert owner_page.status_code == 200
    assert "已下架" in text(owner_page) and "重新发布" in text(owner_page)
    assert offering.title in text(client.get("/offerings/mine/"))
    assert offering.title not in public_titles(client)

    # Others get “已下架” with the date, not the offer (issue 18: an old link says what became of it).
    for user in (hp_purchaser, xh_org_user):
        assert login(user).get(detail_url(offering)).status_code == 200
        assert offering.title not in public_titles(client)
    client.logout()
    assert client.get(detail_url(offering)).status_code == 200
    assert offering.title not in public_titles(client)
    assert offering.title not in text(client.get("/offerings/", {"q": "助餐"}))


def test_a_withdrawn_offer_can_be_published_again(client, login, hp_org_user):
    """R-OFF-4, R-GEN-2: 重新发布 brings it back, recorded as such."""
    create(login(hp_org_user))
    offering = Offering.objects.get()
    client.post(action_url(offering, "withdraw"))

    response = client.post(action_url(offering, "publish"))

    assert response.status_code == 302
    offering.refresh_from_db()
    assert offering.status == Status.PUBLISHED
    assert offering.withdrawn_at is None
    assert history_of(offering)[-1] == (hp_org_user, "重新发布", Status.PUBLISHED)
    client.logout()
    assert offering.title in public_titles(client)
    assert client.get(detail_url(offering)).status_code == 200


def test_every_change_leaves_a_history_record_with_the_acting_user(client, login, hp_org_user, hp_colleague):
    """R-GEN-2: draft, edit, publish, withdraw, republish: five records, who and why, shown on the page."""
    create(login(hp_org_user), action="draft")
    offering = Offering.objects.get()
    client.post(action_url(offering, "edit"), edit_form(offering, summary="第二版简介"))
    login(hp_colleague)
    client.post(action_url(offering, "publish"))
    client.post(action_url(offering, "withdraw"))
    login(hp_org_user)
    client.post(action_url(offering, "publish"))

    assert history_of(offering) == [
        (hp_org_user, "创建草稿", Status.DRAFT),
        (hp_org_user, "修改", Status.DRAFT),
        (hp_colleague, "发布", Status.PUBLISHED),
        (hp_colleague, "下架", Status.WITHDRAWN),
        (hp_org_user, "重新发布", Status.PUBLISHED),
    ]
    page = text(client.get(detail_url(offering)))
    assert "变更记录" in page
    for reason in ("创建草稿", "修改", "发布", "下架", "重新发布"):
        assert reason in page
    assert hp_colleague.display_name in page and hp_org_user.display_name in page


# --- the transition table ---------------------------------------------------------------------------------


def test_the_transition_table_is_the_one_of_the_requirements():
    """R-OFF-4: a draft is published; a published offer is withdrawn; a withdrawn one is published again.
    Nothing goes back to draft and nothing is deleted."""
    assert services.TABLE.targets() == {
        Status.DRAFT: {Status.DRAFT, Status.PUBLISHED},
        Status.PUBLISHED: {Status.PUBLISHED, Status.WITHDRAWN},
        Status.WITHDRAWN: {Status.WITHDRAWN, Status.PUBLISHED},
    }


TRANSITIONS = [
    (Status.DRAFT, "publish", Status.PUBLISHED),
    (Status.DRAFT, "withdraw", None),
    (Status.PUBLISHED, "publish", None),
    (Status.PUBLISHED, "withdraw", Status.WITHDRAWN),
    (Status.WITHDRAWN, "publish", Status.PUBLISHED),
    (Status.WITHDRAWN, "withdraw", None),
]


@pytest.mark.parametrize(("start", "action", "result"), TRANSITIONS)
def test_each_button_follows_the_transition_table(login, hp_org_user, hp_org, start, action, result):
    """R-OFF-4, R-GEN-3: an allowed action changes the status and adds one record; a refused one is
    explained in Chinese and changes nothing."""
    offering = OfferingFactory(organization=hp_org, status=start)
    before = snapshot(offering)

    response = login(hp_org_user).post(action_url(offering, action))

    assert response.status_code == 302 and response["Location"] == detail_url(offering)
    offering.refresh_from_db()
    if result is None:
        assert snapshot(offering) == before
        [message] = messages_of(response)
        assert chinese(message) and ("不能" in message or "只有" in message or "已经" in message), message
    else:
        assert offering.status == result
        assert offering.history.count() == before[1] + 1


@pytest.mark.parametrize(("start", "action", "result"), TRANSITIONS)
def test_the_services_follow_the_transition_table(hp_org_user, hp_org, start, action, result):
    """R-OFF-4: the same table holds for any caller of the services, not only for the buttons."""
    offering = OfferingFactory(organization=hp_org, status=start)
    before = snapshot(offering)
    call = {"publish": services.offering_publish, "withdraw": services.offering_withdraw}[action]

    if result is None:
        with pytest.raises(ServiceError):
            call(offering=offering, by=hp_org_user)
        assert snapshot(offering) == before
    else:
        call(offering=offering, by=hp_org_user)
        offering.refresh_from_db()
        assert offering.status == result


@pytest.mark.parametrize("action", ["publish", "withdraw"])
def test_the_action_urls_refuse_get(login, hp_org_user, hp_org, action):
    """R-GEN-3: a link (GET) never changes an offer."""
    offering = OfferingFactory(organization=hp_org, status=Status.DRAFT)
    before = snapshot(offering)

    response = login(hp_org_user).get(action_url(offering, action))

    assert response.status_code == 405
    assert snapshot(offering) == before


def test_nothing_deletes_an_offer(login, hp_org_user, hp_org):
    """R-GEN-2: there is no delete URL; a withdrawn offer is still there."""
    offering = OfferingFactory(organization=hp_org)
    client = login(hp_org_user)
    client.post(action_url(offering, "withdraw"))

    assert client.post(action_url(offering, "delete")).status_code == 404
    assert Offering.objects.filter(pk=offering.pk).exists()
