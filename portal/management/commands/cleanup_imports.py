from django.core.management.base import BaseCommand

from portal import imports


class Command(BaseCommand):
    help = "删除超过24小时仍未确认的 Excel 导入批次及其文件（可每日由 cron 运行）。"

    def handle(self, *args, **options):
        count = imports.cleanup()
        self.stdout.write(f"已清理 {count} 个未确认的导入批次。")
