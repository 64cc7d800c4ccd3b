"""Schemathesis against the open-data API, in-process through the WSGI app (no network): every
operation of the generated description, positive and negative cases, every check (as `--checks all`:
no 5xx, answers as described, valid data accepted, invalid data refused, ...), a bounded number of
examples per operation and mode, deterministic. Run by `make test` on both databases (issue 17 §5).

The schema is loaded inside the test (it lists the category codes and districts of the database), and
each operation is driven by its Hypothesis strategy: schemathesis' lazy pytest fixture loader does not
run under pytest 9."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.generation.modes import GenerationMode

pytestmark = pytest.mark.django_db

MAX_EXAMPLES = 30
load_all_checks()
ALL_CHECKS = CHECKS.get_all()


@pytest.fixture
def keep_the_test_connection():
    """As Django's test client does: a request must not close the connection holding the test's
    transaction (PostgreSQL would lose the fixtures)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def api_operations():
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 7, [op.label for op in operations]
    return operations


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_the_api_keeps_to_its_description(world, keep_the_test_connection, mode):
    failures = []
    for operation in api_operations():

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=MAX_EXAMPLES,
            derandomize=True,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case):
            case.call_and_validate(checks=ALL_CHECKS)

        try:
            check()
        except Exception as exc:  # noqa: BLE001 - collected to report every operation at once
            failures.append(f"{operation.label}: {exc}")
    assert not failures, "\n\n".join(failures)
