"""The domain's own errors: what services raise when they refuse (Styleguide-Example
`core/exceptions.py`). They know nothing of HTTP or DRF; the API's one exception handler
(`okbnet_portal.api.errors`) maps them to the JSON error shape, and HTML views put them on a form
or a message with the helpers below. Every message is safe to show to a person."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django import forms

# The key of messages that belong to no field: the API's `{"detail": ...}`, a form's non-field errors.
NON_FIELD = "detail"


class ApplicationError(Exception):
    """A refusal of the domain (API: 400 `{"detail": message}`)."""

    default_message = _("The request could not be carried out.")

    def __init__(self, message: str | None = None):
        self.message = message if message is not None else self.default_message
        super().__init__(self.message)

    @property
    def errors(self) -> dict[str, list[str]]:
        """As field errors: `{"field": ["message", ...]}`; NON_FIELD for the message of the whole."""
        return {NON_FIELD: [self.message]}


class Conflict(ApplicationError):
    """The current state does not allow it: a second open request, a forbidden transition (API: 409)."""

    default_message = _("The request conflicts with the current state.")


class NotFound(ApplicationError):
    """The object does not exist, or not for this person (API: 404)."""

    default_message = _("Not found.")


class InvalidInput(ApplicationError):
    """Bad input, as field errors `{"field": ["message", ...]}` (API: 400 with that dict)."""

    default_message = _("Check the values entered.")

    def __init__(self, errors: dict[str, list[str]], message: str | None = None):
        super().__init__(message)
        self.field_errors = {name: list(messages) for name, messages in errors.items()}

    @property
    def errors(self) -> dict[str, list[str]]:
        return self.field_errors


def error_messages(exc: ApplicationError) -> list[str]:
    """Every message of a service error, as text in the current language."""
    return [str(m) for messages in exc.errors.values() for m in messages]


def form_add_error(form: forms.Form, exc: ApplicationError) -> None:
    """Put a service error on a form: on its field when the form has it, else above the form."""
    for name, messages in exc.errors.items():
        form.add_error(name if name in form.fields else None, [str(m) for m in messages])
