"""What a visitor who is not logged in gets for a page only some logged-in users may see: the login
page with ?next= back to it (portal/middleware.py), never a bare 404."""

from urllib.parse import quote


def asks_to_log_in(response, path):
    return response.status_code == 302 and response["Location"] == f"/accounts/login/?next={quote(path)}"
