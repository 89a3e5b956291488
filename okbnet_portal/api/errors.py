"""One error shape for the whole API: {"detail": ...} or {"field": ["message"]}.

The one place where the domain's errors (`okbnet_portal.errors`) and Django's become HTTP:
Conflict → 409, NotFound → 404, InvalidInput → 400 with its field errors, any other
ApplicationError → 400 with its message; Django's ValidationError → 400 like DRF's own."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import JsonResponse
from django.utils.translation import gettext
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.views import exception_handler as drf_exception_handler

from okbnet_portal import errors


class ConflictError(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the current state."
    default_code = "conflict"


def _as_api_exception(exc: Exception) -> Exception:
    if isinstance(exc, errors.InvalidInput):
        return exceptions.ValidationError(exc.errors)
    if isinstance(exc, errors.Conflict):
        return ConflictError(exc.message)
    if isinstance(exc, errors.NotFound):
        return exceptions.NotFound(exc.message)
    if isinstance(exc, errors.ApplicationError):
        return exceptions.ValidationError({errors.NON_FIELD: [exc.message]})
    if isinstance(exc, DjangoValidationError):
        return exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    return exc


def exception_handler(exc, context):
    response = drf_exception_handler(_as_api_exception(exc), context)
    if response is not None and isinstance(response.data, list):
        response.data = {"detail": response.data}
    return response


def not_found(request, exception=None):
    """handler404: JSON under /api/ (URLs that match no route), Django's page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": gettext("Not found.")}, status=404)
    return defaults.page_not_found(request, exception)
