"""Start and stop the test OpenID provider (allauth.idp.oidc in a subprocess on a free port of
127.0.0.1, an RSA key made now), and drive its login page like a browser would."""

import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlparse

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

REPO_ROOT = Path(__file__).resolve().parents[3]
CLIENT_ID = "gxpt-portal"
CLIENT_SECRET = "gxpt-portal-secret-for-tests"
IDP_PASSWORD = "Idp-password-2026"


def rsa_private_pem():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Provider:
    url: str
    private_pem: str
    identities: dict
    process: subprocess.Popen = field(repr=False)
    client_id: str = CLIENT_ID
    client_secret: str = CLIENT_SECRET

    def app_settings(self, **extra):
        """SOCIALACCOUNT_PROVIDERS for the portal, pointing at this provider."""
        return {
            "yzt": {
                "OAUTH_PKCE_ENABLED": True,
                "APPS": [
                    {
                        "provider_id": "yzt",
                        "name": "法人一证通",
                        "client_id": self.client_id,
                        "secret": self.client_secret,
                        "settings": {"server_url": self.url, "fetch_userinfo": True, **extra},
                    }
                ],
                "SCOPE": ["openid", "profile"],
            }
        }

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()

    def authorize(self, authorize_url, username, password=IDP_PASSWORD):
        """Follow the portal's redirect to the provider, log in on the provider's own login page,
        and return the callback URL (with code and state) the provider sends the browser to."""
        session = requests.Session()
        response = session.get(authorize_url, allow_redirects=False, timeout=10)
        for _ in range(10):
            location = response.headers.get("Location")
            if response.status_code in (301, 302, 303) and location:
                target = urljoin(response.url, location)
                if not target.startswith(self.url):
                    return target
                response = session.get(target, allow_redirects=False, timeout=10)
                continue
            if response.status_code == 200 and 'name="password"' in response.text:
                token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text).group(1)
                response = session.post(
                    response.url,
                    data={"csrfmiddlewaretoken": token, "login": username, "password": password},
                    headers={"Referer": response.url},
                    allow_redirects=False,
                    timeout=10,
                )
                continue
            raise AssertionError(f"unexpected provider answer {response.status_code}: {response.text[:500]}")
        raise AssertionError("too many redirects at the provider")


def identity(uscc, name, code, capacity="法人"):
    return {
        "password": IDP_PASSWORD,
        "claims": {"socialCreditCode": uscc, "name": name, "yztCode": code, "personType": capacity},
    }


def start(identities, redirect_uris, timeout=20):
    port = free_port()
    pem = rsa_private_pem()
    folder = tempfile.mkdtemp(prefix="idp-")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.accounts.idp.settings",
        "IDP_PORT": str(port),
        "IDP_DB": str(Path(folder) / "idp.sqlite3"),
        "IDP_PRIVATE_KEY": pem,
        "IDP_IDENTITIES": json.dumps(identities),
        "IDP_CLIENT": json.dumps({"id": CLIENT_ID, "secret": CLIENT_SECRET, "redirect_uris": redirect_uris}),
    }
    env.pop("DATABASE_URL", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.accounts.idp.serve"],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + timeout
    line = process.stdout.readline()
    if line.strip() != "READY":
        process.kill()
        raise RuntimeError(f"the test OpenID provider did not start: {line}{process.stderr.read()[-3000:]}")
    url = f"http://127.0.0.1:{port}"
    while time.monotonic() < deadline:
        try:
            requests.get(f"{url}/.well-known/openid-configuration", timeout=2).raise_for_status()
            break
        except requests.RequestException:
            time.sleep(0.05)
    return Provider(url=url, private_pem=pem, identities=identities, process=process)


def query(url):
    return {k: v[0] for k, v in parse_qs(urlparse(url).query).items()}
