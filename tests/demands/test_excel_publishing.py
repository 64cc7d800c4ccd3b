"""Excel 批量发布 (R-DEM-3, R-GEN-2): a good file is published by the uploader with history; duplicates
within the file or with published demands are refused; limits are named; confirm checks again."""

from django.urls import reverse

from demands import selectors
from demands.models import Demand, Status
from portal.models import ImportBatch
from tests.demands import excel_helpers
from tests.demands.excel_helpers import THIS_YEAR, demand_count, example_row, good_rows, upload_and_follow
from tests.factories import DemandFactory
from tests.jobs_helpers import confirm_through_job

# --- a good file ----------------------------------------------------------------------------


def test_a_good_file_of_ten_rows_is_published_by_the_uploader_with_history(
    login, hp_purchaser, hp_unit, media_root
):
    client = login(hp_purchaser)
    preview, url = upload_and_follow(client, good_rows(10))

    assert (preview.total, preview.new, preview.error_rows) == (10, 10, 0)
    assert preview.can_confirm
    assert demand_count() == 0
    stored = list(media_root.rglob("*.xlsx"))
    assert len(stored) == 1

    response = client.post(url)

    assert response.status_code == 302
    assert response["Location"] == reverse("demands:mine")
    demands = list(Demand.objects.order_by("pk"))
    assert len(demands) == 10
    assert {d.title for d in demands} == {
        f"南京东路街道社区居家养老服务项目（第{i}批）" for i in range(1, 11)
    }
    for demand in demands:
        assert demand.unit == hp_unit
        assert demand.created_by == hp_purchaser
        assert demand.status == Status.PUBLISHED
        assert demand.published_at is not None
        assert demand.search_tokens
        assert demand.search_tokens == demand.build_search_tokens()
        history = list(demand.history.all())
        assert len(history) == 1
        assert history[0].history_user == hp_purchaser
        assert history[0].history_change_reason == "Excel 批量发布"
        assert history[0].history_type == "+"
    found = selectors.demands_search(selectors.public_demands(), "居家养老")
    assert {d.pk for d in found} == {d.pk for d in demands}
    found = selectors.demands_search(selectors.public_demands(), "第3批")
    assert [d.title for d in found] == ["南京东路街道社区居家养老服务项目（第3批）"]

    assert ImportBatch.objects.count() == 0
    assert list(media_root.rglob("*.xlsx")) == []
    assert client.post(url).status_code == 404
    assert client.get(url).status_code == 404
    assert demand_count() == 10

    listing = client.get(reverse("demands:list"), {"q": "居家养老", "size": 50}).content.decode()
    assert listing.count("南京东路街道社区居家养老服务项目（第") == 10


def test_the_same_file_uploaded_again_is_refused_row_by_row(login, hp_purchaser):
    client = login(hp_purchaser)
    rows = good_rows(3)
    url = upload_and_follow(client, rows)[1]
    assert client.post(url).status_code == 302
    assert demand_count() == 3

    preview, url = upload_and_follow(client, rows)

    assert preview.error_rows == 3
    for number in (2, 3, 4):
        assert "同名项目" in preview.error_for(number, "项目名称")
    assert not preview.can_confirm
    client.post(url)
    assert demand_count() == 3


def test_a_cancelled_demand_does_not_block_its_title(login, hp_purchaser):
    client = login(hp_purchaser)
    rows = good_rows(1)
    assert client.post(upload_and_follow(client, rows)[1]).status_code == 302
    Demand.objects.update(status=Status.CANCELLED, cancel_reason="预算调整")

    preview = upload_and_follow(client, rows)[0]

    assert preview.error_rows == 0


def test_duplicate_titles_within_one_file_are_refused(login, hp_purchaser):
    client = login(hp_purchaser)
    rows = good_rows(3)
    rows.append(example_row(title=rows[0]["title"]))  # Excel row 5 repeats row 2
    preview = upload_and_follow(client, rows)[0]

    assert preview.error_rows == 1
    assert preview.errors(2) == []
    assert "名称" in preview.error_for(5, "项目名称")
    assert not preview.can_confirm


def test_the_same_title_for_another_year_is_not_a_duplicate(login, hp_purchaser):
    client = login(hp_purchaser)
    rows = [
        example_row(title="社区助餐服务项目"),
        example_row(
            title="社区助餐服务项目",
            year=THIS_YEAR + 1,
            period_start=f"{THIS_YEAR + 1}-07-01",
            period_end=f"{THIS_YEAR + 2}-06-30",
        ),
    ]
    preview = upload_and_follow(client, rows)[0]

    assert preview.error_rows == 0


def test_five_thousand_rows_with_one_bad_row_save_nothing(login, hp_purchaser):
    client = login(hp_purchaser)
    rows = good_rows(5000)
    rows[4321]["period_end"] = f"{THIS_YEAR - 1}-01-01"  # Excel row 4323: ends before it starts
    preview, url = upload_and_follow(client, rows)

    assert (preview.total, preview.error_rows) == (5000, 1)
    assert "不能早于" in preview.error_for(4323, "实施结束日期")
    assert not preview.can_confirm

    job = confirm_through_job(client, url)  # above JOB_IMPORT_ROWS rows: a job

    assert (job.status, job.message) == (
        "failed",
        "文件中有需要修改的行，没有发布任何需求。请按下表修改后重新上传。",
    )
    assert demand_count() == 0
    assert Demand.history.model.objects.count() == 0


def test_confirm_checks_every_row_again(login, hp_purchaser, hp_unit):
    client = login(hp_purchaser)
    rows = good_rows(3)
    preview, url = upload_and_follow(client, rows)
    assert preview.error_rows == 0
    # Meanwhile a colleague publishes the second project through the web form.
    DemandFactory(unit=hp_unit, title=rows[1]["title"], year=THIS_YEAR)

    response = client.post(url)

    assert response.status_code == 200
    assert Demand.objects.count() == 1
    preview = excel_helpers.Preview(response)
    assert preview.error_rows == 1
    assert "同名项目" in preview.error_for(3, "项目名称")


def test_too_many_rows_are_refused_with_the_limit_named(login, hp_purchaser, settings):
    settings.EXCEL_MAX_ROWS = 5
    response = excel_helpers.upload(login(hp_purchaser), excel_helpers.xlsx_file(good_rows(6)))

    assert response.status_code == 200
    assert "超过 5 行" in " ".join(response.context["form"].errors["file"])
    assert ImportBatch.objects.count() == 0


def test_a_file_over_the_size_limit_is_refused_with_the_limit_named(login, hp_purchaser, settings):
    settings.EXCEL_MAX_UPLOAD_BYTES = 4096
    response = excel_helpers.upload(login(hp_purchaser), excel_helpers.xlsx_file(good_rows(300)))

    assert response.status_code == 200
    message = " ".join(response.context["form"].errors["file"])
    assert "文件大小超过" in message and "MB" in message
    assert ImportBatch.objects.count() == 0


def test_the_uploaded_file_is_not_served(client, login, hp_purchaser, settings):
    upload_and_follow(login(hp_purchaser), good_rows(1))
    batch = ImportBatch.objects.get()

    assert client.get(settings.MEDIA_URL + batch.file.name).status_code == 404
    client.logout()
    assert client.get(settings.MEDIA_URL + batch.file.name).status_code == 404
