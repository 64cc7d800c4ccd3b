"""Counts of 1,000 and more are written with the thousands separator, as the amounts and the listings'
"共找到 1,000+ 个" are (interface text in Chinese, figures with separators): the import report, and the
"共 N 条/个/份/家" lines of the paged lists (推荐目录, 公示公告, 资料下载, 内容监测, 失信记录), the home page's
figures and a job's rows: through `portal_tags.figure`, since Django's intcomma and floatformat's "g"
follow the zh-hans locale, which groups no digits."""

from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from accounts.models import Role
from notices.models import Article
from portal.templatetags.portal_tags import figure
from tests.factories import ArticleFactory, UserFactory
from tests.html import parse, select_one, text_of

FIGURED = [
    "templates/home/home.html",
    "templates/portal/job.html",
    "templates/components/import_report.html",
    "templates/directory/edition.html",
    "templates/notices/article_list.html",
    "templates/notices/download_list.html",
    "templates/supervision/finding_list.html",
    "templates/supervision/credit_list.html",
]


@pytest.mark.parametrize(
    ("value", "decimals", "shown"),
    [
        (24630, 0, "24,630"),
        (999, 0, "999"),
        (1234567, 0, "1,234,567"),
        (Decimal("592400.1"), 2, "592,400.10"),
        (Decimal("50"), 2, "50.00"),
        (0, 0, "0"),
        (None, 0, "—"),
        ("", 2, "—"),
        ("不是数字", 0, "不是数字"),
    ],
)
def test_figure_writes_thousands_separators(value, decimals, shown):
    assert figure(value, decimals) == shown


def test_the_import_report_writes_its_counts_with_separators():
    report = SimpleNamespace(sheet="", total=5000, new=4988, update=1200, unchanged=0, error_rows=12, rows=[])
    context = {"report": report, "reupload_url": "demands:import", "confirm_label": "确认导入"}
    shown = text_of(parse(render_to_string("components/import_report.html", context)))
    assert "共 5,000 行" in shown and "新增 4,988 行" in shown and "更新 1,200 行" in shown
    assert "有问题 12 行" in shown


@pytest.mark.django_db
def test_a_list_of_more_than_a_thousand_says_its_count_with_a_separator(client):
    Article.objects.bulk_create(
        ArticleFactory.build_batch(1001, created_by=UserFactory(role=Role.CITY_ADMIN))
    )
    page = client.get(reverse("notices:announcements"))
    assert text_of(select_one(page, "p[aria-live=polite]")) == "共 1,001 条。"


@pytest.mark.parametrize("path", FIGURED)
def test_no_template_groups_digits_through_the_locale(path):
    """A guard beside the pages above: every such figure goes through `figure`, none through intcomma."""
    source = (Path(settings.BASE_DIR) / path).read_text()
    assert "|figure" in source
    assert "intcomma" not in source and "floatformat" not in source
    assert "{{ page.paginator.count }}" not in source
