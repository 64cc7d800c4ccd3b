class ServiceError(Exception):
    """A refused write: the message is Chinese and meant for the user as it is."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


# --- the 500 handler ----------------------------------------------------------------------------------

DATABASE_RETRY_AFTER = 30  # seconds


def server_error(request):
    """handler500: a lost database answers 503 with Retry-After and a Chinese page (clients and the
    balancer retry; a restart of PostgreSQL is over in seconds); anything else is the usual 500 page.
    Both pages are plain templates that touch neither the database nor the session."""
    import sys

    from django.db import DatabaseError, InterfaceError, OperationalError
    from django.http import HttpResponse, HttpResponseServerError
    from django.template import loader

    exc = sys.exc_info()[1]
    if isinstance(exc, OperationalError | InterfaceError) or (
        isinstance(exc, DatabaseError) and "connection" in str(exc).lower()
    ):
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
        response["Retry-After"] = str(DATABASE_RETRY_AFTER)
        return response
    return HttpResponseServerError(loader.render_to_string("500.html"))
