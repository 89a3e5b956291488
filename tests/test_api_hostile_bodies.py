"""Bodies no client should send: 100,000-deep arrays, 5,000 nested objects, 10 MB. Every write
operation answers 400 with the JSON error shape (with and without an Idempotency-Key, whose
fingerprint walks the body too), never a 500 or Django's HTML page."""

import pytest

from .factories import MemberFactory, TicketFactory

pytestmark = pytest.mark.django_db

DEEP_ARRAYS = "[" * 100_000 + "]" * 100_000
DEEP_OBJECTS = '{"a":' * 5_000 + "1" + "}" * 5_000
JUST_TOO_DEEP = '{"a":' * 40 + "1" + "}" * 40  # parses, but deeper than any input of the API
HUGE = '{"subject": "' + "x" * 10_000_000 + '"}'


@pytest.fixture
def writes(schema_paths):
    TicketFactory(number="T-2026-000001", member=MemberFactory())
    return [
        (method, path.replace("{number}", "T-2026-000001"))
        for path, item in schema_paths.items()
        for method in item
        if method in ("post", "patch", "put")
    ]


@pytest.fixture
def schema_paths(client):
    return client.get("/api/schema/?format=json").json()["paths"]


@pytest.mark.parametrize(
    "body", [DEEP_ARRAYS, DEEP_OBJECTS, JUST_TOO_DEEP, HUGE], ids=["arrays", "objects", "41", "10MB"]
)
@pytest.mark.parametrize("idempotency_key", [None, "hostile-1"])
def test_every_write_refuses_a_hostile_body_with_the_json_error_shape(api, writes, body, idempotency_key):
    assert len(writes) >= 6
    extra = {"HTTP_IDEMPOTENCY_KEY": idempotency_key} if idempotency_key else {}
    for method, path in writes:
        response = getattr(api, method)(path, body, content_type="application/json", **extra)
        assert response.status_code == 400, (method, path, response.status_code)
        assert response["Content-Type"] == "application/json"
        assert list(response.json()) == ["detail"] and response.json()["detail"], (method, path)


def test_a_body_over_the_limit_outside_drf_is_json_too(client, settings):
    # handler400 (e.g. Django's own RequestDataTooBig): JSON under /api/, Django's page elsewhere.
    from django.core.exceptions import RequestDataTooBig
    from django.test import RequestFactory

    from okbnet_portal.api.errors import bad_request

    api = bad_request(RequestFactory().post("/api/v1/tickets/"), RequestDataTooBig())
    page = bad_request(RequestFactory().post("/accounts/login/"), RequestDataTooBig())
    assert (api.status_code, api["Content-Type"]) == (400, "application/json")
    assert page.status_code == 400 and page["Content-Type"].startswith("text/html")
