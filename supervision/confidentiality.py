"""Moved to the bottom layer: `portal.confidentiality` (every app's free text goes through it)."""

from portal.confidentiality import *  # noqa: F403
from portal.confidentiality import (  # noqa: F401
    MARKINGS,
    check_fields,
    contains_card_number,
    contains_id_number,
    marking_in,
    personal_data_problem,
    problem,
    validate_fields,
)
