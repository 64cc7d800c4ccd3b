"""The factories of tests/factories.py make complete, valid records: one for every model of the
project, each passing the model's own validation (so a test that starts from one starts from a state
the application itself could have stored)."""

import datetime
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.utils import timezone

from demands.models import Status as DemandStatus
from directory.models import EditionStatus
from offerings.models import Status as OfferingStatus
from tests import factories

pytestmark = pytest.mark.django_db

FACTORIES = [
    getattr(factories, name)
    for name in dir(factories)
    if name.endswith("Factory") and not getattr(getattr(factories, name)._meta, "abstract", False)
]


def project_models():
    """The models of the project's own apps (those in this repository), without the history tables."""
    root = Path(settings.BASE_DIR).resolve()
    own = {
        app.label
        for app in apps.get_app_configs()
        # the repository's apps, not installed packages (the virtual environment may live inside it)
        if Path(app.path).resolve().is_relative_to(root) and "site-packages" not in Path(app.path).parts
    }
    return {
        model
        for model in apps.get_models()
        if model._meta.app_label in own and not model.__name__.startswith("Historical")
    }


def test_every_model_of_the_project_has_a_factory():
    covered = {factory._meta.get_model_class() for factory in FACTORIES}
    assert project_models() - covered == set()


@pytest.mark.parametrize("factory", FACTORIES, ids=lambda f: f.__name__)
def test_a_factory_makes_a_record_that_passes_the_models_validation(factory):
    record = factory()
    record.full_clean()
    model = factory._meta.get_model_class()
    assert model.objects.filter(pk=record.pk).exists()


# A record in one of these statuses was never published; every other status is reached by publishing.
NEVER_PUBLISHED = {
    factories.DemandFactory: {DemandStatus.DRAFT},
    factories.OfferingFactory: {OfferingStatus.DRAFT},
    factories.EditionFactory: {EditionStatus.PREPARING, EditionStatus.COLLECTING, EditionStatus.REVIEWING},
}
STATUSES = {
    factories.DemandFactory: DemandStatus,
    factories.OfferingFactory: OfferingStatus,
    factories.EditionFactory: EditionStatus,
}


@pytest.mark.parametrize(
    ("factory", "status"),
    [(factory, status) for factory, choices in STATUSES.items() for status in choices],
    ids=lambda v: getattr(v, "__name__", v),
)
def test_published_at_follows_the_status(factory, status):
    """A draft has no published_at; a withdrawn, cancelled or awarded record was published, so it has one."""
    record = factory.build(status=status)
    assert (record.published_at is None) == (status in NEVER_PUBLISHED[factory])


def test_a_published_at_passed_wins():
    earlier = timezone.now() - datetime.timedelta(days=3)
    assert factories.DemandFactory(published_at=earlier).published_at == earlier
    assert factories.DemandFactory(status=DemandStatus.CANCELLED, published_at=None).published_at is None
    assert (
        factories.OfferingFactory(status=OfferingStatus.WITHDRAWN, published_at=earlier).published_at
        == earlier
    )
