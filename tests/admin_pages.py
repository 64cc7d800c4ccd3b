"""What a user reaches of a record's pages in the admin site: the checks the permission tests of every
app share (a district administrator reads its district's records there, view-only; nobody else opens them)."""

from django.urls import reverse

from tests.html import text


def assert_refused(client, url, title, *, then_says=None):
    """An administrator opens an admin page of a record out of its reach: refused, or sent back to the
    admin index (which then says `then_says`); the record's title never shows."""
    response = client.get(url)
    assert response.status_code in (302, 403, 404)
    if response.status_code == 302:
        assert response.url == reverse("admin:index")
        response = client.get(response.url)
        if then_says is not None:
            assert then_says in text(response)
    assert title not in text(response)


def assert_read_only(client, url, title):
    """The record's admin page opens and shows it, with no save button."""
    response = client.get(url)
    assert response.status_code == 200
    assert title in text(response)
    assert 'name="_save"' not in text(response)


def assert_closed(client, urls, title):
    """A user who is no administrator opens none of the admin pages `urls`; the title never shows."""
    for url in urls:
        response = client.get(url)
        assert response.status_code in (302, 403, 404)
        assert title not in text(response)


def assert_refuses_changes(client, admin_list, record, data, snapshot):
    """The model's add page and a change POST of `data` are refused (403); `snapshot(record)` (the row and
    its history) stays as it was."""
    before = snapshot(record)
    assert client.get(f"{admin_list}add/").status_code == 403
    assert client.post(f"{admin_list}{record.pk}/change/", data).status_code == 403
    assert snapshot(record) == before
