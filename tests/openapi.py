"""Validate JSON against the API's own OpenAPI 3.0 schema, as a strict client would.

OpenAPI 3.0 strict validation (openapi-schema-validator's OAS30StrictValidator: `nullable` only
where declared, no type coercion) with format checks: date-time (RFC 3339), date, e-mail, IPv4/IPv6,
and `uri` for the pagination links.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from jsonschema import FormatChecker
from openapi_schema_validator import OAS30StrictValidator, oas30_format_checker


def _format_checker() -> FormatChecker:
    checker = FormatChecker()
    checker.checkers = dict(oas30_format_checker.checkers)

    @checker.checks("uri")
    def is_uri(value: object) -> bool:
        if not isinstance(value, str):
            return True
        parts = urlsplit(value)
        return bool(parts.scheme and parts.netloc) and not re.search(r"\s", value)

    assert {"date-time", "date", "email", "ipv4", "ipv6", "uri"} <= set(checker.checkers)
    return checker


FORMATS = _format_checker()


def validator(spec: dict[str, Any], schema: dict[str, Any]) -> OAS30StrictValidator:
    """A validator for `schema`, resolving `#/components/...` references in `spec`."""
    return OAS30StrictValidator({**schema, "components": spec["components"]}, format_checker=FORMATS)


def errors(spec: dict[str, Any], schema: dict[str, Any], instance: Any) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator(spec, schema).iter_errors(instance)
    ]


def operation_for(spec: dict[str, Any], method: str, path: str) -> tuple[str, dict[str, Any]]:
    """The operation of the schema that a request's method and path go to."""
    for template, item in spec["paths"].items():
        pattern = "^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$"
        if re.match(pattern, path) and method.lower() in item:
            operation = item[method.lower()]
            return operation["operationId"], operation
    raise AssertionError(f"{method} {path} is not in the schema")


def response_errors(spec: dict[str, Any], method: str, path: str, status: int, body: Any) -> list[str]:
    """Why a response does not match its operation's schema ([] when it does)."""
    name, operation = operation_for(spec, method, path)
    response = operation["responses"].get(str(status))
    if response is None:
        return [f"{name}: status {status} is not documented"]
    content = response.get("content")
    if content is None:
        return [] if body in (None, b"", "") else [f"{name} {status}: a body where none is documented"]
    return [f"{name} {status} {e}" for e in errors(spec, content["application/json"]["schema"], body)]
