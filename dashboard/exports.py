"""The public listings' exports live with their apps (demands/, offerings/, directory/ exports.py);
this module re-exports them for the jobs and the bench."""

from demands.exports import DEMAND_COLUMNS, demand_rows, demands_response, demands_sheets  # noqa: F401
from directory.exports import MEMBER_COLUMNS, member_rows, members_response, members_sheets  # noqa: F401
from offerings.exports import OFFERING_COLUMNS, offering_rows, offerings_response, offerings_sheets  # noqa: F401
