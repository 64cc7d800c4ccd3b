"""Issue 19 §4 (R-NOT-3, R-ACC-5): a 留言 belongs to the district its writer chose, or to 全市/市级; a
district administrator sees and moderates only its district's messages, only the city the others
(city-level ones, older messages without a district, and every district's); the writer's private
contact is shown to moderators only, never in a public page's HTML. On the site and the admin site."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts import permissions
from notices import services
from notices.models import Message
from tests.factories import MessageFactory, UserFactory, district
from tests.html import text
from tests.notices.conftest import MODERATION, post_message

pytestmark = pytest.mark.django_db

CONTACT = "13912345678 zhang@example.cn"


@pytest.fixture
def board(huangpu, xuhui):
    """One pending message of 黄浦区, one of 徐汇区, one city-level, one older one with no district."""
    return {
        "hp": MessageFactory(subject="黄浦区的留言", district=huangpu, contact=CONTACT),
        "xh": MessageFactory(subject="徐汇区的留言", district=xuhui, contact=CONTACT),
        "city": MessageFactory(subject="市级的留言", district=None, contact=CONTACT),
    }


def moderate_url(message):
    return reverse("notices:moderate", args=[message.pk])


def test_the_writer_chooses_a_district_or_the_city(client, huangpu):
    page = text(client.get("/messages/"))
    assert "所属区" in page and "全市/市级" in page and "黄浦区" in page
    post_message(client, district=str(huangpu.pk), subject="黄浦区养老咨询")
    assert Message.objects.get(subject="黄浦区养老咨询").district == huangpu
    post_message(client, district="", subject="全市的问题", REMOTE_ADDR="127.0.0.2")
    assert Message.objects.get(subject="全市的问题").district is None


@pytest.mark.parametrize("value", ["9" * 5000, "-1", "1e309", "٣٣٣", "abc", "../"])
def test_a_bad_district_is_refused_at_the_field(client, value):
    response = post_message(client, district=value, subject="坏的区")
    assert response.status_code == 200 and not Message.objects.filter(subject="坏的区").exists()
    assert "选择" in text(response)


# Whose messages of the `board` each administrator has: its district's, the city every one.
OWN_MESSAGES = [("hp_admin", {"hp"}), ("xh_admin", {"xh"}), ("city_admin", {"hp", "xh", "city"})]


@pytest.mark.parametrize("role, own", OWN_MESSAGES)
def test_each_administrator_sees_its_messages_on_the_moderation_page(as_role, role, own, board):
    page = text(as_role(role).get(MODERATION))
    shown = {key for key, message in board.items() if message.subject in page}
    assert shown == own


@pytest.mark.parametrize("role, own", OWN_MESSAGES)
def test_each_administrator_moderates_only_its_messages(as_role, role, own, board):
    client = as_role(role)
    for key, message in board.items():
        page = client.get(moderate_url(message))
        assert page.status_code == (200 if key in own else 404), (key, page.status_code)
        client.post(moderate_url(message), {"decision": "approve", "reply": "感谢您的建议。"})
        message.refresh_from_db()
        assert (message.status == Message.Status.APPROVED) == (key in own), key


@pytest.mark.parametrize("role", ["hp_purchaser", "hp_org_user", "monitor"])
def test_no_other_role_sees_or_moderates(as_role, role, board):
    client = as_role(role)
    assert client.get(MODERATION).status_code == 403
    assert client.post(moderate_url(board["hp"]), {"decision": "reject"}).status_code == 403
    board["hp"].refresh_from_db()
    assert board["hp"].status == Message.Status.PENDING


def test_the_service_refuses_a_message_out_of_district(board, hp_admin):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.message_moderate(message=board["city"], by=hp_admin, approve=False, reply="")


def test_the_contact_is_shown_to_moderators_only(client, as_role, board, hp_admin):
    moderator_page = text(as_role("hp_admin").get(moderate_url(board["hp"])))
    assert CONTACT in moderator_page
    for message in board.values():
        services.message_moderate(
            message=message, by=UserFactory(role="city_admin"), approve=True, reply="已转交相关部门。"
        )
    client.logout()
    for path in ("/messages/", f"/messages/status/?number={board['hp'].number}", "/", "/search/?q=留言"):
        page = text(client.get(path))
        assert "13912345678" not in page and "zhang@example.cn" not in page, path
    public = text(client.get("/messages/"))
    assert "黄浦区的留言" in public and "黄浦区" in public and "全市/市级" in public


def test_a_pending_count_counts_only_the_administrators_messages(as_role, board):
    assert as_role("hp_admin").get("/notices/manage/").context["pending_messages"] == 1
    assert as_role("city_admin").get("/notices/manage/").context["pending_messages"] == 3


@pytest.mark.parametrize("role, sees", [("hp_admin", {"hp"}), ("city_admin", {"hp", "xh", "city"})])
def test_the_admin_site_lists_the_same_messages(request, role, sees, board):
    client = Client()  # the admin site has its own frame (the notices' client checks the site's)
    client.force_login(request.getfixturevalue(role))
    page = text(client.get("/admin/notices/message/"))
    assert {key for key, m in board.items() if m.subject in page} == sees
    for key, message in board.items():
        status = client.get(f"/admin/notices/message/{message.pk}/change/").status_code
        assert (status == 200) == (key in sees), (key, status)
    assert client.post("/admin/notices/message/add/", {"subject": "x"}).status_code == 403


def test_the_query_and_the_object_twin_agree(board, hp_admin, xh_admin, city_admin, monitor):
    other = MessageFactory(district=district("浦东新区"))
    for user in (hp_admin, xh_admin, city_admin, monitor):
        by_query = set(
            permissions.messages_moderated_by(user, Message.objects.all()).values_list("pk", flat=True)
        )
        by_object = {m.pk for m in [*board.values(), other] if permissions.can_moderate_message(user, m)}
        assert by_query == by_object
