"""python -m tests.accounts.idp.serve: migrate a fresh SQLite file, create the identities and the
portal's client, then serve on IDP_PORT (threaded wsgiref) and print READY."""

import json
import os
import sys
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.accounts.idp.settings")


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):
        pass


class ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


def main():
    import django

    django.setup()
    from allauth.idp.oidc.models import Client
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application

    call_command("migrate", verbosity=0, interactive=False)
    client = json.loads(os.environ["IDP_CLIENT"])
    Client.objects.create(
        id=client["id"],
        name="供需对接平台",
        secret=make_password(client["secret"]),
        scopes="openid\nprofile",
        default_scopes="openid\nprofile",
        redirect_uris="\n".join(client["redirect_uris"]),
        grant_types="authorization_code",
        response_types="code",
        skip_consent=True,
    )
    User = get_user_model()
    for username, identity in settings.IDP_IDENTITIES.items():
        User.objects.create_user(username=username, password=identity["password"])
    server = make_server(
        "127.0.0.1",
        int(os.environ["IDP_PORT"]),
        get_wsgi_application(),
        server_class=ThreadingServer,
        handler_class=QuietHandler,
    )
    print("READY", flush=True)
    sys.stdout.close()
    server.serve_forever()


if __name__ == "__main__":
    main()
