"""One error shape for the whole API: {"detail": ...} or {"field": ["message"]}."""

from django.http import JsonResponse
from django.utils.translation import gettext
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.views import exception_handler as drf_exception_handler

from mailsettings.op25b import InvalidInputs


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the current state."
    default_code = "conflict"


def exception_handler(exc, context):
    if isinstance(exc, InvalidInputs):
        exc = exceptions.ValidationError(exc.errors)
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(response.data, list):
        # `ValidationError("message")`: the `Detail` shape, one string.
        response.data = {"detail": " ".join(str(m) for m in response.data)}
    return response


def bad_request(request, exception=None):
    """handler400: JSON under /api/ (e.g. a body over DATA_UPLOAD_MAX_MEMORY_SIZE), Django's page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": gettext("The request could not be read.")}, status=400)
    return defaults.bad_request(request, exception)


def not_found(request, exception=None):
    """handler404: JSON under /api/ (URLs that match no route), Django's page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": gettext("Not found.")}, status=404)
    return defaults.page_not_found(request, exception)
