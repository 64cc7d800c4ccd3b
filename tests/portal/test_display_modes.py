"""Issue 18: 长者模式 scales from the root (html.elder), and a 高对比度 option sits beside it, remembered
in a cookie like 长者模式. What the modes look like is measured in Chromium (tests/e2e/checks.py)."""

import pytest

pytestmark = pytest.mark.django_db


def test_elder_mode_marks_the_root_element_so_rem_sizes_scale(client):
    client.get("/elder-mode/", {"on": "1", "next": "/"})
    html = client.get("/").content.decode()
    assert '<html lang="zh-Hans" class="elder">' in html


def test_the_contrast_option_sets_a_cookie_and_marks_the_pages(client):
    response = client.get("/contrast-mode/", {"on": "1", "next": "/policies/"})
    assert response.status_code == 302 and response["Location"] == "/policies/"
    assert response.cookies["contrast"].value == "1" and response.cookies["contrast"]["samesite"] == "Lax"
    html = client.get("/policies/").content.decode()
    assert '<html lang="zh-Hans" class="contrast">' in html and '<body class="contrast">' in html
    assert "标准配色" in html


def test_both_modes_together(client):
    client.get("/contrast-mode/", {"on": "1"})
    client.get("/elder-mode/", {"on": "1"})
    assert '<body class="elder contrast">' in client.get("/").content.decode()


def test_contrast_off_deletes_the_cookie(client):
    client.get("/contrast-mode/", {"on": "1"})
    response = client.get("/contrast-mode/", {"next": "/"})
    assert response.cookies["contrast"].value == ""
    html = client.get("/").content.decode()
    assert "contrast" not in html.split("</head>")[1].split(">")[0] and "高对比度" in html


def test_the_contrast_switch_refuses_other_sites(client):
    response = client.get("/contrast-mode/", {"on": "1", "next": "https://evil.example/"})
    assert response["Location"] == "/"
