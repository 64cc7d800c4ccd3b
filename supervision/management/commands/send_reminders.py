"""Daily reminders to publishers (R-SUP-1/2). Meant for cron, e.g. `15 8 * * * manage.py send_reminders`;
running it again the same day sends nothing new."""

from django.core.management.base import BaseCommand

from supervision import reminders


class Command(BaseCommand):
    help = "向发布方发送信息不完备和发布/补录期限的站内信及邮件提醒（同一提醒在同一周期内只发一次）"

    def handle(self, *args, **options):
        records, sent, orphans = reminders.send_due()
        self.stdout.write(f"提醒了 {records} 条信息的发布方，共发送 {sent} 封站内信。")
        if orphans:
            self.stdout.write(f"{orphans} 条信息的发布方没有可用账号，未能提醒。")
