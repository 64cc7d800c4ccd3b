"""The daily subscription digest (issue 13 §4), for cron (`30 8 * * * manage.py send_subscriptions`) or
celery beat (`portal.send_subscriptions`, 08:30 Asia/Shanghai). First gives organization accounts
their initial subscription where due. Running it again the same day sends nothing new."""

from django.core.management.base import BaseCommand

from matching import digest


class Command(BaseCommand):
    help = "每天把订阅的新发布信息合并为一封站内信和邮件发给每个用户（同一条信息只推送一次）"

    def handle(self, *args, **options):
        users, records = digest.send_daily()
        self.stdout.write(f"向 {users} 个用户推送了 {records} 条订阅的新信息。")
