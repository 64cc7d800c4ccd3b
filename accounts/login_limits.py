"""Wrong passwords and wrong second-factor codes, limited (issue 19 §4, R-ACC-1).

Three counters, each in a fixed window (portal.caching.increment), all counting the same failures:

- the pair (client address, username): settings.LOGIN_LIMITS["pair"], 5 in 5 minutes: one person
  mistyping is stopped, the 200 colleagues behind the same office NAT are not;
- the address as a whole: a much higher ceiling ("address", 200 in 10 minutes), against one
  machine guessing many accounts;
- the username from every address ("username", 20 in 15 minutes, higher than the pair's), against
  credential stuffing of one account from many addresses: it locks that account's password login
  for everyone until the window ends, the price of protecting it.

A refused attempt is not counted and does not check the password, and the windows are aligned to
the clock: retrying during a lockout cannot push its end. The message says when to try again.
The site's login, the admin site's (it goes through the site's) and the second-factor code step
after a password or a 法人一证通 login share these counters."""

import datetime

from django.conf import settings
from django.utils import timezone

from portal import caching
from portal.http import client_ip


def _keys(request, username):
    address = client_ip(request) if request is not None else ""
    name = (username or "").strip().lower()[:150]
    return {
        "pair": f"login-fail:pair:{address}:{name}",
        "address": f"login-fail:addr:{address}",
        "username": f"login-fail:user:{name}",
    }


def _window_end(window):
    return int(caching.clock() // window) * window + window


def refusal(request, username):
    """None, or the Chinese message refusing this attempt (with the time it may be retried)."""
    ends = [
        _window_end(window)
        for scope, key in _keys(request, username).items()
        for limit, window in [settings.LOGIN_LIMITS[scope]]
        if caching.count(key, window) >= limit
    ]
    if not ends:
        return None
    until = timezone.localtime(datetime.datetime.fromtimestamp(max(ends), tz=datetime.UTC))
    return f"登录失败次数过多，为保护账号安全暂时不能登录，请于 {until:%H:%M} 后再试。"


def failed(request, username):
    """Count one failure (a wrong password or a wrong code) for the pair, the address and the username."""
    for scope, key in _keys(request, username).items():
        caching.increment(key, settings.LOGIN_LIMITS[scope][1])
