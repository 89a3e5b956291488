"""The OpenAPI schema: valid, warning-free, every operation and error described with examples."""

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(client):
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    return response.json()


# The call-center operations of DESIGN §6 (other apps' public endpoints, e.g. the dynamic ranges
# published to carriers without a key, document themselves).
CALL_CENTER = (
    "/api/v1/op25b/",
    "/api/v1/plans/",
    "/api/v1/members/",
    "/api/v1/tickets/",
    "/api/v1/plan-change-requests/",
)


def operations(schema):
    for path, item in schema["paths"].items():
        if not path.startswith(CALL_CENTER):
            continue
        for method, operation in item.items():
            yield f"{method.upper()} {path}", operation


def test_the_schema_validates_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))


def test_every_operation_of_the_contract_is_in_the_schema(schema):
    found = {name for name, _op in operations(schema)}
    assert found >= {
        "POST /api/v1/op25b/verdict/",
        "GET /api/v1/plans/",
        "GET /api/v1/members/",
        "GET /api/v1/members/{member_number}/",
    }


def test_every_operation_has_a_summary_a_description_and_its_errors(schema):
    for name, operation in operations(schema):
        assert operation.get("summary") and operation.get("description"), name
        assert {"401", "403", "429"} <= set(operation["responses"]), name
        assert operation["security"][0] == {"ApiKeyAuth": []}, name


def test_every_error_response_has_a_description_and_an_example(schema):
    for name, operation in operations(schema):
        for code, response in operation["responses"].items():
            if code.startswith("2"):
                continue
            assert response["description"], (name, code)
            assert response["content"]["application/json"]["examples"], (name, code)


def test_every_operation_has_an_example(schema):
    for name, operation in operations(schema):
        bodies = [operation.get("requestBody", {}), operation["responses"].get("200", {})]
        assert any(b.get("content", {}).get("application/json", {}).get("examples") for b in bodies), name
