"""Writes on members and their log-in: activation codes and first-time activation."""

import secrets

from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.password_validation import validate_password
from django.core.cache import cache
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from .models import Member, User

# No 0/O/1/I/L: the code is typed from paper.
ACTIVATION_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
ACTIVATION_CODE_LENGTH = 10
ACTIVATION_MAX_FAILURES = 5
ACTIVATION_LOCK_SECONDS = 15 * 60


class ActivationError(Exception):
    """The activation was refused; the message is safe to show (it never says which part was wrong)."""


def member_issue_activation_code(*, member: Member) -> str:
    """A new activation code for the contract document. Only its hash is stored."""
    code = "".join(secrets.choice(ACTIVATION_ALPHABET) for _ in range(ACTIVATION_CODE_LENGTH))
    member.activation_code_hash = make_password(code)
    member.save(update_fields=["activation_code_hash", "updated_at"])
    return code


def _normalise_code(code: str) -> str:
    return "".join(code.split()).replace("-", "").upper()


def _failures_key(member_number: str) -> str:
    return f"activation-failures:{member_number.strip().upper()}"


def member_activate(*, member_number: str, connection_username: str, activation_code: str, password: str) -> User:
    """First log-in of a member who has only the contract document: check the three values
    printed on it, then set the chosen password on the member's log-in user (created if needed).
    The code works once. Repeated failures for one member number are refused for a while."""
    key = _failures_key(member_number)
    if cache.get(key, 0) >= ACTIVATION_MAX_FAILURES:
        raise ActivationError(_("Too many attempts. Try again in 15 minutes or call the support center."))
    with transaction.atomic():
        member = (
            Member.objects.select_for_update()
            .filter(member_number=member_number.strip().upper(), connection_username=connection_username.strip())
            .exclude(activation_code_hash="")
            .first()
        )
        if member is None or not check_password(_normalise_code(activation_code), member.activation_code_hash):
            if member is None:
                make_password(activation_code)  # same work either way: no timing hint
            cache.add(key, 0, ACTIVATION_LOCK_SECONDS)
            try:
                cache.incr(key)
            except ValueError:
                cache.set(key, 1, ACTIVATION_LOCK_SECONDS)
            raise ActivationError(
                _("These details do not match our records, or the code was already used. Check the contract document.")
            )
        user = member.user or User(username=f"member-{member.member_number}")
        validate_password(password, user)
        user.set_password(password)
        user.is_active = True
        user.save()
        member.user = user
        member.activation_code_hash = ""
        member.save(update_fields=["user", "activation_code_hash", "updated_at"])
    cache.delete(key)
    return user
