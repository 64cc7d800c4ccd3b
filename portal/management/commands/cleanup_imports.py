from django.core.management.base import BaseCommand

from portal import imports, jobs


class Command(BaseCommand):
    help = (
        "删除超过24小时仍未确认的 Excel 导入批次及其文件，并删除已过保留期的后台任务文件"
        "（可每小时由 cron 运行）。"
    )

    def handle(self, *args, **options):
        count = imports.cleanup()
        expired = jobs.cleanup()
        self.stdout.write(f"已清理 {count} 个未确认的导入批次，{expired} 个过期的后台任务。")
