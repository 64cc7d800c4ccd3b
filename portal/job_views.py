"""The job page, its JSON for the progress bar, and its file (issue 16 §1). Only the job's owner finds
any of them; anybody else, and any id that is not a job, gets 404."""

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from . import jobs
from .errors import ServiceError
from .http import XLSX


def _job(request, job_id):
    job = jobs.visible(request, job_id)
    if job is None:
        raise Http404(jobs.NOT_FOUND)
    return job


@require_http_methods(["GET", "POST"])
def job_page(request, job_id):
    job = _job(request, job_id)
    error = ""
    if request.method == "POST":
        try:
            jobs.retry(job, by=job.owner)
        except ServiceError as exc:
            error = exc.message
        else:
            return redirect(job)
    return render(
        request,
        "portal/job.html",
        {"job": job, "state": jobs.status_json(job), "error": error, "may_retry": may_retry(job)},
    )


def may_retry(job):
    """A job that failed through no fault of the input (an interruption, an error) may run again."""
    return jobs.TABLE.allows(job.status, "retry") and not job.result_url


@require_http_methods(["GET"])
def job_status(request, job_id):
    job = _job(request, job_id)
    response = JsonResponse(jobs.status_json(job))
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET"])
def job_file(request, job_id):
    job = _job(request, job_id)
    if not jobs.file_url(job) or not default_storage.exists(job.result_file.name):
        raise Http404("文件已过期或尚未生成。")
    name = job.params.get("filename") or "export.xlsx"
    return FileResponse(job.result_file.open("rb"), as_attachment=True, filename=name, content_type=XLSX)
