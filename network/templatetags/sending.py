"""The member's sending through the mail gateway today (network.policy's counters), for staff."""

from django import template

from network.policy import sending_today as counters_today

register = template.Library()


@register.simple_tag
def sending_today(member) -> dict | None:
    """This hour's and today's recipients with the plan's quota, or None when the counters are
    not readable (Redis down, or the embedded run keeping them in the policy process)."""
    counts = counters_today(member.pk)
    if counts is None:
        return None
    return {**counts, "hour_quota": member.plan.send_quota_per_hour, "day_quota": member.plan.send_quota_per_day}
