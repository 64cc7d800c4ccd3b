"""Issue 19 §4 (R-ACC-2, R-NOT-3): 申请开通账号 has the 留言区's protections — a honeypot, a signed
sum, and a limit per address per day — from the one place (portal/antispam.py)."""

import pytest
from django.core import signing

from accounts.models import AccountApplication
from tests.accounts.test_account_applications import APPLY, code, org_form

pytestmark = pytest.mark.django_db


def solved(data, answer=7):
    return {"answer": str(answer), "token": signing.dumps(7, salt="account-application"), **data}


def test_the_page_asks_the_question_and_hides_the_honeypot(client):
    page = client.get(APPLY).content.decode()
    assert "验证问题：" in page and 'class="hp-field" aria-hidden="true"' in page


def test_a_filled_honeypot_is_refused_and_nothing_saved(client, xuhui):
    response = client.post(APPLY, solved({**org_form(xuhui), "website": "http://spam.example"}))
    assert response.status_code == 200 and "提交未成功" in response.content.decode()
    assert AccountApplication.objects.count() == 0


@pytest.mark.parametrize("token", ["", "forged", signing.dumps(7, salt="message-challenge")])
def test_a_missing_forged_or_foreign_challenge_is_refused(client, xuhui, token):
    response = client.post(APPLY, {**org_form(xuhui), "answer": "7", "token": token})
    assert response.status_code == 200
    assert AccountApplication.objects.count() == 0


def test_a_wrong_sum_is_refused(client, xuhui):
    response = client.post(APPLY, solved(org_form(xuhui), answer=8))
    assert "计算结果不正确" in response.content.decode()
    assert AccountApplication.objects.count() == 0


def test_one_address_may_apply_a_few_times_a_day_only(client, xuhui, settings):
    settings.ACCOUNT_APPLICATION_RATE_LIMIT = (2, 24 * 3600)
    for n in range(2):
        data = org_form(
            xuhui,
            username=f"fenglin_{n}",
            unit_name=f"上海市徐汇区枫林服务中心{n}",
            uscc=code(f"52310104MJ509817{n}"),
        )
        assert client.post(APPLY, solved(data)).status_code == 302
    data = org_form(
        xuhui, username="fenglin_9", unit_name="上海市徐汇区枫林服务中心9", uscc=code("52310104MJ5098179")
    )
    response = client.post(APPLY, solved(data))
    assert response.status_code == 200 and "已达上限" in response.content.decode()
    assert AccountApplication.objects.count() == 2
    other = client.post(APPLY, solved(data), REMOTE_ADDR="10.1.2.3")
    assert other.status_code == 302
