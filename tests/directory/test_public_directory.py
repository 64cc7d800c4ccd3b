"""The published directory and the listings that mark its members (R-DIR-4, R-MAT-1).

Requirements pinned here:
- R-DIR-4: the published directory is public, per year, filterable by category (an area or a sub-area)
  and by district, searchable by organization or offer name, exportable to Excel; only approved
  organizations appear.
- R-MAT-1/R-DIR-4: the offerings listing marks (推荐目录) and filters (directory_member=yes) the offers of
  organizations in the latest published directory; the demands listing marks awarded members.
- R-GEN-3: odd filter values are ignored, never a server error.
"""

import io

import openpyxl
import pytest
from django.test import Client

from directory.models import EditionStatus
from tests.directory.conftest import advance, city_decide, district_pass, edition_url, make_edition, submitted
from tests.factories import DemandFactory, OfferingFactory
from tests.html import inner_html, select, select_one, text, text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(edition, cast):
    """This year's edition, published: hp_org and xh_org approved, city_org rejected."""
    c = cast
    hp_app = submitted(c.hp_org_user, c.hp_offers)
    xh_app = submitted(c.xh_org_user, c.xh_offers[:1])
    city_app = submitted(c.city_org_user, c.city_offers)
    district_pass(hp_app, c.hp_admin)
    district_pass(xh_app, c.xh_admin)
    advance(edition, c.city_admin, EditionStatus.REVIEWING)
    city_decide(hp_app, c.city_admin)
    city_decide(xh_app, c.city_admin)
    city_decide(city_app, c.city_admin, approved=False, opinion="暂不列入")
    return advance(edition, c.city_admin, EditionStatus.PUBLISHED)


def names(client, edition, **params):
    response = client.get(edition_url(edition), params)
    assert response.status_code == 200
    return {app.organization.name for app in response.context["page"].object_list}


def test_the_directory_home_lists_published_editions_and_the_one_collecting(client, published, hp_org):
    later = make_edition(published.year + 1)
    page = text(client.get("/directory/"))
    assert published.display_title in page and edition_url(published) in page
    assert later.display_title in page and "正在征集" in page


def test_the_directory_shows_only_approved_organizations_with_their_evidence(
    client, published, hp_org, xh_org, city_org, hp_offers, xh_offers, city_offers
):
    response = client.get(edition_url(published))
    assert {a.organization for a in response.context["page"].object_list} == {hp_org, xh_org}
    page = text(response)
    for offer in [*hp_offers, xh_offers[0]]:
        assert offer.title in page
    assert xh_offers[1].title not in page  # not chosen as evidence
    assert city_org.name not in page and city_offers[0].title not in page


def test_each_member_card_prints_the_organization_and_its_evidence_and_only_the_readers_own_buttons(
    client, login, published, hp_org, hp_offers, city_admin, monitor
):
    """The card of a member (directory/cards.py): its organization's page, type, registration authority
    and district, and each evidence offer linked with its category, in order, escaped; 移出目录 for the
    city administrator only, 发起内容监测 for the monitor only."""
    hp_offers[0].title = "乐龄<长者>助餐服务"
    hp_offers[0].save()
    application = published.applications.get(organization=hp_org)
    remove, finding = (
        f"/directory/members/{application.pk}/remove/",
        f"?type=application&amp;id={application.pk}",
    )

    def card(page):
        (found,) = [c for c in select(page, "section.card") if hp_org.name in text_of(c)]
        return found

    page = client.get(edition_url(published))
    visitor = card(page)
    assert select_one(visitor, "h2 a").get("href") == f"/organizations/{hp_org.pk}/"
    assert text_of(select(visitor, "p")[0]) == (  # white space folded
        f"{hp_org.get_org_type_display()} | {hp_org.registration_authority}登记 | 所在区：{hp_org.district.name}"
    )
    evidence = select(visitor, "p")[1]
    assert [a.get("href") for a in select(evidence, "a")] == [f"/offerings/{o.pk}/" for o in hp_offers]
    assert text_of(evidence) == "佐证项目：" + "；".join(f"{o.title}（{o.category}）" for o in hp_offers)
    assert "乐龄&lt;长者&gt;助餐服务" in inner_html(evidence)
    assert remove not in text(page) and finding not in text(page)

    assert remove in inner_html(card(login(city_admin).get(edition_url(published))))
    as_monitor = inner_html(card(login(monitor).get(edition_url(published))))
    assert finding in as_monitor and remove not in as_monitor


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"category": "01"}, {"hp"}),
        ({"category": "0103"}, {"hp"}),
        ({"category": "0101"}, {"hp"}),
        ({"category": "02"}, {"xh"}),
        ({"category": "0201"}, {"xh"}),
        ({"category": "0203"}, set()),  # xh_org's second offer is not evidence
        ({"category": "03"}, set()),
        ({"district": "xuhui"}, {"xh"}),
        ({"district": "huangpu"}, {"hp"}),
        ({"q": "乐龄家园"}, {"hp"}),
        ({"q": "启明"}, {"xh"}),
        ({"q": "助餐"}, {"hp"}),  # an evidence offer's title
        ({"q": "益心"}, set()),  # the rejected organization
        ({"category": "01", "district": "xuhui"}, set()),
        ({"district": "abc"}, {"hp", "xh"}),  # ignored
        ({"category": "99"}, set()),
    ],
)
def test_the_directory_filters_by_category_and_district_and_searches(
    client, published, hp_org, xh_org, huangpu, xuhui, params, expected
):
    """R-DIR-4: 项目类别 (area or sub-area of the evidence offers), 所在区, and a name search."""
    orgs = {"hp": hp_org.name, "xh": xh_org.name}
    districts = {"huangpu": str(huangpu.pk), "xuhui": str(xuhui.pk)}
    if params.get("district") in districts:
        params = {**params, "district": districts[params["district"]]}
    assert names(client, published, **params) == {orgs[k] for k in expected}


def test_the_export_is_a_spreadsheet_of_the_members(client, published, hp_org, xh_org, hp_offers):
    response = client.get(f"/directory/{published.year}/export.xlsx")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"] and ".xlsx" in response["Content-Disposition"]
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:6] == (
        "社会组织名称",
        "统一社会信用代码",
        "组织类型",
        "登记管理机关",
        "所在区",
        "佐证项目",
    )
    by_name = {row[0]: row for row in rows[1:]}
    assert set(by_name) == {hp_org.name, xh_org.name}
    assert by_name[hp_org.name][1] == hp_org.uscc
    assert by_name[hp_org.name][3] == "黄浦区民政局" and by_name[hp_org.name][4] == "黄浦区"
    assert by_name[hp_org.name][5] == "；".join(o.title for o in hp_offers)


def test_an_unknown_year_answers_404(client, published):
    assert client.get(f"/directory/{published.year - 5}/").status_code == 404


def test_the_offerings_listing_marks_and_filters_directory_members(client, published, hp_org, city_org):
    """R-MAT-1: 推荐目录 badge on the members' offers; directory_member=yes keeps only them."""
    outsider = OfferingFactory(organization=city_org, title="益心社区儿童服务站")
    response = client.get("/offerings/", {"size": "50"})
    marks = {o.title: o.is_member for o in response.context["page"].object_list}
    assert marks[outsider.title] is False
    assert all(marks[o.title] for o in hp_org.offerings.all())
    member_titles = {
        o.title
        for o in client.get("/offerings/", {"directory_member": "yes", "size": "50"})
        .context["page"]
        .object_list
    }
    assert outsider.title not in member_titles
    assert {o.title for o in hp_org.offerings.all()} <= member_titles
    assert "推荐目录" in text(response)


def test_the_demands_listing_marks_an_awarded_member(client, published, hp_unit, hp_org, city_org):
    member_demand = DemandFactory(
        unit=hp_unit, status="awarded", awarded_org=hp_org, title="南京东路长者助餐"
    )
    other = DemandFactory(unit=hp_unit, status="awarded", awarded_org=city_org, title="南京东路儿童关爱")
    response = client.get("/demands/", {"size": "50"})
    marks = {d.title: d.awarded_member for d in response.context["page"].object_list}
    assert marks[member_demand.title] is True and marks[other.title] is False


def test_a_big_edition_export_is_a_job_whose_file_lists_every_member(
    client, published, hp_org, xh_org, settings
):
    """Issue 16 §1: above JOB_EXPORT_ROWS members the whole edition's export is a job (its file: every
    member, as the filtered export writes them); only the visitor who asked may fetch it."""
    settings.JOB_EXPORT_ROWS = 1
    response = client.get(f"/directory/{published.year}/export.xlsx")
    assert response.status_code == 302 and "/jobs/" in response["Location"]
    job_page = client.get(response["Location"])
    assert job_page.status_code == 200
    file = client.get(response["Location"].rstrip("/") + "/file")
    assert file.status_code == 200
    content = b"".join(file.streaming_content) if file.streaming else file.content
    rows = list(openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
    assert {row[0] for row in rows[1:]} == {hp_org.name, xh_org.name}
    assert Client().get(response["Location"].rstrip("/") + "/file").status_code == 404
