"""Staff pages of the abuse desk's data: the session log upload and the address look-up."""

import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from network.models import RadiusSession, SessionImport, SessionUpload
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


def wait_for_import(pk: int, timeout: float = 60) -> SessionImport:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        batch = SessionImport.objects.get(pk=pk)
        if batch.finished:
            return batch
        time.sleep(0.2)
    raise AssertionError(f"import {pk} did not finish: {batch.status}")


@pytest.mark.django_db(transaction=True)
def test_staff_import_a_log_in_a_worker_and_see_the_result(client, staff_user, alice, celery_worker):
    client.force_login(staff_user)
    response = upload(
        client, f"username,address,start,stop\n{alice.connection_username},203.0.113.5,2026-11-01 09:00,\n"
    )
    assert response.status_code == 302
    pk = SessionImport.objects.get().pk
    assert response["Location"] == f"/staff/network/sessions/import/{pk}/"
    batch = wait_for_import(pk)
    assert (batch.status, batch.rows, batch.rows_done) == ("completed", 1, 1)
    assert RadiusSession.objects.get().member == alice
    assert not SessionUpload.objects.exists()  # the stored upload goes once imported
    page = client.get(response["Location"]).content.decode()
    assert "radacct.csv" in page and "1件" in page
    progress = client.get(response["Location"], HTTP_ACCEPT="application/json").json()
    assert progress["finished"] and progress["rows_done"] == progress["total_rows"] == 1
    assert "1件" in progress["result_html"]


@pytest.mark.django_db(transaction=True)
def test_a_bad_file_is_refused_with_its_line_numbers(client, staff_user, alice, celery_worker):
    client.force_login(staff_user)
    response = upload(
        client,
        f"username,address,start,stop\n{alice.connection_username},203.0.113.5,2026-11-01 09:00,\n"
        "ghost,203.0.113.6,2026-11-01 09:00,\n"
        f"{alice.connection_username},203.0.113.7,2026-02-30T25:61,\n",
    )
    batch = wait_for_import(SessionImport.objects.get().pk)
    assert batch.status == "refused" and batch.rows == 0
    page = client.get(response["Location"]).content.decode()
    assert "ghost" in page and "<td>3</td>" in page and "<td>4</td>" in page
    assert not RadiusSession.objects.exists()


def test_an_upload_is_stored_for_any_worker_host_and_shows_progress_before_it_runs(client, staff_user, alice):
    """Until a worker takes it, the upload waits in the database (this test's transaction never
    commits, so nothing is queued), and its page says so and follows it."""
    client.force_login(staff_user)
    response = upload(client, f"username,address,start,stop\n{alice.connection_username},203.0.113.5,2026-11-01,\n")
    batch = SessionImport.objects.get()
    assert (batch.status, batch.total_rows, batch.rows_done) == ("queued", 1, 0)
    assert bytes(SessionUpload.objects.get(session_import=batch).data).startswith(b"username,")
    page = client.get(response["Location"]).content.decode()
    assert "<progress" in page and "session_import" in page  # the script that follows the worker


def test_the_imports_list_costs_the_same_queries_whatever_its_length(client, staff_user, django_assert_num_queries):
    client.force_login(staff_user)
    SessionImportFactory.create_batch(3, created_by=staff_user)
    with django_assert_num_queries(4):  # session, user, the nav's member, imports with their users
        client.get("/staff/network/sessions/import/")
    SessionImportFactory.create_batch(12, created_by=staff_user)
    with django_assert_num_queries(4):
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
