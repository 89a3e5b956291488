"""Staff: find a member in one step (/staff/members/?q=) and the member screen
(/staff/members/<member_number>/). Thin: the API's search (accounts.selectors.member_search),
support.selectors for the screen, accounts.services for a plan-change request.

The screen is a list of sections, one template include each (MEMBER_SCREEN_SECTIONS): another
app adds its own section (e.g. the RADIUS state) by appending a template name.
"""

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from accounts import selectors as member_selectors
from accounts import services as plan_changes
from okbnet_portal.decorators import staff_required
from okbnet_portal.errors import ApplicationError, error_messages

from . import selectors, sla

PAGE_SIZE = 25

MEMBER_SCREEN_SECTIONS = [
    "support/member_screen/_contract.html",
    "support/member_screen/_enforcement.html",
    "network/member_screen/_radius.html",
    "support/member_screen/_mail_setups.html",
    "support/member_screen/_dns.html",
    "support/member_screen/_tickets.html",
    "support/member_screen/_plan_requests.html",
    "support/member_screen/_sending.html",  # the mail gateway's counts (network.policy)
]


class MemberSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Find a member"),
        max_length=100,
        required=False,
        help_text=_(
            "Member number, connection user name (also the one before a plan change), e-mail, "
            "phone number in any format, fixed IP address, or part of the name or kana"
        ),
    )


def search_page(rows, number: int) -> tuple[list[dict], bool]:
    """One page of matches and whether there are more: no COUNT, which over a million members
    costs more than the search itself for a common name fragment (bench/bench_api.py)."""
    start = (number - 1) * PAGE_SIZE
    chunk = list(rows[start : start + PAGE_SIZE + 1])
    return chunk[:PAGE_SIZE], len(chunk) > PAGE_SIZE


@staff_required
@require_GET
def member_search(request):
    form = MemberSearchForm(request.GET or None)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    number = int(request.GET["page"]) if request.GET.get("page", "").isdigit() else 1
    number = max(number, 1)
    members, has_next = [], False
    if query:
        rows = member_selectors.member_search(member_selectors.member_rows(), query)
        if isinstance(rows, list) and len(rows) == 1:
            return redirect("staff-member", member_number=rows[0]["member_number"])
        members, has_next = search_page(rows, number)
    context = {"form": form, "query": query, "members": members, "page_number": number, "has_next": has_next}
    return render(request, "support/member_search.html", context)


def _get_member(member_number: str):
    member = selectors.staff_member(member_number=member_number)
    if member is None:
        raise Http404
    return member


@staff_required
@require_GET
def member_detail(request, member_number: str):
    member = _get_member(member_number)
    data = selectors.member_screen(member)
    now = timezone.now()
    ticket_rows = [(t, sla.clock(t, now=now)) for t in data["tickets"]]
    return render(
        request,
        "support/member_screen.html",
        {
            **data,
            "ticket_rows": ticket_rows,
            "sections": MEMBER_SCREEN_SECTIONS,
            "fixed_target": member.plan.fixed_variant,
            # the one eligibility rule (accounts.services.plan_change_refusal) decides the button
            "offer_plan_change": plan_changes.plan_change_offered(
                member=member, open_request=plan_changes.open_request_for(member)
            ),
        },
    )


@staff_required
@require_POST
def member_plan_change(request, member_number: str):
    """Request the fixed-IP variant for the member on the phone (the same service as their page)."""
    member = _get_member(member_number)
    try:
        change = plan_changes.plan_change_request(member=member, by=request.user)
    except ApplicationError as exc:
        messages.error(request, " ".join(error_messages(exc)))
    else:
        messages.success(
            request, _("Plan change requested. Ticket %(ticket)s follows it.") % {"ticket": change.ticket.number}
        )
    return redirect("staff-member", member_number=member.member_number)
