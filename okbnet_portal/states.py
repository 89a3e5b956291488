"""The one state-machine helper. Every status with rules keeps its transition map beside its
choices, as `TRANSITIONS = {from_status: {to_status, ...}}` on the model (Ticket, DnsCheck,
PlanChangeRequest; EnforcementAction maps each action to the member statuses it applies to).
Services change a status only through `transition()`, inside `transaction.atomic()` on a row they
locked with `select_for_update()` (or claimed with a conditional UPDATE), then save it."""

from __future__ import annotations

from collections.abc import Collection, Mapping

from django.db import transaction

from okbnet_portal.errors import Conflict


def transition(
    instance,
    *,
    to: str,
    transitions: Mapping[str, Collection[str]] | None = None,
    field: str = "status",
    error: type[Conflict] = Conflict,
    message: str | None = None,
) -> str:
    """Move `instance.<field>` to `to` if the map allows it (the model's TRANSITIONS unless given);
    raise `error` otherwise. Returns the old value; the caller saves."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("status transitions happen inside transaction.atomic() on a locked row")
    old = getattr(instance, field)
    allowed = (transitions if transitions is not None else type(instance).TRANSITIONS).get(old, ())
    if to not in allowed:
        raise error(message)
    setattr(instance, field, to)
    return old
