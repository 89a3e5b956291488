import hashlib
import time
from dataclasses import dataclass
from datetime import datetime

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework_api_key.permissions import KeyParser

from accounts.models import ClientAPIKey

# How long a process trusts a key it has verified before asking the database again. Saving or
# deleting a key (revocation in the admin) forgets it at once in the process that saved it; other
# processes notice within this many seconds.
KEY_CACHE_SECONDS = 5.0


@dataclass(frozen=True)
class _VerifiedKey:
    pk: int
    name: str
    scopes: frozenset[str]
    expiry_date: datetime | None
    checked_at: float


_verified: dict[str, _VerifiedKey] = {}


class APIClient:
    """The principal of a request made with an API key (`request.user` in DRF views).

    Writes record `str(client)` as who made them.
    """

    is_authenticated = True
    is_anonymous = False
    is_staff = False
    is_active = True

    def __init__(self, key: _VerifiedKey):
        self.key_id = key.pk
        self.pk = f"api-key:{key.pk}"
        self.name = key.name
        self.scopes = key.scopes

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes

    def __str__(self) -> str:
        return f"api:{self.name}"


def _verify(raw: str) -> _VerifiedKey | None:
    digest = hashlib.sha512(raw.encode()).hexdigest()
    cached = _verified.get(digest)
    now = time.monotonic()
    if cached is not None and now - cached.checked_at < KEY_CACHE_SECONDS:
        return cached
    try:
        key = ClientAPIKey.objects.get_from_key(raw)  # not revoked, hash verified
    except ClientAPIKey.DoesNotExist:
        _verified.pop(digest, None)
        return None
    verified = _VerifiedKey(key.pk, key.name, frozenset(key.scopes or ()), key.expiry_date, now)
    _verified[digest] = verified
    return verified


@receiver([post_save, post_delete], sender=ClientAPIKey)
def _forget_keys(**kwargs) -> None:
    _verified.clear()


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """`Authorization: Api-Key <key>`; keys are stored hashed (djangorestframework-api-key)."""

    keyword = "Api-Key"
    parser = KeyParser()

    def authenticate(self, request):
        raw = self.parser.get_from_authorization(request)
        if raw is None:
            return None
        key = _verify(raw)
        if key is None:
            raise exceptions.AuthenticationFailed(_("Invalid or revoked API key."))
        if key.expiry_date is not None and key.expiry_date < timezone.now():
            raise exceptions.AuthenticationFailed(_("This API key has expired."))
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


def principal_id(user) -> str:
    """A stable id of who made a request: "api-key:<id>" for a client, "user:<id>" for staff."""
    if isinstance(user, APIClient):
        return user.pk
    return f"user:{user.pk}"
