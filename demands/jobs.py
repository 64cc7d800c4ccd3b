"""Excel 批量发布 of demands above JOB_IMPORT_ROWS rows runs as a job (issue 16 §1, portal/import_jobs.py)."""

import tempfile
from pathlib import Path

from portal import jobs
from portal.import_jobs import ImportJobs

from . import importing

IMPORT = ImportJobs(
    kind="demand",
    noun="需求",
    spec_factory=importing.spec,
    done_message=lambda report, saved: f"已发布 {saved} 个需求。",
    failed_message="文件中有需要修改的行，没有发布任何需求。请按下表修改后重新上传。",
)


@jobs.handler("external_import")
def external_import(job, progress):
    """数据对接 (demands/external_page.py): the uploaded file under its own name, imported as the command
    imports it; the report's lines are the job's message."""
    from . import external

    progress.stage("read")
    name = Path(job.params.get("file_name") or "projects.json").name
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        with job.source.open("rb") as source, path.open("wb") as target:
            for chunk in iter(lambda: source.read(1 << 20), b""):
                target.write(chunk)
        progress.stage("write")
        try:
            report = external.run(path, source=job.params["source"], dry_run=job.params.get("dry_run", False))
        except external.ImportFileError as exc:
            return jobs.Result(message=exc.message, failed=True)
    lines = report.lines(verbosity=1)
    message = "\n".join(lines)[:4000]
    if report.dry_run:
        message = "试运行，没有写入数据库。\n" + message
    nothing = bool(report.rejected) and len(report.rejected) == len(report.outcomes)  # every record refused
    return jobs.Result(url="/demands/external-import/", message=message, failed=nothing)
