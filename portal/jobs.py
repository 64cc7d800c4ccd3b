"""Long work as a job with a progress bar (issue 16 §1).

A view that would keep the user waiting (an Excel import above ``JOB_IMPORT_ROWS`` rows, an export
above ``JOB_EXPORT_ROWS``) calls :func:`start` and redirects to the job's page. The job is a row
(``portal.models.Job``) owned by the user (a visitor's by its session); the celery task
``portal.run_job`` runs its *handler* and reports progress through :class:`Progress`: the stage
(读取文件 / 检查 / 写入 / 生成文件), rows done of total and a heartbeat. With no broker configured the
task runs in-process (eager) and the user lands on a finished job.

Handlers are registered by the apps (``@jobs.handler("offering_import")`` in their ``jobs.py``,
loaded at start-up like admin modules), so this bottom layer never imports an app. A handler gets
the job and a Progress and returns a :class:`Result`: a page to go on to (a preview), a message, or
a generated file, saved through ``default_storage`` under ``jobs/<id>/`` and removed with the job's
other files ``JOB_KEEP_HOURS`` after it ends (``manage.py cleanup_imports``, daily in beat).

The status moves only through :data:`TABLE` (``portal.transitions``). A job whose worker died (no
heartbeat for ``JOB_STALE_MINUTES``) is marked 未完成 with a Chinese message when anyone looks at
it, and its owner may start it again; an import's confirm writes in one transaction, so a killed
worker leaves no row behind.
"""

import datetime
import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.db import connections, transaction
from django.db.models import Q
from django.db.models.sql.subqueries import UpdateQuery
from django.utils import timezone

from . import refdata, transitions
from .errors import ServiceError
from .models import Job

logger = logging.getLogger(__name__)
Status = Job.Status

TABLE = transitions.Table(
    noun="后台任务",
    states=tuple(Status.values),
    actions={
        "create": ((transitions.NEW,), Status.QUEUED),
        "start": ((Status.QUEUED,), Status.RUNNING),
        "finish": ((Status.RUNNING,), Status.DONE),
        "fail": ((Status.QUEUED, Status.RUNNING), Status.FAILED),
        "retry": ((Status.FAILED,), Status.QUEUED),
        "expire": ((Status.DONE, Status.FAILED), Status.EXPIRED),
    },
    labels={
        "create": "创建",
        "start": "开始",
        "finish": "完成",
        "fail": "中止",
        "retry": "重新开始",
        "expire": "过期",
    },
    notes={Status.EXPIRED: "任务已过期，请重新操作。"},
    validate=False,
)

STAGES = {
    "read": "读取文件",
    "check": "检查",
    "write": "写入",
    "file": "生成文件",
}
INTERRUPTED = "处理中断：后台处理程序意外停止，没有保存任何内容。可以点击“重新开始”再试一次。"
FAILED = "处理时出现错误，没有保存任何内容。请稍后点击“重新开始”再试，或联系平台管理员。"
NOT_FOUND = "没有找到这个后台任务：它可能已过期，或者不是由您发起的。"

_HANDLERS = {}


def handler(kind):
    """Register ``function(job, progress) -> Result`` as the work of jobs of ``kind``."""

    def register(function):
        _HANDLERS[kind] = function
        return function

    return register


def handlers():
    return dict(_HANDLERS)


@dataclass
class Result:
    """What a finished job leads to: ``url`` (go on there), ``message`` (shown on the job's page),
    ``content`` and ``filename`` (a generated file to download)."""

    url: str = ""
    message: str = ""
    content: bytes | File | None = None
    filename: str = ""
    failed: bool = False  # the work ran but its outcome is a refusal (e.g. rows with errors)


def setting(name):
    return getattr(settings, name)


# --- starting --------------------------------------------------------------------------------------


def owner_of(request):
    """(user, session_key) that will own a job started by this request."""
    if request.user.is_authenticated:
        return request.user, ""
    if not request.session.session_key:
        request.session.save()
    return None, request.session.session_key


def start(request, kind, *, title, params=None, total=0, upload=None):
    """Create a job of ``kind`` owned by whoever made ``request`` and hand it to the worker (or run
    it now, when there is no broker). ``upload``: a file the job reads (kept with the job)."""
    owner, session_key = owner_of(request)
    job = Job(
        kind=kind,
        title=title[:200],
        owner=owner,
        session_key=session_key,
        params=params or {},
        rows_total=total,
    )
    if upload is not None:
        upload.seek(0)
        job.source.save("upload.xlsx", File(upload), save=False)
    transitions.apply(TABLE, job, "create", by=owner)
    enqueue(job)
    return job


def enqueue(job):
    from .tasks import run_job

    def send():
        try:
            run_job.delay(str(job.pk))
        except Exception:  # a broker that is down: the job stays queued and is reported stale
            logger.exception("job %s could not be queued", job.pk)

    if settings.CELERY_TASK_ALWAYS_EAGER:
        send()  # in-process, on this connection: the user lands on a finished job
    else:
        transaction.on_commit(send)  # the worker must find the row


def retry(job, *, by):
    """Start a failed job again (its owner's button on the job page)."""
    job.rows_done = 0
    job.stage = ""
    job.message = ""
    job.heartbeat_at = timezone.now()
    transitions.apply(TABLE, job, "retry", by=by)
    enqueue(job)
    return job


# --- running -----------------------------------------------------------------------------------------


class Progress:
    """Reports a running job's stage and rows, at most every ``every`` seconds (and on each new
    stage). While the work holds a transaction open (a confirm writes in one), the report goes
    through a connection of its own, so the job's page sees it at once."""

    def __init__(self, job, *, every=0.5):
        self.job = job
        self.every = every
        self._last = 0.0
        self._side = None

    def stage(self, key, total=None):
        self.job.stage = STAGES.get(key, key)
        self.job.stage_started_at = timezone.now()
        self.job.rows_done = 0
        if total is not None:
            self.job.rows_total = total
        self._report(force=True)

    def __call__(self, done=None, total=None):
        """Rows done so far (a number), or one more row (no argument)."""
        self.job.rows_done = self.job.rows_done + 1 if done is None else done
        if total is not None:
            self.job.rows_total = total
        self._report()

    def _report(self, force=False):
        now = time.monotonic()
        if not force and now - self._last < self.every:
            return
        self._last = now
        self.job.heartbeat_at = timezone.now()
        values = {f: getattr(self.job, f) for f in PROGRESS_FIELDS}
        connection = connections[Job.objects.db]
        if connection.in_atomic_block and not settings.CELERY_TASK_ALWAYS_EAGER:
            self._write_aside(values)
        else:
            Job.objects.filter(pk=self.job.pk).update(**values)

    def _write_aside(self, values):
        try:
            if self._side is None:
                self._side = connections.create_connection(Job.objects.db)
            query = UpdateQuery(Job)
            query.add_update_values(values)
            query.add_q(Q(pk=self.job.pk))
            sql, params = query.get_compiler(connection=self._side).as_sql()
            with self._side.cursor() as cursor:  # autocommit: visible at once
                cursor.execute(sql, params)
        except Exception:  # progress is a courtesy: never let it break the work
            logger.warning("job %s: progress not recorded", self.job.pk, exc_info=True)

    def close(self):
        if self._side is not None:
            self._side.close()
            self._side = None


PROGRESS_FIELDS = ("stage", "stage_started_at", "rows_done", "rows_total", "heartbeat_at")


def run(job_id):
    """The work of the task ``portal.run_job``: run a queued job's handler once."""
    load_handlers()
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status != Status.QUEUED:
            return None  # gone, or already taken by another delivery of the same message
        now = timezone.now()
        job.started_at = job.heartbeat_at = now
        job.attempts += 1
        transitions.apply(TABLE, job, "start", by=job.owner)
    progress = Progress(job)
    try:
        with refdata.held():  # one version of the reference data for the whole job
            result = _HANDLERS[job.kind](job, progress)
    except Exception:
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        progress.close()
        _end(job, "fail", message=FAILED)
        return job.status
    progress._report(force=True)  # the last rows, held back by the throttle
    progress.close()
    job.refresh_from_db(fields=PROGRESS_FIELDS)
    if result.content is not None:
        content = result.content if isinstance(result.content, File) else ContentFile(result.content)
        job.result_file.save(result.filename or "result.xlsx", content, save=False)
        content.close()
    job.result_url = result.url[:300]
    _end(job, "fail" if result.failed else "finish", message=result.message)
    return job.status


def _end(job, action, *, message):
    now = timezone.now()
    job.message = message
    job.finished_at = now
    job.expires_at = now + datetime.timedelta(hours=setting("JOB_KEEP_HOURS"))
    transitions.apply(TABLE, job, action, by=job.owner)


def load_handlers():
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("jobs")


# --- looking at a job ----------------------------------------------------------------------------------


def visible(request, job_id):
    """The job, if this visitor started it; else None (another's job is simply not found)."""
    session_key = request.session.session_key or ""
    try:
        job = Job.objects.owned_by(request.user, session_key).select_related("owner").get(pk=job_id)
    except (Job.DoesNotExist, ValueError, TypeError):
        return None
    return mark_stale(job)


def mark_stale(job, now=None):
    """A job whose worker died is marked 未完成 (with the Chinese reason) when anyone looks at it."""
    if job.is_stale(now or timezone.now(), setting("JOB_STALE_MINUTES")):
        try:
            _end(job, "fail", message=INTERRUPTED)
        except ServiceError:
            pass
    return job


def remaining_seconds(job, now=None):
    """Seconds left in this stage at the pace so far, or None when there is nothing to go by."""
    if job.status != Status.RUNNING or not job.rows_total or not job.rows_done or not job.stage_started_at:
        return None
    spent = ((now or timezone.now()) - job.stage_started_at).total_seconds()
    if spent <= 0:
        return None
    return max(0, round(spent / job.rows_done * (job.rows_total - job.rows_done)))


def remaining_text(seconds):
    if seconds is None:
        return "正在估算剩余时间"
    if seconds < 5:
        return "即将完成"
    if seconds < 60:
        return f"预计还需约 {seconds} 秒"
    return f"预计还需约 {round(seconds / 60)} 分钟"


def status_json(job, now=None):
    """What the job's page polls (machine-readable; the texts for the page are Chinese)."""
    seconds = remaining_seconds(job, now)
    return {
        "id": str(job.pk),
        "status": job.status,
        "status_label": job.get_status_display(),
        "stage": job.stage or "等待开始",
        "rows_done": job.rows_done,
        "rows_total": job.rows_total,
        "percent": percent(job),
        "rows_text": rows_text(job),
        "seconds_left": seconds,
        "remaining_text": remaining_text(seconds),
        "finished": job.is_finished,
        "message": job.message,
        "next_url": job.result_url if job.status == Status.DONE else "",
        "file_url": file_url(job),
    }


def percent(job):
    if job.status == Status.DONE:
        return 100
    if not job.rows_total:
        return 0
    return min(100, job.rows_done * 100 // job.rows_total)


def rows_text(job):
    return f"已处理 {job.rows_done:,} / {job.rows_total:,} 行"


def file_url(job):
    from django.urls import reverse

    if job.status == Status.DONE and job.result_file:
        return reverse("job_file", args=[job.pk])
    return ""


def recent(user, limit=5):
    """The user's recent jobs, for 我的工作台."""
    if not user.is_authenticated:
        return []
    return list(Job.objects.owned_by(user)[:limit])


# --- expiry ------------------------------------------------------------------------------------------------


def cleanup(now=None):
    """Expire finished jobs past their time and remove their files; mark dead ones 未完成."""
    now = now or timezone.now()
    for job in Job.objects.stale(now, setting("JOB_STALE_MINUTES")):
        mark_stale(job, now)
    count = 0
    for job in Job.objects.filter(status__in=(Status.DONE, Status.FAILED), expires_at__lt=now):
        job.remove_files()
        job.source = job.result_file = ""
        transitions.apply(TABLE, job, "expire", by=None)
        count += 1
    return count
