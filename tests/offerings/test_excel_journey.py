"""Excel 批量上传 of offers (R-OFF-3), the acceptance journey: an organization uploads 300 rows, some of
them wrong, reads every error by Excel row number and Chinese column header, fixes them, confirms
(all rows or none, each with a history record of the uploader, R-GEN-2), then re-uploads one change."""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from offerings import importing
from offerings.models import Offering, Status
from portal.models import ImportBatch
from tests.factories import HUANGPU_CODE, XUHUI_CODE
from tests.helpers import messages_of
from tests.html import text
from tests.offerings.excel_helpers import (
    SHEET,
    Preview,
    assert_chinese_without_python,
    offer_count,
    purchased,
    to_bytes,
    upload_and_follow,
)

pytestmark = pytest.mark.django_db


# --- the acceptance journey: 300 rows, some wrong ------------------------------------------------------------

JOURNEY_TITLE = "乐龄家园服务项目第{:03d}号"


CATEGORIES = [
    "养老服务/老年助餐服务",
    "养老服务/居家养老服务",
    "残疾人服务/康复服务",
    "医疗卫生/心理健康服务",
]


AREAS = ["黄浦区", "黄浦区、徐汇区", "全市", "黄浦区、徐汇区、浦东新区"]


def journey_row(i):
    """The i-th offer (1…300) as the organization types it; every fifth one was purchased before."""
    row = {
        "title": JOURNEY_TITLE.format(i),
        "category": CATEGORIES[i % len(CATEGORIES)],
        "summary": f"乐龄家园为长者提供的第{i}项社区服务，含上门探访与助餐。",
        "service_targets": "社区60周岁以上老人",
        "service_area": AREAS[i % len(AREAS)],
        "contact_person": "李女士",
        "contact_phone": "021-54001234",
        "contact_email": "leling@example.org",
        "previously_purchased": "否",
    }
    if i % 5 == 0:
        row.update(purchased(purchase_amount=100000 + i))
    return row


# Excel row -> (cells typed wrongly, [(column header, words of the message)])
MISTAKES = {
    11: (purchased(purchase_amount="五万"), [("购买金额（元）", "以元为单位")]),
    42: (purchased(purchase_amount="-3"), [("购买金额（元）", "大于 0")]),
    77: (
        purchased(
            implementation_start=datetime.date(2024, 6, 1), implementation_end=datetime.date(2024, 5, 31)
        ),
        [("实施结束日期", "不能早于")],
    ),
    100: (
        {"previously_purchased": "是"},
        [
            ("购买方名称", "购买方名称"),
            ("购买金额（元）", "购买金额"),
            ("实施地点", "实施地点"),
            ("实施开始日期", "实施开始日期"),
            ("实施结束日期", "实施结束日期"),
        ],
    ),
    150: ({"service_area": "浦东"}, [("服务区域", "浦东")]),
    200: ({"service_area": "全市、黄浦区"}, [("服务区域", "全市")]),
    250: ({"organization_name": "上海市徐汇区启明助残服务社"}, [("社会组织名称", "不一致")]),
    280: ({"category": "=1+1"}, [("项目类别", "公式")]),  # written as a formula below
    301: ({"contact_phone": None}, [("联系电话", "必填")]),  # the last row
}


def fill(ws, number, row):
    """Write `row` into Excel row `number` of the template's sheet, by header."""
    letters = {str(c.value).lstrip("*"): c.column_letter for c in ws[1] if c.value}
    keys = {c.key: c.header for c in importing.columns()}
    for key, value in row.items():
        cell = ws[f"{letters[keys[key]]}{number}"]
        cell.value = value
        if isinstance(value, datetime.date):
            cell.number_format = "yyyy-mm-dd"


def test_an_organization_uploads_300_rows_fixes_the_wrong_ones_and_re_uploads_one_change(
    client, login, hp_org_user, xh_org_user, hp_org
):
    """R-OFF-3 acceptance: template → 300 rows, some wrong → the preview names exactly the wrong rows
    and why → fixed → all 300 saved and public → the same file with one change: one update, no
    duplicates. A second organization can neither see nor confirm the upload."""
    client = login(hp_org_user)
    workbook = load_workbook(io.BytesIO(client.get(reverse("offerings:import_template")).content))
    ws = workbook[SHEET]
    for i in range(1, 301):
        fill(ws, i + 1, journey_row(i))  # row 2 (the example) is overwritten by the first offer
    for number, (cells, _) in MISTAKES.items():
        fill(ws, number, cells)
    ws["D280"] = "=1+1"  # a formula, as Excel stores it
    assert ws["D280"].data_type == "f"

    # 1. The preview lists exactly the wrong rows, each with its column and reason.
    preview, url = upload_and_follow(client, to_bytes(workbook), name="乐龄家园服务项目.xlsx")

    assert preview.total == 300
    assert preview.error_rows == len(MISTAKES)
    assert preview.rows_with_errors == sorted(MISTAKES)
    assert sorted(preview.rows) == sorted(MISTAKES)  # the passing rows are not in the way
    for number, (_, expected) in MISTAKES.items():
        for header, words in expected:
            message = preview.error_for(number, header)
            assert message, f"row {number}: no message on {header}: {preview.errors(number)}"
            assert words in message, (number, header, message)
            assert_chinese_without_python(message)
    assert not preview.can_confirm
    assert "确认保存" not in preview.html
    assert offer_count() == 0

    response = client.post(url)  # confirming anyway
    assert response.status_code == 200
    assert Preview(response).rows_with_errors == sorted(MISTAKES)
    assert offer_count() == 0
    assert Offering.history.model.objects.count() == 0

    # 2. Fixed, every row passes; another organization cannot see or confirm the upload.
    for number in MISTAKES:
        row = journey_row(number - 1)
        row.setdefault("organization_name", None)
        for key in purchased():
            row.setdefault(key, None)
        row["previously_purchased"] = "是" if (number - 1) % 5 == 0 else "否"
        fill(ws, number, row)
    fixed = to_bytes(workbook)
    preview, url = upload_and_follow(client, fixed, name="乐龄家园服务项目（已修改）.xlsx")

    assert preview.counts == {"total": 300, "new": 300, "update": 0, "unchanged": 0, "error_rows": 0}
    assert preview.can_confirm

    other = login(xh_org_user)
    assert other.get(url).status_code == 404
    assert other.post(url).status_code == 404
    assert JOURNEY_TITLE.format(1) not in text(other.get(reverse("offerings:mine")))
    assert offer_count() == 0
    assert ImportBatch.objects.count() == 1

    client = login(hp_org_user)
    response = client.post(url)

    assert response.status_code == 302
    assert response["Location"] == reverse("offerings:mine")
    assert "新增 300 个" in " ".join(messages_of(response))
    offers = Offering.objects.filter(organization=hp_org)
    assert offers.count() == 300 == offer_count()
    assert set(offers.values_list("status", flat=True)) == {Status.PUBLISHED}
    assert set(offers.values_list("created_by", flat=True)) == {hp_org_user.pk}
    assert ImportBatch.objects.count() == 0
    history = Offering.history.model.objects.all()
    assert history.count() == 300
    assert set(history.values_list("history_user", flat=True)) == {hp_org_user.pk}
    assert set(history.values_list("history_change_reason", flat=True)) == {"Excel 批量上传"}
    purchased_one = offers.get(title=JOURNEY_TITLE.format(10))
    assert purchased_one.previously_purchased and purchased_one.purchase_amount == Decimal("100010.00")
    assert purchased_one.implementation_start == datetime.date(2024, 1, 1)
    assert offers.get(title=JOURNEY_TITLE.format(2)).citywide is True
    assert offers.get(title=JOURNEY_TITLE.format(3)).service_codes == [HUANGPU_CODE, XUHUI_CODE, "310115"]

    # 3. The public finds them.
    client.logout()
    response = client.get("/offerings/", {"q": "乐龄家园", "size": "50"})
    assert response.context["page"].paginator.count == 300
    assert "共找到 <strong>300</strong> 个服务项目" in text(response)
    assert client.get("/offerings/", {"q": JOURNEY_TITLE.format(123)}).context["page"].paginator.count == 1

    # 4. The same file with one change: one update, 299 unchanged, nothing new.
    client = login(hp_org_user)
    fill(ws, 152, {"summary": "乐龄家园第151项服务：增加周末助餐。"})
    preview, url = upload_and_follow(client, to_bytes(workbook))

    assert preview.counts == {"total": 300, "new": 0, "update": 1, "unchanged": 299, "error_rows": 0}
    assert "更新 1 行" in preview.text and "无变化 299 行" in preview.text and "新增 0 行" in preview.text
    assert preview.can_confirm
    assert login(xh_org_user).post(url).status_code == 404
    client = login(hp_org_user)
    response = client.post(url)

    assert response.status_code == 302
    assert "更新 1 个" in " ".join(messages_of(response))
    assert Offering.objects.filter(organization=hp_org).count() == 300 == offer_count()
    changed = Offering.objects.get(title=JOURNEY_TITLE.format(151))
    assert changed.summary == "乐龄家园第151项服务：增加周末助餐。"
    assert changed.history.count() == 2
    latest = changed.history.first()
    assert latest.history_user == hp_org_user
    assert latest.history_change_reason == "Excel 批量上传：更新"
    assert Offering.history.model.objects.count() == 301
