"""For the 内容监测 tests that close findings at once: no answer period. The period itself (issue 18) is
tested in test_answer_period.py. A test module turns it on for all its tests by importing it:

    from tests.supervision.closed_at_once import no_answer_period  # noqa: F401
"""

import pytest


@pytest.fixture(autouse=True)
def no_answer_period(settings):
    """A finding may be closed as 属实 right after it is opened (FINDING_ANSWER_WORKING_DAYS = 0)."""
    settings.FINDING_ANSWER_WORKING_DAYS = 0
