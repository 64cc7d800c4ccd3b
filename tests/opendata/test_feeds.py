"""/feeds/demands.atom (issue 8 item 5): Atom feeds of new demands, optionally per category and district,
that validate against the RELAX NG schema of RFC 4287 (appendix B, tests/opendata/atom.rng) and keep
the appendix's two Schematron rules; Shanghai times with their offset; no contact details."""

import datetime
import re

import pytest

from demands.models import Demand, public_q
from tests.atom import NS, check_atom
from tests.factories import DemandFactory

from .conftest import CONTACTS, PUBLIC_DEMANDS, ago, category, district

pytestmark = pytest.mark.django_db

FEED = "/feeds/demands.atom"
RFC3339_SHANGHAI = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$")


def fetch(client, params=None):
    response = client.get(FEED, params or {})
    assert response.status_code == 200, response.content.decode()[:300]
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    return response


def valid_feed(client, params=None):
    """The feed parsed, after checking it against RFC 4287 (tests/atom.py)."""
    return check_atom(fetch(client, params).content)


def entries(root):
    return root.findall("a:entry", NS)


def entry_links(root):
    return [e.find("a:link[@rel='alternate']", NS).get("href") for e in entries(root)]


def entry_pks(root):
    return [int(re.search(r"/demands/(\d+)/$", href).group(1)) for href in entry_links(root)]


def test_the_feed_is_valid_atom_and_lists_the_public_demands_newest_first(client, world):
    root = valid_feed(client)
    assert root.findtext("a:title", namespaces=NS) == "上海市政府购买社会组织服务需求"
    assert root.findtext("a:author/a:name", namespaces=NS) == "上海市民政局"
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "zh-Hans"
    assert root.find("a:link[@rel='self']", NS).get("href") == "http://testserver/feeds/demands.atom"
    assert root.find("a:link[@rel='alternate']", NS).get("href") == "http://testserver/demands/"
    assert root.findtext("a:id", namespaces=NS) == "http://testserver/feeds/demands.atom"
    expected = list(
        Demand.objects.filter(public_q()).order_by("-published_at", "-pk").values_list("pk", flat=True)
    )
    assert entry_pks(root) == expected
    assert {world[n].pk for n in PUBLIC_DEMANDS} == set(expected)
    assert world.d_draft.pk not in expected and world.d_cancelled_draft.pk not in expected


def test_an_entry_links_to_the_demand_page_with_a_summary_and_shanghai_times(client, world, hp_unit):
    root = valid_feed(client)
    (entry,) = [e for e in entries(root) if e.findtext("a:title", namespaces=NS) == world.d_hp_home.title]
    link = entry.find("a:link[@rel='alternate']", NS).get("href")
    assert link == f"http://testserver/demands/{world.d_hp_home.pk}/"
    assert client.get(link).status_code == 200
    assert entry.findtext("a:author/a:name", namespaces=NS) == hp_unit.name
    summary = entry.find("a:summary", NS)
    assert summary.get("type") == "html"
    text = summary.text
    for part in (
        "项目预算：100,000.00 元",
        "服务区域：黄浦区 南京东路街道",
        f"购买主体：{hp_unit.name}",
        "实施期限：",
    ):
        assert part in text
    published = entry.findtext("a:published", namespaces=NS)
    updated = entry.findtext("a:updated", namespaces=NS)
    assert RFC3339_SHANGHAI.match(published) and RFC3339_SHANGHAI.match(updated)
    assert datetime.datetime.fromisoformat(published) == world.d_hp_home.published_at.replace(microsecond=0)
    assert datetime.datetime.fromisoformat(updated) >= datetime.datetime.fromisoformat(published)
    assert RFC3339_SHANGHAI.match(root.findtext("a:updated", namespaces=NS))
    assert [c.get("term") for c in entry.findall("a:category", NS)] == ["养老服务 / 居家养老服务", "黄浦区"]


def test_what_became_of_a_demand_shows_in_its_entry(client, world):
    root = valid_feed(client)
    titles = {e.findtext("a:title", namespaces=NS): e for e in entries(root)}
    cancelled = titles[f"【已取消】{world.d_cancelled.title}"]
    assert "取消原因：预算调整，项目暂缓。" in cancelled.findtext("a:summary", namespaces=NS)
    assert f"【已确定承接方】{world.d_awarded.title}" in titles
    external = titles[world.d_external.title]
    assert "信息来源：财政政府购买服务管理平台" in external.findtext("a:summary", namespaces=NS)


@pytest.mark.parametrize(
    ("params", "title"),
    [
        ({"category": "01"}, "上海市政府购买社会组织服务需求（项目类别：养老服务）"),
        ({"category": "0201"}, "上海市政府购买社会组织服务需求（项目类别：残疾人服务 / 康复服务）"),
        ({"district": "徐汇区"}, "上海市政府购买社会组织服务需求（服务区域：徐汇区）"),
        ({"district": "310104"}, "上海市政府购买社会组织服务需求（服务区域：徐汇区）"),
        (
            {"category": "01", "district": "黄浦区"},
            "上海市政府购买社会组织服务需求（项目类别：养老服务，服务区域：黄浦区）",
        ),
    ],
)
def test_a_filtered_feed_says_what_it_holds_and_holds_only_that(client, world, params, title):
    root = valid_feed(client, params)
    assert root.findtext("a:title", namespaces=NS) == title
    qs = Demand.objects.filter(public_q())
    if "category" in params:
        c = category(params["category"])
        qs = qs.filter(category__parent=c) if c.parent_id is None else qs.filter(category=c)
    if "district" in params:
        qs = qs.filter(district=district("徐汇区" if params["district"] == "310104" else params["district"]))
    expected = list(qs.order_by("-published_at", "-pk").values_list("pk", flat=True))
    assert expected and entry_pks(root) == expected
    # Each filtered feed has its own id and points to itself and to the listing with the same filters.
    assert root.findtext("a:id", namespaces=NS) == root.find("a:link[@rel='self']", NS).get("href")
    self_link = root.find("a:link[@rel='self']", NS).get("href")
    assert client.get(self_link.removeprefix("http://testserver")).status_code == 200
    listing = root.find("a:link[@rel='alternate']", NS).get("href").removeprefix("http://testserver")
    assert client.get(listing).status_code == 200


def test_the_feed_holds_the_50_newest(client, hp_unit):
    for i in range(55):
        DemandFactory(unit=hp_unit, title=f"批量需求{i:02d}", published_at=ago(60 - i))
    root = valid_feed(client)
    assert [e.findtext("a:title", namespaces=NS) for e in entries(root)] == [
        f"批量需求{i:02d}" for i in range(54, 4, -1)
    ]


def test_an_empty_feed_is_still_valid_with_a_shanghai_updated_time(client, db):
    root = valid_feed(client, {"district": "崇明区"})
    assert entries(root) == []
    assert RFC3339_SHANGHAI.match(root.findtext("a:updated", namespaces=NS))


def test_markup_and_ampersands_in_a_title_stay_text(client, hp_unit):
    DemandFactory(unit=hp_unit, title="<b>助老</b> & “关爱”服务", service_targets="老人 <script>x</script>")
    root = valid_feed(client)
    (entry,) = entries(root)
    assert entry.findtext("a:title", namespaces=NS) == "<b>助老</b> & “关爱”服务"
    # type="html": the summary's markup is escaped, so a reader shows the text as typed.
    assert "&lt;script&gt;" in entry.findtext("a:summary", namespaces=NS)


@pytest.mark.parametrize(
    "params",
    [
        {"category": "99"},
        {"category": "abc"},
        {"district": "火星区"},
        {"district": "999999"},
        {"category": "01" * 30},
    ],
)
def test_a_bad_filter_answers_400_in_chinese(client, world, params):
    response = client.get(FEED, params)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert re.search(r"[\u4e00-\u9fff]", response.content.decode())


def test_the_feed_is_public_and_cacheable_and_carries_no_contact_details(client, world, hp_purchaser):
    response = fetch(client)
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Cache-Control"] == "public, max-age=300"
    client.force_login(hp_purchaser)
    body = fetch(client, {"category": "01"}).content.decode() + fetch(client).content.decode()
    for value in CONTACTS:
        assert value not in body


def test_the_feed_runs_one_query_and_one_per_filter(client, world, django_assert_num_queries):
    fetch(client, {"category": "01", "district": "黄浦区"})  # warm-up: portal/refdata.py's memo
    with django_assert_num_queries(1):
        fetch(client)
    # + the reference data's version (no SQL with Redis): the category and the district come from
    # the process's memo (a query each before)
    with django_assert_num_queries(2):
        fetch(client, {"category": "01", "district": "黄浦区"})


def test_the_demand_listing_announces_the_feed(client, db):
    page = client.get("/demands/").content.decode()
    assert re.search(
        r'<link rel="alternate" type="application/atom\+xml"[^>]* href="/feeds/demands\.atom"', page
    )


def test_the_open_data_page_lists_the_feeds(client, db):
    page = client.get("/api/").content.decode()
    assert 'href="/feeds/demands.atom?category=01"' in page
    assert "/feeds/demands.atom?district=%E9%BB%84%E6%B5%A6%E5%8C%BA" in page  # 黄浦区
    root = valid_feed(client, {"district": "黄浦区"})
    assert root is not None
