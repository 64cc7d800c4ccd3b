"""An organization's initial subscription comes with its first published offer (issue 13 §4)."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from offerings.models import Offering, Status


@receiver(post_save, sender=Offering, dispatch_uid="matching.initial_subscription")
def initial_subscription(sender, instance, raw=False, **kwargs):
    # One query (the organization's accounts still without one) on each save of a published offer.
    if not raw and instance.status == Status.PUBLISHED:
        from .subscriptions import ensure_defaults

        ensure_defaults([instance.organization_id])
