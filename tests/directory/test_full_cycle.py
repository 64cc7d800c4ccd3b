"""One year of the 推荐目录, end to end, through the pages each person uses (第十五条).

Requirements pinned here:
- R-DIR-1: the city administrator opens an annual edition with a start date, a deadline and the
  requirements (linked notice), then closes collection and publishes it (admin actions).
- R-DIR-2: organizations self-recommend with 1–2 of their published offers and the stamped
  《购买主体推荐意见表》 (a PDF).
- R-DIR-3: district-registered organizations go to their 区民政局 (pass, or return with a reason that the
  organization sees), city-registered ones straight to the city; the city approves or rejects with a
  reason and cannot publish while an application is still waiting.
- R-DIR-4: the published directory is public, filterable by category and district, searchable, exportable;
  the offerings listing marks directory members.
- R-ACC-4/R-ACC-5: the stamped form is a private file: the organization, its reviewing district and the city
  only, never served from MEDIA_URL or STATIC.
- R-GEN-2: every step leaves a ReviewStep (who, when, opinion) and history records.
"""

import io
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse

from directory.models import Application, AppStatus, Edition, EditionStatus, ReviewStep
from tests import upload_samples
from tests.directory.conftest import (
    APPLY,
    MINE,
    REVIEW_LIST,
    admin_action,
    advance,
    apply,
    city_decide,
    district_pass,
    edition_url,
    form_file_url,
    pdf_upload,
    review_url,
    submitted,
)
from tests.factories import OfferingFactory
from tests.helpers import PDF_BYTES, days, form_errors, messages_of, today
from tests.html import text

pytestmark = pytest.mark.django_db


def open_edition_in_admin(client):
    """The city fills in the admin's 新增 form for this year's edition."""
    response = client.post(
        "/admin/directory/edition/add/",
        {
            "year": str(today().year),
            "title": "",
            "starts_on": today().isoformat(),
            "deadline": days(30).isoformat(),
            "requirements": "选择1至2个已发布的项目作为佐证，上传盖章的《购买主体推荐意见表》。",
            "notice_url": "https://mzj.sh.gov.cn/notice/directory",
            "_save": "保存",
        },
    )
    assert response.status_code == 302, form_errors(response)
    return Edition.objects.get(year=today().year)


def review(client, application, decision, opinion=""):
    return client.post(review_url(application), {"decision": decision, "opinion": opinion})


def member_names(response):
    return {app.organization.name for app in response.context["page"].object_list}


def downloaded(response):
    return b"".join(response.streaming_content)


def test_one_year_of_the_directory_from_opening_to_publication(
    as_role,
    cast,
    hp_org,
    xh_org,
    city_org,
    hp_purchaser,
    monitor,
    huangpu,
    xuhui,
):
    """R-DIR-1…4: open, apply (three routes), return and resubmit, pass, decide, publish, read, export."""
    # R-DIR-1: the city opens the edition and starts collecting.
    client = as_role("city_admin")
    edition = open_edition_in_admin(client)
    assert edition.status == EditionStatus.PREPARING
    assert edition.display_title == f"{today().year}年度上海市承接政府购买服务社会组织推荐目录"
    response = admin_action(client, "start_collecting", edition)
    assert any("征集中" in m for m in messages_of(response))
    edition.refresh_from_db()
    assert edition.status == EditionStatus.COLLECTING and edition.accepting

    # R-DIR-2: three organizations apply, each with 1–2 of its published offers and a stamped PDF.
    client = as_role("hp_org_user")
    assert client.get(APPLY).status_code == 200
    response = apply(client, cast.hp_offers[:1], statement="初次自荐")
    assert response.status_code == 302 and response.url == MINE
    assert any("黄浦区民政局" in m for m in messages_of(response))
    response = apply(as_role("xh_org_user"), cast.xh_offers)
    assert response.status_code == 302
    response = apply(as_role("city_org_user"), cast.city_offers)
    assert response.status_code == 302
    assert any("上海市民政局" in m for m in messages_of(response))

    hp_app = Application.objects.get(organization=hp_org, edition=edition)
    xh_app = Application.objects.get(organization=xh_org, edition=edition)
    city_app = Application.objects.get(organization=city_org, edition=edition)
    # R-DIR-3: each goes to its registration authority.
    assert (hp_app.status, hp_app.review_district) == (AppStatus.DISTRICT, huangpu)
    assert (xh_app.status, xh_app.review_district) == (AppStatus.DISTRICT, xuhui)
    assert (city_app.status, city_app.review_district) == (AppStatus.CITY, None)
    assert list(hp_app.evidence.all()) == cast.hp_offers[:1]
    assert set(xh_app.evidence.all()) == set(cast.xh_offers)

    # Review lists are scoped: each district sees its own, the city sees the one that came straight to it.
    client = as_role("hp_admin")
    assert [a.pk for a in client.get(REVIEW_LIST).context["applications"]] == [hp_app.pk]
    assert as_role("xh_admin").get(review_url(hp_app)).status_code == 404
    assert [a.pk for a in as_role("city_admin").get(REVIEW_LIST).context["applications"]] == [city_app.pk]

    # The 黄浦区 administrator returns hp_org's application: a reason is required.
    client = as_role("hp_admin")
    response = review(client, hp_app, "return", "")
    assert "退回必须填写意见。" in form_errors(response)
    hp_app.refresh_from_db()
    assert hp_app.status == AppStatus.DISTRICT
    reason = "推荐意见表未加盖购买主体公章，请补充第二个佐证项目。"
    response = review(client, hp_app, "return", reason)
    assert response.status_code == 302
    hp_app.refresh_from_db()
    assert hp_app.status == AppStatus.RETURNED

    # hp_org sees the reason, corrects (second offer, new statement, new scan) and resubmits.
    client = as_role("hp_org_user")
    page = text(client.get(MINE))
    assert reason in page and "已退回修改" in page
    assert reason in text(client.get(APPLY))
    corrected = upload_samples.pdf_bytes(pages=2)  # stamped again
    response = client.post(
        APPLY,
        {
            "evidence": [str(o.pk) for o in cast.hp_offers],
            "statement": "补充居家照护项目作为佐证。",
            "recommendation_form": pdf_upload("盖章推荐意见表.pdf", corrected),
            "action": "submit",
        },
    )
    assert response.status_code == 302
    hp_app.refresh_from_db()
    assert (hp_app.status, hp_app.review_district) == (AppStatus.DISTRICT, huangpu)
    assert set(hp_app.evidence.all()) == set(cast.hp_offers)
    assert hp_app.statement == "补充居家照护项目作为佐证。"
    assert hp_app.form_original_name == "盖章推荐意见表.pdf"

    # The districts pass theirs; they go on to the city.
    assert review(as_role("hp_admin"), hp_app, "pass", "材料齐全，同意报送。").status_code == 302
    assert review(as_role("xh_admin"), xh_app, "pass", "").status_code == 302
    for app in (hp_app, xh_app):
        app.refresh_from_db()
        assert app.status == AppStatus.CITY

    # The city sees all three, with counts per district.
    client = as_role("city_admin")
    response = client.get(REVIEW_LIST)
    assert {a.pk for a in response.context["applications"]} == {hp_app.pk, xh_app.pk, city_app.pk}
    per_district = {row["review_district__name"]: row for row in response.context["per_district"]}
    assert per_district["黄浦区"]["total"] == per_district["徐汇区"]["total"] == 1
    assert per_district[None]["city_pending"] == 1

    # Collection ends; the city decides, with a reason each time.
    response = admin_action(client, "start_reviewing", edition)
    edition.refresh_from_db()
    assert edition.status == EditionStatus.REVIEWING
    response = review(client, hp_app, "approve", "")
    assert form_errors(response)
    hp_app.refresh_from_db()
    assert hp_app.status == AppStatus.CITY
    assert review(client, hp_app, "approve", "为老服务专业能力突出。").status_code == 302
    assert review(client, xh_app, "approve", "助残服务成效显著。").status_code == 302

    # One is still waiting: publication is refused with a message, nothing changes.
    response = admin_action(client, "publish", edition)
    assert any("还有 1 份申请等待" in m for m in messages_of(response))
    edition.refresh_from_db()
    assert edition.status == EditionStatus.REVIEWING and edition.published_at is None

    assert review(client, city_app, "reject", "").status_code == 200
    assert review(client, city_app, "reject", "佐证项目尚未实施，暂不列入。").status_code == 302
    response = admin_action(client, "publish", edition)
    assert any("已发布" in m for m in messages_of(response))
    edition.refresh_from_db()
    assert edition.status == EditionStatus.PUBLISHED and edition.published_at is not None
    for app, status in (
        (hp_app, AppStatus.APPROVED),
        (xh_app, AppStatus.APPROVED),
        (city_app, AppStatus.REJECTED),
    ):
        app.refresh_from_db()
        assert app.status == status and app.decided_at is not None

    # R-DIR-3 / R-GEN-2: every step is recorded with who, when and the opinion.
    steps = [(s.action, s.by, s.opinion) for s in hp_app.steps.all()]
    assert steps == [
        (ReviewStep.Action.SUBMIT, cast.hp_org_user, ""),
        (ReviewStep.Action.RETURN, cast.hp_admin, reason),
        (ReviewStep.Action.SUBMIT, cast.hp_org_user, ""),
        (ReviewStep.Action.PASS, cast.hp_admin, "材料齐全，同意报送。"),
        (ReviewStep.Action.APPROVE, cast.city_admin, "为老服务专业能力突出。"),
    ]
    assert all(s.at is not None for s in hp_app.steps.all())
    assert [(s.action, s.by) for s in city_app.steps.all()] == [
        (ReviewStep.Action.SUBMIT, cast.city_org_user),
        (ReviewStep.Action.REJECT, cast.city_admin),
    ]
    history_users = [h.history_user for h in hp_app.history.order_by("history_date", "history_id")]
    assert {cast.hp_org_user, cast.hp_admin, cast.city_admin} <= set(history_users)
    assert hp_app.history.latest().status == AppStatus.APPROVED
    assert [h.status for h in edition.history.order_by("history_date", "history_id")] == [
        EditionStatus.PREPARING,
        EditionStatus.COLLECTING,
        EditionStatus.REVIEWING,
        EditionStatus.PUBLISHED,
    ]
    assert edition.history.latest().history_user == cast.city_admin

    # The organization reads the outcome on its own page.
    page = text(as_role("city_org_user").get(MINE))
    assert "未入选" in page and "佐证项目尚未实施，暂不列入。" in page

    # R-DIR-4: the public page lists exactly the two approved organizations and their evidence.
    client = as_role("visitor")
    assert edition_url(edition) in text(client.get(reverse("directory:list")))
    response = client.get(edition_url(edition))
    assert response.status_code == 200
    assert member_names(response) == {hp_org.name, xh_org.name}
    page = text(response)
    for evidence in [*cast.hp_offers, *cast.xh_offers]:
        assert evidence.title in page
    assert city_org.name not in page and cast.city_offers[0].title not in page
    url = edition_url(edition)
    assert member_names(client.get(url, {"category": "01"})) == {hp_org.name}
    assert member_names(client.get(url, {"category": "0201"})) == {xh_org.name}
    assert member_names(client.get(url, {"category": "0301"})) == set()
    assert member_names(client.get(url, {"district": str(xuhui.pk)})) == {xh_org.name}
    assert member_names(client.get(url, {"district": str(huangpu.pk)})) == {hp_org.name}
    assert member_names(client.get(url, {"q": "乐龄"})) == {hp_org.name}
    assert member_names(client.get(url, {"q": "启明", "category": "02", "district": str(xuhui.pk)})) == {
        xh_org.name
    }

    # The export is an .xlsx of the same two organizations.
    response = client.get(reverse("directory:export", args=[edition.year]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert ".xlsx" in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "社会组织名称"
    assert {row[0] for row in rows[1:]} == {hp_org.name, xh_org.name}
    by_name = {row[0]: row for row in rows[1:]}
    assert (
        cast.hp_offers[0].title in by_name[hp_org.name][5]
        and cast.hp_offers[1].title in by_name[hp_org.name][5]
    )

    # The offerings listing marks the members' offers and filters to them.
    listing = text(client.get("/offerings/", {"size": "50"}))
    assert "推荐目录" in listing
    member_offer_titles = {
        o.title
        for o in client.get("/offerings/", {"directory_member": "yes", "size": "50"})
        .context["page"]
        .object_list
    }
    assert member_offer_titles == {o.title for o in [*cast.hp_offers, *cast.xh_offers]}

    # The stamped form: the organization, its reviewing district and the city may download it.
    for name in ("hp_org_user", "hp_admin", "city_admin"):
        response = as_role(name).get(form_file_url(hp_app))
        assert response.status_code == 200, name
        assert downloaded(response) == corrected
        assert response["Cache-Control"] == "private, no-store"
    for name in ("xh_org_user", "city_org_user", "hp_purchaser", "monitor", "xh_admin"):
        assert as_role(name).get(form_file_url(hp_app)).status_code == 404, name
    response = as_role("visitor").get(form_file_url(hp_app))
    assert response.status_code in (302, 404)
    if response.status_code == 302:
        assert response.url.startswith(resolve_url(settings.LOGIN_URL))
    # city_org's form is the city's alone among the administrators.
    assert as_role("city_admin").get(form_file_url(city_app)).status_code == 200
    assert as_role("hp_admin").get(form_file_url(city_app)).status_code == 404
    assert downloaded(as_role("xh_admin").get(form_file_url(xh_app))) == PDF_BYTES

    # The file is stored privately: not under STATIC, not served from MEDIA_URL.
    stored = Path(hp_app.recommendation_form.path).resolve()
    assert stored.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    static_roots = [Path(settings.STATIC_ROOT), *map(Path, settings.STATICFILES_DIRS)]
    assert not any(stored.is_relative_to(root.resolve()) for root in static_roots)
    assert not hp_app.recommendation_form.name.startswith(settings.STATIC_URL.strip("/"))
    for name in ("visitor", "hp_org_user", "city_admin"):
        client = as_role(name)
        assert client.get(settings.MEDIA_URL + hp_app.recommendation_form.name).status_code == 404, name
        assert client.get(settings.STATIC_URL + hp_app.recommendation_form.name).status_code == 404, name
    assert not Path(hp_app.recommendation_form.name).name.startswith("盖章")  # stored under a random name


def test_a_new_offer_of_a_member_is_marked_too_but_not_before_publication(
    as_role, city_admin, hp_admin, hp_org_user, hp_org, hp_offers, xh_org, edition
):
    """R-DIR-4: badges come from the published directory only, and cover the member's later offers."""
    app = submitted(hp_org_user, hp_offers[:1])
    district_pass(app, hp_admin)
    advance(edition, city_admin, EditionStatus.REVIEWING)
    city_decide(app, city_admin)
    other = OfferingFactory(organization=xh_org, title="启明助残外展服务")
    client = as_role("visitor")
    # Approved but not yet published: no badge, no filter hit.
    response = client.get("/offerings/", {"size": "50"})
    assert not any(getattr(o, "is_member", False) for o in response.context["page"].object_list)
    assert list(client.get("/offerings/", {"directory_member": "yes"}).context["page"].object_list) == []

    advance(edition, city_admin, EditionStatus.PUBLISHED)
    later = OfferingFactory(organization=hp_org, title="乐龄认知症照护服务")
    response = client.get("/offerings/", {"size": "50"})
    marks = {o.title: o.is_member for o in response.context["page"].object_list}
    assert marks[later.title] and marks[hp_offers[0].title]
    assert not marks[other.title]
    members = client.get("/offerings/", {"directory_member": "yes", "size": "50"}).context["page"].object_list
    assert {o.title for o in members} == {o.title for o in [*hp_offers, later]}
