"""数据对接 in the browser (R-INT-1, issue 16 §1): the city administrator opens it from 我的工作台, a
wrong source is refused at the field, the sample file is imported by a job whose page reports it.
Every page passes axe-core and the 375 px and 长者模式 checks (checks.py)."""

import re

import pytest

from demands.models import Demand
from tests.demands.test_external_import import SAMPLE_JSON, SOURCE, world  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_the_city_imports_another_platforms_projects_from_the_site(journey, city_admin, world):  # noqa: F811
    page = journey.page
    journey.login(city_admin.username)
    page.get_by_role("link", name="数据对接").click()
    page.wait_for_url("**/demands/external-import/")
    journey.check("数据对接")

    page.get_by_label("项目文件").set_input_files(str(SAMPLE_JSON))
    page.get_by_label("来源系统").fill("本平台")
    page.get_by_role("button", name="上传并导入").click()
    assert "来源系统不能是“本平台”" in page.locator("main").inner_text()
    journey.check("数据对接（来源有误）")

    page.get_by_label("项目文件").set_input_files(str(SAMPLE_JSON))
    page.get_by_label("来源系统").fill(SOURCE)
    page.get_by_role("button", name="上传并导入").click()
    page.wait_for_url(re.compile(r".*/jobs/[0-9a-f-]+/$"))
    assert "新增 4 条" in page.locator("main").inner_text()
    journey.check("数据对接（导入完成）")
    assert Demand.objects.filter(source=SOURCE).count() == 4
    journey.finish()
