"""The public listings as filtered, to .xlsx (R-STA-3), through portal/xlsx.py's streamed writer:
我要购买服务 (demands/exports.py), 我要提供服务 (offerings/exports.py), the 推荐目录 (directory/exports.py).

What the public page shows and nothing more: no contact details for anybody. Rows are read with
`.values(...).iterator()` and written one by one, so a 100,000-row export never holds them in memory.

A project of either listing has the same five columns: 编号, 项目名称, 项目类别, 项目子类, 发布日期.
"""

from portal.xlsx import Column

PK_COLUMN = Column("pk", "编号", "year", 10)
TITLE_COLUMN = Column("title", "项目名称", "text", 40)
CATEGORY_COLUMNS = [
    Column("category_parent", "项目类别", "text", 16),
    Column("category", "项目子类", "text", 20),
]
PUBLISHED_COLUMN = Column("published_on", "发布日期", "date", 13)
PROJECT_VALUES = ("pk", "title", "category__name", "category__parent__name", "published_at")


def project_cells(row, local_date):
    """The five shared columns' cells of a `.values(*PROJECT_VALUES, ...)` row."""
    return {
        "pk": row["pk"],
        "title": row["title"],
        "category_parent": row["category__parent__name"],
        "category": row["category__name"],
        "published_on": local_date(row["published_at"]),
    }
