"""okbnet_portal.api.idempotency: a retried create returns the first result, never a second object."""

import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient

from accounts.models import ClientAPIKey, ConnectionPlan, IdempotencyRecord

URL = "/api/v1/test-plans/"
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _harness_urls(settings):
    """The test API's URLs, through the settings fixture: an override Django undoes (and its URL
    caches with it) with the test's other settings. pytest-django's `urls` marker set the value on
    whatever settings object was current, beside the overrides of the `settings` fixture."""
    settings.ROOT_URLCONF = "tests.api_harness_urls"


def test_without_the_header_each_post_creates(api):
    assert api.post(URL, {"code": "a"}, format="json").status_code == 201
    assert api.post(URL, {"code": "b"}, format="json").status_code == 201
    assert IdempotencyRecord.objects.count() == 0


def test_a_retry_with_the_same_key_returns_the_first_response(api):
    first = api.post(URL, {"code": "a"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = api.post(URL, {"code": "a"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert ConnectionPlan.objects.filter(code="a").count() == 1


def test_the_same_key_with_another_body_is_a_422(api):
    api.post(URL, {"code": "a"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    response = api.post(URL, {"code": "b"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert response.status_code == 422
    assert list(response.json()) == ["detail"]
    assert not ConnectionPlan.objects.filter(code="b").exists()


def test_keys_belong_to_their_client(api):
    _obj, other_key = ClientAPIKey.objects.create_key(name="other", scopes=["read", "write"])
    other = APIClient()
    other.credentials(HTTP_AUTHORIZATION=f"Api-Key {other_key}")
    assert api.post(URL, {"code": "a"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1").status_code == 201
    assert other.post(URL, {"code": "b"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1").status_code == 201
    assert ConnectionPlan.objects.filter(code__in=["a", "b"]).count() == 2


def test_a_failed_request_stores_nothing_and_a_fixed_retry_runs(api):
    bad = api.post(URL, {"code": "not a slug"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert bad.status_code == 400
    assert IdempotencyRecord.objects.count() == 0
    assert api.post(URL, {"code": "not a slug"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1").status_code == 400


@pytest.mark.parametrize("key", ["", " ", "x" * 256])
def test_an_empty_or_overlong_key_is_a_400(api, key):
    response = api.post(URL, {"code": "a"}, format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert response.status_code == 400
    assert list(response.json()) == ["Idempotency-Key"]


def test_a_read_only_key_cannot_create():
    _obj, key = ClientAPIKey.objects.create_key(name="reader", scopes=["read"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    assert client.post(URL, {"code": "a"}, format="json", HTTP_IDEMPOTENCY_KEY="k").status_code == 403
    assert not ConnectionPlan.objects.filter(code="a").exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_posts_with_one_key_create_once():
    _obj, key = ClientAPIKey.objects.create_key(name="tool", scopes=["read", "write"])
    barrier = threading.Barrier(2)
    results = []

    def post():
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
        barrier.wait()
        try:
            response = client.post(URL, {"code": "a", "pause": 0.5}, format="json", HTTP_IDEMPOTENCY_KEY="same")
            results.append((response.status_code, response.json(), response.get("Idempotent-Replayed")))
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(r[0] for r in results) == [201, 201]
    assert results[0][1] == results[1][1]
    assert sorted(str(r[2]) for r in results) == ["None", "true"]
    assert ConnectionPlan.objects.filter(code="a").count() == 1
