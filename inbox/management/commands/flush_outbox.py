from django.core.management.base import BaseCommand

from inbox import mail


class Command(BaseCommand):
    help = "发送邮件队列中到期的邮件（celery beat 每分钟运行；未使用 celery 时可由 cron 运行）。"

    def handle(self, *args, **options):
        self.stdout.write(f"已发送 {mail.flush_due()} 封邮件。")
