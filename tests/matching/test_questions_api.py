"""公开答疑 in open data (issue 13 §6): a demand's record lists its answered questions with their
answers and times, never a pending or declined one, never who asked (R-ACC-4); answering moves the
record's updated_at so that incremental synchronisation sees it."""

import pytest

from matching import questions
from tests.factories import DemandFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def demand(hp_unit):
    return DemandFactory(unit=hp_unit, title="南京东路居家养老项目")


def test_the_record_lists_the_answered_questions_only_without_the_asker(
    client, demand, xh_org, xh_org_user, hp_purchaser
):
    answered = questions.ask(demand=demand, by=xh_org_user, text="服务对象是否包括独居老人？")
    questions.act(question=answered, action="answer", by=hp_purchaser, text="包括。")
    declined = questions.ask(demand=demand, by=xh_org_user, text="可以只做一半吗？")
    questions.act(question=declined, action="decline", by=hp_purchaser, text="不在本项目范围")
    questions.ask(demand=demand, by=xh_org_user, text="还在等答复的问题")
    for path in (f"/api/v1/demands/{demand.pk}/", "/api/v1/demands/"):
        response = client.get(path)
        body = response.content.decode()
        record = response.json() if "results" not in response.json() else response.json()["results"][0]
        assert [(q["question"], q["answer"]) for q in record["questions"]] == [
            ("服务对象是否包括独居老人？", "包括。")
        ]
        assert record["questions"][0]["answered_at"] is not None
        for hidden in ("可以只做一半吗？", "不在本项目范围", "还在等答复的问题", xh_org.name, xh_org.uscc):
            assert hidden not in body, (path, hidden)


def test_a_demand_without_questions_has_an_empty_list(client, demand):
    assert client.get(f"/api/v1/demands/{demand.pk}/").json()["questions"] == []


def test_an_answer_moves_the_records_updated_at(demand, xh_org_user, hp_purchaser):
    before = type(demand).objects.get(pk=demand.pk).updated_at
    q = questions.ask(demand=demand, by=xh_org_user, text="问题")
    assert type(demand).objects.get(pk=demand.pk).updated_at == before  # a question alone publishes nothing
    questions.act(question=q, action="answer", by=hp_purchaser, text="答复")
    assert type(demand).objects.get(pk=demand.pk).updated_at > before
