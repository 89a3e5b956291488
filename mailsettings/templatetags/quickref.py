"""`{% quickref_table current %}`: the quick-reference table (対象者早見表) as HTML.

The table is data in code (op25b.TABLE), so its HTML depends only on the language and the row
marked as the member's case: it is rendered once per (language, row) in each process and kept.
On /check/ it was about a tenth of the answer page's time (bench/bench_check.py). With DEBUG on it
is rendered every time, so that template edits show at once.
"""

from functools import lru_cache

from django import template
from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, override

from .. import op25b

register = template.Library()


def _render(language: str, current: str) -> str:
    with override(language):
        return render_to_string("mailsettings/_table.html", {"table": op25b.TABLE, "current": current})


_kept = lru_cache(maxsize=64)(_render)  # at most (languages × (rows + 1)) entries


@register.simple_tag
def quickref_table(current: str = "") -> str:
    render = _render if settings.DEBUG else _kept
    return mark_safe(render(get_language() or settings.LANGUAGE_CODE, current or ""))  # noqa: S308 (our template's output)
