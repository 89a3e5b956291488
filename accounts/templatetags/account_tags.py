import math
from datetime import timedelta

from django import template
from django.utils import timezone

register = template.Library()


@register.simple_tag
def retry_at(cooloff: timedelta | None) -> dict | None:
    """When a locked-out person may try again: {"minutes": whole minutes from now, "time": aware datetime}."""
    if not cooloff:
        return None
    return {"minutes": max(1, math.ceil(cooloff.total_seconds() / 60)), "time": timezone.now() + cooloff}
