"""Reading the .xlsx files the portal sends: the download itself, the sheets' data validations
(drop-downs) and the lists they point to."""

import io
import re
import zipfile
from urllib.parse import quote

from openpyxl.utils import column_index_from_string

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def assert_xlsx_download(response, filename):
    """The response is an .xlsx attachment named `filename` (a Chinese name, RFC 5987 encoded)."""
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_TYPE
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment")
    assert f"filename*=UTF-8''{quote(filename)}" in disposition
    assert zipfile.is_zipfile(io.BytesIO(response.content))


def validations_by_header(ws):
    """{header without "*": the data validation of its column} for a sheet whose row 1 is headers."""
    headers = {cell.column_letter: cell.value for cell in ws[1]}
    found = {}
    for validation in ws.data_validations.dataValidation:
        for cell_range in str(validation.sqref).split():
            letter = re.match(r"[A-Z]+", cell_range)[0]
            found[headers[letter].lstrip("*")] = validation
    return found


def list_values(workbook, formula):
    """The values a list validation's formula ('选项'!$A$2:$A$14) points to."""
    match = re.fullmatch(r"'?([^'!]+)'?!\$([A-Z]+)\$(\d+):\$([A-Z]+)\$(\d+)", formula)
    assert match, formula
    sheet = workbook[match[1]]
    column = column_index_from_string(match[2])
    return [sheet.cell(row=r, column=column).value for r in range(int(match[3]), int(match[5]) + 1)]
