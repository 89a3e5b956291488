"""Per-client rate limits: counted per API key and per view scope on the shared cache; one client
cannot starve another."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from accounts.models import ClientAPIKey

pytestmark = pytest.mark.django_db
URL = "/api/v1/plans/"


@pytest.fixture(autouse=True)
def low_rates(settings, start_of_a_minute):
    cache.clear()
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "read": "3/min",
            "verdict": "3/min",
        },
    }
    yield
    cache.clear()


def client_for(name):
    _obj, key = ClientAPIKey.objects.create_key(name=name, scopes=["read"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    return client


# One view of each scope the limits are set for: (method, URL, body).
SCOPED = {
    "read": ("get", URL, None),
    "verdict": ("post", "/api/v1/op25b/verdict/", {"ip_type": "fixed", "sending_via": "none"}),
}


@pytest.mark.parametrize("scope", SCOPED)
def test_a_client_over_its_rate_gets_a_429_with_retry_after_and_others_are_not_affected(scope):
    method, url, body = SCOPED[scope]
    tool, other = client_for("tool"), client_for("other")

    def call(client):
        return getattr(client, method)(url, body, format="json") if body else getattr(client, method)(url)

    assert [call(tool).status_code for _ in range(3)] == [200, 200, 200]
    response = call(tool)
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 61
    assert list(response.json()) == ["detail"]
    assert call(other).status_code == 200


def test_another_client_keeps_its_own_allowance():
    tool, other = client_for("tool"), client_for("other")
    for _ in range(4):
        tool.get(URL)
    assert tool.get(URL).status_code == 429
    assert other.get(URL).status_code == 200


def test_the_count_lives_in_the_shared_cache():
    tool = client_for("tool")
    for _ in range(3):
        tool.get(URL)
    assert tool.get(URL).status_code == 429
    cache.clear()  # what another web process would also see
    assert tool.get(URL).status_code == 200


def test_a_scope_rate_limits_its_views_only(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "read": "100/min",
            "search": "1/min",
        },
    }
    tool = client_for("tool")
    assert tool.get("/api/v1/members/", {"search": "x"}).status_code == 200
    assert tool.get("/api/v1/members/", {"search": "y"}).status_code == 429
    assert tool.get(URL).status_code == 200
