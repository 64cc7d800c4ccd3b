"""数据对接 (R-INT-1, R-DEM-6): `manage.py import_external_projects FILE --source …` takes in the
projects of another platform from JSON or .xlsx, keyed by (source, external id).

Pinned here: a second run of the same file changes nothing (rows and history); a change updates with
one history record naming the source; unmapped values are reported with row, field and value and
never guessed; records published on this platform are never overwritten; --dry-run writes nothing;
imported demands are public, marked with their source and not editable by the purchaser; the 第四条
and confidentiality rules apply per record; a bad file is a clear Chinese error and a non-zero exit.
"""

import datetime
import io
import json
import zoneinfo
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts import permissions
from accounts.models import UnitLevel
from demands import external, services
from demands.models import PLATFORM_SOURCE, Demand, Status
from portal.excel import write_rows
from tests.factories import DemandFactory, PurchaserUnitFactory, SocialOrganizationFactory

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).resolve().parents[2] / "docs" / "samples"
SAMPLE_JSON = SAMPLES / "external_projects.json"
SAMPLE_XLSX = SAMPLES / "external_projects.xlsx"
SOURCE = "财政政府购买服务管理平台"
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.fixture
def world(hp_unit, city_unit, xuhui, huangpu):
    """The purchaser units and the organization the sample file names (as in the demo data)."""
    xh_mz = PurchaserUnitFactory(
        name="徐汇区民政局", level=UnitLevel.DISTRICT, district=xuhui, uscc="11310104002569874W"
    )
    org = SocialOrganizationFactory(
        name="上海市黄浦区乐龄家园社区服务中心", uscc="52310101MJ4963201N", registration_district=huangpu
    )
    return {"hp_unit": hp_unit, "city_unit": city_unit, "xh_mz": xh_mz, "org": org}


def sample_projects():
    return json.loads(SAMPLE_JSON.read_text(encoding="utf-8"))["projects"]


def project(**changes):
    """The sample's first project (published, 黄浦区南京东路街道) with some fields changed."""
    item = dict(sample_projects()[0], **changes)
    return {k: v for k, v in item.items() if v is not None}


def write_json(tmp_path, projects, name="projects.json"):
    path = tmp_path / name
    path.write_text(json.dumps(projects, ensure_ascii=False), encoding="utf-8")
    return path


def run(path, *args, source=SOURCE):
    """(stdout, the CommandError or None)."""
    out = io.StringIO()
    try:
        call_command("import_external_projects", str(path), "--source", source, *args, stdout=out)
    except CommandError as exc:
        return out.getvalue(), exc
    return out.getvalue(), None


def state():
    """Every demand row and every history record, as plain values."""
    rows = list(Demand.objects.order_by("pk").values())
    history = list(Demand.history.order_by("history_id").values())
    return rows, history


def id_number(first17="31010119800101123"):
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(d) * w for d, w in zip(first17, weights, strict=True))
    return first17 + "10X98765432"[total % 11]


# --- the sample files ------------------------------------------------------------------------


def test_the_sample_json_imports_every_project_published_and_marked_with_its_source(world):
    out, error = run(SAMPLE_JSON)
    assert error is None, out
    assert "新增 4 条，更新 0 条，未变化 0 条，跳过 0 条。" in out

    imported = {d.external_id: d for d in Demand.objects.filter(source=SOURCE)}
    assert set(imported) == {"CZ-2026-000101", "CZ-2026-000102", "CZ-2026-000103", "CZ-2025-000877"}
    care = imported["CZ-2026-000101"]
    assert care.status == Status.PUBLISHED and care.is_public and not care.from_platform
    assert care.unit == world["hp_unit"]
    assert care.category.code == "0101" and care.street.name == "南京东路街道"
    assert care.published_at == datetime.datetime(2026, 3, 2, 9, 30, tzinfo=SHANGHAI)
    assert care.created_by is None

    rehab = imported["CZ-2026-000102"]  # unit by 统一社会信用代码, category and district by code
    assert rehab.unit == world["xh_mz"]
    assert rehab.category.code == "0201" and rehab.district.name == "徐汇区"
    assert rehab.budget == Decimal("450000.00") and rehab.period_start == datetime.date(2026, 8, 1)
    assert rehab.plan_type == "added" and rehab.orientation == "priority"

    awarded = imported["CZ-2026-000103"]
    assert awarded.status == Status.AWARDED and awarded.awarded_org == world["org"]
    assert awarded.award_amount == Decimal("580000") and awarded.awarded_at is not None

    evaluated = imported["CZ-2025-000877"]
    assert evaluated.status == Status.EVALUATED and evaluated.eval_grade == "good"
    assert evaluated.eval_score == Decimal("86.5") and evaluated.awarded_org == world["org"]

    for demand in imported.values():
        (record,) = demand.history.all()
        assert (
            SOURCE in record.history_change_reason
            and "external_projects.json" in record.history_change_reason
        )


def test_the_sample_xlsx_holds_the_same_projects_as_the_sample_json(world):
    """docs/samples/external_projects.xlsx is generated from the JSON (external.xlsx_from_json)."""
    assert SAMPLE_XLSX.read_bytes()  # committed beside the JSON
    from_json = external.read_file(SAMPLE_JSON)
    from_xlsx = external.read_file(SAMPLE_XLSX)
    assert [r.values for r in from_xlsx] == [
        {k: v for k, v in r.values.items() if k in from_xlsx[0].values} for r in from_json
    ]
    assert not any(r.errors for r in from_xlsx)

    run(SAMPLE_JSON)
    before = state()
    out, error = run(SAMPLE_XLSX)  # the same projects from Excel: nothing to change
    assert error is None, out
    assert "新增 0 条，更新 0 条，未变化 4 条，跳过 0 条。" in out
    assert state() == before


def test_the_xlsx_sample_alone_imports_the_same_demands(world):
    out, error = run(SAMPLE_XLSX)
    assert error is None, out
    assert Demand.objects.filter(source=SOURCE).count() == 4
    assert "新增：第2行（外部编号 CZ-2026-000101）" in out  # Excel rows: the header is row 1
    assert "跳过 0 条" in out
    care = Demand.objects.get(source=SOURCE, external_id="CZ-2026-000101")
    assert care.published_at == datetime.datetime(2026, 3, 2, 9, 30, tzinfo=SHANGHAI)


# --- a second run ------------------------------------------------------------------------------


def test_a_second_run_of_the_same_file_leaves_the_same_rows_and_history(world):
    run(SAMPLE_JSON)
    before = state()
    out, error = run(SAMPLE_JSON)
    assert error is None, out
    assert "新增 0 条，更新 0 条，未变化 4 条，跳过 0 条。" in out
    assert state() == before  # not even updated_at moved


def test_a_changed_budget_updates_the_demand_with_one_history_record_naming_the_source(world, tmp_path):
    projects = sample_projects()
    run(write_json(tmp_path, projects))
    demand = Demand.objects.get(source=SOURCE, external_id="CZ-2026-000101")
    published_at = demand.published_at
    assert demand.history.count() == 1

    projects[0]["budget"] = "420,000"
    out, error = run(write_json(tmp_path, projects))
    assert error is None, out
    assert "新增 0 条，更新 1 条，未变化 3 条，跳过 0 条。" in out
    assert "项目预算（元）：380,000.00 → 420,000.00" in out

    demand.refresh_from_db()
    assert demand.budget == Decimal("420000.00")
    assert demand.published_at == published_at and demand.adjusted_at is not None
    assert Demand.objects.filter(source=SOURCE).count() == 4
    latest, first = demand.history.order_by("-history_id")
    assert latest.history_type == "~" and SOURCE in latest.history_change_reason
    assert latest.history_change_reason.startswith("数据对接更新")
    assert first.budget == Decimal("380000.00")


def test_a_record_without_published_at_keeps_the_first_imports_time(world, tmp_path):
    path = write_json(tmp_path, [project(published_at=None)])
    run(path)
    first = Demand.objects.get(source=SOURCE).published_at
    assert first is not None
    out, error = run(path)
    assert error is None and "未变化 1 条" in out
    assert Demand.objects.get(source=SOURCE).published_at == first


def test_a_project_cancelled_at_the_source_is_cancelled_here_and_stays_public(world, tmp_path):
    run(write_json(tmp_path, [project()]))
    out, error = run(
        write_json(
            tmp_path,
            [project(status="已取消", cancel_reason="预算调整，项目取消", cancelled_on="2026-09-01")],
        )
    )
    assert error is None, out
    demand = Demand.objects.get(source=SOURCE)
    assert demand.status == Status.CANCELLED and demand.cancel_reason == "预算调整，项目取消"
    assert demand.cancelled_at == datetime.datetime(2026, 9, 1, tzinfo=SHANGHAI)
    assert demand.is_public
    assert demand.history.count() == 2


def test_a_status_never_moves_backwards(world, tmp_path):
    run(SAMPLE_JSON)
    awarded = sample_projects()[2]
    for key in ("awarded_org", "award_amount", "awarded_on"):
        del awarded[key]
    awarded["status"] = "已发布"
    out, error = run(write_json(tmp_path, [awarded]))
    assert error.returncode == 2
    assert "本平台记录的状态是“已确定承接方”，不能改为“已发布”" in out
    assert Demand.objects.get(external_id="CZ-2026-000103").status == Status.AWARDED


def test_the_same_external_id_from_another_source_is_another_demand(world, tmp_path):
    path = write_json(tmp_path, [project()])
    run(path)
    out, error = run(path, source="黄浦区政府购买服务信息系统")
    assert error is None, out
    assert Demand.objects.filter(external_id="CZ-2026-000101").count() == 2


# --- what is refused -------------------------------------------------------------------------------


def test_unmapped_category_district_and_unit_are_reported_and_not_guessed(world, tmp_path):
    projects = [
        project(external_id="A-1", category="养老"),
        project(external_id="A-2", district="黄浦", street=None),
        project(external_id="A-3", unit="南京东路街道"),
        project(external_id="A-4", purchase_type="公共服务"),
        project(external_id="A-5", street="外滩街道"),
        project(external_id="A-6", category="养老服务"),
        project(external_id="A-7", title="南京东路街道邻里互助服务项目"),
    ]
    out, error = run(write_json(tmp_path, projects))
    assert isinstance(error, CommandError) and error.returncode == 2
    assert str(error) == "有 6 条记录未导入（原因见上）；其余记录已按上方汇总处理。"
    assert "第1条（外部编号 A-1）“项目类别”：“养老”无法对应本平台的项目类别" in out
    assert "第2条（外部编号 A-2）“服务区域”：“黄浦”不是上海市的区" in out
    assert "第3条（外部编号 A-3）“购买主体”：本平台没有名称为“南京东路街道”的购买主体" in out
    assert "第4条（外部编号 A-4）“购买服务类型”：“公共服务”不是本平台的购买服务类型" in out
    assert "第5条（外部编号 A-5）“街镇”：“外滩街道”不是本平台登记的黄浦区街镇" in out
    assert "第6条（外部编号 A-6）“项目类别”：“养老服务”是一级类别" in out
    assert "新增 1 条，更新 0 条，未变化 0 条，跳过 6 条。" in out
    assert list(Demand.objects.values_list("external_id", flat=True)) == ["A-7"]


def test_unmapped_values_in_an_xlsx_are_reported_by_row_number_and_column(world, tmp_path):
    columns = list(external.FIELDS)
    rows = [project(external_id="X-1"), project(external_id="X-2", district="浦东", street=None)]
    path = tmp_path / "projects.xlsx"
    path.write_bytes(write_rows(columns, rows))
    out, error = run(path)
    assert error.returncode == 2
    assert "第3行（外部编号 X-2）“服务区域”：“浦东”不是上海市的区" in out
    assert list(Demand.objects.values_list("external_id", flat=True)) == ["X-1"]


def test_a_unit_named_twice_on_the_platform_must_be_given_by_its_code(world, huangpu, tmp_path):
    PurchaserUnitFactory(name="黄浦区南京东路街道办事处", district=huangpu)
    out, error = run(write_json(tmp_path, [project()]))
    assert error.returncode == 2
    assert "本平台有 2 个名为“黄浦区南京东路街道办事处”的购买主体，请改填统一社会信用代码" in out
    out, error = run(write_json(tmp_path, [project(unit=world["hp_unit"].uscc)]))
    assert error is None, out
    assert Demand.objects.get(source=SOURCE).unit == world["hp_unit"]


def test_a_record_colliding_with_a_demand_published_on_this_platform_is_refused(world, tmp_path):
    mine = DemandFactory(unit=world["hp_unit"], external_id="CZ-2026-000101", title="本平台发布的项目")
    before = state()
    out, error = run(write_json(tmp_path, [project()]))
    assert error.returncode == 2
    assert f"与本平台发布的需求（编号 {mine.pk}）的来源系统编号相同" in out
    assert state() == before
    mine.refresh_from_db()
    assert mine.source == PLATFORM_SOURCE and mine.title == "本平台发布的项目"


def test_a_project_the_purchaser_already_published_here_is_not_imported_again(world, tmp_path):
    item = project()
    DemandFactory(unit=world["hp_unit"], title=item["title"], year=item["year"])
    out, error = run(write_json(tmp_path, [item]))
    assert error.returncode == 2
    assert "购买主体已在本平台发布了同名的 2026 年度项目" in out
    assert not Demand.objects.filter(source=SOURCE).exists()


def test_the_source_may_not_be_this_platform(world):
    before = state()
    for source in (PLATFORM_SOURCE, " 本平台 ", ""):
        out, error = run(SAMPLE_JSON, source=source)
        assert isinstance(error, CommandError) and error.returncode == 1
    assert "不能是“本平台”" in str(run(SAMPLE_JSON, source=PLATFORM_SOURCE)[1])
    assert state() == before


def test_a_file_declaring_another_source_is_refused(world):
    out, error = run(SAMPLE_JSON, source="黄浦区政府购买服务信息系统")
    assert error.returncode == 1 and "文件声明的来源是“财政政府购买服务管理平台”" in str(error)
    assert not Demand.objects.exists()


def test_an_id_number_in_a_text_field_rejects_that_record_only(world, tmp_path):
    projects = [
        project(external_id="P-1", other_info=f"联系居民张某，身份证 {id_number()}"),
        project(external_id="P-2", title="另一个项目"),
    ]
    out, error = run(write_json(tmp_path, projects))
    assert error.returncode == 2
    assert "第1条（外部编号 P-1）“其他信息”：含有疑似身份证号码" in out
    assert id_number() not in out  # the report never repeats the personal data it refuses
    assert list(Demand.objects.values_list("external_id", flat=True)) == ["P-2"]


def test_the_scope_rules_of_article_4_apply_to_each_record(world, tmp_path):
    projects = [
        project(external_id="S-1", budget=1_000_000),
        project(external_id="S-2", purchase_type="补贴、资助类"),
        project(external_id="S-3", period_end="2026-01-01"),
        project(external_id="S-4", plan_type="年度新增项目"),
        project(external_id="S-5", budget="38万"),
    ]
    out, error = run(write_json(tmp_path, projects))
    assert error.returncode == 2
    assert (
        "第1条（外部编号 S-1）“项目预算（元）”（1000000）：项目预算 1,000,000.00 元已达到政府采购限额标准"
        in out
    )
    assert "第2条（外部编号 S-2）“购买服务类型”：“补贴、资助类”不在本平台发布范围" in out
    assert "第3条（外部编号 S-3）“实施结束日期”（2026-01-01）：实施结束日期不能早于开始日期" in out
    assert "第4条（外部编号 S-4）“预算批复日期”：年度新增项目须填写预算批复日期" in out
    assert "第5条（外部编号 S-5）“项目预算（元）”（38万）：金额格式不正确" in out
    assert not Demand.objects.exists()


def test_an_award_needs_a_known_eligible_organization_and_a_sensible_amount(world, tmp_path):
    base = sample_projects()[2]
    world["org"].on_serious_list = True
    world["org"].save()
    projects = [
        dict(base, external_id="W-1"),
        dict(base, external_id="W-2", awarded_org="上海市不存在的社会组织"),
        dict(base, external_id="W-3", award_amount=700000, awarded_org_uscc=None),
        {k: v for k, v in dict(base, external_id="W-4").items() if k != "awarded_on"},
        dict(base, external_id="W-5", status="已发布"),
    ]
    out, error = run(write_json(tmp_path, projects))
    assert error.returncode == 2
    assert "第1条（外部编号 W-1）“承接社会组织”：上海市黄浦区乐龄家园社区服务中心目前不具备承接资格" in out
    assert "第2条（外部编号 W-2）“承接社会组织”：本平台没有名称为“上海市不存在的社会组织”的社会组织" in out
    assert "第3条（外部编号 W-3）“成交金额（元）”（700000）：成交金额不能超过项目预算（600,000.00 元）" in out
    assert "第4条（外部编号 W-4）“确定承接日期”：状态为“已确定承接方”时必填" in out
    assert (
        "第5条（外部编号 W-5）“承接社会组织”（上海市黄浦区乐龄家园社区服务中心）：状态为“已发布”时不应填写"
        in out
    )
    assert not Demand.objects.exists()


def test_the_same_external_id_twice_in_one_file_refuses_both(world, tmp_path):
    out, error = run(write_json(tmp_path, [project(), project(budget=390000)]))
    assert error.returncode == 2
    assert "第1条（外部编号 CZ-2026-000101）“外部编号”：“CZ-2026-000101”在本文件中出现了多次（第2条）" in out
    assert not Demand.objects.exists()


def test_a_record_that_becomes_invalid_leaves_the_stored_demand_as_it_was(world, tmp_path):
    run(write_json(tmp_path, [project()]))
    before = state()
    out, error = run(write_json(tmp_path, [project(category="不存在的类别")]))
    assert error.returncode == 2 and "跳过 1 条" in out
    assert state() == before


# --- dry run ------------------------------------------------------------------------------------------


def test_a_dry_run_prints_what_would_change_and_writes_nothing(world, tmp_path):
    before = state()
    out, error = run(SAMPLE_JSON, "--dry-run")
    assert error is None, out
    assert "试运行" in out and "将新增：第1条（外部编号 CZ-2026-000101）" in out
    assert "将新增 4 条，将更新 0 条，未变化 0 条，跳过 0 条。" in out
    assert state() == before

    run(SAMPLE_JSON)
    imported = state()
    projects = sample_projects()
    projects[0]["budget"] = 400000
    projects[1]["street"] = "徐家汇街道"
    out, error = run(write_json(tmp_path, projects), "--dry-run")
    assert error.returncode == 2 and str(error) == "有 1 条记录未导入（原因见上）；试运行，没有写入数据库。"
    assert "将更新：第1条（外部编号 CZ-2026-000101）" in out
    assert "项目预算（元）：380,000.00 → 400,000.00" in out
    assert "将新增 0 条，将更新 1 条，未变化 2 条，跳过 1 条。" in out  # 徐家汇街道 is not set up here
    assert "第2条（外部编号 CZ-2026-000102）“街镇”：“徐家汇街道”不是本平台登记的徐汇区街镇" in out
    assert state() == imported


# --- on the site ----------------------------------------------------------------------------------------


def test_imported_demands_appear_in_the_public_listing_marked_with_their_source(world, client):
    platform = DemandFactory(unit=world["hp_unit"], title="本平台发布的社区服务项目")
    run(SAMPLE_JSON)
    imported = Demand.objects.get(external_id="CZ-2026-000101")

    page = client.get("/demands/")
    listed = {d.pk for d in page.context["page"].object_list}
    assert imported.pk in listed and platform.pk in listed
    assert f"来源：{SOURCE}" in page.content.decode()

    only_external = {
        d.pk for d in client.get("/demands/", {"source": "external"}).context["page"].object_list
    }
    assert imported.pk in only_external and platform.pk not in only_external
    only_platform = {
        d.pk for d in client.get("/demands/", {"source": "platform"}).context["page"].object_list
    }
    assert platform.pk in only_platform and imported.pk not in only_platform

    detail = client.get(f"/demands/{imported.pk}/").content.decode()
    assert f"来源：{SOURCE}" in detail and "CZ-2026-000101" in detail
    assert f"来源：{SOURCE}" not in client.get(f"/demands/{platform.pk}/").content.decode()


def test_the_purchaser_cannot_edit_an_imported_demand(world, login, hp_purchaser):
    run(SAMPLE_JSON)
    imported = Demand.objects.get(external_id="CZ-2026-000101")
    own = DemandFactory(unit=world["hp_unit"])
    assert imported.unit == hp_purchaser.purchaser_unit

    assert not permissions.can_edit_demand(hp_purchaser, imported)
    assert permissions.can_edit_demand(hp_purchaser, own)

    client = login(hp_purchaser)
    detail = client.get(f"/demands/{imported.pk}/").content.decode()
    assert f"/demands/{imported.pk}/edit/" not in detail and f"/demands/{imported.pk}/cancel/" not in detail
    assert f"/demands/{own.pk}/edit/" in client.get(f"/demands/{own.pk}/").content.decode()

    imported.budget = Decimal("1.00")
    with pytest.raises(PermissionDenied):
        services.demand_adjust(demand=imported, by=hp_purchaser, reason="试图修改导入的项目")
    with pytest.raises(PermissionDenied):
        services.demand_cancel(demand=imported, by=hp_purchaser, reason="试图取消导入的项目")
    imported.refresh_from_db()
    assert imported.budget == Decimal("380000.00") and imported.status == Status.PUBLISHED


# --- bad files --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("projects.txt", "这不是 JSON".encode(), "文件既不是 JSON 也不是 .xlsx"),
        ("projects.json", b'[{"external_id": "A-1",', "不是有效的 JSON 文件（第1行"),
        ("projects.json", b"[]", "文件中没有任何项目记录"),
        ("projects.json", b'{"items": []}', "含有“projects”列表的对象"),
        ("projects.json", '[{"外部编号": "A-1", "budjet": 1}]'.encode(), "无法识别的字段：“budjet”（第1条）"),
        ("projects.json", b'[{"title": "a", "title": "b"}]', "重复的键“title”"),
        ("projects.json", b"\xff\xfe[\x00]\x00", "UTF-8"),
        ("projects.xlsx", b"PK\x03\x04 not really a zip", "文件已损坏或不完整"),
        ("projects.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "请上传 .xlsx 格式"),
    ],
)
def test_a_bad_file_is_a_clear_chinese_error_and_nothing_is_imported(world, tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    out, error = run(path)
    assert isinstance(error, CommandError) and error.returncode == 1
    assert message in str(error)
    assert not Demand.objects.exists()


def test_an_xlsx_missing_required_columns_is_refused_naming_them(world, tmp_path):
    columns = [spec for spec in external.FIELDS if spec.key not in ("budget", "category")]
    path = tmp_path / "projects.xlsx"
    path.write_bytes(write_rows(columns, [project()]))
    out, error = run(path)
    assert error.returncode == 1
    assert "缺少列“项目预算（元）”“项目类别”" in str(error) and "docs/external-import.md" in str(error)
    assert not Demand.objects.exists()


def test_a_missing_file_is_a_clear_error(world, tmp_path):
    out, error = run(tmp_path / "nowhere.json")
    assert error.returncode == 1 and "找不到文件" in str(error)


def test_a_record_missing_required_fields_names_each_of_them(world, tmp_path):
    out, error = run(write_json(tmp_path, [{"external_id": "M-1", "title": "只有名称的项目"}]))
    assert error.returncode == 2
    for header in ("项目预算（元）", "项目类别", "服务区域", "实施开始日期", "联系人"):
        assert f"第1条（外部编号 M-1）“{header}”：必填" in out
    assert "“购买主体”：必填：请填写购买主体名称或统一社会信用代码" in out


def test_json_records_may_use_the_chinese_headers_as_keys(world, tmp_path):
    by_header = {external.SPECS[key].header: value for key, value in project().items()}
    out, error = run(write_json(tmp_path, [by_header]))
    assert error is None, out
    assert Demand.objects.get(source=SOURCE).external_id == "CZ-2026-000101"


def test_a_publication_time_in_the_future_is_refused(world, tmp_path):
    out, error = run(write_json(tmp_path, [project(published_at="2099-01-01 08:00")]))
    assert error.returncode == 2 and "“发布时间”（2099-01-01 08:00）：发布时间不能晚于当前时间" in out
