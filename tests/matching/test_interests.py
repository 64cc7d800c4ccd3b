"""承接意向 (issue 13 §5): who may express, withdraw and mark, in and out of the district; listed
organizations cannot; the purchaser sees the interested organizations with their contacts and is
told by 站内信; the page states 第十四条; every step is in the history; one action table."""

import pytest

from inbox.models import Notification
from matching import services
from matching.models import Interest
from tests.factories import DemandFactory
from tests.matching.conftest import offer

pytestmark = pytest.mark.django_db


@pytest.fixture
def demand(hp_unit):
    return DemandFactory(unit=hp_unit, title="南京东路居家养老项目")


def express(client, demand, **data):
    return client.post(f"/demands/{demand.pk}/interest/", data)


def page(client, demand):
    response = client.get(f"/demands/{demand.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_an_organization_expresses_interest_and_the_purchaser_is_told(
    login, demand, hp_org, hp_org_user, hp_purchaser
):
    o = offer(hp_org, "0101", title="乐龄居家照护")
    client = login(hp_org_user)
    assert "有意承接" in page(client, demand)
    response = express(client, demand, note="我们有十年居家养老经验。", offering=str(o.pk))
    assert response.status_code == 302
    interest = Interest.objects.get(demand=demand)
    assert (interest.organization, interest.offering, interest.status) == (hp_org, o, "active")
    note = Notification.objects.get(recipient=hp_purchaser)
    assert note.kind == "matching" and demand.title in note.title and hp_org.name in note.body
    assert note.link == f"/demands/{demand.pk}/"
    assert "贵组织已表达承接意向" in page(client, demand)


def test_an_organization_of_another_district_may_express_interest_too(login, demand, xh_org_user):
    assert express(login(xh_org_user), demand).status_code == 302
    assert Interest.objects.filter(demand=demand, organization=xh_org_user.organization).exists()


def test_the_purchaser_sees_interested_organizations_with_profiles_and_contacts(
    login, demand, hp_org, hp_org_user, hp_purchaser
):
    services.express(demand=demand, by=hp_org_user, note="请联系我们")
    html = page(login(hp_purchaser), demand)
    assert f'href="/organizations/{hp_org.pk}/"' in html
    assert hp_org.contact_phone in html and "请联系我们" in html
    assert "不投标、不报价" in html and "第十四条" in html


@pytest.mark.parametrize(
    "role, sees",
    [
        ("xh_purchaser", False),
        ("xh_org_user", False),
        ("monitor", False),
        ("hp_admin", True),
        ("xh_admin", False),
        ("city_admin", True),
    ],
)
def test_who_else_sees_the_list_of_interests(request, login, demand, hp_org, hp_org_user, role, sees):
    services.express(demand=demand, by=hp_org_user, note="只给购买主体看的说明")
    html = page(login(request.getfixturevalue(role)), demand)
    assert ("只给购买主体看的说明" in html) is sees


def test_a_visitor_sees_the_statement_but_no_interests(client, demand, hp_org_user):
    services.express(demand=demand, by=hp_org_user, note="只给购买主体看的说明")
    html = page(client, demand)
    assert "第十四条" in html and "只给购买主体看的说明" not in html and "登录</a>后可以表达承接意向" in html


def test_a_listed_organization_cannot_express_interest(login, demand, hp_org, hp_org_user, list_serious):
    list_serious(hp_org)
    client = login(hp_org_user)
    assert "不能表达承接意向" in page(client, demand)
    express(client, demand)
    assert not Interest.objects.exists()


@pytest.mark.parametrize("role", ["hp_purchaser", "hp_admin", "monitor"])
def test_other_roles_cannot_express_interest(request, login, demand, role):
    assert express(login(request.getfixturevalue(role)), demand).status_code == 404
    assert not Interest.objects.exists()


def test_a_visitor_is_sent_to_log_in(client, demand):
    assert express(client, demand).status_code == 302
    assert not Interest.objects.exists()


@pytest.mark.parametrize("status", ["awarded", "cancelled", "draft"])
def test_no_interest_on_a_demand_that_is_not_open(login, hp_unit, hp_org, hp_org_user, status):
    d = DemandFactory(unit=hp_unit, status=status, awarded_org=hp_org if status == "awarded" else None)
    response = express(login(hp_org_user), d)
    assert response.status_code in (302, 404)
    assert not Interest.objects.exists()


def test_an_interest_is_expressed_once_withdrawn_and_expressed_again(login, demand, hp_org_user):
    client = login(hp_org_user)
    express(client, demand)
    express(client, demand)
    assert Interest.objects.count() == 1
    interest = Interest.objects.get()
    assert client.post(f"/interests/{interest.pk}/withdraw/").status_code == 302
    interest.refresh_from_db()
    assert interest.status == "withdrawn"
    express(client, demand, note="再次表达")
    interest.refresh_from_db()
    assert (interest.status, interest.note) == ("active", "再次表达")
    reasons = list(
        interest.history.order_by("history_date", "history_id").values_list(
            "history_change_reason", flat=True
        )
    )
    assert reasons == ["表达承接意向", "撤回承接意向", "重新表达承接意向"]


def test_the_purchaser_marks_contacted_or_unsuitable_and_the_organization_sees_it(
    login, client, demand, hp_org_user, hp_purchaser
):
    interest = services.express(demand=demand, by=hp_org_user)
    login(hp_purchaser)
    assert client.post(f"/interests/{interest.pk}/contact/").status_code == 302
    interest.refresh_from_db()
    assert interest.status == "contacted"
    assert Notification.objects.filter(recipient=hp_org_user, title__contains="已联系").exists()
    client.post(f"/interests/{interest.pk}/unsuitable/")
    interest.refresh_from_db()
    assert interest.status == "unsuitable"
    client.force_login(hp_org_user)
    assert "当前状态：<strong>不合适</strong>" in page(client, demand)
    assert interest.history.first().history_user == hp_purchaser


@pytest.mark.parametrize(
    "role", ["xh_purchaser", "hp_org_user", "xh_org_user", "hp_admin", "city_admin", "monitor"]
)
def test_only_the_demands_purchaser_may_mark(request, login, demand, hp_org_user, role):
    interest = services.express(demand=demand, by=hp_org_user)
    response = login(request.getfixturevalue(role)).post(f"/interests/{interest.pk}/contact/")
    assert response.status_code == 404
    interest.refresh_from_db()
    assert interest.status == "active"


@pytest.mark.parametrize("role", ["xh_org_user", "hp_purchaser", "hp_admin"])
def test_only_the_organization_may_withdraw(request, login, demand, hp_org_user, role):
    interest = services.express(demand=demand, by=hp_org_user)
    assert login(request.getfixturevalue(role)).post(f"/interests/{interest.pk}/withdraw/").status_code == 404
    interest.refresh_from_db()
    assert interest.status == "active"


def test_unknown_actions_and_ids_answer_404(login, demand, hp_org_user, hp_purchaser):
    interest = services.express(demand=demand, by=hp_org_user)
    client = login(hp_purchaser)
    assert client.post(f"/interests/{interest.pk}/delete/").status_code == 404
    assert client.post("/interests/999999/contact/").status_code == 404
    assert client.get(f"/interests/{interest.pk}/contact/").status_code == 405


def test_a_note_with_personal_data_is_refused_and_nothing_saved(login, demand, hp_org_user):
    client = login(hp_org_user)
    response = express(client, demand, note="联系人身份证 11010519491231002X")
    assert response.status_code == 302
    assert not Interest.objects.exists()


def test_an_offer_of_another_organization_is_refused(login, demand, xh_org, hp_org_user):
    other = offer(xh_org, "0101")
    express(login(hp_org_user), demand, offering=str(other.pk))
    assert not Interest.objects.exists()
    express(login(hp_org_user), demand, offering="abc")
    assert not Interest.objects.exists()


def test_the_action_table_allows_only_its_transitions(demand, hp_org_user, hp_purchaser):
    interest = services.express(demand=demand, by=hp_org_user)
    services.act(interest=interest, action="withdraw", by=hp_org_user)
    from portal.errors import ServiceError

    with pytest.raises(ServiceError):
        services.act(interest=interest, action="contact", by=hp_purchaser)
    with pytest.raises(ServiceError):
        services.act(interest=interest, action="withdraw", by=hp_org_user)
