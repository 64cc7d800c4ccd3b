"""Excel import in three steps — upload, preview, confirm — shared by demands (R-DEM-3) and
offers (R-OFF-3).

- Upload: `portal.excel` checks the file (size, real .xlsx, zip entry sizes, defusedxml) and parses
  the cells as people type them; the file is kept in the default storage under imports/ (never served) in an
  `ImportBatch` that belongs to the uploading user.
- Preview: a django-import-export Resource builds and validates every row (the model's `clean()`:
  the same rules as the web form) without writing anything; the report lists each row's errors
  by Excel row number and Chinese column header, and counts new / updated / erroneous rows.
- Confirm: the same rows are validated again and written in one transaction; any error and
  nothing is saved.
Abandoned batches are deleted after `ABANDONED_AFTER` (on every upload, and by
`manage.py cleanup_imports`).
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

import tablib
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from import_export import resources
from import_export.results import RowResult
from simple_history.utils import bulk_create_with_history

from . import refdata
from .excel import Column, ExcelError, read_sheet
from .models import ImportBatch

ABANDONED_AFTER = datetime.timedelta(hours=24)


@dataclass
class ImportSpec:
    kind: str
    columns: list[Column]
    resource_factory: Callable  # (user) -> ImportResource
    title_key: str = "title"  # the column that names a row in the report
    extra_headers: dict = field(default_factory=dict)  # model field -> header for fields not in columns

    def header_for(self, key):
        for column in self.columns:
            if column.key == key:
                return column.header
        return self.extra_headers.get(key, "整行")


class ImportResource(resources.ModelResource):
    """Base for the import resources: validates in a dry run without writing, and turns every
    problem into a Chinese message."""

    # Foreign keys resolved by the lookup widgets from cached reference data, or set by the
    # resource itself: `full_clean()` need not query the database again for each row.
    trusted_fields = ()
    change_reason = "Excel 导入"

    def __init__(self, user):
        super().__init__()
        self.user = user
        self.pending = []
        self.pending_updates = []
        self.row_types = {}  # dataset row number (1-based) -> RowResult.IMPORT_TYPE_*
        self.progress = None  # called once per row, when a job reports its progress (portal/jobs.py)

    def get_import_fields(self):
        # The same fields for every row: import-export builds the list again from Meta at each call
        # (twice a row, three times with a skip-unchanged comparison).
        try:
            return self._import_fields
        except AttributeError:
            self._import_fields = super().get_import_fields()
            return self._import_fields

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        try:
            instance.full_clean(
                exclude=set(errors) | set(self.trusted_fields),
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def import_row(self, row, instance_loader, **kwargs):
        result = super().import_row(row, instance_loader, **kwargs)
        self.row_types[kwargs.get("row_number")] = result.import_type
        if self.progress is not None:
            self.progress(kwargs.get("row_number"))
        return result

    def save_instance(self, instance, is_create, row, **kwargs):
        if self._is_dry_run(kwargs):
            return  # preview: validate only, write nothing
        # Written together in after_import; with Meta.use_bulk, import-export then spares a
        # savepoint per row, and we keep writing history ourselves.
        (self.pending if is_create else self.pending_updates).append(instance)

    def before_bulk_create(self, instance):
        """Whatever `save()` would have computed for a new row (e.g. search tokens)."""

    def after_import(self, dataset, result, **kwargs):
        dry_run = self._is_dry_run(kwargs)
        if self.pending and not dry_run and not result.has_errors() and not result.has_validation_errors():
            for instance in self.pending:
                self.before_bulk_create(instance)
            # New rows in bulk, each with its history record (who, when, why: R-GEN-2).
            bulk_create_with_history(
                self.pending,
                self._meta.model,
                batch_size=500,
                default_user=self.user,
                default_change_reason=self.change_reason,
            )
        if (
            self.pending_updates
            and not dry_run
            and not result.has_errors()
            and not result.has_validation_errors()
        ):
            for instance in self.pending_updates:
                instance.save()  # one by one: each keeps its own history record (who, why)
        super().after_import(dataset, result, **kwargs)


def _message(error):
    if isinstance(error, ValidationError):
        return "；".join(error.messages)
    if isinstance(error, (ValueError, ExcelError)):
        return getattr(error, "message", None) or str(error)
    return "本行无法导入，请检查填写内容。"


def _dataset(spec, parsed_rows):
    keys = [c.key for c in spec.columns]
    data = tablib.Dataset(headers=keys)
    for row in parsed_rows:
        data.append([None if key in row.errors else row.values.get(key) for key in keys])
    return data


@refdata.held()
def _run(spec, parsed_rows, user, *, dry_run, progress=None):
    """Run the resource; return (report, import_result)."""
    errors = {row.number: [(spec.header_for(k), msg) for k, msg in row.errors.items()] for row in parsed_rows}
    resource = spec.resource_factory(user)
    resource.progress = progress
    result = resource.import_data(
        _dataset(spec, parsed_rows),
        dry_run=dry_run,
        use_transactions=True,
        rollback_on_validation_errors=True,
        raise_errors=False,
    )
    for invalid in result.invalid_rows:
        row = parsed_rows[invalid.number - 1]
        already = {header for header, _ in errors[row.number]}
        for key, messages in invalid.error_dict.items():
            header = "整行" if key == NON_FIELD_ERRORS else spec.header_for(key)
            if header in already:
                continue  # the cell could not be read: that message says it already
            errors[row.number].extend((header, str(m)) for m in messages)
    for number, row_errors in result.row_errors():
        row = parsed_rows[number - 1]
        errors[row.number].extend(("整行", _message(e.error)) for e in row_errors)

    counts = {RowResult.IMPORT_TYPE_NEW: 0, RowResult.IMPORT_TYPE_UPDATE: 0, RowResult.IMPORT_TYPE_SKIP: 0}
    for index, row in enumerate(parsed_rows, start=1):
        kind = resource.row_types.get(index)
        if not errors[row.number] and kind in counts:
            counts[kind] += 1
    rows = [
        {
            "number": row.number,
            "title": str(row.values.get(spec.title_key) or ""),
            "errors": [list(e) for e in errors[row.number]],
        }
        for row in parsed_rows
    ]
    report = {
        "total": len(rows),
        "error_rows": sum(1 for r in rows if r["errors"]),
        "new": counts[RowResult.IMPORT_TYPE_NEW],
        "update": counts[RowResult.IMPORT_TYPE_UPDATE],
        "unchanged": counts[RowResult.IMPORT_TYPE_SKIP],
        "rows": rows,
    }
    return report, result


def cleanup(*, now=None):
    """Delete abandoned batches and their files."""
    cutoff = (now or timezone.now()) - ABANDONED_AFTER
    count = 0
    for batch in ImportBatch.objects.filter(created_at__lt=cutoff):
        batch.delete()
        count += 1
    return count


def start(spec, *, user, uploaded, progress=None):
    """Check and parse an upload, keep it for the user, and validate it. Raises ExcelError.
    ``progress``: a ``portal.jobs.Progress`` told the stage and each row (None: nobody watches)."""
    if progress is not None:
        progress.stage("read")
    parsed = read_sheet(uploaded, spec.columns)
    if not parsed:
        raise ExcelError("文件中没有数据行：请从第2行开始填写，每行一个项目。")
    cleanup()
    for old in ImportBatch.objects.filter(user=user, kind=spec.kind):
        old.delete()
    batch = ImportBatch(kind=spec.kind, user=user, original_name=(uploaded.name or "upload.xlsx")[:200])
    uploaded.seek(0)
    batch.file.save(f"{batch.pk}.xlsx", ContentFile(uploaded.read()), save=False)
    if progress is not None:
        progress.stage("check", total=len(parsed))
    batch.report, _ = _run(spec, parsed, user, dry_run=True, progress=progress)
    batch.report["sheet"] = getattr(parsed, "sheet_title", "")
    batch.save()
    return batch


def get_batch(*, kind, user, batch_id):
    """The user's own batch, or None (another user's batch is simply not found)."""
    try:
        return ImportBatch.objects.get(pk=batch_id, kind=kind, user=user)
    except (ImportBatch.DoesNotExist, ValidationError, ValueError):
        return None


def confirm(spec, *, batch, progress=None):
    """Save every row or none. Returns (saved_count, report)."""
    if progress is not None:
        progress.stage("read")
    with batch.file.open("rb") as fh:
        parsed = read_sheet(fh, spec.columns)
    if progress is not None:
        progress.stage("write", total=len(parsed))
    with transaction.atomic():
        report, _ = _run(spec, parsed, batch.user, dry_run=False, progress=progress)
        if report["error_rows"]:
            transaction.set_rollback(True)
    report["sheet"] = getattr(parsed, "sheet_title", "")
    if report["error_rows"]:
        batch.report = report
        batch.save(update_fields=["report"])
        return 0, report
    saved = report["new"] + report["update"] + report["unchanged"]
    batch.delete()
    return saved, report


# --- the two pages every import has ----------------------------------------------------------


def upload_page(request, *, spec_factory, form, template, preview_url, refuse=None):
    """The upload page: on a good file, keep it and go to its preview. `refuse` is a message
    that refuses any upload (e.g. an organization that may not publish)."""
    from django.shortcuts import redirect, render

    if request.method == "POST":
        if refuse:
            form.add_error(None, refuse)
        if form.is_valid():
            try:
                batch = start(spec_factory(), user=request.user, uploaded=form.cleaned_data["file"])
            except ExcelError as exc:
                form.add_error("file", exc.message)
            else:
                return redirect(preview_url, batch_id=batch.pk)
    return render(request, template, {"form": form})


FAILED_MESSAGE = "文件中有需要修改的行，没有保存任何一行。请按下表修改后重新上传。"


def preview_page(
    request,
    *,
    kind,
    batch_id,
    spec_factory,
    template,
    done_url,
    done_message,
    failed_message=FAILED_MESSAGE,
    refuse=None,
):
    """The preview page; its POST confirms. Another user's batch is simply not found (404)."""
    from django.contrib import messages
    from django.http import Http404
    from django.shortcuts import redirect, render

    batch = get_batch(kind=kind, user=request.user, batch_id=batch_id)
    if batch is None:
        raise Http404("没有找到这次上传，可能已经确认或过期，请重新上传。")
    report = batch.report
    if request.method == "POST":
        if refuse:
            messages.error(request, refuse)
            return redirect(done_url)
        saved, report = confirm(spec_factory(), batch=batch)
        if saved:
            messages.success(request, done_message(report, saved))
            return redirect(done_url)
        messages.error(request, failed_message)
    return render(request, template, {"batch": batch, "report": report})
