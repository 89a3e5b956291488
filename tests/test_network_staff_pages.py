"""Staff pages of the abuse desk's data: the session log upload and the address look-up."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from network.models import RadiusSession
from tests.factories import RadiusSessionFactory, SessionImportFactory

JST = ZoneInfo("Asia/Tokyo")
PAGES = ["/staff/network/sessions/import/", "/staff/network/lookup/"]

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", PAGES)
def test_only_staff_see_the_pages(client, url, alice, staff_user, charlie):
    assert client.get(url).status_code == 302  # anonymous: to the log-in page
    client.force_login(alice.user)
    assert client.get(url).status_code == 403
    client.force_login(charlie.user)
    assert client.get(url).status_code == 403
    client.force_login(staff_user)
    assert client.get(url).status_code == 200


def upload(client, text: str):
    log = SimpleUploadedFile("radacct.csv", text.encode(), content_type="text/csv")
    return client.post("/staff/network/sessions/import/", {"log": log})


def test_staff_import_a_log_and_see_it_listed(client, staff_user, alice):
    client.force_login(staff_user)
    response = upload(
        client, f"username,address,start,stop\n{alice.connection_username},203.0.113.5,2026-11-01 09:00,\n"
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "radacct.csv" in page
    assert RadiusSession.objects.get().member == alice


def test_a_bad_file_is_refused_with_its_line_numbers(client, staff_user, alice):
    client.force_login(staff_user)
    response = upload(
        client,
        f"username,address,start,stop\n{alice.connection_username},203.0.113.5,2026-11-01 09:00,\nghost,203.0.113.6,2026-11-01 09:00,\n",
    )
    assert response.status_code == 400
    assert "ghost" in response.content.decode()
    assert b"<td>3</td>" in response.content
    assert not RadiusSession.objects.exists()


def test_the_imports_list_costs_the_same_queries_whatever_its_length(client, staff_user, django_assert_num_queries):
    client.force_login(staff_user)
    SessionImportFactory.create_batch(3, created_by=staff_user)
    # session, user, the nav's member, the staff menu's permission look-ups (user, group), imports
    with django_assert_num_queries(6):
        client.get("/staff/network/sessions/import/")
    SessionImportFactory.create_batch(12, created_by=staff_user)
    with django_assert_num_queries(6):
        client.get("/staff/network/sessions/import/")


def test_the_lookup_names_the_member_who_held_the_address(client, staff_user, alice):
    start = datetime(2026, 11, 1, 9, tzinfo=JST)
    RadiusSessionFactory(member=alice, address="203.0.113.5", started_at=start, stopped_at=start + timedelta(hours=1))
    client.force_login(staff_user)
    found = client.get("/staff/network/lookup/", {"address": "203.0.113.5", "at": "2026-11-01T09:30:00"})
    assert alice.member_number in found.content.decode()
    after = client.get("/staff/network/lookup/", {"address": "203.0.113.5", "at": "2026-11-01T10:00:00"})
    assert alice.member_number not in after.content.decode()


def test_the_lookup_refuses_a_malformed_address(client, staff_user):
    client.force_login(staff_user)
    assert (
        client.get("/staff/network/lookup/", {"address": "203.0.113.500", "at": "2026-11-01T09:30"}).status_code == 400
    )
