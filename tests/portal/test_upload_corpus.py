"""Issue 19 §2 (R-GEN-3): every upload point — notice attachments, 资料下载, the stamped
recommendation form, the demand and offer Excel imports — runs the same gate (portal/uploads.py).
Against a corpus of hostile files built in the test run (bombs, renamed formats, macros, scripts in
PDFs, polyglots, truncated files) each answers with a Chinese refusal, and no row and no file changes."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from demands.models import Demand
from directory.models import Application
from notices.models import Article, Attachment, Download
from offerings.models import Offering
from portal.models import ImportBatch
from tests import upload_samples
from tests.directory.conftest import APPLY, apply_data, edition, hp_offers  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db

CORPUS = upload_samples.hostile_corpus()
CJK = re.compile(r"[\u4e00-\u9fff]")


def stored_files():
    root = Path(settings.MEDIA_ROOT)
    return sorted(str(p) for p in root.rglob("*") if p.is_file()) if root.exists() else []


def state():
    return {
        "files": stored_files(),
        "articles": Article.objects.count(),
        "attachments": Attachment.objects.count(),
        "downloads": list(Download.objects.values_list("pk", "file", "size")),
        "applications": list(Application.objects.values_list("pk", "recommendation_form", "statement")),
        "batches": ImportBatch.objects.count(),
        "demands": Demand.objects.count(),
        "offerings": Offering.objects.count(),
    }


def errors_on_page(response):
    """The error texts of a form that came back."""
    assert response.status_code == 200, response.status_code
    form = response.context.get("form")
    assert form is not None and form.errors, "the upload was accepted"
    return [str(e) for errors in form.errors.values() for e in errors]


def upload_file(name, data):
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def notice_attachment(client, name, data):
    return client.post(
        "/notices/manage/article/new/?kind=notice",
        {
            "kind": "notice",
            "title": "关于开展项目发布工作的通知",
            "body": "<p>请各购买主体按时发布。</p>",
            "publish_date": "",
            "action": "publish",
            "upload": upload_file(name, data),
        },
    )


def download_file(client, name, data):
    return client.post(
        "/notices/manage/download/new/",
        {
            "title": "政府购买服务项目申报表",
            "category": Download.Category.TEMPLATE,
            "description": "购买主体申报项目时填写。",
            "publish_date": "",
            "action": "publish",
            "upload": upload_file(name, data),
        },
    )


def demand_import(client, name, data):
    return client.post("/demands/import/", {"file": upload_file(name.rsplit(".", 1)[0] + ".xlsx", data)})


def offer_import(client, name, data):
    return client.post("/offerings/import/", {"file": upload_file(name.rsplit(".", 1)[0] + ".xlsx", data)})


@pytest.mark.parametrize("name,filename,data", CORPUS, ids=[c[0] for c in CORPUS])
def test_every_upload_point_refuses_each_hostile_file_in_chinese_changing_nothing(
    name,
    filename,
    data,
    login,
    city_admin,
    hp_purchaser,
    hp_org_user,
    hp_offers,  # noqa: F811
    edition,  # noqa: F811
):
    # A saved draft with a good stamped form: a refused re-submission must leave it as it was.
    org = login(hp_org_user)
    first = org.post(
        APPLY, apply_data(hp_offers[:1], "save", form=upload_file("表.pdf", upload_samples.PDF_BYTES))
    )
    assert first.status_code == 302
    saved_form = Application.objects.get().recommendation_form.name
    before = state()

    points = [
        ("notice attachment", city_admin, notice_attachment),
        ("资料下载", city_admin, download_file),
        ("demand import", hp_purchaser, demand_import),
        ("offer import", hp_org_user, offer_import),
    ]
    for point, user, send in points:
        errors = errors_on_page(send(login(user), filename, data))
        assert errors and all(CJK.search(e) for e in errors), (point, errors)
        assert "Traceback" not in " ".join(errors) and "Error" not in " ".join(errors), (point, errors)
        assert state() == before, point

    org = login(hp_org_user)
    response = org.post(APPLY, apply_data(hp_offers[:1], "save", form=upload_file(filename, data)))
    errors = errors_on_page(response)
    assert all(CJK.search(e) for e in errors), errors
    assert state() == before
    application = Application.objects.get()
    assert application.recommendation_form.name == saved_form
    assert Path(application.recommendation_form.path).exists()
    assert org.get(f"/directory/applications/{application.pk}/form/").status_code == 200


@pytest.mark.parametrize(
    "filename,data",
    [
        ("a.pdf", upload_samples.PDF_BYTES),
        ("a.png", upload_samples.PNG_BYTES),
        ("a.jpg", upload_samples.JPEG_BYTES),
        ("a.docx", upload_samples.DOCX_BYTES),
        ("a.xlsx", upload_samples.xlsx_bytes(formulas=[("C2", "=SUM(B2:B3)")])),
    ],
)
def test_genuine_files_pass_the_attachment_gate(filename, data):
    from portal.uploads import check_attachment

    assert check_attachment(upload_file(filename, data)) == "." + filename.rsplit(".", 1)[1]
