"""R-SUP-5 (第十六条): free text that looks like a 身份证号 or a bank card number, or that carries a
secrecy marking, is refused at save time with a message naming the field — in forms and Excel
rows alike. Contact fields are exempt from the card rule, not from the ID rule."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from demands import importing
from demands.models import Demand
from notices.models import Message
from portal.excel import write_rows
from supervision.confidentiality import contains_card_number, contains_id_number, problem
from tests.demands.lifecycle_helpers import demand_form

# 110101199003074514: a real-format ID (birth 1990-03-07) with a correct MOD 11-2 check character.
ID_NUMBER = "110101199003074514"


def luhn_complete(prefix):
    """The prefix with the check digit that makes it Luhn-valid."""
    for check in "0123456789":
        digits = prefix + check
        total = 0
        for i, ch in enumerate(reversed(digits)):
            d = int(ch) * (2 if i % 2 else 1)
            total += d - 9 if d > 9 else d
        if total % 10 == 0:
            return digits
    raise AssertionError("unreachable")


CARD_NUMBER = luhn_complete("622202020011234567")  # 19 digits, Luhn-valid
NOT_A_CARD = CARD_NUMBER[:-1] + str((int(CARD_NUMBER[-1]) + 1) % 10)


@pytest.mark.parametrize(
    "text",
    [
        ID_NUMBER,
        f"联系人身份证：{ID_NUMBER}。",
        "11010119900307451X".replace("451X", "4514"),
        "身份证号 11010519491231002X",
    ],
)
def test_id_numbers_with_a_valid_check_character_are_found(text):
    assert contains_id_number(text)


@pytest.mark.parametrize(
    "text",
    [
        "110101199003074515",
        "1101011990030745141",
        "预算 380000 元，2025年3月1日至2025年12月31日",
        "电话 13800001111",
    ],
)
def test_other_numbers_are_not_taken_for_id_numbers(text):
    assert not contains_id_number(text)


@pytest.mark.parametrize("text", [CARD_NUMBER, "卡号 4111 1111 1111 1111", "4111-1111-1111-1111"])
def test_luhn_valid_card_numbers_are_found(text):
    assert contains_card_number(text)


@pytest.mark.parametrize("text", ["4111111111111112", "123456789012345", f"编号 {NOT_A_CARD}"])
def test_numbers_failing_luhn_or_too_short_are_not_cards(text):
    assert not contains_card_number(text)


@pytest.mark.parametrize("marking", ["绝密", "机密", "秘密", "内部资料"])
def test_secrecy_markings_are_refused(marking):
    assert marking in problem(f"本文件属{marking}，请勿外传")


def test_contact_fields_are_exempt_from_the_card_rule_only():
    assert problem(CARD_NUMBER, contact=True) is None
    assert "身份证" in problem(ID_NUMBER, contact=True)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "field, value, label",
    [
        ("qualification", f"请提供法人身份证 {ID_NUMBER}", "对社会组织的资质和条件要求"),
        ("other_info", f"经费打入卡号 {CARD_NUMBER}", "其他信息"),
        ("title", "机密：社区养老项目", "项目名称"),
        ("contact_person", f"王老师 {ID_NUMBER}", "联系人"),
    ],
)
def test_the_demand_form_refuses_the_text_and_names_the_field(
    login, hp_purchaser, hp_street, field, value, label
):
    response = login(hp_purchaser).post(
        "/demands/new/", demand_form(hp_street, action="draft", **{field: value})
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert f"“{label}”" in html and "第十六条" in html
    assert not Demand.objects.exists()


@pytest.mark.django_db
def test_a_card_like_number_in_a_contact_field_is_accepted(login, hp_purchaser, hp_street):
    response = login(hp_purchaser).post(
        "/demands/new/", demand_form(hp_street, action="draft", contact_phone="4111111111111111")
    )
    assert response.status_code == 302
    assert Demand.objects.count() == 1


@pytest.mark.django_db
def test_an_id_number_in_an_excel_row_stops_the_import_at_preview_naming_row_and_column(login, hp_purchaser):
    cols = importing.columns()
    example = {c.key: c.example for c in cols}
    rows = [dict(example, title=f"项目{i}") for i in range(3)]
    rows[1]["qualification"] = f"负责人身份证 {ID_NUMBER}"
    upload = SimpleUploadedFile("d.xlsx", write_rows(cols, rows))
    client = login(hp_purchaser)
    response = client.post("/demands/import/", {"file": upload})
    assert response.status_code == 302
    preview = client.get(response["Location"])
    report = preview.context["report"]
    assert report["error_rows"] == 1
    bad = next(r for r in report["rows"] if r["errors"])
    assert bad["number"] == 3
    assert any(header == "资质和条件要求" and "身份证" in message for header, message in bad["errors"])
    assert client.post(response["Location"]).status_code == 200
    assert not Demand.objects.exists()


@pytest.mark.django_db
def test_a_message_with_an_id_number_is_refused(client):
    from django.core import signing

    page = client.get("/messages/")
    token = page.context["form"].new_token
    answer = signing.loads(token, salt="message-challenge")
    response = client.post(
        "/messages/",
        {"subject": "咨询", "body": f"我的身份证是 {ID_NUMBER}", "answer": answer, "token": token},
    )
    assert "身份证" in response.content.decode()
    assert not Message.objects.exists()


def test_empty_text_passes():
    assert problem("") is None and problem(None) is None


CARD = luhn_complete("622202100112345678")


@pytest.mark.parametrize(
    "text",
    [
        "社区长者助餐服务",
        f"联系人身份证{ID_NUMBER}",
        f"第一行\n身份证 {ID_NUMBER[:6]}\u200b{ID_NUMBER[6:]}",  # a newline: the non-printable path
        f"卡号 {CARD[:4]} {CARD[4:8]}-{CARD[8:]}",
        f"卡号\t{CARD[:9]}\u00ad{CARD[9:]}",  # a soft hyphen (Cf) inside the digits
        "本文件属机\u200d密",
        "機 密\n资料",
        "內部資料",
        "电话 021-54001234",
    ],
)
def test_problem_gives_the_reason_the_separate_checks_give(text):
    """problem() normalizes once for all its checks: its answer is the one each check gives alone."""
    from portal.confidentiality import marking_in

    def expected(contact):
        if contains_id_number(text):
            return "身份证"
        if not contact and contains_card_number(text):
            return "银行卡"
        if marking_in(text):
            return marking_in(text)
        return None

    for contact in (False, True):
        reason, want = problem(text, contact=contact), expected(contact)
        assert (reason is None) == (want is None), (text, contact, reason)
        assert want is None or want in reason
