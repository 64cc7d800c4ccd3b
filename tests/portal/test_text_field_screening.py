"""Issue 19 §1, R-SUP-5 (第十六条): every free text a user saves goes through portal.confidentiality,
after normalization; control and bidi-override characters are refused in every saved text.

The walk over every model's text fields fails when a new CharField/TextField is not listed in
`portal.confidentiality.TEXT_FIELDS`, so no field can be added unscreened."""

from pathlib import Path

import pytest
from django.apps import apps
from django.db import models
from django.test.utils import isolate_apps

from demands import services as demand_services
from demands.models import Demand
from notices.models import Message
from portal import confidentiality
from portal.confidentiality import PERSONAL, PLAIN, PUBLIC, TextRefused, check_instance, problem
from portal.errors import ServiceError
from tests.factories import AccountApplicationFactory, DemandFactory

ROOT = Path(__file__).resolve().parents[2]

ID_NUMBER = "110101199003074514"  # valid MOD 11-2 check character
OLD_ID_NUMBER = "110101900307451"  # the 15-digit form: area 110101, born 1990-03-07
CARD_NUMBER = "6222020200112345679"  # Luhn-valid, 19 digits

FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")

# Ways of writing personal data or a marking that a plain substring match misses.
PERSONAL_VARIANTS = {
    "full-width id": ID_NUMBER.translate(FULL_WIDTH),
    "spaced id": "1101 0119 9003 0745 14",
    "hyphenated id": "110101-19900307-4514",
    "zero-width id": "\u200b".join(ID_NUMBER),
    "soft-hyphen id": "\u00ad".join(ID_NUMBER),
    "old 15-digit id": f"身份证 {OLD_ID_NUMBER}",
    "spaced card": "6222 0202 0011 2345 679",
    "hyphenated card": "6222-0202-0011-2345-679",
    "full-width card": CARD_NUMBER.translate(FULL_WIDTH),
}
MARKING_VARIANTS = {
    "traditional 機密": "本文件屬機密",
    "traditional 絕密": "絕密文件",
    "traditional 內部資料": "內部資料，請勿外傳",
    "spaced 机 密": "机 密 文件",
    "zero-width 秘\u200b密": "秘\u200b密",
    "full-width space 内部　资料": "内部　资料",
}
CONTROL_VARIANTS = {
    "bidi override": "项目\u202egpj.exe",
    "bidi isolate": "项目\u2066名称\u2069",
    "NUL": "项目\x00名称",
    "escape": "项目\x1b[31m",
    "excel _x0000_": "项目_x0000_名称",
    "excel _x202E_": "项目_x202E_名称",
}


def project_apps():
    """Every installed app whose code lives in this repository (not in the virtual environment): an
    app or model added tomorrow is walked without anyone listing it here."""
    return {
        config.label
        for config in apps.get_app_configs()
        if Path(config.path).resolve().is_relative_to(ROOT) and ".venv" not in Path(config.path).parts
    }


def project_models():
    return [m for m in apps.get_models() if m._meta.app_label in project_apps()]


def text_fields(model):
    return [f for f in model._meta.concrete_fields if isinstance(f, models.CharField | models.TextField)]


def unlisted(models_):
    missing = []
    for model in models_:
        for field in text_fields(model):
            try:
                confidentiality.rule_for(model, field)
            except KeyError as error:
                missing.append(str(error).strip("'"))
    return missing


def test_every_text_field_of_every_model_is_listed_with_its_rule():
    """A new CharField/TextField fails here until it is given a rule in TEXT_FIELDS."""
    missing = unlisted(project_models())
    assert not missing, "text fields without a confidentiality rule: " + ", ".join(missing)


def test_the_walk_finds_new_apps_and_models_by_itself():
    """Apps are found by where their code lives, so the 对接 app and any app added later (订阅,
    公开答疑) are walked; a model with an unclassified text field is reported."""
    assert {"matching", "accounts", "notices", "portal"} <= project_apps()
    assert not {"auth", "admin", "mfa", "socialaccount", "simple_history"} & project_apps()
    with isolate_apps("matching"):

        class Wish(models.Model):  # not a name the app has (订阅 is matching.Subscription)
            name = models.CharField("心愿名称", max_length=50)
            kind = models.CharField(max_length=10, choices=[("a", "甲")])
            body = models.TextField()

            class Meta:
                app_label = "matching"

            def __str__(self):
                return self.name

        assert unlisted([Wish]) == ["matching.Wish.name", "matching.Wish.body"]


def test_the_list_names_only_fields_that_exist():
    for label, fields in confidentiality.TEXT_FIELDS.items():
        model = apps.get_model(label)
        for name in fields:
            assert model._meta.get_field(name), f"{label}.{name}"


def listed(rule):
    for label, fields in confidentiality.TEXT_FIELDS.items():
        for name, field_rule in fields.items():
            if field_rule == rule:
                yield pytest.param(label, name, id=f"{label}.{name}")


@pytest.mark.parametrize("label,name", list(listed(PUBLIC)))
@pytest.mark.parametrize("variant", [*PERSONAL_VARIANTS, *MARKING_VARIANTS])
def test_public_fields_refuse_normalized_personal_data_and_markings_naming_the_field(label, name, variant):
    text = {**PERSONAL_VARIANTS, **MARKING_VARIANTS}[variant]
    model = apps.get_model(label)
    instance = model(**{name: f"说明：{text}。"})
    errors = check_instance(instance)
    assert name in errors
    assert f"“{model._meta.get_field(name).verbose_name}”" in errors[name]


@pytest.mark.parametrize("label,name", list(listed(PERSONAL)))
def test_supervision_notes_refuse_personal_data_but_may_quote_markings(label, name):
    model = apps.get_model(label)
    assert name in check_instance(model(**{name: PERSONAL_VARIANTS["spaced id"]}))
    assert name not in check_instance(model(**{name: "该需求正文含有“机密”字样"}))


@pytest.mark.parametrize("label,name", [p for rule in (PUBLIC, PERSONAL, PLAIN) for p in listed(rule)])
@pytest.mark.parametrize("variant", list(CONTROL_VARIANTS))
def test_every_listed_field_refuses_control_and_bidi_characters(label, name, variant):
    model = apps.get_model(label)
    errors = check_instance(model(**{name: CONTROL_VARIANTS[variant]}))
    assert name in errors and "控制" in errors[name]


@pytest.mark.parametrize(
    "text",
    [
        "预算 380000 元，2025年3月1日至2025年12月31日",
        "电话 021-6321 0000，手机 138 0000 1111",
        "服务时间 2026-03-01 至 2026-12-31，共 120 户",
        "有机、密集的社区网络",
        "第一行\n第二行\t缩进",
        "项目编号 SH-2026-0001",
    ],
)
def test_ordinary_text_passes(text):
    assert problem(text) is None


def test_the_saved_text_is_never_altered_silently():
    instance = Demand(title="全角１１０１０１１９９００３０７４５１４")
    assert "title" in check_instance(instance)
    assert instance.title == "全角１１０１０１１９９００３０７４５１４"


# --- through the real save paths -----------------------------------------------------------------


@pytest.mark.django_db
def test_a_cancellation_reason_with_personal_data_is_refused_and_the_demand_unchanged(hp_purchaser):
    demand = DemandFactory(unit=hp_purchaser.purchaser_unit)
    for reason in (f"联系人身份证{ID_NUMBER}", "卡号 6222 0202 0011 2345 679", "本项目屬機密"):
        with pytest.raises(ServiceError) as caught:
            demand_services.demand_cancel(demand=demand, by=hp_purchaser, reason=reason)
        assert "原因" in caught.value.message
        demand.refresh_from_db()
        assert demand.status == "published" and demand.cancel_reason == ""


@pytest.mark.django_db
def test_the_cancel_page_refuses_it_in_chinese(login, hp_purchaser):
    demand = DemandFactory(unit=hp_purchaser.purchaser_unit)
    client = login(hp_purchaser)
    response = client.post(
        f"/demands/{demand.pk}/cancel/", {"reason": f"身份证 {OLD_ID_NUMBER}"}, follow=True
    )
    assert response.status_code == 200
    assert "“取消需求的原因”含有疑似身份证号码" in response.content.decode()
    demand.refresh_from_db()
    assert demand.status == "published"


@pytest.mark.django_db
def test_an_evaluation_summary_is_screened(hp_purchaser):
    demand = DemandFactory(unit=hp_purchaser.purchaser_unit)
    demand.eval_summary = "评价：内部 资料"
    with pytest.raises(TextRefused) as caught:
        demand.save()
    assert "评价" in caught.value.message


@pytest.mark.django_db
def test_the_backstop_refuses_any_save_around_the_forms():
    """A service or import that forgets to check still cannot save (pre_save)."""
    application = AccountApplicationFactory.build(note=f"我的身份证 {ID_NUMBER}")
    with pytest.raises(TextRefused) as caught:
        application.save()
    assert "note" in caught.value.errors


@pytest.mark.django_db
def test_a_message_with_a_bidi_override_is_refused_on_the_board(client):
    response = client.post(
        "/messages/",
        {"name": "张三", "contact": "13800001111", "subject": "咨询\u202e", "body": "请问如何申请？"},
    )
    assert response.status_code in (200, 400, 429)
    assert not Message.objects.filter(subject__contains="咨询").exists()


def test_excel_cells_with_control_characters_are_refused():
    from portal.excel import Column, parse_cell

    column = Column("title", "项目名称")
    for raw in ("项目_x0000_名称", "项目\u202e名称", "项目_x001B_"):
        with pytest.raises(ValueError) as caught:
            parse_cell(column, raw)
        assert "控制" in str(caught.value)
    assert parse_cell(column, "第一行_x000D_\n第二行") == "第一行\n第二行"
