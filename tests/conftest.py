"""Role fixtures in the spirit of healthchecks' owner/member/outsider: one user for each role,
in 黄浦区 and in 徐汇区, plus the city. Every permission test picks from these."""

import datetime
import time

import pytest
from django.core.cache import cache
from django.utils import timezone

from accounts.models import Role, UnitLevel
from accounts.services import organization_delist_serious, organization_list_serious
from portal import caching, refdata
from tests.factories import (
    PurchaserUnitFactory,
    SocialOrganizationFactory,
    StreetFactory,
    UserFactory,
    district,
)


@pytest.fixture(autouse=True)
def _clear_cache(request):
    # Rate-limit counters live in the (database) cache; each test that uses the database starts from zero.
    uses_db = request.node.get_closest_marker("django_db") or {"db", "transactional_db"} & set(
        request.fixturenames
    )
    if uses_db:
        request.getfixturevalue("db")
        cache.clear()
        refdata.forget()  # reference data read by an earlier test (its rows rolled back since)
    yield


@pytest.fixture(autouse=True)
def _rate_windows_start_now(monkeypatch):
    # Rate limits count in fixed windows (300 s to a day, each dividing a day); a test that posts
    # fifty messages across the end of a 10-minute window would see two windows' worth saved. The
    # clock runs at its real pace from a minute into a UTC day, so every window has 4 minutes left.
    real_start = time.time()
    start = real_start // 86400 * 86400 + 60
    monkeypatch.setattr(caching, "clock", lambda: start + (time.time() - real_start))


@pytest.fixture(autouse=True)
def _no_overview_cache(settings):
    # The public 数据概览 is cached for 5 minutes in production; tests see every change at once
    # (tests/dashboard/test_overview_cache.py turns it back on).
    settings.OVERVIEW_CACHE_SECONDS = 0


@pytest.fixture
def huangpu(db):
    return district("黄浦区")


@pytest.fixture
def xuhui(db):
    return district("徐汇区")


@pytest.fixture
def hp_street(huangpu):
    return StreetFactory(district=huangpu, name="南京东路街道")


@pytest.fixture
def xh_street(xuhui):
    return StreetFactory(district=xuhui, name="徐家汇街道")


@pytest.fixture
def hp_unit(huangpu, hp_street):
    return PurchaserUnitFactory(
        name="黄浦区南京东路街道办事处", level=UnitLevel.STREET, district=huangpu, street=hp_street
    )


@pytest.fixture
def xh_unit(xuhui, xh_street):
    return PurchaserUnitFactory(
        name="徐汇区徐家汇街道办事处", level=UnitLevel.STREET, district=xuhui, street=xh_street
    )


@pytest.fixture
def city_unit(db):
    return PurchaserUnitFactory(name="上海市民政局", level=UnitLevel.CITY, district=None)


@pytest.fixture
def hp_org(huangpu):
    return SocialOrganizationFactory(name="上海市黄浦区乐龄家园社区服务中心", registration_district=huangpu)


@pytest.fixture
def xh_org(xuhui):
    return SocialOrganizationFactory(name="上海市徐汇区启明助残服务社", registration_district=xuhui)


@pytest.fixture
def city_org(huangpu):
    return SocialOrganizationFactory(
        name="上海市益心公益基金会", registration_district=None, district=huangpu
    )


# One account for each role: fixture name → (username, role, {field: the fixture it belongs to}).
ROLE_USERS = {
    "city_admin": ("city_admin", Role.CITY_ADMIN, {}),
    "hp_admin": ("hp_admin", Role.DISTRICT_ADMIN, {"district": "huangpu"}),
    "xh_admin": ("xh_admin", Role.DISTRICT_ADMIN, {"district": "xuhui"}),
    "hp_purchaser": ("hp_buyer", Role.PURCHASER, {"purchaser_unit": "hp_unit"}),
    "xh_purchaser": ("xh_buyer", Role.PURCHASER, {"purchaser_unit": "xh_unit"}),
    "hp_org_user": ("hp_org", Role.ORGANIZATION, {"organization": "hp_org"}),
    "xh_org_user": ("xh_org", Role.ORGANIZATION, {"organization": "xh_org"}),
    "monitor": ("monitor", Role.MONITOR, {}),
}


def _role_user_fixture(name, username, role, links):
    def user(request, db):
        return UserFactory(
            username=username, role=role, **{field: request.getfixturevalue(f) for field, f in links.items()}
        )

    user.__doc__ = f"The {role.label} account {username!r}."
    return pytest.fixture(user, name=name)


for _name, (_username, _role, _links) in ROLE_USERS.items():
    globals()[_name] = _role_user_fixture(_name, _username, _role, _links)


@pytest.fixture
def as_role(request, client, db):
    """as_role("hp_admin") → the test client logged in as the user of that role fixture;
    as_role("visitor") → logged out; as_role(user) → logged in as a user already in hand."""

    def _as(role):
        client.logout()
        if role != "visitor":
            client.force_login(request.getfixturevalue(role) if isinstance(role, str) else role)
        return client

    return _as


@pytest.fixture
def login(as_role):
    """login(user) → the test client, logged in as that user (as_role with the user in hand)."""
    return as_role


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    # The production hasher is deliberately slow; tests need not be.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploads written by a test go to its own folder (this one), never into the working tree."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def list_serious(hp_admin):
    """list_serious(org) puts the organization on the 严重失信名单 through the service (R-SUB-3); returns
    the entry. delist_serious(entry) takes it off the next day."""

    def _list(organization, by=None):
        return organization_list_serious(
            organization=organization,
            by=by or hp_admin,
            listed_on=timezone.localdate(),
            reason="虚假申报项目材料",
        )

    return _list


@pytest.fixture
def delist_serious(hp_admin):
    def _delist(entry, by=None):
        return organization_delist_serious(
            entry=entry,
            by=by or hp_admin,
            removed_on=timezone.localdate() + datetime.timedelta(days=1),
            reason="信用修复完成",
        )

    return _delist
