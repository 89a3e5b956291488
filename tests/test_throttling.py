"""Per-client rate limits: counted per API client and per view scope, on the shared cache."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from accounts.models import ClientAPIKey

URL = "/api/v1/op25b/verdict/"
BODY = {"ip_type": "fixed", "sending_via": "none"}


@pytest.fixture
def three_a_minute(settings):
    cache.clear()
    rest = dict(settings.REST_FRAMEWORK)
    rest["DEFAULT_THROTTLE_RATES"] = {**rest["DEFAULT_THROTTLE_RATES"], "verdict": "3/min"}
    settings.REST_FRAMEWORK = rest
    yield
    cache.clear()


def _client(name):
    _obj, key = ClientAPIKey.objects.create_key(name=name, scopes=["read"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    return client


@pytest.mark.django_db
def test_a_client_over_its_rate_gets_429_with_retry_after_and_others_are_not_affected(three_a_minute):
    first, second = _client("first"), _client("second")
    assert [first.post(URL, BODY, format="json").status_code for _ in range(3)] == [200, 200, 200]
    refused = first.post(URL, BODY, format="json")
    assert refused.status_code == 429
    assert "detail" in refused.json()
    assert 0 < int(refused["Retry-After"]) <= 61
    assert second.post(URL, BODY, format="json").status_code == 200
