from django.core.management.base import BaseCommand

from accounts.demo import DEMO_TOTP_SECRET, current_code


class Command(BaseCommand):
    help = "显示演示管理员账号（seed_demo）当前的6位动态验证码。"

    def handle(self, *args, **options):
        self.stdout.write(f"演示身份验证器密钥：{DEMO_TOTP_SECRET}")
        self.stdout.write(f"当前动态验证码：{current_code()}（每30秒变化）")
