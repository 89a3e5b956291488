from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework_api_key.permissions import KeyParser

from accounts.models import ClientAPIKey


class APIClient:
    """The principal of a request made with an API key (`request.user` in DRF views).

    Writes record `str(client)` as who made them.
    """

    is_authenticated = True
    is_anonymous = False
    is_staff = False
    is_active = True

    def __init__(self, key: ClientAPIKey):
        self.key = key
        self.pk = f"api-key:{key.pk}"
        self.name = key.name
        self.scopes = frozenset(key.scopes or ())

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes

    def __str__(self) -> str:
        return f"api:{self.name}"


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """`Authorization: Api-Key <key>`; keys are stored hashed (djangorestframework-api-key)."""

    keyword = "Api-Key"
    parser = KeyParser()

    def authenticate(self, request):
        raw = self.parser.get_from_authorization(request)
        if raw is None:
            return None
        try:
            key = ClientAPIKey.objects.get_from_key(raw)
        except ClientAPIKey.DoesNotExist:
            raise exceptions.AuthenticationFailed("Invalid or revoked API key.") from None
        if key.has_expired:
            raise exceptions.AuthenticationFailed("This API key has expired.")
        return APIClient(key), key

    def authenticate_header(self, request) -> str:
        return self.keyword


class ApiKeyAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = ApiKeyAuthentication
    name = "ApiKeyAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Api-Key <key>`: create one with `python manage.py create_api_key <client-name>`.",
        }
