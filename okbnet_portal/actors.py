"""Who made a change: a staff or member user, an API client (`api:<name>`), or the system.

Every service that writes history takes `by` and stores `actor_name(by)` plus the user, if any,
so the call-center API, the staff pages and the workers all record the same way.
"""

from typing import Any

SYSTEM = "system"

Actor = Any  # a User, an okbnet_portal.api.authentication.APIClient, a plain name, or None (the system)


def actor_name(by: Actor) -> str:
    if by is None:
        return SYSTEM
    if isinstance(by, str):
        return by
    username = getattr(by, "get_username", None)
    if callable(username) and getattr(by, "pk", None) is not None and not str(by).startswith("api:"):
        return username()
    return str(by)


def actor_user(by: Actor):
    """The User behind `by`, when it is one (API clients and the system have none)."""
    from django.contrib.auth import get_user_model

    return by if isinstance(by, get_user_model()) else None
