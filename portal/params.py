"""One parser for the parameters a request names (numbers, ids, pages, years, dates, next URLs), and
the pages that answer a bad one: 400 with a Chinese message in the site frame (JSON under /api/),
and the Chinese CSRF-failure page. A bad parameter raises `BadParameter` (a SuspiciousOperation, so
Django answers it through handler400, never 500)."""

import datetime

from django.core.exceptions import SuspiciousOperation
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

MAX_ID = 2**63 - 1  # the largest primary key any backend stores
MAX_DIGITS = 19
MAX_QUERY_VALUE_CHARS = (
    10_000  # a search term, a filter: nobody types more (listings trim to their own limit)
)
# The admin site's search ORs every word over every search field and ANDs the words: 2,700 words made
# SQLite refuse the query ("Expression tree is too large") and PostgreSQL plan for seconds. The search
# keeps its first words, as the listings keep their first characters.
MAX_ADMIN_SEARCH_WORDS = 20


class BadParameter(SuspiciousOperation):
    def __init__(self, message):
        super().__init__(message)
        self.message = message


def _raw(source, name):
    value = source.get(name) if hasattr(source, "get") else source
    return None if value is None else str(value).strip()


def integer(source, name="", *, default=None, minimum=None, maximum=MAX_ID, label=None, lenient=False):
    """An integer from `source[name]` (a QueryDict, a dict, or the value itself); `default` when empty.

    Only ASCII digits with an optional sign, at most 19 of them, within [minimum, maximum]: anything
    else (full-width or Arabic-Indic digits, 1e309, 5,000 digits, NUL) raises BadParameter, or, with
    `lenient=True` (a listing's filter, where an odd value means "not filtered"), gives `default`."""
    raw = _raw(source, name) if name else _raw(source, None) if not hasattr(source, "get") else None
    label = label or name or "参数"
    if raw in (None, ""):
        return default
    try:
        digits = raw[1:] if raw[:1] in "+-" else raw
        if not digits.isascii() or not digits.isdigit() or len(digits) > MAX_DIGITS:
            raise BadParameter(f"“{label}”应为整数，收到的值无法识别。")
        value = int(raw)
        if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
            low = "" if minimum is None else f"{minimum}"
            raise BadParameter(f"“{label}”超出范围（应在 {low}～{maximum} 之间）。")
    except BadParameter:
        if lenient:
            return default
        raise
    return value


def object_id(source, name="id", *, default=None, label="编号", lenient=False):
    return integer(source, name, default=default, minimum=1, label=label, lenient=lenient)


def optional_id(source, name="id", *, label="编号"):
    """An id that narrows a listing or picks an optional record: None when empty or malformed."""
    return object_id(source, name, label=label, lenient=True)


def ids(values, *, label="编号"):
    """Several ids (e.g. a multiple choice): every one parsed, or BadParameter."""
    return [object_id(value, label=label) for value in values]


def page(source, name="page", *, lenient=False):
    return integer(source, name, default=1, minimum=1, maximum=1_000_000, label="页码", lenient=lenient)


def year(source, name="year", *, default=None, minimum=2000, maximum=2100, lenient=False):
    return integer(
        source, name, default=default, minimum=minimum, maximum=maximum, label="年度", lenient=lenient
    )


def date(source, name, *, default=None, label="日期"):
    raw = _raw(source, name)
    if raw in (None, ""):
        return default
    try:
        return datetime.date.fromisoformat(raw[:10]) if len(raw) <= 10 else _bad_date(label)
    except ValueError:
        return _bad_date(label)


def _bad_date(label):
    raise BadParameter(f"“{label}”不是有效的日期，请按 2026-03-01 的格式填写。")


def next_url(request, name="next", default="/"):
    """A local URL to go back to; anything else (another site, javascript:, garbage) gives `default`."""
    target = _raw(request.GET, name) or _raw(request.POST, name) or ""
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


# --- the pages -----------------------------------------------------------------------------------


def _wants_json(request):
    return request.path.startswith("/api/")


def bad_request(request, exception=None):
    """handler400."""
    message = getattr(exception, "message", None) or "请求的参数有误，无法处理。请检查地址或重新填写后再试。"
    if not isinstance(message, str) or not any("\u4e00" <= ch <= "\u9fff" for ch in message):
        message = "请求的参数有误，无法处理。请检查地址或重新填写后再试。"
    if _wants_json(request):
        return JsonResponse(
            {"error": message, "status": 400}, status=400, json_dumps_params={"ensure_ascii": False}
        )
    return render(request, "400.html", {"message": message}, status=400)


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: the form's security token was missing or out of date."""
    if _wants_json(request):
        return JsonResponse({"error": "安全校验失败，请刷新页面后重试。", "status": 403}, status=403)
    return render(request, "403_csrf.html", status=403)


def _without_nul(query):
    """The query string without NUL characters: PostgreSQL cannot compare a text with one (a filter, a
    code, a search term would answer 500), and no value the site understands holds one; the listings
    answer as for the value without it. (Forms refuse a NUL in a POST with a message at the field:
    Django's ProhibitNullCharactersValidator on every CharField.)"""
    cleaned = query.copy()
    for name in list(cleaned):
        cleaned.setlist(name, [value.replace("\x00", "") for value in cleaned.getlist(name)])
    cleaned._mutable = False
    return cleaned


def _admin_prefix():
    from django.urls import reverse

    return reverse("admin:index")


def _admin_search_trimmed(query):
    """The admin's `q` cut to its first MAX_ADMIN_SEARCH_WORDS words (split as the admin splits them)."""
    from django.utils.text import smart_split

    words = list(smart_split(query.get("q", "")))
    if len(words) <= MAX_ADMIN_SEARCH_WORDS:
        return query
    trimmed = query.copy()
    trimmed["q"] = " ".join(words[:MAX_ADMIN_SEARCH_WORDS])
    trimmed._mutable = False
    return trimmed


class ParameterGuard:
    """Middleware: a query-string value longer than MAX_QUERY_VALUE_CHARS is refused before any view
    (and the admin's search) sees it, NUL characters are dropped from the query; a save refused by the confidentiality backstop that no view
    caught answers 400 with its message instead of 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        for name, values in request.GET.lists():
            if len(name) > MAX_QUERY_VALUE_CHARS or any(len(v) > MAX_QUERY_VALUE_CHARS for v in values):
                return bad_request(
                    request,
                    BadParameter(f"查询内容过长（不能超过 {MAX_QUERY_VALUE_CHARS} 个字符），请缩短后再试。"),
                )
        if "\x00" in request.META.get("QUERY_STRING", "") or "%00" in request.META.get("QUERY_STRING", ""):
            request.GET = _without_nul(request.GET)
        if "q" in request.GET and request.path.startswith(_admin_prefix()):
            request.GET = _admin_search_trimmed(request.GET)
        return self.get_response(request)

    def process_exception(self, request, exception):
        from .confidentiality import TextRefused

        if isinstance(exception, TextRefused):
            return bad_request(request, BadParameter(exception.message))
        if isinstance(exception, OverflowError) or (
            isinstance(exception, ValueError) and "Exceeds the limit" in str(exception)
        ):
            return bad_request(request, BadParameter("参数中的数字过大，无法处理。"))
        return None
