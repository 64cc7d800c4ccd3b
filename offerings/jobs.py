"""Excel 批量上传 of offers above JOB_IMPORT_ROWS rows runs as a job (issue 16 §1, portal/import_jobs.py)."""

from portal.import_jobs import ImportJobs

from . import importing

IMPORT = ImportJobs(
    kind="offering",
    noun="服务项目",
    spec_factory=importing.spec,
    done_message=lambda r, saved: f"已保存：新增 {r['new']} 个，更新 {r['update']} 个服务项目。",
)
