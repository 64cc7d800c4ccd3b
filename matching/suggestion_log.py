"""Which organizations a demand's 可能合适的社会组织 block showed (issue 13 §7, “承接方曾被推荐”).

Decided: recorded when the block is computed (the demand's page, while the demand is 已发布),
rather than recomputed at award time, because the ranking changes with the data: only a record of
what was shown is exact. One INSERT … ON CONFLICT DO NOTHING of at most ten rows per computation
(unique on demand + organization), so the first time an organization was shown is kept and a
repeated view writes nothing new."""

from .models import SuggestionShown


def record_shown(demand, suggestions):
    if not suggestions:
        return
    SuggestionShown.objects.bulk_create(
        [SuggestionShown(demand_id=demand.pk, organization_id=s.organization.pk) for s in suggestions],
        ignore_conflicts=True,
    )


def shown_organization_ids(demand):
    return set(SuggestionShown.objects.filter(demand_id=demand.pk).values_list("organization_id", flat=True))
