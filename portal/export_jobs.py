"""An export above ``JOB_EXPORT_ROWS`` rows as a job (issue 16 §1): the listing or statistics export
is written by the worker into a file kept with the job (``default_storage``), and the user downloads
it from the job's page. Smaller exports are streamed at once, as before.

An app registers how to build an export from a request (``@export_jobs.handler("demands_export")``
on ``build(request, **kwargs) -> (sheets, filename)`` in its ``jobs.py``); the worker rebuilds the
request from the query string the user asked with and the user who asked (a visitor: nobody), so the
file holds exactly what the immediate export would have held.
"""

import dataclasses
import tempfile

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.files import File
from django.http import HttpRequest, QueryDict
from django.shortcuts import redirect

from . import jobs
from .xlsx import write_workbook


def too_big(total):
    return total > settings.JOB_EXPORT_ROWS


def rows_in(sheets):
    """The rows of sheets held in memory (statistics tables)."""
    return sum(len(sheet.rows) for sheet in sheets if hasattr(sheet.rows, "__len__"))


def start(request, kind, *, title, total, kwargs=None):
    """Start the export job and answer with a redirect to its page."""
    params = {"path": request.path, "query": request.GET.urlencode(), "kwargs": kwargs or {}}
    return redirect(jobs.start(request, kind, title=title, params=params, total=total))


def request_for(job):
    """The request the export was asked with, as far as building it goes: its query and its user."""
    request = HttpRequest()
    request.method = "GET"
    request.path = request.path_info = job.params.get("path", "/")
    request.GET = QueryDict(job.params.get("query", ""))
    request.user = job.owner or AnonymousUser()
    request.session = {}
    request.META["REMOTE_ADDR"] = "127.0.0.1"
    return request


def _counting(rows, progress):
    for row in rows:
        progress()
        yield row


def handler(kind):
    """Register ``build(request, **kwargs) -> (sheets, filename)`` as the export job ``kind``."""

    def register(build):
        def run(job, progress):
            sheets, filename = build(request_for(job), **job.params.get("kwargs", {}))
            progress.stage("file", total=job.rows_total)
            counted = [dataclasses.replace(s, rows=_counting(s.rows, progress)) for s in sheets]
            tmp = tempfile.TemporaryFile()
            write_workbook(counted, tmp)
            tmp.seek(0)
            job.params["filename"] = filename
            return jobs.Result(content=File(tmp), filename="export.xlsx", message=f"文件已生成：{filename}")

        jobs.handler(kind)(run)
        return build

    return register
