"""One reading of a typed log-in name, shared by the log-in backend and django-axes.

The backend matches e-mail addresses case-insensitively, and a Japanese keyboard easily types
full-width letters (ｂ＠ｅｘａｍｐｌｅ．ｊｐ) or a trailing space. If axes counted failures per name as
typed, each variant would get its own five tries. So both read the name the same way (Unicode
NFKC, surrounding space removed) and axes counts under the one identity the backend resolves:
the log-in user's own user name when the name belongs to exactly one user, else the name
case-folded.
"""

import contextlib
import unicodedata

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

_CACHE_ATTR = "_okbnet_login_identities"


def normalise_login(name: str) -> str:
    """Full-width letters and digits to ASCII, ideographic spaces to spaces, then stripped."""
    return unicodedata.normalize("NFKC", name or "").strip()


def _old_username_still_valid(login: str) -> Exists:
    """The connection user name a completed fixed-IP change replaced, until its end date (the
    new plan's first day): the member is not locked out right after the change."""
    from .models import PlanChangeRequest

    return Exists(
        PlanChangeRequest.objects.filter(
            member__user=OuterRef("pk"),
            status=PlanChangeRequest.Status.COMPLETED,
            old_connection_username=login,
            effective_date__gt=timezone.localdate(),
        )
    )


def users_for_login(name: str) -> QuerySet:
    """Users a typed name may log in as: staff user name, member number, connection user name
    (case-sensitive, as RADIUS has it; the old one of a fixed-IP change until its end date), the
    contact e-mail or the OKBNET mail address (case-insensitive)."""
    login = normalise_login(name)
    User = get_user_model()
    return User.objects.filter(
        Q(username=login)
        | Q(member__member_number__iexact=login)
        | Q(member__connection_username=login)
        | Q(member__email__iexact=login)
        | Q(member__mail_address__iexact=login)
        | Q(_old_username_still_valid(login))
    ).distinct()


def login_identity(name: str) -> str:
    login = normalise_login(name)
    if not login:
        return ""
    users = list(users_for_login(login).values_list("username", flat=True)[:2])
    if len(users) == 1:
        return users[0]
    return login.casefold()


def axes_username(request, credentials: dict | None = None) -> str:
    """AXES_USERNAME_CALLABLE: the identity failures and lock-outs are counted under."""
    from django.conf import settings

    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials and credentials.get(field) is not None:
        raw = credentials.get(field)
    else:
        data = getattr(request, "data", None) or getattr(request, "POST", {})
        raw = data.get(field) or ""
    cache = getattr(request, _CACHE_ATTR, None)
    if cache is None:
        cache = {}
        with contextlib.suppress(AttributeError):  # not a request (axes passes what it has)
            setattr(request, _CACHE_ATTR, cache)
    if raw not in cache:
        cache[raw] = login_identity(str(raw))
    return cache[raw]
