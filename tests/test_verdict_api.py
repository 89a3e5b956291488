"""POST /api/v1/op25b/verdict/: every rule through the API, keys, errors, never a 500."""

from datetime import timedelta

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from rest_framework.test import APIClient

from accounts.models import ClientAPIKey

from .strategies import json_inputs, json_values
from .test_op25b import BAD, CASES

URL = "/api/v1/op25b/verdict/"
pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("data", "rule", "code", "affected", "action", "plan_change"), CASES)
def test_each_row_through_the_api(api, data, rule, code, affected, action, plan_change):
    response = api.post(URL, data, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["rule"], body["verdict"], body["affected"]) == (rule, code, affected)
    assert (body["action_required"], body["plan_change_required"]) == (action, plan_change)
    assert set(body) >= {"title", "explanation", "steps", "settings", "alternatives"}


def test_r11_returns_the_gateway_settings(api):
    response = api.post(
        URL,
        {"ip_type": "dynamic", "sending_via": "other_provider", "port": 25, "provider_submission": "none"},
        format="json",
    )
    assert response.json()["settings"] == {
        "host": "gw.okbnet.ne.jp",
        "port": 587,
        "security": "starttls",
        "auth": True,
        "username": "OKBNETのメールアドレス（承り書の「メールアドレス」欄に記載）",
    }


def test_the_language_follows_accept_language(api):
    data = {"ip_type": "fixed", "sending_via": "none"}
    en = api.post(URL, data, format="json", HTTP_ACCEPT_LANGUAGE="en").json()
    ja = api.post(URL, data, format="json", HTTP_ACCEPT_LANGUAGE="ja").json()
    assert en["title"] == "Not affected: fixed-IP plans are exempt"
    assert "固定IP" in ja["title"]


@pytest.mark.parametrize(
    ("data", "fields"), [b for b in BAD if b[0] != {"ip_type": "dynamic", "sending_via": "okbnet", "port": True}]
)
def test_bad_input_is_a_400_with_field_errors(api, data, fields):
    response = api.post(URL, data, format="json")
    assert response.status_code == 400
    assert fields <= set(response.json())
    assert all(isinstance(v, list) for v in response.json().values())


def test_a_body_that_is_not_json_is_a_400_with_detail(api):
    response = api.generic("POST", URL, "{not json", content_type="application/json")
    assert response.status_code == 400
    assert "detail" in response.json()


def test_without_a_key_it_is_refused(anon_api):
    response = anon_api.post(URL, {"ip_type": "fixed", "sending_via": "none"}, format="json")
    assert response.status_code == 401
    assert "detail" in response.json()


@pytest.mark.parametrize("header", ["Api-Key nope.nope", "Api-Key ", "Bearer abc", "Api-Key abc"])
def test_an_invalid_key_is_refused(db, header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.post(URL, {"ip_type": "fixed", "sending_via": "none"}, format="json")
    assert response.status_code in (401, 403)


def _client_with(**key_fields):
    _obj, key = ClientAPIKey.objects.create_key(name="tool", **key_fields)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    return client, _obj


def test_a_revoked_key_is_refused():
    client, obj = _client_with(scopes=["read"])
    assert client.post(URL, {"ip_type": "fixed", "sending_via": "none"}, format="json").status_code == 200
    obj.revoked = True
    obj.save()
    assert client.post(URL, {"ip_type": "fixed", "sending_via": "none"}, format="json").status_code == 401


def test_an_expired_key_is_refused():
    client, _obj = _client_with(scopes=["read"], expiry_date=timezone.now() - timedelta(seconds=1))
    assert client.post(URL, {"ip_type": "fixed", "sending_via": "none"}, format="json").status_code == 401


def test_a_key_without_the_read_scope_is_forbidden():
    client, _obj = _client_with(scopes=["write"])
    assert client.post(URL, {"ip_type": "fixed", "sending_via": "none"}, format="json").status_code == 403


def test_a_staff_session_may_ask_but_a_member_session_may_not(staff_user, alice):
    staff = APIClient(enforce_csrf_checks=False)
    staff.force_login(staff_user)
    assert staff.post(URL, {"ip_type": "fixed", "sending_via": "none"}, format="json").status_code == 200
    member = APIClient()
    member.force_login(alice.user)
    assert member.post(URL, {"ip_type": "fixed", "sending_via": "none"}, format="json").status_code == 403


def test_a_staff_session_needs_csrf(staff_user):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(staff_user)
    assert client.post(URL, {"ip_type": "fixed", "sending_via": "none"}, format="json").status_code == 403


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(body=json_inputs | json_values)
def test_any_json_body_gets_a_verdict_or_a_400_never_a_500(api, body):
    response = api.post(URL, body, format="json")
    assert response.status_code in (200, 400), response.content
    if response.status_code == 200:
        assert response.json()["rule"].startswith("R")
    else:
        assert isinstance(response.json(), dict)


def test_the_schema_documents_the_verdict_operation(client):
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    operation = response.json()["paths"][URL]["post"]
    assert operation["operationId"] == "op25b_verdict"
    assert "200" in operation["responses"] and "400" in operation["responses"]


def test_swagger_ui_is_served_without_a_cdn(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    assert b"cdn" not in response.content.lower()
