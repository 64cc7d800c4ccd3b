"""数据对接 from the site (R-INT-1, issue 16 §1): only the city administrator may upload another
platform's projects; the file is checked by the upload gate before anything starts; the import runs
as a background job (in-process here, as without a broker) whose page shows the report; a dry run
writes nothing; a bad file or source is refused in Chinese with nothing written."""

import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from demands.models import Demand
from portal.models import Job
from tests import upload_samples
from tests.demands.test_external_import import SAMPLE_JSON, SOURCE, world  # noqa: F401 (fixture)
from tests.html import select, text_of

pytestmark = pytest.mark.django_db

URL = "/demands/external-import/"


def sample(name="external_projects.json", data=None):
    return SimpleUploadedFile(name, data if data is not None else SAMPLE_JSON.read_bytes())


def post(client, file, source=SOURCE, **extra):
    return client.post(URL, {"file": file, "source": source, **extra})


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("hp_admin", 403),
        ("xh_admin", 403),
        ("monitor", 403),
        ("hp_purchaser", 403),
        ("hp_org_user", 403),
    ],
)
def test_only_the_city_administrator_may_use_the_data_link(as_role, role, status):
    client = as_role("visitor")
    assert client.get(URL).status_code == 302  # to the login page
    client = as_role(role)
    assert client.get(URL).status_code == status
    assert post(client, sample()).status_code == status
    assert not Job.objects.exists() and not Demand.objects.exists()


def test_the_city_imports_the_sample_through_a_job_whose_page_reports_it(as_role, world):  # noqa: F811
    client = as_role("city_admin")
    form = client.get(URL)
    assert select(form, "input[type=file][name=file]") and "数据对接" in text_of(form)
    response = post(client, sample())
    assert response.status_code == 302 and "/jobs/" in response["Location"]
    job = Job.objects.get()
    assert job.status == "done" and job.params["source"] == SOURCE
    assert "新增 4 条，更新 0 条，未变化 0 条，跳过 0 条。" in job.message
    assert Demand.objects.filter(source=SOURCE).count() == 4
    record = Demand.objects.filter(source=SOURCE).first().history.first()
    assert "external_projects.json" in record.history_change_reason  # the uploaded file's own name
    shown = text_of(client.get(response["Location"]))
    assert "新增 4 条" in shown
    assert as_role("hp_admin").get(response["Location"]).status_code == 404  # someone else's job


def test_a_dry_run_reports_and_writes_nothing(as_role, world):  # noqa: F811
    client = as_role("city_admin")
    post(client, sample(), dry_run="on")
    job = Job.objects.get()
    assert job.status == "done" and job.message.startswith("试运行，没有写入数据库。")
    assert not Demand.objects.exists()


@pytest.mark.parametrize(
    ("name", "data", "source", "message"),
    [
        ("projects.csv", b"a,b\n", SOURCE, "请上传 JSON（.json）或 Excel（.xlsx）文件。"),
        ("projects.json", b"\x89PNG\r\n\x1a\n\x00\x00", SOURCE, "该文件不是 JSON 文件"),
        ("projects.xlsx", b"not a workbook", SOURCE, ""),
        ("projects.json", SAMPLE_JSON.read_bytes(), "本平台", "来源系统不能是“本平台”"),
        ("projects.json", SAMPLE_JSON.read_bytes(), "", "这个字段是必填项"),
    ],
)
def test_a_bad_file_or_source_is_refused_in_chinese_and_nothing_starts(as_role, name, data, source, message):
    client = as_role("city_admin")
    response = post(client, sample(name, data), source=source)
    assert response.status_code == 200
    errors = " ".join(str(e) for errors in response.context["form"].errors.values() for e in errors)
    assert message in errors and any("\u4e00" <= ch <= "\u9fff" for ch in errors)
    assert not Job.objects.exists() and not Demand.objects.exists()


def test_hostile_workbooks_are_refused_by_the_upload_gate(as_role):
    client = as_role("city_admin")
    for label, filename, data in upload_samples.hostile_corpus():
        if not filename.endswith(".xlsx"):
            continue
        response = post(client, sample(Path(filename).with_name("projects.xlsx").name, data))
        assert response.status_code == 200, label
        assert response.context["form"].errors, label
    assert not Job.objects.exists()


def test_a_file_that_names_nothing_it_knows_fails_the_job_with_the_reasons(as_role):
    client = as_role("city_admin")
    record = json.loads(SAMPLE_JSON.read_text(encoding="utf-8"))["projects"][0]
    post(client, sample(data=json.dumps([record], ensure_ascii=False).encode()))
    job = Job.objects.get()
    assert job.status == "failed" and "跳过 1 条" in job.message  # the unit is unknown here
    assert not Demand.objects.exists()
