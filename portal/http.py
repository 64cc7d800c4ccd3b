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
    who = f"user:{request.user.pk}" if request.user.is_authenticated else f"addr:{client_ip(request)}"
    return caching.increment(f"{scope}-rate:{who}", window) > limit


def too_many_exports():
    return HttpResponse(
        "导出过于频繁，请10分钟后再试。如需完整数据，可使用开放数据接口（/api/）。",
        status=429,
        content_type="text/plain; charset=utf-8",
    )


def client_ip(request):
    """The client's address for every rate limit (login, 留言区, exports).

    REMOTE_ADDR, unless the request comes from one of settings.TRUSTED_PROXIES: then the
    X-Forwarded-For chain is read from the right, skipping the trusted proxies, and the first
    address that is not one of them is the client. A header sent by anybody else changes nothing."""
    import ipaddress

    from django.conf import settings

    remote = request.META.get("REMOTE_ADDR", "") or ""
    networks = _trusted_networks(tuple(settings.TRUSTED_PROXIES))
    if not networks or not _in(remote, networks):
        return remote
    chain = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for candidate in reversed([part for part in chain if part]):
        try:
            ipaddress.ip_address(candidate)
        except ValueError:
            return remote  # a malformed chain: trust nothing beyond the proxy itself
        if not _in(candidate, networks):
            return candidate
    return remote


def _in(address, networks):
    import ipaddress

    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


_NETWORK_CACHE = {}


def _trusted_networks(entries):
    import ipaddress

    if entries not in _NETWORK_CACHE:
        _NETWORK_CACHE[entries] = [ipaddress.ip_network(entry, strict=False) for entry in entries]
    return _NETWORK_CACHE[entries]
