from django import template

from support.selectors import enforcement_notice as notice_for

register = template.Library()


@register.inclusion_tag("support/_enforcement_notice.html")
def enforcement_notice(member):
    """The notice a suspended or cancelled member sees: why, and what to do (no query when active)."""
    return {"member": member, "action": notice_for(member) if member is not None else None}
