"""Excel exports of the statistics tables (R-STA-3), written by the portal's one writer
(`portal.xlsx`), which the public listings' exports use as well."""

from portal.xlsx import Column, Sheet, file_response, write_workbook

__all__ = [
    "Column",
    "Sheet",
    "file_response",
    "write_workbook",
    "table_columns",
    "table_sheet",
    "notes_sheet",
]


# --------------------------------------------------------------------------------------------
# Statistics tables


def table_columns(table):
    widths = {"text": 28}
    return [Column(c.key, c.label, c.kind, widths.get(c.kind, 16)) for c in table.columns]


def table_sheet(table):
    return Sheet(
        title=table.title,
        columns=table_columns(table),
        rows=table.rows,
        footer=[table.total] if table.total else (),
    )


def notes_sheet(lines):
    return Sheet(
        title="说明",
        columns=[Column("text", "说明", "text", 120)],
        rows=[{"text": line} for line in lines],
    )
