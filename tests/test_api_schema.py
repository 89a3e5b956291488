"""The OpenAPI schema: valid, warning-free, every operation and error described with examples."""

import re

import pytest
from django.core.management import call_command

from .openapi import errors

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
        "POST /api/v1/op25b/diagnose/",
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


def _examples(holder: dict):
    """(name, value) of the examples a parameter, media type or schema carries."""
    if "example" in holder:
        yield "example", holder["example"]
    for name, example in holder.get("examples", {}).items():
        yield name, example["value"]


def test_every_example_in_the_schema_validates_against_its_schema(schema):
    checked = []
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            where = f"{method.upper()} {path}"
            for parameter in operation.get("parameters", []):
                for name, value in _examples(parameter):
                    checked.append((where, parameter["name"], name, errors(schema, parameter["schema"], value)))
            media = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if media:
                for name, value in _examples(media):
                    checked.append((where, "request", name, errors(schema, media["schema"], value)))
            for code, response in operation["responses"].items():
                media = response.get("content", {}).get("application/json")
                for name, value in _examples(media or {}):
                    checked.append((where, code, name, errors(schema, media["schema"], value)))
    for component, sub in schema["components"]["schemas"].items():
        for prop, prop_schema in sub.get("properties", {}).items():
            for name, value in _examples(prop_schema):
                checked.append((component, prop, name, errors(schema, prop_schema, value)))
    assert len(checked) > 40
    assert [c for c in checked if c[3]] == []


def test_every_operation_has_a_response_example_and_every_request_body_one(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            success = next(r for c, r in operation["responses"].items() if c.startswith("2"))
            assert success["content"]["application/json"]["examples"], (method, path)
            body = operation.get("requestBody")
            if body:
                assert body["content"]["application/json"]["examples"], (method, path)


def test_every_error_is_a_detail_or_field_errors_and_every_operation_lists_its_errors(schema):
    refs = {"#/components/schemas/Detail", "#/components/schemas/FieldErrors"}
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            codes = set(operation["responses"])
            if operation.get("security") == []:
                assert codes == {"200", "304"}, (method, path)  # public and unthrottled: no error to list
                continue
            assert {"401", "403", "429"} <= codes, (method, path)
            if method in ("post", "patch"):
                assert "400" in codes, (method, path)
            for code, response in operation["responses"].items():
                if code.startswith(("2", "3")):
                    continue
                media = response["content"]["application/json"]["schema"]
                used = {media["$ref"]} if "$ref" in media else {s["$ref"] for s in media["oneOf"]}
                assert used <= refs, (method, path, code)
                if code == "429":
                    assert "Retry-After" in response["headers"]


def test_the_schema_names_its_enum_members_and_declares_each_enum_once(schema):
    components = schema["components"]["schemas"]
    for name, component in components.items():
        if component.get("enum") and component["enum"] != [None]:
            names = component["x-enum-varnames"]
            assert len(names) == len([v for v in component["enum"] if v is not None]), name
            assert all(re.fullmatch(r"[A-Z][A-Z0-9_]*", n) for n in names), (name, names)
    assert components["TicketPriorityEnum"]["x-enum-varnames"] == ["LOW", "NORMAL", "HIGH", "URGENT"]
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            for parameter in operation.get("parameters", []):
                inner = parameter["schema"].get("items", parameter["schema"])
                assert "enum" not in inner, (method, path, parameter["name"])  # a $ref to the one enum
            assert not operation["operationId"].startswith("v1_"), operation["operationId"]
            assert "v1" not in operation["tags"], operation["operationId"]


def test_nullable_references_are_one_of_the_object_or_null(schema):
    settings = schema["components"]["schemas"]["Verdict"]["properties"]["settings"]
    assert settings["oneOf"] == [
        {"$ref": "#/components/schemas/ServerSettings"},
        {"$ref": "#/components/schemas/NullEnum"},
    ]
    assert errors(schema, settings, None) == []
    assert errors(schema, {"$ref": "#/components/schemas/Verdict"}, {"settings": None}) != []  # other fields missing


def test_creating_posts_document_the_idempotency_key_with_its_length(schema):
    for path, item in schema["paths"].items():
        post = item.get("post")
        if post is None or path.endswith(("/verdict/", "/diagnose/")):  # they compute, create nothing
            continue
        (key,) = [p for p in post["parameters"] if p["name"] == "Idempotency-Key"]
        assert (key["schema"]["minLength"], key["schema"]["maxLength"]) == (1, 255)
        assert "Idempotent-Replayed" in post["responses"]["201"]["headers"]


def test_the_dynamic_ranges_are_public_with_their_conditional_headers(schema):
    operation = schema["paths"]["/api/v1/network/dynamic-ranges/"]["get"]
    assert operation["security"] == []
    assert {p["name"] for p in operation["parameters"]} >= {"If-None-Match", "If-Modified-Since"}
    for code in ("200", "304"):
        assert {"ETag", "Last-Modified"} <= set(operation["responses"][code]["headers"])


VERDICT_BODY = {"ip_type": "dynamic", "sending_via": "other_provider", "port": 25, "provider_submission": "unknown"}


def test_each_optional_verdict_field_the_api_takes_as_null_is_nullable_in_the_schema(schema, api):
    """schemathesis's coverage phase found `mail_client: null` accepted while the schema said a string."""
    body_schema = schema["components"]["schemas"]["VerdictInputRequest"]
    optional = sorted(set(body_schema["properties"]) - set(body_schema.get("required", [])))
    assert "mail_client" in optional
    for name in optional:
        answered = api.post("/api/v1/op25b/verdict/", {**VERDICT_BODY, name: None}, format="json").status_code
        field = body_schema["properties"][name]
        nullable = field.get("nullable", False) or {"$ref": "#/components/schemas/NullEnum"} in field.get("oneOf", [])
        assert (answered == 200) == nullable, (name, answered, field)
