"""An Excel import above ``JOB_IMPORT_ROWS`` rows as two jobs (issue 16 §1): the check that leads to
the preview, and the confirm that writes. Smaller files go through ``portal.imports`` exactly as
before. The pipeline is called through its public functions (``imports.start``, ``imports.confirm``)
with a progress callback; confirm writes every row or none in one transaction, so a worker killed
half-way leaves nothing behind and the job may simply be started again.

Each app declares its import once (``IMPORT = ImportJobs(...)`` in its ``jobs.py``); the views call
its ``upload_page`` and ``preview_page`` instead of ``imports.upload_page`` / ``imports.preview_page``.
"""

import warnings
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.files import File
from django.shortcuts import redirect
from django.urls import reverse
from openpyxl import load_workbook

from . import imports, jobs
from .excel import DEFAULT_SHEET_TITLE, ExcelError, check_xlsx
from .models import Job

NOT_FOUND = "没有找到这次上传，可能已经确认或过期，请重新上传。"


def count_rows(uploaded):
    """About how many data rows the upload has (its sheet's dimension), cheaply; 0 when the file
    cannot be read (the ordinary upload then says what is wrong with it)."""
    try:
        check_xlsx(uploaded)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            workbook = load_workbook(uploaded, read_only=True)
            try:
                names = workbook.sheetnames
                ws = workbook[DEFAULT_SHEET_TITLE] if DEFAULT_SHEET_TITLE in names else workbook.worksheets[0]
                rows = ws.max_row
                if rows is None:
                    rows = sum(1 for _ in ws.iter_rows(values_only=True))
            finally:
                workbook.close()
    except Exception:
        return 0
    finally:
        uploaded.seek(0)
    return max(0, rows - 1)


@dataclass
class ImportJobs:
    """One app's Excel import as jobs. ``kind``: the ImportBatch kind (``offering``, ``demand``)."""

    kind: str
    noun: str  # 服务项目, 需求
    spec_factory: Callable
    done_message: Callable  # (report, saved) -> str
    failed_message: str = imports.FAILED_MESSAGE

    def __post_init__(self):
        jobs.handler(self.preview_kind)(self.run_preview)
        jobs.handler(self.confirm_kind)(self.run_confirm)

    @property
    def preview_kind(self):
        return f"{self.kind}_import_check"

    @property
    def confirm_kind(self):
        return f"{self.kind}_import_confirm"

    @property
    def app(self):
        """The app whose ``importing.spec`` this is: its URL namespace has the ``import_preview`` and
        ``mine`` pages the jobs lead to."""
        return self.spec_factory.__module__.partition(".")[0]

    @property
    def preview_url(self):
        return f"{self.app}:import_preview"

    @property
    def done_url(self):
        return f"{self.app}:mine"

    # --- the pages ---------------------------------------------------------------------------------

    def upload_page(self, request, *, form, template, refuse=None):
        if request.method == "POST" and not refuse and form.is_valid():
            uploaded = form.cleaned_data["file"]
            total = count_rows(uploaded)
            if total > settings.JOB_IMPORT_ROWS:
                name = (uploaded.name or "upload.xlsx")[:200]
                job = jobs.start(
                    request,
                    self.preview_kind,
                    title=f"{self.noun}批量上传：检查“{name}”",
                    params={"name": name},
                    total=total,
                    upload=uploaded,
                )
                return redirect(job)
        return imports.upload_page(
            request,
            spec_factory=self.spec_factory,
            form=form,
            template=template,
            preview_url=self.preview_url,
            refuse=refuse,
        )

    def preview_page(self, request, batch_id, *, template, refuse=None):
        if request.method == "POST" and not refuse:
            batch = imports.get_batch(kind=self.kind, user=request.user, batch_id=batch_id)
            if batch is not None and batch.report.get("total", 0) > settings.JOB_IMPORT_ROWS:
                running = Job.objects.owned_by(request.user).filter(
                    kind=self.confirm_kind,
                    params__batch_id=str(batch.pk),
                    status__in=(Job.Status.QUEUED, Job.Status.RUNNING),
                )
                job = running.first() or jobs.start(
                    request,
                    self.confirm_kind,
                    title=f"{self.noun}批量上传：保存“{batch.original_name}”",
                    params={"batch_id": str(batch.pk)},
                    total=batch.report["total"],
                )
                return redirect(job)
        return imports.preview_page(
            request,
            kind=self.kind,
            batch_id=batch_id,
            spec_factory=self.spec_factory,
            template=template,
            done_url=self.done_url,
            done_message=self.done_message,
            failed_message=self.failed_message,
            refuse=refuse,
        )

    # --- the work --------------------------------------------------------------------------------------

    def run_preview(self, job, progress):
        with job.source.open("rb") as fh:
            try:
                batch = imports.start(
                    self.spec_factory(),
                    user=job.owner,
                    uploaded=File(fh, name=job.params.get("name", "upload.xlsx")),
                    progress=progress,
                )
            except ExcelError as exc:
                return jobs.Result(message=exc.message, failed=True)
        job.source.delete(save=False)  # the batch keeps its own copy
        report = batch.report
        return jobs.Result(
            url=reverse(self.preview_url, kwargs={"batch_id": batch.pk}),
            message=f"检查完成：共 {report['total']:,} 行，其中 {report['error_rows']:,} 行需要修改。请查看预览。",
        )

    def run_confirm(self, job, progress):
        batch = imports.get_batch(kind=self.kind, user=job.owner, batch_id=job.params.get("batch_id"))
        if batch is None:
            return jobs.Result(message=NOT_FOUND, failed=True)
        saved, report = imports.confirm(self.spec_factory(), batch=batch, progress=progress)
        if saved:
            return jobs.Result(url=reverse(self.done_url), message=self.done_message(report, saved))
        return jobs.Result(
            url=reverse(self.preview_url, kwargs={"batch_id": batch.pk}),
            message=self.failed_message,
            failed=True,
        )
