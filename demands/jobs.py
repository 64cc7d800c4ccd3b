"""Excel 批量发布 of demands above JOB_IMPORT_ROWS rows runs as a job (issue 16 §1, portal/import_jobs.py)."""

from portal.import_jobs import ImportJobs

from . import importing

IMPORT = ImportJobs(
    kind="demand",
    noun="需求",
    spec_factory=importing.spec,
    preview_url="demands:import_preview",
    done_url="demands:mine",
    done_message=lambda report, saved: f"已发布 {saved} 个需求。",
    failed_message="文件中有需要修改的行，没有发布任何需求。请按下表修改后重新上传。",
)
