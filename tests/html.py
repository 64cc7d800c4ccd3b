"""Reading the pages a test receives: every test that looks into HTML goes through this module.

One parser (lxml.html) and CSS selectors (cssselect), so a test names what it reads the way the
templates write it:

- `text(response)`: the page as a string (for "this phrase is (not) on the page");
- `parse(page)`: the document; `page` is a response, a string or already a parsed element;
- `select(page, css)` (every match), `select_one(page, css)` (exactly one, or the test fails);
- `text_of(page_or_element)`: its text content (as the DOM's textContent), white space folded;
- `inner_html(element)`: the markup inside an element (for the rich-text sanitizer checks);
- `table_rows(page, css)`: the rows of a table's body as lists of cell texts.
"""

from lxml import etree
from lxml import html as lxml_html


def text(response):
    """The body of a response as a string."""
    return response.content.decode()


def parse(page):
    """The parsed document of a response, an HTML string (or bytes); an element is returned as is."""
    if isinstance(page, etree._Element):
        return page
    if hasattr(page, "content"):
        page = page.content
    if isinstance(page, bytes):
        page = page.decode()
    return lxml_html.document_fromstring(page) if page.strip() else lxml_html.fromstring("<html></html>")


def select(page, css):
    """Every element matching the CSS selector, in document order."""
    return parse(page).cssselect(css)


def select_one(page, css):
    """The one element matching the CSS selector (the test fails when there are none or several)."""
    found = select(page, css)
    assert len(found) == 1, f"{css!r}: {len(found)} elements"
    return found[0]


def fold(value):
    """White space folded to single spaces, ends stripped."""
    return " ".join(value.split())


def text_of(page):
    """The text content of a page or element (the DOM's textContent), white space folded."""
    return fold(parse(page).text_content())


def inner_html(element):
    """The markup inside `element`, as lxml writes it back."""
    children = "".join(etree.tostring(child, encoding=str, method="html") for child in element)
    return (element.text or "") + children


def table_rows(page, css="table"):
    """The rows of the body of the (first) table matching `css`: a list of cell texts per row."""
    table = select(page, css)
    assert table, f"no {css!r} on the page"
    return [[text_of(cell) for cell in row.cssselect("td, th")] for row in table[0].cssselect("tbody tr")]


def title(page):
    """The page's <title>, white space folded ("" when there is none)."""
    found = select(page, "title")
    return text_of(found[0]) if found else ""
