"""Status transitions keyed by action (issue 17 §2): one table per record type and one function.

For every record type with a status (demand, offer, edition, self-recommendation, notice item,
留言, finding, account application, 承接意向, 公开答疑 question) this walks every (state, action) pair through
``portal.transitions.apply``: an action the table allows moves the record to its to-state and leaves
one history record with the acting user; any other is refused with a Chinese message and changes
nothing (R-DEM-4, R-OFF-4, R-DIR-1, R-DIR-3, R-NOT-1, R-NOT-3, R-SUP-3, R-ACC-2, R-GEN-2, R-GEN-3).
"""

import datetime
import itertools
from decimal import Decimal

import pytest

from accounts import services as account_services
from demands import services as demand_services
from directory import services as directory_services
from directory.models import Application, Edition
from matching import questions as question_services
from matching import services as interest_services
from notices import services as notice_services
from notices.models import Link, Message
from offerings import services as offering_services
from portal import transitions
from portal.transitions import NEW
from supervision import findings as finding_services
from supervision.models import Finding
from tests.factories import (
    AccountApplicationFactory,
    DemandFactory,
    InterestFactory,
    PurchaserUnitFactory,
    QuestionFactory,
    SocialOrganizationFactory,
    UserFactory,
)
from tests.offerings.helpers import OfferingFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def days(n):
    return TODAY + datetime.timedelta(days=n)


def _saved_unless(build, record):
    """The record as built when `build`, saved otherwise."""
    if not build:
        record.save()
    return record


def _demand(status, build):
    """A demand whose award and evaluation fields are consistent, so any to-state validates."""
    fields = dict(
        status=status,
        period_start=days(-200),
        period_end=days(165),
        awarded_org=SocialOrganizationFactory(),
        award_amount=Decimal("300000"),
        awarded_on=days(-190),
        eval_grade="good",
        eval_score=Decimal("86"),
        eval_summary="按计划完成服务。",
        evaluated_on=days(-1),
        cancel_reason="实施条件变化",
    )
    return DemandFactory.build(unit=PurchaserUnitFactory(), **fields) if build else DemandFactory(**fields)


def _offering(status, build):
    if build:
        return OfferingFactory.build(status=status, organization=SocialOrganizationFactory())
    return OfferingFactory(status=status)


def _edition(status, build):
    return _saved_unless(
        build,
        Edition(
            year=2030,
            starts_on=days(-10),
            deadline=days(20),
            requirements="在民政部门登记的社会组织。",
            notice_url="https://mzj.sh.gov.cn/notice/directory",
            status=status,
        ),
    )


def _application(status, build):
    edition = _edition("collecting", False)
    return _saved_unless(
        build, Application(edition=edition, organization=SocialOrganizationFactory(), status=status)
    )


def _link(status, build):
    return _saved_unless(
        build,
        Link(
            title="上海市民政局",
            url="https://mzj.sh.gov.cn/",
            publisher_kind="city",
            publisher_name="上海市民政局",
            status=status,
        ),
    )


def _message(status, build):
    return _saved_unless(
        build, Message(subject="建议增加街道筛选", body="希望服务项目可以按街道筛选。", status=status)
    )


def _finding(status, build):
    return _saved_unless(
        build,
        Finding(
            number=f"JC{Finding.objects.count() + 1:06d}",
            target_type="demand",
            target_id=1,
            target_title="社区居家养老服务项目",
            kind="false",
            description="服务对象人数与实际不符。",
            opened_by=_user(),
            status=status,
        ),
    )


def _account_application(status, build):
    return (
        AccountApplicationFactory.build(status=status) if build else AccountApplicationFactory(status=status)
    )


def _built_by_a_member(factory, member_field, status):
    """An organization's record about a demand, built (unsaved), `member_field` naming who wrote it."""
    organization = SocialOrganizationFactory()
    member = UserFactory(role="organization", organization=organization)
    return factory.build(
        demand=DemandFactory(), organization=organization, status=status, **{member_field: member}
    )


def _interest(status, build):
    if build:
        return _built_by_a_member(InterestFactory, "created_by", status)
    return InterestFactory(status=status)


def _question(status, build):
    if build:
        return _built_by_a_member(QuestionFactory, "asked_by", status)
    return QuestionFactory(status=status, answer="包括。" if status == "answered" else "")


def _user():
    return UserFactory()


# record type → (its table, a maker of a record in a given state: saved, or built when NEW)
RECORDS = {
    "demand": (demand_services.TABLE, _demand),
    "offering": (offering_services.TABLE, _offering),
    "edition": (directory_services.EDITION_TABLE, _edition),
    "application": (directory_services.TABLE, _application),
    "notice_item": (notice_services.TABLE, _link),
    "message": (notice_services.MESSAGE_TABLE, _message),
    "finding": (finding_services.TABLE, _finding),
    "account_application": (account_services.TABLE, _account_application),
    "interest": (interest_services.TABLE, _interest),
    "question": (question_services.TABLE, _question),
}

PAIRS = [
    (record, state, action)
    for record, (table, _) in RECORDS.items()
    for state, action in itertools.product((NEW, *table.states), table.actions)
]


def _row(obj):
    """What the database holds for the record: its status and how many history records it has."""
    if obj.pk is None:
        return None
    fresh = type(obj).objects.get(pk=obj.pk)
    return fresh.status, fresh.history.count()


@pytest.mark.parametrize(
    ("record", "state", "action"), PAIRS, ids=[f"{r}:{s or 'new'}:{a}" for r, s, a in PAIRS]
)
def test_every_state_and_action_is_allowed_or_refused_as_the_table_says(record, state, action):
    table, make = RECORDS[record]
    obj = make(state, build=state is NEW)
    by = _user()
    before = _row(obj)
    sources, target = table.actions[action]

    if state in sources:
        transitions.apply(table, obj, action, by=by, reason="测试")
        fresh = type(obj).objects.get(pk=obj.pk)
        assert fresh.status == (state if target is None else target)
        assert fresh.history.count() == (0 if before is None else before[1]) + 1
        latest = fresh.history.order_by("-history_id").first()
        assert latest.history_user == by
        assert latest.history_change_reason == "测试"
    else:
        with pytest.raises(table.error) as refused:
            transitions.apply(table, obj, action, by=by, reason="测试")
        message = getattr(refused.value, "message", None) or " ".join(refused.value.messages)
        assert any("\u4e00" <= ch <= "\u9fff" for ch in message)
        assert _row(obj) == before
        if before is None:
            assert obj.pk is None


def test_every_table_names_only_its_own_states_and_labels_every_action():
    for table, _ in RECORDS.values():
        assert set(table.labels) == set(table.actions)
        for sources, target in table.actions.values():
            assert set(sources) <= {NEW, *table.states}
            assert target is None or target in table.states


def test_a_table_with_an_unknown_state_is_refused_when_it_is_declared():
    with pytest.raises(ValueError):
        transitions.Table(noun="x", states=("a",), actions={"go": ({"a"}, "b")}, labels={"go": "走"})
    with pytest.raises(ValueError):
        transitions.Table(noun="x", states=("a", "b"), actions={"go": ({"a"}, "b")}, labels={})


def test_a_refusal_names_the_state_and_the_action_in_chinese():
    demand = _demand("evaluated", build=False)
    with pytest.raises(transitions.ServiceError) as refused:
        transitions.apply(demand_services.TABLE, demand, "cancel", by=_user())
    assert refused.value.message == f"“{demand.get_status_display()}”的需求不能取消。"


def test_the_same_state_again_reads_already_done():
    """Publishing a published demand says 该需求已经发布 (the action's to-state is where it is)."""
    demand = _demand("published", build=False)
    with pytest.raises(transitions.ServiceError, match="该需求已经发布"):
        transitions.apply(demand_services.TABLE, demand, "publish", by=_user())


@pytest.mark.parametrize(
    "make, table, expected",
    [
        (_link, notice_services.TABLE, "“已发布”的内容不能改为“已发布”。"),
        (_edition, directory_services.EDITION_TABLE, "“已发布”的目录不能改为“已发布”。"),
    ],
)
def test_a_table_labelled_by_the_state_reached_refuses_that_state_again_like_any_other(make, table, expected):
    """``says_already=False`` (labels from ``moved_to``): not 该内容已经改为“已发布”."""
    record = make("published", build=False)
    with pytest.raises(transitions.ServiceError) as refused:
        transitions.apply(table, record, "publish", by=_user())
    assert refused.value.message == expected


def test_an_unknown_action_is_refused_in_chinese():
    demand = _demand("draft", build=False)
    with pytest.raises(transitions.ServiceError, match="没有“delete”这一操作"):
        transitions.apply(demand_services.TABLE, demand, "delete", by=_user())


def test_an_edit_keeps_the_status_of_the_row_just_read_not_of_the_form_copy():
    """``current``: a form's copy that claims another status cannot smuggle it in."""
    offering = OfferingFactory(status="withdrawn")
    copy = type(offering).objects.get(pk=offering.pk)
    copy.status = "published"
    copy.title = "修改后的名称"
    transitions.apply(offering_services.TABLE, copy, "edit", by=_user(), current=offering)
    offering.refresh_from_db()
    assert (offering.status, offering.title) == ("withdrawn", "修改后的名称")


def test_the_available_actions_are_the_ones_the_table_allows():
    table = demand_services.TABLE
    assert table.available("draft") == {"publish", "edit_draft", "cancel"}
    assert table.available("published") == {"adjust", "cancel", "award"}
    assert table.available("awarded") == {"evaluate"}
    assert table.available("evaluated") == set() == table.available("cancelled")
    assert table.available(NEW) == {"create", "publish"}
