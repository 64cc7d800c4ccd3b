"""`python manage.py seed_demo`: one user of each role in 黄浦区, 徐汇区 and the city; idempotent."""

import pytest
from django.core.management import call_command

from accounts.models import AccountApplication, Role, SocialOrganization, User
from accounts.validators import is_valid_uscc
from portal.models import Street

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_every_role_and_can_run_twice(capsys):
    call_command("seed_demo")
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert "city_admin" in out and "huangpu_admin" in out

    users = {u.username: u for u in User.objects.select_related("district")}
    assert users["city_admin"].role == Role.CITY_ADMIN
    assert users["monitor"].role == Role.MONITOR
    for prefix, district in [("huangpu", "黄浦区"), ("xuhui", "徐汇区")]:
        assert users[f"{prefix}_admin"].role == Role.DISTRICT_ADMIN
        assert users[f"{prefix}_admin"].district.name == district
        assert users[f"{prefix}_buyer"].role == Role.PURCHASER
        assert users[f"{prefix}_buyer"].district.name == district
        assert users[f"{prefix}_org"].role == Role.ORGANIZATION
        assert users[f"{prefix}_org"].district.name == district
    assert users["city_buyer"].purchaser_unit.level == "city"
    assert users["city_org"].organization.registration_district is None

    assert User.objects.filter(username="city_admin").count() == 1
    for org in SocialOrganization.objects.all():
        assert is_valid_uscc(org.uscc)
    assert SocialOrganization.objects.filter(on_serious_list=True).count() == 1
    assert Street.objects.values("district").distinct().count() == 16
    assert AccountApplication.objects.filter(status="pending").count() == 3


def test_demo_users_can_log_in(client):
    from home.management.commands.seed_demo import DEMO_PASSWORD

    call_command("seed_demo")
    client.post("/accounts/login/", {"login": "huangpu_admin", "password": DEMO_PASSWORD})
    assert client.get("/admin/").status_code == 200
