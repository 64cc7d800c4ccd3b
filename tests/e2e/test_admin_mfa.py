"""A second factor (issue #14): a district administrator without one is sent to set it up before the
admin site, confirms the password, scans (reads) the secret, enters the code, is shown the recovery
codes once, opens the admin site; the next login asks for the authenticator's code."""

import re
import time

import pyotp
import pytest
from allauth.mfa.models import Authenticator

from accounts.models import Role
from tests.factories import PASSWORD, UserFactory, district

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def wait_for_the_next_code(period=30):
    """allauth accepts each code once: the login after the set-up waits for the next one."""
    time.sleep(period - time.time() % period + 0.5)


def test_a_district_administrator_sets_up_and_uses_the_authenticator(journey):
    admin = UserFactory(
        username="hp_admin_new", role=Role.DISTRICT_ADMIN, district=district("黄浦区"), totp=False
    )
    page = journey.page
    journey.login(admin.username)

    page.get_by_role("link", name="管理后台").first.click()
    page.wait_for_url("**/accounts/reauthenticate/**")
    journey.check("确认身份（设置身份验证器前）")
    assert "须先设置身份验证器" in page.get_by_role("status").inner_text()
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="确认").click()
    page.wait_for_url(re.compile(r".*/accounts/2fa/totp/activate/(\?next=.*)?$"))
    journey.check("设置身份验证器")
    # Every load of this page makes a new secret (the check's 长者模式 tab loaded it again): reload
    # so that the secret on screen is the one the server holds, as it is for a person.
    page.reload()
    secret = page.get_by_label("密钥").input_value()
    page.get_by_label("动态验证码").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="启用").click()
    page.wait_for_url("**/accounts/2fa/recovery-codes/")
    journey.check("恢复码（只显示一次）")
    codes = page.get_by_label("未使用的恢复码").input_value().split()
    assert len(codes) == 10
    page.get_by_role("link", name="我已保存，返回我的工作台").click()
    page.wait_for_url("**/workbench/")
    assert "已启用" in page.locator("#security-title").locator("..").inner_text()
    journey.goto("/admin/", check=False)
    assert "管理首页" in page.content()
    assert Authenticator.objects.filter(user=admin, type=Authenticator.Type.TOTP).exists()

    # The next login: password, then the code of the authenticator.
    journey.context.clear_cookies()
    wait_for_the_next_code()
    journey.login(admin.username, totp_secret=secret)
    journey.goto("/supervision/findings/", label="内容监测问题（已设第二因素）")
    journey.finish()
