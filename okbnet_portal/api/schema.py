"""Shared OpenAPI pieces: the error shapes of DESIGN §6 with examples, for `extend_schema`."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What went wrong, for a person to read.")


_DETAIL_EXAMPLES = {
    400: ("Malformed body", "JSON parse error - Expecting value: line 1 column 1 (char 0)"),
    401: ("No or a bad key", "Authentication credentials were not provided."),
    403: ("Missing scope", "You do not have permission to perform this action."),
    404: ("Not found", "Not found."),
    409: ("State conflict", "The member already has an open plan-change request."),
    422: ("Idempotency-Key reused", "This Idempotency-Key was used with a different request."),
    429: ("Rate limit", "Request was throttled. Expected available in 12 seconds."),
}

_DESCRIPTIONS = {
    400: 'Bad input: field errors `{"field": ["message"]}`, or `{"detail": "..."}` for a malformed body.',
    401: "No API key, or an invalid, revoked or expired one.",
    403: "The key lacks the scope this operation needs (read or write), or the session is not staff.",
    404: "No such object (or page).",
    409: "The request conflicts with the current state.",
    422: "The Idempotency-Key was already used with a different request body.",
    429: "Too many requests from this client; retry after the `Retry-After` header's seconds.",
}


def error_responses(*codes: int) -> dict[int, OpenApiResponse]:
    """OpenAPI responses for the given error status codes, each with its description and an example."""
    responses = {}
    for code in codes:
        name, detail = _DETAIL_EXAMPLES[code]
        examples = [OpenApiExample(name, value={"detail": detail}, response_only=True, status_codes=[str(code)])]
        if code == 400:
            examples.append(
                OpenApiExample(
                    "Field errors",
                    value={"status": ["Select a valid choice. x is not one of the available choices."]},
                    response_only=True,
                    status_codes=["400"],
                )
            )
            responses[code] = OpenApiResponse(OpenApiTypes.OBJECT, description=_DESCRIPTIONS[code], examples=examples)
        else:
            responses[code] = OpenApiResponse(ErrorSerializer, description=_DESCRIPTIONS[code], examples=examples)
    return responses


READ_ERRORS = (401, 403, 429)
WRITE_ERRORS = (400, 401, 403, 429)

IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description=(
        "A unique value per intended create (e.g. a UUID). A retry with the same key and body returns the "
        "first response (with `Idempotent-Replayed: true`) instead of creating a second object; the same key "
        "with a different body is a 422."
    ),
)
