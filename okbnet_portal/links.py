"""Links to the portal from outside a request (e-mails sent by a worker): OKBNET_PORTAL_URL."""

from django.conf import settings
from django.urls import reverse


def absolute_url(name: str, **kwargs) -> str:
    return settings.OKBNET_PORTAL_URL.rstrip("/") + reverse(name, kwargs=kwargs or None)
