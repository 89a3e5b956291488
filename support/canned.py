"""Canned replies: staff-written texts with placeholders filled from the ticket's member.

A placeholder is a name in braces, e.g. `{gateway_host}`. Unknown names stay as typed, so a
template with a typo shows the typo instead of failing. The filled text lands in the reply box,
where the agent edits it before sending (nothing is sent from here).
"""

from __future__ import annotations

import re
from typing import Any

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from accounts.models import Member
from mailsettings import op25b
from mailsettings.selectors import mail_setups_with_verdicts

from .models import CannedReply, Ticket

# name → what it is (shown to staff beside the reply box and in the admin)
PLACEHOLDERS: dict[str, Any] = {
    "member_name": _("the member's name"),
    "member_number": _("the member number"),
    "ticket_number": _("the ticket number"),
    "gateway_host": _("the member's OKBNET outgoing gateway (gw.okbnet.ne.jp or gw.<own domain>)"),
    "smtp_username": _("the member's SMTP AUTH user name (their OKBNET mail address)"),
    "verdict_steps": _("the steps of the verdict of the member's first saved setup that needs action"),
    "fixed_ip_fee": _("the monthly fee of the fixed-IP variant of the member's plan"),
}
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


def _verdict_steps(member: Member) -> str:
    pairs = mail_setups_with_verdicts(member)
    chosen = next((v for _s, v in pairs if v.get("action_required")), None) or (pairs[0][1] if pairs else None)
    if not chosen or not chosen.get("steps"):
        return ""
    return "\n".join(f"{i}. {step}" for i, step in enumerate(chosen["steps"], 1))


def placeholder_values(ticket: Ticket, *, language: str = "ja") -> dict[str, str]:
    """What each placeholder stands for on this ticket ("" where the ticket has no member)."""
    member = ticket.member
    values = dict.fromkeys(PLACEHOLDERS, "")
    values["ticket_number"] = ticket.number or ""
    if member is None:
        return values
    fixed = member.plan.fixed_variant if member.plan.fixed_variant_id else None
    with translation.override(language):
        values.update(
            member_name=member.name,
            member_number=member.member_number,
            gateway_host=op25b.gateway_host(member.mail_address),
            smtp_username=member.mail_address,
            verdict_steps=_verdict_steps(member),
            fixed_ip_fee=f"{fixed.monthly_fee:,}" if fixed else "",
        )
    return values


def fill(text: str, values: dict[str, str]) -> str:
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def canned_reply_text(*, reply: CannedReply, ticket: Ticket, language: str) -> str:
    body = reply.body_en if language == "en" else reply.body_ja
    return fill(body, placeholder_values(ticket, language=language))


def canned_replies_for(ticket: Ticket) -> list[CannedReply]:
    """Offered replies: the ticket's category first, then the general ones, then the others."""

    def rank(reply: CannedReply) -> int:
        if reply.category == ticket.category:
            return 0
        return 1 if not reply.category else 2

    replies = CannedReply.objects.filter(is_active=True)
    return sorted(replies, key=lambda r: (rank(r), r.sort_order, r.title))
