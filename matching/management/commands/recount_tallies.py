"""Recount the ranking's tallies (matching/tallies.py) from the offers and the awards. The database's
triggers keep them on every write; this is for data loaded with the triggers off (a `pg_restore
--disable-triggers`, a bulk COPY): docs/deploy.md."""

from django.core.management.base import BaseCommand
from django.db import transaction

from matching import tallies
from matching.models import OrganizationTally


class Command(BaseCommand):
    help = "从服务项目和成交记录重新统计对接推荐所用的计数（批量导入数据且关闭了触发器之后运行）"

    def handle(self, *args, **options):
        with transaction.atomic():
            tallies.refresh_all()
        self.stdout.write(f"已重新统计 {OrganizationTally.objects.count()} 组（类别, 社会组织）计数。")
