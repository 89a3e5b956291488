"""Who may call each API operation: keys with scopes, staff sessions; everyone else is refused."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation
from rest_framework.test import APIClient

from accounts.models import ClientAPIKey

from .factories import MemberFactory

pytestmark = pytest.mark.django_db

# (method, path, body, scope it needs)
OPERATIONS = [
    ("get", "/api/v1/plans/", None, "read"),
    ("get", "/api/v1/members/?search=M1000001", None, "read"),
    ("get", "/api/v1/members/M1000001/", None, "read"),
    ("post", "/api/v1/op25b/verdict/", {"ip_type": "fixed", "sending_via": "none"}, "read"),
    ("post", "/api/v1/op25b/diagnose/", {"error_text": "535 5.7.8"}, "read"),
]
ids = [f"{m} {p}" for m, p, _b, _s in OPERATIONS]


@pytest.fixture(autouse=True)
def member(db):
    return MemberFactory(member_number="M1000001", user=None)


def call(client, method, path, body):
    return getattr(client, method)(path, body, format="json") if body else getattr(client, method)(path)


def keyed(**fields):
    _obj, key = ClientAPIKey.objects.create_key(name="tool", **fields)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    return client, _obj


@pytest.mark.parametrize(("method", "path", "body", "scope"), OPERATIONS, ids=ids)
def test_a_key_with_the_scope_is_served(method, path, body, scope):
    client, _obj = keyed(scopes=[scope])
    assert call(client, method, path, body).status_code == 200


@pytest.mark.parametrize(("method", "path", "body", "scope"), OPERATIONS, ids=ids)
def test_a_request_without_a_key_is_a_401(anon_api, method, path, body, scope):
    response = call(anon_api, method, path, body)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Api-Key"
    assert list(response.json()) == ["detail"]


@pytest.mark.parametrize(("method", "path", "body", "scope"), OPERATIONS, ids=ids)
def test_a_key_without_the_scope_is_a_403(method, path, body, scope):
    other = {"read": "write", "write": "read"}[scope]
    client, _obj = keyed(scopes=[other])
    response = call(client, method, path, body)
    assert response.status_code == 403
    assert list(response.json()) == ["detail"]


@pytest.mark.parametrize(("method", "path", "body", "scope"), OPERATIONS, ids=ids)
def test_a_key_with_no_scopes_is_a_403(method, path, body, scope):
    client, _obj = keyed(scopes=[])
    assert call(client, method, path, body).status_code == 403


@pytest.mark.parametrize(("method", "path", "body", "scope"), OPERATIONS, ids=ids)
def test_a_revoked_key_is_a_401(method, path, body, scope):
    client, obj = keyed(scopes=["read", "write"])
    assert call(client, method, path, body).status_code == 200
    obj.revoked = True
    obj.save()
    response = call(client, method, path, body)
    assert response.status_code == 401
    assert list(response.json()) == ["detail"]


@pytest.mark.parametrize(("method", "path", "body", "scope"), OPERATIONS, ids=ids)
def test_an_expired_key_is_a_401(method, path, body, scope):
    client, _obj = keyed(scopes=["read", "write"], expiry_date=timezone.now() - timedelta(seconds=1))
    response = call(client, method, path, body)
    assert response.status_code == 401
    with translation.override("ja"):  # the portal's default language
        assert response.json()["detail"] == translation.gettext("This API key has expired.")


@pytest.mark.parametrize("header", ["Api-Key nope.nope", "Api-Key ", "Bearer abc", "Api-Key abc"])
def test_a_malformed_or_unknown_key_is_refused(header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    assert client.get("/api/v1/members/M1000001/").status_code in (401, 403)


@pytest.mark.parametrize(("method", "path", "body", "scope"), OPERATIONS, ids=ids)
def test_staff_may_but_members_may_not_use_their_session(alice, staff_user, charlie, method, path, body, scope):
    staff = APIClient()
    staff.force_login(staff_user)
    assert call(staff, method, path, body).status_code == 200
    for person in (alice, charlie):
        session = APIClient()
        session.force_login(person.user)
        assert call(session, method, path, body).status_code == 403


def test_a_member_cannot_read_their_own_record_through_the_api(alice):
    session = APIClient()
    session.force_login(alice.user)
    assert session.get(f"/api/v1/members/{alice.member_number}/").status_code == 403


def test_the_errors_are_in_japanese_by_default_and_english_on_request(anon_api):
    ja = anon_api.get("/api/v1/plans/").json()["detail"]
    en = anon_api.get("/api/v1/plans/", HTTP_ACCEPT_LANGUAGE="en").json()["detail"]
    assert en == "Authentication credentials were not provided."
    assert ja != en


@pytest.mark.parametrize(
    "path", ["/api/v1/tickets/", "/api/v1/plan-change-requests/", "/api/v1/op25b/verdict/", "/api/v1/op25b/diagnose/"]
)
def test_options_is_a_405_not_an_error(api, path):
    response = api.options(path)
    assert response.status_code == 405
    assert list(response.json()) == ["detail"]
