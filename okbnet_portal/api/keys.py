"""The API clients' keys (djangorestframework-api-key): hashed, revocable, expiring. The model
belongs to the accounts app (its table and migrations are there); it lives here, in the API layer,
with its admin, because it is built on the API library."""

from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework_api_key.admin import APIKeyModelAdmin
from rest_framework_api_key.models import AbstractAPIKey


class ClientAPIKey(AbstractAPIKey):
    """A hashed, revocable, expiring key of a client of the API (the call-center tool)."""

    class Scope(models.TextChoices):
        READ = "read", _("read")
        WRITE = "write", _("write")

    scopes = models.JSONField(_("scopes"), default=list, blank=True)

    class Meta(AbstractAPIKey.Meta):
        app_label = "accounts"
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")


class ClientAPIKeyAdmin(APIKeyModelAdmin):
    list_display = (*APIKeyModelAdmin.list_display, "scopes")


def register_admin(site: admin.AdminSite) -> None:
    site.register(ClientAPIKey, ClientAPIKeyAdmin)
