"""Chinese full-text search over demands (R-MAT-1): whatever the database, a query finds exactly
the demands that contain it, as a plain substring match over `Demand.SEARCH_FIELDS` would.

The corpus mixes ~180 demands typed the way purchasers write them with hand-made edge cases: a
query that only appears across two fields, across punctuation or a space, inside a longer word,
in the last field only, in a draft (never public)."""

import random
import re

import pytest
from django.db import connection
from django.urls import reverse

from accounts.models import PurchaserUnit
from demands import selectors
from demands.models import Demand, Status
from portal import search
from portal.models import Category, PurchaseType
from tests.factories import DemandFactory, PurchaserUnitFactory, district
from tests.html import select, text_of

FILLER = search.FILLER
IS_POSTGRES = connection.vendor == "postgresql"

# --- the corpus -------------------------------------------------------------------------------

PLACES = [
    "黄浦区南京东路街道",
    "黄浦区外滩街道",
    "黄浦区打浦桥街道",
    "徐汇区徐家汇街道",
    "徐汇区田林街道",
    "全区",
]
SUBJECTS = [
    "社区居家养老服务项目",
    "老年人助餐服务项目",
    "认知症照护服务",
    "助残服务社运营项目",
    "残疾人康复服务项目",
    "青少年心理健康教育服务",
    "困境儿童关爱保护项目",
    "法律援助进社区",
    "社区服务中心社会化运营",
    "渐冻症患者关爱服务",
    "家庭教育指导服务",
    "社区营造与居民议事协商",
    "垃圾分类宣传引导服务",
    "老旧小区加装电梯协调服务",
    "退役军人服务站运营",
    "志愿服务项目管理",
]
TARGETS = [
    "辖区内80周岁以上独居老人",
    "持证残疾人及其家庭",
    "辖区青少年及其家长",
    "渐冻症（ALS）患者及家属",
    "社区居民",
    "低保、低收入困难群众",
    "外来务工人员随迁子女",
    "失能、半失能老年人",
    "精神障碍康复者",
    "辖区内全体老年人",
]
QUALIFICATIONS = [
    "在民政部门登记的社会组织，具有3年以上居家养老服务经验",
    "具有助残服务经验的社会服务机构，配备持证社会工作者不少于2名",
    "近三年无严重违法失信记录，财务制度健全",
    "具备心理健康服务能力，团队中有国家二级心理咨询师",
    "具有法律援助或法律咨询服务经验，与律师事务所有合作协议",
    "在本市登记的社会组织，承接过青少年服务项目者优先",
    "具有社区服务中心运营经验，熟悉社区治理工作",
    "取得养老机构备案，有老年人照护经验",
]
OTHER_INFO = [
    "",
    "",
    "项目采用公开比选方式确定承接方",
    "服务期内接受街道和第三方评估机构的监督评估",
    "承接方需每月报送服务台账",
    "欢迎跨区社会组织报名",
    "项目资金分两期拨付",
    "如有疑问请致电联系人",
]

# (title, service_targets, qualification, other_info, status): the cases a bigram index can get
# wrong.  Fields not given are neutral text that contains none of the queries.
NEUTRAL = ("项目征集公告", "辖区居民", "依法登记的社会组织", "")
EDGE_CASES = [
    # 社区服务 only across a field boundary, or across punctuation and spaces: no match
    ("黄浦区外滩街道社区", "服务辖区内困难家庭", "依法登记", "", "published"),
    ("微更新项目", "黄浦区打浦桥街道社区", "服务类社会组织", "", "published"),
    ("街道社区，服务提升项目", *NEUTRAL[1:], "published"),
    ("街道社区 服务提升项目", *NEUTRAL[1:], "published"),
    ("街道社区\n服务提升项目", *NEUTRAL[1:], "published"),
    ("社区、服务双提升", *NEUTRAL[1:], "published"),
    ("社区（服务）", *NEUTRAL[1:], "published"),
    # 养老人 vs 养老。老人: only the first contains it
    ("居家照护项目", "失能老人", "从事养老。老人优先", "", "published"),
    ("居家照护项目", "失能老人", "从事养老人员培训满5年", "", "published"),
    # 居家养老服务: inside a longer word, split by a space, split by another character
    ("居家养老服务中心运营", *NEUTRAL[1:], "published"),
    ("居家养老 服务补贴评估", *NEUTRAL[1:], "published"),
    ("居家养老和社区服务", *NEUTRAL[1:], "published"),
    # 渐冻症 in the last field only, next to ASCII, and a near miss
    ("罕见病关爱服务", "罕见病患者", "依法登记", "重点关注渐冻症患者", "published"),
    ("罕见病关爱服务", "ALS渐冻症患者", "依法登记", "", "published"),
    ("罕见病关爱服务", "渐冻人及其家属", "依法登记", "", "published"),
    # 心理健康 and near misses
    ("心理健康服务", *NEUTRAL[1:], "published"),
    ("心理咨询与健康讲座", *NEUTRAL[1:], "published"),
    ("心理 健康沙龙", *NEUTRAL[1:], "published"),
    # 青少年 and near misses
    ("青少年宫课外活动", *NEUTRAL[1:], "published"),
    ("青年就业服务", "少年儿童", "依法登记", "", "published"),
    # 法律援助 and a near miss
    ("法律咨询援助", *NEUTRAL[1:], "published"),
    ("社区法律援助工作站", *NEUTRAL[1:], "published"),
    # repeated characters: 养老 inside 养养老老
    ("养养老老", *NEUTRAL[1:], "published"),
    # ASCII: a word on its own, next to Chinese, lower case, a word starting with it, split
    ("ABC公益创投项目", *NEUTRAL[1:], "published"),
    ("公益创投", "社区居民", "依法登记", "合作方：abc", "published"),
    ("公益创投", "社区居民", "依法登记", "ABC-2025计划", "published"),
    ("公益创投", "社区居民", "依法登记", "ABC2025计划", "published"),
    ("公益创投", "社区居民", "依法登记", "A.B.C.计划", "published"),
    ("公益创投", "社区居民", "依法登记", "AB C计划", "published"),
    # 养老 + 黄浦 in different fields (AND across fields), and each alone
    ("社区养老顾问服务", "黄浦区老年人", "依法登记", "", "published"),
    ("社区养老顾问服务", "徐汇区老年人", "依法登记", "", "published"),
    ("黄浦区为老服务", *NEUTRAL[1:], "published"),
    # 养老 in a long text, at its very end
    (
        "综合服务项目",
        "社区居民",
        "依法登记的社会组织，" + "具有相关服务经验。" * 200 + "擅长养老",
        "",
        "published",
    ),
    # not public: never found
    ("社区居家养老服务项目（草稿）", *NEUTRAL[1:], "draft"),
    # cancelled and awarded ones are public
    ("社区居家养老服务项目（已取消）", *NEUTRAL[1:], "cancelled"),
    ("社区居家养老服务项目（已承接）", *NEUTRAL[1:], "awarded"),
    ("心理健康服务（已评价）", *NEUTRAL[1:], "evaluated"),
]

QUERIES = [
    "养老",
    "助残",
    "社区服务",
    "渐冻症",
    "居家养老服务",
    "心理健康",
    "青少年",
    "法律援助",
    "老",
    "ABC",
    "养老人",
    "社区",
    "服务",
    "量子计算",  # found nowhere
]
MULTI_WORD_QUERIES = ["养老 黄浦", "社区服务 心理健康", "助残 徐汇", "青少年 老"]


def _build_corpus():
    rng = random.Random(20260301)
    huangpu_unit = PurchaserUnitFactory(name="黄浦区搜索测试街道办事处", district=district("黄浦区"))
    xuhui_unit = PurchaserUnitFactory(name="徐汇区搜索测试街道办事处", district=district("徐汇区"))
    common = {  # looked up once, not by the factory for every demand
        "category": Category.objects.get(code="0101"),
        "purchase_type": PurchaseType.objects.get(code="basic_public"),
    }
    statuses = ["published"] * 8 + ["awarded", "evaluated", "cancelled", "draft"]
    demands = []
    for _ in range(180):
        place = rng.choice(PLACES)
        demands.append(
            DemandFactory(
                unit=xuhui_unit if place.startswith("徐汇") else huangpu_unit,
                title=f"{place}{rng.choice(SUBJECTS)}"[:100],
                service_targets=rng.choice(TARGETS),
                qualification=rng.choice(QUALIFICATIONS),
                other_info=rng.choice(OTHER_INFO),
                status=rng.choice(statuses),
                **common,
            )
        )
    for title, targets, qualification, other_info, status in EDGE_CASES:
        demands.append(
            DemandFactory(
                unit=huangpu_unit,
                title=title,
                service_targets=targets,
                qualification=qualification,
                other_info=other_info,
                status=status,
                **common,
            )
        )
    return [d.pk for d in demands], [huangpu_unit.pk, xuhui_unit.pk]


def _delete_corpus(demand_ids, unit_ids):
    # Deleting writes a "-" history record: the history goes last.
    Demand.objects.filter(pk__in=demand_ids).delete()
    Demand.history.filter(id__in=demand_ids).delete()
    PurchaserUnit.objects.filter(pk__in=unit_ids).delete()
    PurchaserUnit.history.filter(id__in=unit_ids).delete()


@pytest.fixture(scope="module")
def _corpus_ids(django_db_setup, django_db_blocker):
    """Built once for this module (committed), deleted afterwards: ~220 demands with their history
    take a second or two to create, and most tests here only read them."""
    with django_db_blocker.unblock():
        demand_ids, unit_ids = _build_corpus()
        try:
            yield demand_ids
        finally:
            _delete_corpus(demand_ids, unit_ids)


@pytest.fixture
def corpus(db, _corpus_ids):
    """The corpus demands (drafts included). Changes made by a test are rolled back with it."""
    return list(Demand.objects.filter(pk__in=_corpus_ids))


def _name(obj, path):
    for part in path.split("__"):
        obj = getattr(obj, part) if obj is not None else None
    return obj or ""


def contains(demand, word):
    """The reference: the word is a substring of one of the search fields, or of one of the names a
    demand is also found by (issue 13: its unit, districts, 街镇, awarded organization); ASCII case ignored."""
    texts = [getattr(demand, f) or "" for f in Demand.SEARCH_FIELDS]
    texts += [_name(demand, path) for path in Demand.SEARCH_NAMES]
    return any(word.casefold() in text.casefold() for text in texts)


def expected_ids(query):
    words = query.split()
    public = selectors.public_demands().select_related(
        "unit__district", "unit__street", "district", "street", "awarded_org"
    )
    return {d.pk for d in public if all(contains(d, w) for w in words)}


def found_ids(query):
    return set(selectors.demands_search(selectors.public_demands(), query).values_list("pk", flat=True))


def _describe(ids):
    return sorted(Demand.objects.filter(pk__in=ids).values_list("pk", "title"))


def assert_same_as_substring_match(query):
    expected, found = expected_ids(query), found_ids(query)
    missing, extra = expected - found, found - expected
    assert not missing and not extra, (
        f"query {query!r}: missing {_describe(missing)[:10]}, unexpected {_describe(extra)[:10]}"
    )
    return expected


# --- recall: found == substring match -----------------------------------------------------------


@pytest.mark.parametrize("query", QUERIES)
def test_a_query_finds_exactly_the_demands_that_contain_it(corpus, query):
    expected = assert_same_as_substring_match(query)

    if query != "量子计算":
        assert expected, f"the corpus should contain {query!r}"


def test_the_corpus_holds_the_edge_cases_the_recall_test_relies_on(corpus):
    """The reference match itself: phrases across a boundary do not count, drafts are not public."""
    by_title = {}
    for demand in corpus:
        by_title.setdefault(demand.title, []).append(demand)
    assert len(corpus) >= 200
    assert expected_ids("社区服务").isdisjoint(
        {
            d.pk
            for t in ("黄浦区外滩街道社区", "微更新项目", "街道社区，服务提升项目", "社区、服务双提升")
            for d in by_title[t]
        }
    )
    assert {d.pk for d in by_title["居家养老服务中心运营"]} <= expected_ids("居家养老服务")
    assert not {d.pk for d in by_title["居家养老 服务补贴评估"]} & expected_ids("居家养老服务")
    assert not {d.pk for d in by_title["社区居家养老服务项目（草稿）"]} & expected_ids("养老")
    matches = expected_ids("养老人")
    assert len(matches) == 1
    assert Demand.objects.get(pk=next(iter(matches))).qualification == "从事养老人员培训满5年"


def test_a_phrase_split_across_two_fields_is_not_found(corpus):
    found = found_ids("社区服务")

    for title in ("黄浦区外滩街道社区", "微更新项目"):
        demand = Demand.objects.get(title=title)
        assert demand.pk not in found
        assert FILLER in demand.search_tokens


@pytest.mark.parametrize(
    "title", ["街道社区，服务提升项目", "街道社区 服务提升项目", "街道社区\n服务提升项目", "社区、服务双提升"]
)
def test_a_phrase_split_by_punctuation_or_a_space_is_not_found(corpus, title):
    assert Demand.objects.get(title=title).pk not in found_ids("社区服务")


def test_a_phrase_across_a_full_stop_is_not_found(corpus):
    found = found_ids("养老人")

    assert Demand.objects.get(qualification="从事养老人员培训满5年").pk in found
    assert Demand.objects.get(qualification="从事养老。老人优先").pk not in found


def test_drafts_are_never_found(corpus):
    draft = Demand.objects.get(title="社区居家养老服务项目（草稿）")

    for query in ("养老", "居家养老服务", "草稿", "老"):
        assert draft.pk not in found_ids(query)


@pytest.mark.parametrize("query", MULTI_WORD_QUERIES)
def test_several_words_must_all_be_found(corpus, query):
    expected = assert_same_as_substring_match(query)

    assert expected
    for word in query.split():
        assert expected <= found_ids(word)
    assert expected < found_ids(query.split()[0]) or expected < found_ids(query.split()[1])


def test_the_words_of_a_query_may_be_in_different_fields(corpus):
    both = Demand.objects.get(title="社区养老顾问服务", service_targets="黄浦区老年人")
    other = Demand.objects.get(title="社区养老顾问服务", service_targets="徐汇区老年人")
    # A 黄浦区 unit's demand is found by 黄浦 (issue 13): move this one to the 徐汇区 unit.
    other.unit = PurchaserUnit.objects.get(name="徐汇区搜索测试街道办事处")
    other.district = other.unit.district
    other.save()

    found = found_ids("养老 黄浦")

    assert both.pk in found
    assert other.pk not in found
    assert {both.pk, other.pk} <= found_ids("养老")


def test_extra_spaces_around_and_between_words_do_not_matter(corpus):
    assert found_ids("  养老   黄浦 ") == found_ids("养老 黄浦")
    assert found_ids("　养老　") == found_ids("养老")  # full-width spaces, as typed with a Chinese IME


def test_an_empty_query_returns_the_queryset_unchanged(corpus):
    public = set(selectors.public_demands().values_list("pk", flat=True))

    assert found_ids("") == public
    assert found_ids("   ") == public


def test_an_edited_demand_is_found_by_its_new_text_only(corpus):
    demand = Demand.objects.get(title="法律咨询援助")
    assert demand.pk not in found_ids("法律援助")

    demand.title = "法律援助咨询"
    demand.save()

    assert demand.pk in found_ids("法律援助")
    assert demand.pk not in found_ids("法律咨询")
    assert_same_as_substring_match("法律援助")


@pytest.mark.parametrize(
    ("query", "inside", "elsewhere"),
    [
        ("ABC", ["合作伙伴：SABC基金会", "编号2025ABC"], "合作伙伴：AB基金会"),
        ("120", ["覆盖3120户居民", "编号A120"], "覆盖1020户居民"),
    ],
)
def test_an_ascii_query_finds_it_inside_a_longer_word(corpus, hp_unit, query, inside, elsewhere):
    """Substring semantics hold for letters and digits too: "ABC" is in "SABC", "120" in "3120"."""
    containing = [DemandFactory(unit=hp_unit, title="公益创投", other_info=text) for text in inside]
    other = DemandFactory(unit=hp_unit, title="公益创投", other_info=elsewhere)

    assert {d.pk for d in containing} <= expected_ids(query)
    assert other.pk not in expected_ids(query)
    assert_same_as_substring_match(query)


@pytest.mark.parametrize(
    ("query", "containing", "not_containing"),
    [
        # a title pasted from a notice, with its brackets
        ("社区服务（居家）", "黄浦区社区服务（居家）项目", "社区服务项目（居家照护）"),
        # letters and Chinese in one word
        ("ALS渐冻症", "ALS渐冻症患者关爱", "ALS患者及渐冻症家庭"),
    ],
)
def test_a_query_with_punctuation_or_mixed_scripts_is_matched_as_typed(
    corpus, hp_unit, query, containing, not_containing
):
    match = DemandFactory(unit=hp_unit, title=containing)
    near_miss = DemandFactory(unit=hp_unit, title=not_containing)

    assert match.pk in expected_ids(query)
    assert near_miss.pk not in expected_ids(query)
    assert_same_as_substring_match(query)


# --- the public listing -----------------------------------------------------------------------


def _listed_ids(client, params):
    ids, page = set(), 1
    while True:
        response = client.get(reverse("demands:list"), {**params, "size": 50, "page": page})
        assert response.status_code == 200
        html = response.content.decode()
        hrefs = (re.fullmatch(r"/demands/(\d+)/", a.get("href")) for a in select(html, "a[href]"))
        ids |= {int(match[1]) for match in hrefs if match}
        count = int(re.search(r"共找到 (\d+) 个需求", text_of(html))[1])
        if page * 50 >= count:
            return ids, count
        page += 1


def test_the_public_listing_shows_exactly_the_matching_demands(client, corpus):
    expected = {pk for pk in expected_ids("养老") if Demand.objects.get(pk=pk).status != Status.CANCELLED}
    assert len(expected) > 50  # more than one page

    ids, count = _listed_ids(client, {"q": "养老"})

    assert ids == expected
    assert count == len(expected)


def test_the_public_listing_with_cancelled_ones_shows_them_too(client, corpus):
    expected = {pk for pk in expected_ids("养老") if Demand.objects.get(pk=pk).status == Status.CANCELLED}
    assert expected

    ids, count = _listed_ids(client, {"q": "养老", "status": "cancelled"})

    assert ids == expected
    assert count == len(expected)


@pytest.mark.parametrize("query", ["社区服务", "老", "ABC", "养老 黄浦"])
def test_the_public_listing_agrees_with_the_search(client, corpus, query):
    expected = {pk for pk in expected_ids(query) if Demand.objects.get(pk=pk).status != Status.CANCELLED}

    ids, count = _listed_ids(client, {"q": query})

    assert ids == expected
    assert count == len(expected)


# --- tokens and queries -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("texts", "tokens"),
    [
        (("社区服务",), "社区 区服 服务 ǂ"),
        (("养老",), "养老 ǂ"),
        (("老",), "老 ǂ"),
        (("养老。老人",), "养老 ǂ 老人 ǂ"),
        (("社区 服务",), "社区 ǂ 服务 ǂ"),
        (("社区", "服务"), "社区 ǂ 服务 ǂ"),
        (("ABC公益",), "abc ǂ 公益 ǂ"),
        (("Hello World 2025",), "hello ǂ world ǂ 2025 ǂ"),
        (("ALS渐冻症",), "als ǂ 渐冻 冻症 ǂ"),
        (("ＡＢＣ２０２５",), "abc2025 ǂ"),  # full-width folded to ASCII
        (("80周岁以上",), "80 ǂ 周岁 岁以 以上 ǂ"),
        (("", None), ""),
        (("。，！",), ""),
    ],
)
def test_tokens_are_bigrams_of_chinese_runs_and_whole_ascii_words(texts, tokens):
    assert FILLER == "ǂ"
    assert search.tokens_for(*texts) == tokens


def test_a_record_stores_the_tokens_of_its_search_fields(db, hp_unit):
    demand = DemandFactory(
        unit=hp_unit, title="助残服务", service_targets="残疾人", qualification="依法登记", other_info="ABC"
    )

    assert demand.search_tokens == "助残 残服 服务 ǂ 残疾 疾人 ǂ 依法 法登 登记 ǂ abc ǂ"
    demand.refresh_from_db()
    assert demand.search_tokens == search.tokens_for(*(getattr(demand, f) for f in Demand.SEARCH_FIELDS))


@pytest.mark.parametrize(
    ("query", "tsquery"),
    [
        ("社区服务", "(社区 <-> 区服 <-> 服务)"),
        ("养老", "(养老)"),
        ("居家养老服务", "(居家 <-> 家养 <-> 养老 <-> 老服 <-> 服务)"),
        ("养老 黄浦", "(养老) & (黄浦)"),
        ("ABC", None),  # letters and digits are matched as substrings, inside words too
        ("老", None),
        ("养老 老", None),  # one single character: the whole query falls back to substrings
        ("", None),
        ("。", None),
    ],
)
def test_a_query_becomes_a_phrase_of_its_bigrams(query, tsquery):
    assert search.tsquery_for(query) == tsquery


# --- PostgreSQL: the bigram index is what answers -------------------------------------------------

postgres_only = pytest.mark.skipif(
    not IS_POSTGRES, reason="the bigram tsquery path exists on PostgreSQL only"
)


@postgres_only
@pytest.mark.parametrize("query", ["养老", "社区服务", "渐冻症", "居家养老服务", "养老 黄浦"])
def test_on_postgresql_a_query_of_two_or_more_characters_uses_to_tsquery(db, query):
    sql = str(selectors.demands_search(selectors.public_demands(), query).query)

    assert "to_tsquery" in sql
    # The demand's own text is never scanned with LIKE (the names of units, districts and
    # organizations are: they are looked up in their own small tables, issue 13).
    assert not re.search(r'"demands_demand"\."\w+"::text\) LIKE', sql)


@postgres_only
@pytest.mark.parametrize("query", ["ABC", "社区服务（居家）", "ALS渐冻症"])
def test_on_postgresql_words_that_are_not_pure_chinese_runs_are_substring_matches(db, query):
    sql = str(selectors.demands_search(selectors.public_demands(), query).query)

    assert "to_tsquery" not in sql
    assert "LIKE" in sql.upper()


@postgres_only
def test_on_postgresql_a_mixed_query_uses_the_index_for_its_chinese_words(db):
    sql = str(selectors.demands_search(selectors.public_demands(), "养老 ABC").query)

    assert "to_tsquery" in sql and "LIKE" in sql.upper()


@postgres_only
def test_on_postgresql_a_single_character_falls_back_to_a_substring_match(db):
    sql = str(selectors.demands_search(selectors.public_demands(), "老").query)

    assert "to_tsquery" not in sql
    assert "LIKE" in sql.upper()


@postgres_only
def test_on_postgresql_the_search_can_use_the_gin_index(corpus):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    # Unordered: on these 200 rows the planner would rather walk the published_at index for the
    # default order and filter, now that the word may also be found in the names (issue 13).
    plan = selectors.demands_search(Demand.objects.all(), "社区服务").order_by().explain()

    assert "demand_search_gin" in plan


def test_on_sqlite_every_query_is_a_substring_match(db):
    if IS_POSTGRES:
        pytest.skip("SQLite only")
    sql = str(selectors.demands_search(selectors.public_demands(), "社区服务").query)

    assert "to_tsquery" not in sql
    assert "LIKE" in sql.upper()
