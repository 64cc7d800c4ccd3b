"""Fixtures and helpers shared by the 推荐目录 tests (R-DIR-1…5, 第十五条).

- an edition that is collecting now (`edition`), and `make_edition(...)` for other dates and states;
- published offers of each organization (`hp_offers`, `xh_offers`, `city_offers`);
- `cast`: the administrators, the organizations' accounts and their offers, in one namespace;
- the upload a user picks (`pdf_upload()`, any bytes with `upload(...)`);
- `apply(client, offers, ...)`: the 自荐 form as an organization fills it in and posts it;
- `submitted(user, offers)`: an application already submitted, through the services;
- `snapshot()`: everything the directory stores, to compare before and after a refused request.
"""

from types import SimpleNamespace

import pytest
from django.urls import reverse

from accounts.models import Role
from directory import services
from directory.models import Application, Edition, EditionStatus, PurchaserRecommendation, ReviewStep
from portal.models import Category
from tests import helpers as _helpers
from tests import html as _html
from tests.factories import EditionFactory, OfferingFactory, UserFactory
from tests.helpers import PDF_BYTES, days, media_files, today, upload

# Moved to tests/helpers.py and tests/html.py; kept here for tests written against the old path.
EXE_BYTES = _helpers.EXE_BYTES
PNG_BYTES = _helpers.PNG_BYTES
chinese = _helpers.chinese
form_errors = _helpers.form_errors
messages_of = _helpers.messages_of
text = _html.text

APPLY = "/directory/apply/"
MINE = "/directory/mine/"
REVIEW_LIST = "/directory/review/"
EDITION_CHANGELIST = "/admin/directory/edition/"


# --- small readers ---------------------------------------------------------------------------------


def review_url(application):
    return reverse("directory:review", args=[application.pk])


def form_file_url(application):
    return reverse("directory:form_file", args=[application.pk])


def edition_url(edition):
    return reverse("directory:edition", args=[edition.year])


def snapshot():
    """All the directory stores, with history lengths and files: equal before and after a refusal."""
    return {
        "applications": list(Application.objects.order_by("pk").values()),
        "evidence": sorted(Application.evidence.through.objects.values_list("application_id", "offering_id")),
        "application_history": Application.history.count(),
        "steps": list(ReviewStep.objects.order_by("pk").values()),
        "editions": list(Edition.objects.order_by("pk").values()),
        "edition_history": Edition.history.count(),
        "recommendations": list(PurchaserRecommendation.objects.order_by("pk").values()),
        "files": media_files(),
    }


# --- uploads ---------------------------------------------------------------------------------------


def pdf_upload(name="购买主体推荐意见表.pdf", content=PDF_BYTES):
    return upload(name, content, "application/pdf")


# --- editions --------------------------------------------------------------------------------------


def make_edition(year=None, *, starts_on=None, deadline=None, status=EditionStatus.COLLECTING):
    return EditionFactory(
        collecting=True,
        year=year or today().year,
        starts_on=starts_on or days(-10),
        deadline=deadline or days(20),
        status=status,
        published_at=None,
    )


@pytest.fixture
def edition(db):
    """This year's edition, collecting: started 10 days ago, deadline in 20 days."""
    return make_edition()


# --- people ----------------------------------------------------------------------------------------


@pytest.fixture
def city_org_user(city_org):
    return UserFactory(username="city_org", role=Role.ORGANIZATION, organization=city_org)


# --- offers ----------------------------------------------------------------------------------------


def offer(organization, title, code):
    return OfferingFactory(organization=organization, title=title, category=Category.objects.get(code=code))


@pytest.fixture
def hp_offers(hp_org):
    """Two published 养老服务 offers of the 黄浦区 organization."""
    return [offer(hp_org, "乐龄长者助餐服务", "0103"), offer(hp_org, "乐龄居家照护服务", "0101")]


@pytest.fixture
def xh_offers(xh_org):
    """Two published 残疾人服务 offers of the 徐汇区 organization."""
    return [offer(xh_org, "启明助残康复服务", "0201"), offer(xh_org, "启明残疾人就业帮扶", "0203")]


@pytest.fixture
def city_offers(city_org):
    """One published 妇女儿童服务 offer of the organization registered with the city."""
    return [offer(city_org, "益心儿童关爱保护计划", "0301")]


# --- a directory year's cast ------------------------------------------------------------------------


@pytest.fixture
def cast(
    city_admin, hp_admin, xh_admin, hp_org_user, xh_org_user, city_org_user, hp_offers, xh_offers, city_offers
):
    """Everyone a year of the directory involves, by fixture name: the city and the two district
    administrators, the three organizations' accounts and their published offers."""
    return SimpleNamespace(**locals())


# --- applying --------------------------------------------------------------------------------------


def apply_data(offers, action="submit", statement="专注社区为老服务十年。", form=None):
    data = {"evidence": [str(o.pk) for o in offers], "statement": statement, "action": action}
    if form is not None:
        data["recommendation_form"] = form
    return data


def apply(client, offers, action="submit", statement="专注社区为老服务十年。", form="pdf", **extra):
    """POST the 自荐 form; form="pdf" attaches a fresh PDF, None attaches nothing."""
    if form == "pdf":
        form = pdf_upload()
    return client.post(APPLY, {**apply_data(offers, action, statement, form), **extra})


def submitted(user, offers, edition=None):
    """An application saved and submitted through the services (setup for the review tests)."""
    from directory.selectors import current_collecting_edition

    application = services.application_save(
        edition=edition or current_collecting_edition(),
        by=user,
        evidence=offers,
        statement="自荐说明",
        upload=pdf_upload(),
    )
    return services.application_submit(application=application, by=user)


def district_pass(application, by, opinion=""):
    return services.district_review(application=application, by=by, passed=True, opinion=opinion)


def city_decide(application, by, approved=True, opinion="专业能力突出，同意列入推荐目录。"):
    return services.city_review(application=application, by=by, approved=approved, opinion=opinion)


def advance(edition, by, to):
    return services.edition_advance(edition=edition, by=by, to=to)


def admin_action(client, action, edition):
    """Run an EditionAdmin changelist action, following the redirect back to the changelist; confirmed
    at once where the action first asks (publishing shows the marks it removes, issue 18)."""
    return client.post(
        EDITION_CHANGELIST,
        {"action": action, "_selected_action": [str(edition.pk)], "confirm": "yes"},
        follow=True,
    )
