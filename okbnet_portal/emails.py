"""E-mails as subject/text/HTML template triples, sent by a worker (never inside a request).

`email_send(template="accounts/emails/password_reset", to=[...], context={...})` renders
`<template>_subject.txt`, `<template>.txt` and `<template>.html` in the given language.
Call `email_queue(...)` from services (it queues after commit); the worker calls `email_send`.
Code that already runs in a worker calls `email_send_after_commit(...)`: it sends at once after
commit, without a second trip through the broker, and queues the task (with its retries) only
when that first attempt fails.
"""

import logging
from typing import Any

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
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


logger = logging.getLogger("okbnet.emails")


def email_send_after_commit(*, template: str, to: list[str], context: dict[str, Any], language: str = "ja") -> None:
    """In a worker: send once the current transaction commits; on a failure to reach the mail
    server, queue `send_email_task`, which retries with backoff. Never call it in a web request."""

    def send() -> None:
        try:
            email_send(template=template, to=to, context=context, language=language)
        except OSError:
            logger.warning("sending %s to %s failed; queued for retries", template, to, exc_info=True)
            enqueue_on_commit(send_email_task, template, to, context, language)

    transaction.on_commit(send)
