"""The preview page of an Excel import (需求批量发布 R-DEM-3, 服务项目批量上传 R-OFF-3) as a person
reads it: the counts, the rows listed with their result, each row's messages, the buttons."""

import re

from tests.html import parse, text, text_of


class ImportPreview:
    """Subclasses name the button that saves the rows (`confirm_label`)."""

    confirm_label = None

    def __init__(self, response):
        assert response.status_code == 200, response.status_code
        self.html = text(response)
        document = parse(self.html)
        self.buttons = [text_of(button) for button in document.cssselect("button")]
        self.rows = {}
        for row in document.cssselect("tbody tr"):
            cells = [text_of(cell) for cell in row.cssselect("td")]
            match = re.fullmatch(r"第 ?(\d+) ?行", cells[0])
            assert match, cells
            self.rows[int(match[1])] = {
                "title": cells[1],
                "result": cells[2],
                "errors": [item.text_content().strip() for item in row.cssselect("td li")],
            }
        self.text = text_of(document)

    def count(self, label, required=False):
        """The figure shown as "<label> N 行", N with thousands separators as the page writes it ("共 5,000 行";
        0 when the page does not show it, unless `required`)."""
        match = re.search(rf"{label} (\d{{1,3}}(?:,\d{{3}})*) 行", self.text)
        assert match or not required, f"no “{label} N 行” on the page"
        return int(match[1].replace(",", "")) if match else 0

    @property
    def can_confirm(self):
        return any(self.confirm_label in button for button in self.buttons)

    def errors(self, number):
        return self.rows[number]["errors"]

    def error_for(self, number, header):
        """The message shown for `header` in Excel row `number` (None when that cell passed)."""
        for item in self.errors(number):
            label, sep, message = item.partition("：")
            if sep and label == header:
                return message
        return None
