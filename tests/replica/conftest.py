"""A `replica` database alias for these tests: Django's test mirror of `default` (the same test database,
its own connection), as DATABASE_REPLICA_URL would make in production. Added while the tests are
collected, before the test databases are set up; without the router (installed per test) nothing is
routed to it, so the rest of the suite is unaffected."""

import copy

from django.conf import settings

if "replica" not in settings.DATABASES:
    settings.DATABASES["replica"] = {
        **copy.deepcopy(settings.DATABASES["default"]),
        "TEST": {"MIRROR": "default"},
    }
