"""E-mails as subject/text/HTML template triples, sent by a worker (never inside a request).

`email_send(template="accounts/emails/password_reset", to=[...], context={...})` renders
`<template>_subject.txt`, `<template>.txt` and `<template>.html` in the given language.
Call `email_queue(...)` from services (it queues after commit); the worker calls `email_send`.
"""

from typing import Any

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from okbnet_portal.enqueue import enqueue_on_commit


def email_send(*, template: str, to: list[str], context: dict[str, Any], language: str = "ja") -> None:
    with translation.override(language):
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        text = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, to)
    message.attach_alternative(html, "text/html")
    message.send()


@shared_task(
    name="okbnet_portal.send_email",
    autoretry_for=(OSError,),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=8,
    soft_time_limit=30,
    time_limit=60,
)
def send_email_task(template: str, to: list[str], context: dict[str, Any], language: str = "ja") -> None:
    email_send(template=template, to=to, context=context, language=language)


def email_queue(*, template: str, to: list[str], context: dict[str, Any], language: str = "ja") -> None:
    """Queue an e-mail for the worker once the current transaction commits. `context` must be JSON."""
    enqueue_on_commit(send_email_task, template, to, context, language)
