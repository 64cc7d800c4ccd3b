"""python manage.py import_external_projects FILE --source 财政政府购买服务管理平台 [--dry-run]

数据对接 (R-INT-1): see demands/external.py and docs/external-import.md.

Exit status: 0 when every record was imported or already up to date; 1 when the file (or the
--source) cannot be used and nothing was written; 2 when some records were skipped — the others
were imported, and the skipped ones are listed with their reasons.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from demands import external

EXIT_FILE_ERROR = 1
EXIT_RECORDS_SKIPPED = 2


class Command(BaseCommand):
    help = (
        "从其他平台（如财政政府购买服务管理平台）导入购买服务项目（JSON 或 .xlsx 文件），"
        "按（来源，外部编号）新增或更新需求；有问题的记录逐条报告且不导入。格式见 docs/external-import.md。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="JSON 或 .xlsx 文件")
        parser.add_argument(
            "--source", required=True, help="来源系统名称，例如 财政政府购买服务管理平台（不能是“本平台”）"
        )
        parser.add_argument("--dry-run", action="store_true", help="只显示将会发生的变化，不写入数据库")

    def handle(self, *args, **options):
        with translation.override(settings.LANGUAGE_CODE):
            try:
                report = external.run(options["file"], source=options["source"], dry_run=options["dry_run"])
            except external.ImportFileError as exc:
                raise CommandError(exc.message, returncode=EXIT_FILE_ERROR) from None
            for line in report.lines(verbosity=options["verbosity"]):
                self.stdout.write(line)
            if report.rejected:
                skipped = len(report.rejected)
                if report.dry_run:
                    rest = "试运行，没有写入数据库。"
                elif skipped < len(report.outcomes):
                    rest = "其余记录已按上方汇总处理。"
                else:
                    rest = "本次没有导入任何记录。"
                raise CommandError(
                    f"有 {skipped} 条记录未导入（原因见上）；{rest}", returncode=EXIT_RECORDS_SKIPPED
                )
