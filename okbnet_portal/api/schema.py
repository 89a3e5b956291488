"""Shared OpenAPI pieces: the one error shape of DESIGN §6 (a `Detail` and a `FieldErrors` component,
used by every operation), the request and response headers, and the post-processing hook that
gives enums names a generated client can use."""

from __future__ import annotations

import re
from typing import Any

from django.db import models
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse

from .idempotency import HEADER as IDEMPOTENCY_HEADER
from .idempotency import KEY_PATTERN, MAX_KEY_LENGTH

DETAIL_REF = {"$ref": "#/components/schemas/Detail"}
FIELD_ERRORS_REF = {"$ref": "#/components/schemas/FieldErrors"}

COMPONENTS: dict[str, dict[str, Any]] = {
    "Detail": {
        "type": "object",
        "description": "An error that is not about one field, for a person to read (in the request's language).",
        "properties": {"detail": {"type": "string", "description": "What went wrong."}},
        "required": ["detail"],
    },
    "FieldErrors": {
        "type": "object",
        "description": "Field errors: each input field (or header, or `non_field_errors`) with its messages, "
        "in the request's language.",
        "additionalProperties": {"type": "array", "items": {"type": "string"}},
    },
}

_DETAIL_EXAMPLES = {
    400: ("Malformed body", "JSON parse error - Expecting value: line 1 column 1 (char 0)"),
    401: ("No or a bad key", "Authentication credentials were not provided."),
    403: ("Missing scope", "You do not have permission to perform this action."),
    404: ("Not found", "Not found."),
    409: ("State conflict", "This member already has an open plan-change request."),
    422: ("Idempotency-Key reused", "This Idempotency-Key was used with a different request."),
    429: ("Rate limit", "Request was throttled. Expected available in 12 seconds."),
}

_DESCRIPTIONS = {
    400: 'Bad input: field errors `{"field": ["message"]}` (`FieldErrors`), or `{"detail": "..."}` (`Detail`) '
    "for a malformed or too deeply nested body.",
    401: "No API key, or an invalid, revoked or expired one.",
    403: "The key lacks the scope this operation needs (read or write), or the session is not staff.",
    404: "No such object (or page).",
    409: "The request conflicts with the current state.",
    413: "The body is larger than the API accepts.",
    422: "The Idempotency-Key was already used with a different request body.",
    429: "Too many requests from this client; retry after the `Retry-After` header's seconds.",
}


def error_responses(*codes: int) -> dict[int, OpenApiResponse]:
    """OpenAPI responses for the given error status codes, each with its description and an example."""
    responses = {}
    for code in codes:
        name, detail = _DETAIL_EXAMPLES[code]
        examples = [OpenApiExample(name, value={"detail": detail}, response_only=True, status_codes=[str(code)])]
        schema: dict[str, Any] = DETAIL_REF
        if code == 400:
            examples.append(
                OpenApiExample(
                    "Field errors",
                    value={"status": ["Select a valid choice. x is not one of the available choices."]},
                    response_only=True,
                    status_codes=["400"],
                )
            )
            schema = {"oneOf": [DETAIL_REF, FIELD_ERRORS_REF]}
        responses[code] = OpenApiResponse(schema, description=_DESCRIPTIONS[code], examples=examples)
    return responses


READ_ERRORS = (401, 403, 429)
WRITE_ERRORS = (400, 401, 403, 429)
LIST_ERRORS = (400, 401, 403, 404, 429)  # 400: a bad filter or page; 404: a page past the last
RETRIEVE_ERRORS = (401, 403, 404, 429)
CREATE_ERRORS = (400, 401, 403, 422, 429)  # 422: an Idempotency-Key reused with another body

IDEMPOTENCY_KEY = OpenApiParameter(
    IDEMPOTENCY_HEADER,
    {"type": "string", "minLength": 1, "maxLength": MAX_KEY_LENGTH, "pattern": KEY_PATTERN},
    OpenApiParameter.HEADER,
    required=False,
    description=(
        f"A unique value per intended create (e.g. a UUID): 1 to {MAX_KEY_LENGTH} printable ASCII characters. "
        "A retry with the same key and body returns the first response (with `Idempotent-Replayed: true`) "
        "instead of creating a second object; the same key with a different body is a 422."
    ),
)

# --- Headers every response (or some) carries, documented by the hook below ----------------

_HEADERS = {
    "Content-Language": {
        "description": "The language of the messages in the body (`ja` or `en`, from `Accept-Language`).",
        "schema": {"type": "string", "enum": ["ja", "en"]},
    },
    "Retry-After": {
        "description": "Seconds to wait before the next request.",
        "schema": {"type": "integer", "minimum": 0},
    },
    "Idempotent-Replayed": {
        "description": "`true` when this is the stored first response to a retried `Idempotency-Key`.",
        "schema": {"type": "string", "enum": ["true"]},
    },
}


# --- Enum names ------------------------------------------------------------------------------


def _choices_names() -> dict[tuple, list[str]]:
    """Every Choices class of the project: its values (in order) → its member names."""
    found: dict[tuple, list[str]] = {}
    stack = list(models.Choices.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        members = list(cls)
        if members:
            found.setdefault(tuple(m.value for m in members), [m.name for m in members])
    return found


def _var_name(value: Any, prefix: str) -> str:
    """A name for an enum value no Choices class names: `-created` → CREATED_DESC, 587 → PORT_587."""
    text = str(value)
    descending = text.startswith("-")
    name = re.sub(r"\W+", "_", text.lstrip("-")).strip("_").upper() or "BLANK"
    if name[0].isdigit():
        name = f"{prefix}_{name}"
    return f"{name}_DESC" if descending else name


def _prefix(component: str) -> str:
    words = re.findall(r"[A-Z][a-z]*", component.removesuffix("Enum")) or ["VALUE"]
    return words[-1].upper()


def _name_enum(schema: dict[str, Any], component: str, known: dict[tuple, list[str]]) -> None:
    values = [v for v in schema["enum"] if v is not None]
    if not values or "x-enum-varnames" in schema:
        return
    names = known.get(tuple(values)) or known.get(tuple(sorted(values)))
    if names is None:
        # The same values in another order (a query parameter's sorted copy)?
        for key, candidate in known.items():
            if sorted(map(str, key)) == sorted(map(str, values)) and len(key) == len(values):
                by_value = dict(zip(key, candidate, strict=True))
                names = [by_value[v] for v in values]
                break
    if names is None:
        names = [_var_name(v, _prefix(component)) for v in values]
    schema["x-enum-varnames"] = names


def _walk(node: Any):
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


NO_NUL = "^[^\\u0000]*$"
# Not blank once trimmed, as DRF's CharField trims (Python's str.strip(), which also strips
# U+001C–U+001F and U+0085, unlike a JSON Schema regex's \s): a visible character somewhere.
NOT_BLANK = "^[^\\u0000]*[^\\s\\u0000\\u001c-\\u001f\\u0085][^\\u0000]*$"


def _no_nul(schema: dict[str, Any]) -> None:
    if schema.get("type") == "string" and not {"pattern", "format", "enum", "$ref"} & set(schema):
        schema["pattern"] = NOT_BLANK if schema.get("minLength", 0) >= 1 else NO_NUL


def _pascal(text: str) -> str:
    return "".join(part.capitalize() for part in re.split(r"[^A-Za-z0-9]+", text) if part)


def postprocess(result: dict[str, Any], generator, request, public) -> dict[str, Any]:
    """After drf-spectacular's enum hook:
    - the `Detail` and `FieldErrors` components;
    - query-parameter enums refer to the one component of their concept (a new one when none exists);
    - every nullable reference (`allOf` + `nullable`) becomes `oneOf: [X, NullEnum]`, which strict
      OpenAPI 3.0 validators accept with null (the pattern of `failure_reason`);
    - every enum gets `x-enum-varnames` (from its Choices class, else derived from its values);
    - free-text inputs and query parameters carry a pattern without NUL (which every text field refuses);
    - `security: []` on public operations;
    - `Content-Language` on every response, `Retry-After` on every 429, `Idempotent-Replayed` on the
      201 of every operation that takes an `Idempotency-Key`.
    """
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.update(COMPONENTS)
    schemas.setdefault("NullEnum", {"enum": [None]})

    by_values = {frozenset(map(str, s["enum"])): name for name, s in schemas.items() if s.get("enum")}
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            for parameter in operation.get("parameters", []):
                holder = parameter["schema"]
                if holder.get("type") == "array":
                    holder = holder["items"]
                if "enum" not in holder or "$ref" in holder:
                    continue
                values = frozenset(map(str, holder["enum"]))
                name = by_values.get(values)
                if name is None:
                    name = f"{_pascal(operation['operationId'].split('_')[0])}{_pascal(parameter['name'])}Enum"
                    schemas[name] = {"type": holder.get("type", "string"), "enum": holder["enum"]}
                    by_values[values] = name
                for key in ("type", "enum", "description"):
                    holder.pop(key, None)
                holder["$ref"] = f"#/components/schemas/{name}"

    null = {"$ref": "#/components/schemas/NullEnum"}
    for node in list(_walk(schemas)):
        if not node.get("nullable") or "type" in node:
            continue
        if len(node.get("allOf", ())) == 1:
            node["oneOf"] = [node.pop("allOf")[0], null]
            node.pop("nullable")
        elif "oneOf" in node:
            if null not in node["oneOf"]:
                node["oneOf"].append(null)
            node.pop("nullable")

    # Text never holds NUL (DRF's and Django's fields refuse it): say so on every free-text input.
    for name, schema in schemas.items():
        if name.endswith("Request"):
            for prop in schema.get("properties", {}).values():
                _no_nul(prop)
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "query":
                    _no_nul(parameter["schema"])

    known = _choices_names()
    for name, schema in schemas.items():
        if schema.get("enum"):
            _name_enum(schema, name, known)

    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            operation.setdefault("security", [])  # a public operation says so (no inherited default)
            idempotent = any(p["name"] == IDEMPOTENCY_HEADER for p in operation.get("parameters", []))
            for code, response in operation.get("responses", {}).items():
                headers = response.setdefault("headers", {})
                headers.setdefault("Content-Language", _HEADERS["Content-Language"])
                if code == "429":
                    headers.setdefault("Retry-After", _HEADERS["Retry-After"])
                if code == "201" and idempotent:
                    headers.setdefault("Idempotent-Replayed", _HEADERS["Idempotent-Replayed"])
    return result


def header(name: str, description: str, kind=OpenApiTypes.STR, **options) -> OpenApiParameter:
    return OpenApiParameter(name, kind, OpenApiParameter.HEADER, description=description, **options)
