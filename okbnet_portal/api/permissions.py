from rest_framework import permissions

from .authentication import APIClient


class HasClientKeyOrStaff(permissions.BasePermission):
    """Deny by default: an API client with the scope the view needs, or a staff session.

    A view declares `required_scopes = {"GET": "read", "POST": "write", ...}` when the
    default (read for safe methods, write otherwise) is wrong for it.
    """

    def has_permission(self, request, view) -> bool:
        user = request.user
        if isinstance(user, APIClient):
            return user.has_scope(required_scope(request, view))
        return bool(user and user.is_authenticated and user.is_active and user.is_staff)


def required_scope(request, view) -> str:
    scopes = getattr(view, "required_scopes", {})
    if request.method in scopes:
        return scopes[request.method]
    return "read" if request.method in permissions.SAFE_METHODS else "write"
