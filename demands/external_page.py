"""数据对接 from the site (R-INT-1, issue 16 §1): the city administrator uploads a file of another
platform's projects (JSON or .xlsx, docs/external-import.md) and it is imported by a background job,
as `manage.py import_external_projects` does from cron. The page checks the file through the one
upload gate before the job starts; the job's page shows the report."""

from pathlib import Path

from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from accounts import permissions
from portal import jobs, uploads
from portal.errors import ServiceError

from .external_file import MAX_JSON_BYTES, SOURCE_MAX_LENGTH
from .models import PLATFORM_SOURCE

KINDS = (".json", ".xlsx")


class ExternalImportForm(forms.Form):
    file = forms.FileField(label="项目文件", help_text="JSON 或 .xlsx 文件，格式见“数据对接说明”。")
    source = forms.CharField(
        label="来源系统",
        max_length=SOURCE_MAX_LENGTH,
        help_text="例如 财政政府购买服务管理平台（不能是“本平台”）。",
    )
    dry_run = forms.BooleanField(label="只试运行（显示将会发生的变化，不写入）", required=False)

    def clean_source(self):
        source = self.cleaned_data["source"].strip()
        if source == PLATFORM_SOURCE:
            raise forms.ValidationError("来源系统不能是“本平台”：本平台的需求不通过数据对接导入。")
        return source

    def clean_file(self):
        upload = self.cleaned_data["file"]
        suffix = Path(upload.name or "").suffix.lower()
        if suffix not in KINDS:
            raise forms.ValidationError("请上传 JSON（.json）或 Excel（.xlsx）文件。")
        if upload.size > MAX_JSON_BYTES:
            raise forms.ValidationError(
                uploads.too_large(upload.size, MAX_JSON_BYTES, "请拆分为多个文件分批导入。")
            )
        try:
            if suffix == ".xlsx":
                uploads.inspect(
                    upload, allowed={".xlsx"}, wrong_type="该文件不是 .xlsx 工作簿。", limit=MAX_JSON_BYTES
                )
            else:
                head = upload.read(4096)
                upload.seek(0)
                if b"\x00" in head or not head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith((b"[", b"{")):
                    raise ServiceError("该文件不是 JSON 文件（应以 [ 或 { 开头，UTF-8 编码）。")
        except ServiceError as exc:
            raise forms.ValidationError(exc.message) from None
        return upload


@login_required
@permissions.role_required(permissions.is_city_admin)
def external_import(request):
    form = ExternalImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload = data["file"]
        job = jobs.start(
            request,
            "external_import",
            title=f"数据对接：导入“{Path(upload.name).name[:80]}”",
            params={
                "source": data["source"],
                "dry_run": data["dry_run"],
                "file_name": Path(upload.name).name[:100],
            },
            upload=upload,
        )
        return redirect("job", job.pk)
    return render(request, "demands/external_import.html", {"form": form})
