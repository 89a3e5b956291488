"""`Idempotency-Key` for POSTs that create (IETF draft-ietf-httpapi-idempotency-key-header).

A retried create with the same key and body returns the stored first response instead of
creating again; the same key with another body is a 422. The record is inserted in the same
transaction as the create: a concurrent duplicate blocks on the unique (principal, key) index
until the first commits, then replays it; if the first fails, nothing is stored and a retry runs
afresh. Error responses raised as exceptions (400, 409...) are not stored.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re

from django.db import IntegrityError, transaction
from django.utils.translation import gettext, gettext_lazy
from rest_framework import exceptions, status
from rest_framework.response import Response

from accounts.models import IdempotencyRecord

from .authentication import principal_id

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255
# Printable ASCII with at least one visible character (what the schema documents, checked as is).
KEY_PATTERN = r"^[ -~]*[!-~][ -~]*$"
_KEY = re.compile(KEY_PATTERN)


class IdempotencyKeyReused(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = gettext_lazy("This Idempotency-Key was used with a different request.")
    default_code = "idempotency_key_reused"


def fingerprint(request) -> str:
    body = json.dumps(request.data, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{request.method} {request.path}\n{body}".encode()).hexdigest()


def idempotent(handler):
    """Decorate a DRF view's `post(self, request, ...)`."""

    @functools.wraps(handler)
    def wrapper(view, request, *args, **kwargs):
        key = request.headers.get(HEADER)
        if key is None:
            return handler(view, request, *args, **kwargs)
        if len(key) > MAX_KEY_LENGTH or not _KEY.fullmatch(key):
            raise exceptions.ValidationError(
                {HEADER: [gettext("Send 1 to %(max)d printable ASCII characters.") % {"max": MAX_KEY_LENGTH}]}
            )
        key = key.strip()
        principal = principal_id(request.user)
        print_ = fingerprint(request)
        with transaction.atomic():
            try:
                with transaction.atomic():
                    record = IdempotencyRecord.objects.create(
                        principal=principal, key=key, fingerprint=print_, status_code=0
                    )
            except IntegrityError:
                record = None
            if record is None:
                first = IdempotencyRecord.objects.get(principal=principal, key=key)
                if first.fingerprint != print_:
                    raise IdempotencyKeyReused()
                return Response(first.response_body, status=first.status_code, headers={"Idempotent-Replayed": "true"})
            response = handler(view, request, *args, **kwargs)
            if response.status_code >= 500:
                transaction.set_rollback(True)
                return response
            record.status_code = response.status_code
            record.response_body = response.data
            record.save(update_fields=["status_code", "response_body"])
            return response

    return wrapper
