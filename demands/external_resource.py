"""数据对接 (R-INT-1) on django-import-export, like the two Excel imports (`portal/imports.py`):
every planned record is a row keyed by (来源, 外部编号); a dry run writes nothing; a record equal to
what is stored is skipped (no save, no history record); a record with problems is an invalid row,
reported and not written; the result's counts are the report's."""

import tablib
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from import_export import resources
from import_export.fields import Field
from import_export.results import RowResult

from .external_report import CREATE, REJECTED, UNCHANGED, UPDATE
from .models import Demand

# import-export's row types → the report's actions
ACTIONS = {
    RowResult.IMPORT_TYPE_NEW: CREATE,
    RowResult.IMPORT_TYPE_UPDATE: UPDATE,
    RowResult.IMPORT_TYPE_SKIP: UNCHANGED,
    RowResult.IMPORT_TYPE_INVALID: REJECTED,
}


class ExternalResource(resources.ModelResource):
    source = Field(attribute="source", column_name="source")
    external_id = Field(attribute="external_id", column_name="external_id")

    class Meta:
        model = Demand
        fields = ("source", "external_id")
        import_id_fields = ("source", "external_id")
        skip_unchanged = True
        report_skipped = True
        skip_diff = True  # the planner lists the changes, field by field, in Chinese

    def __init__(self, importer, outcomes):
        super().__init__()
        self.importer = importer
        self.outcomes = outcomes  # in dataset order

    def _outcome(self, row):
        outcome = self.outcomes[row["row"]]
        if (row["source"], row["external_id"]) != (self.importer.source, outcome.external_id):
            raise ValueError("row and plan disagree")  # cannot happen: the dataset is built from the plan
        return outcome

    def get_instance(self, instance_loader, row):
        """The stored record of (source, external id), as the planner read (and locked) it."""
        outcome = self._outcome(row)
        return outcome.demand if outcome.action in (UPDATE, UNCHANGED) else None

    def init_instance(self, row=None):
        outcome = self._outcome(row)
        if outcome.demand is not None:
            return outcome.demand
        return Demand(source=self.importer.source, external_id=outcome.external_id)

    def import_instance(self, instance, row, **kwargs):
        """Every value was mapped and checked by the planner; only its verdict is left to apply."""
        outcome = self._outcome(row)
        if outcome.action == REJECTED:
            raise ValidationError({NON_FIELD_ERRORS: outcome.problems})

    def skip_row(self, instance, original, row, import_validation_errors=None):
        return not import_validation_errors and self._outcome(row).action == UNCHANGED

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        if import_validation_errors:
            raise ValidationError(import_validation_errors)

    def save_instance(self, instance, is_create, row, **kwargs):
        if not self._is_dry_run(kwargs):
            self.importer.save(self._outcome(row))


def write(importer, outcomes, *, dry_run):
    """Run the plan through the resource; returns the counts by action (create/update/unchanged/rejected)."""
    dataset = tablib.Dataset(headers=["row", "source", "external_id"])
    for index, outcome in enumerate(outcomes):
        dataset.append([index, importer.source, outcome.external_id])
    result = ExternalResource(importer, outcomes).import_data(
        dataset, dry_run=dry_run, raise_errors=False, use_transactions=False
    )
    for _, errors in result.row_errors():
        raise errors[0].error  # a database error while writing (the caller's transaction rolls back)
    counts = dict.fromkeys(ACTIONS.values(), 0)
    for row in result.rows:
        counts[ACTIONS[row.import_type]] += 1
    return counts
