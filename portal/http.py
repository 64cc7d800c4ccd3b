from urllib.parse import quote

from django.http import HttpResponse

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(content, filename):
    """An .xlsx download whose Chinese file name survives every browser (RFC 6266 filename*)."""
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def export_throttled(request, scope="export"):
    """True when this visitor (by account, or by address when not logged in) has asked for more
    than EXPORT_RATE_LIMIT exports of public listings in the window: a 100,000-row export costs
    about ten seconds of a worker, so anyone could otherwise keep the servers busy."""
    from django.conf import settings

    from portal import caching

    limit, window = settings.EXPORT_RATE_LIMIT
    who = (
        f"user:{request.user.pk}"
        if request.user.is_authenticated
        else f"addr:{request.META.get('REMOTE_ADDR', '')}"
    )
    return caching.increment(f"{scope}-rate:{who}", window) > limit


def too_many_exports():
    return HttpResponse(
        "导出过于频繁，请10分钟后再试。如需完整数据，可使用开放数据接口（/api/）。",
        status=429,
        content_type="text/plain; charset=utf-8",
    )
