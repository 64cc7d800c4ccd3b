"""Building 需求批量发布 files and reading the preview page, for the Excel import tests (R-DEM-3).
Files are built with the same `write_rows` the exports use, starting from each template column's
example value."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from demands import importing
from demands.models import Demand
from portal.excel import write_rows
from tests.import_preview import ImportPreview
from tests.jobs_helpers import through_job
from tests.xlsx import XLSX_TYPE

TEMPLATE_NAME = "购买服务需求批量发布模板.xlsx"


THIS_YEAR = timezone.localdate().year


# --- building files ------------------------------------------------------------------------


def example_row(**overrides):
    """The template's example row, with some cells changed."""
    row = {column.key: column.example for column in importing.columns()}
    row.update(overrides)
    return row


def good_rows(count, **overrides):
    example = example_row(**overrides)  # importing.columns() queries the reference data: once
    return [dict(example, title=f"南京东路街道社区居家养老服务项目（第{i}批）") for i in range(1, count + 1)]


def xlsx_bytes(rows, columns=None):
    return write_rows(columns or importing.columns(), rows)


def xlsx_file(rows, name="需求批量发布.xlsx", columns=None):
    return SimpleUploadedFile(name, xlsx_bytes(rows, columns), content_type=XLSX_TYPE)


def upload(client, file):
    return client.post(reverse("demands:import"), {"file": file})


def upload_and_follow(client, rows, name="需求批量发布.xlsx"):
    """Upload `rows`, follow the redirect; return (the preview, its url)."""
    response = upload(client, xlsx_file(rows, name))
    assert response.status_code == 302, response.content.decode()[:2000]
    url = through_job(client, response["Location"])  # above JOB_IMPORT_ROWS rows: through a job
    assert url.startswith("/demands/import/") and url != reverse("demands:import")
    return Preview(client.get(url)), url


def batch_url(batch):
    return reverse("demands:import_preview", kwargs={"batch_id": batch.pk})


# --- reading the preview page --------------------------------------------------------------


class Preview(ImportPreview):
    confirm_label = "确认发布"

    def __init__(self, response):
        super().__init__(response)
        self.total = self.count("共", required=True)
        self.new = self.count("可发布", required=True)
        self.error_rows = self.count("有问题", required=True)

    def errors(self, number):
        """The messages listed for Excel row `number`; a row that passed may not be listed at all."""
        row = self.rows.get(number)
        if row is None:
            return []
        assert row["errors"] or row["result"] == "通过", row
        return row["errors"]


def demand_count():
    return Demand.objects.count()
