"""Exports above JOB_EXPORT_ROWS rows as jobs (issue 16 §1, R-STA-3): the file the job writes holds what
the immediate export holds; a visitor's job belongs to its session; smaller exports stream as before."""

import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from tests.factories import DemandFactory
from tests.jobs_helpers import job_from

pytestmark = pytest.mark.django_db


def rows_of(content):
    return list(load_workbook(io.BytesIO(content)).worksheets[0].iter_rows(values_only=True))


def test_a_big_listing_export_is_a_job_whose_file_matches_the_immediate_export(client, settings):
    for _ in range(4):
        DemandFactory()
    settings.JOB_EXPORT_ROWS = 10
    immediate = rows_of(b"".join(client.get("/demands/export.xlsx").streaming_content))
    settings.JOB_EXPORT_ROWS = 3
    response = client.get("/demands/export.xlsx")
    job = job_from(response)
    assert job is not None and job.owner is None and job.session_key
    job.refresh_from_db()
    assert (job.status, job.stage, job.rows_done) == ("done", "生成文件", 4)
    file = client.get(f"/jobs/{job.pk}/file")
    assert rows_of(b"".join(file.streaming_content)) == immediate
    assert Client().get(f"/jobs/{job.pk}/file").status_code == 404  # another visitor
