"""The body of a notice (政策法规 / 公示公告) as publishers write it, made into the HTML that is stored
and shown, always through the nh3 allow-list of services.sanitize.

- Plain text (the form without JavaScript, a paste into the bare textarea, old records): blank lines
  separate paragraphs, single line breaks stay line breaks; the text is escaped, never read as HTML.
- The rich-text editor (Trix, static/vendor/trix) writes its blocks as <div> with <br> inside, its
  heading as <h1>: blocks become <p>, an empty line inside a block (<br><br>) starts a new paragraph,
  <h1> becomes <h2> (the page's own <h1> is the title).
- Anything else that is HTML keeps the allowed tags (h2–h4, p, lists, links, tables …)."""

import html
import re

from .services import has_markup, sanitize

_BLANK_LINES = re.compile(r"\n[ \t\u3000]*\n+")
_BR = r"<br\s*/?>"
_DOUBLE_BR = re.compile(rf"(?:\s*{_BR}\s*){{2,}}", re.IGNORECASE)
_TRAILING_BR = re.compile(rf"(?:\s*{_BR}\s*)+(</p>)", re.IGNORECASE)
_LEADING_BR = re.compile(rf"(<p>)(?:\s*{_BR}\s*)+", re.IGNORECASE)
_EMPTY_P = re.compile(r"<p>\s*</p>")
_RENAMES = [
    (re.compile(r"<div(\s[^>]*)?>", re.IGNORECASE), "<p>"),
    (re.compile(r"</div\s*>", re.IGNORECASE), "</p>"),
    (re.compile(r"<h1(\s[^>]*)?>", re.IGNORECASE), "<h2>"),
    (re.compile(r"</h1\s*>", re.IGNORECASE), "</h2>"),
]


def plain_text_to_html(text):
    """Paragraphs at blank lines, <br> at single line breaks, everything escaped."""
    text = html.unescape(text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        return ""
    paragraphs = [p.strip("\n") for p in _BLANK_LINES.split(text) if p.strip()]
    return "".join(
        "<p>" + "<br>".join(html.escape(line.rstrip(), quote=False) for line in p.split("\n")) + "</p>"
        for p in paragraphs
    )


def editor_html_to_html(markup):
    """Trix's <div>…<br><br>…</div> blocks as paragraphs, its <h1> as <h2>."""
    for pattern, replacement in _RENAMES:
        markup = pattern.sub(replacement, markup)

    def split_paragraph(match):
        return _DOUBLE_BR.sub("</p><p>", match.group(0))

    markup = re.sub(r"<p>.*?</p>", split_paragraph, markup, flags=re.S | re.IGNORECASE)
    markup = _TRAILING_BR.sub(r"\1", markup)
    markup = _LEADING_BR.sub(r"\1", markup)
    return _EMPTY_P.sub("", markup)


def body_html(text):
    """What is stored and shown for a notice's body, whatever way it was written."""
    if not has_markup(text):
        return plain_text_to_html(text)
    return sanitize(editor_html_to_html(text))
