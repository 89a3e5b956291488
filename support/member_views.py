"""/mypage/tickets/: a member's own tickets and the public replies (internal notes stay hidden)."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.selectors import member_for_user

from . import selectors


@login_required
@require_GET
def my_tickets(request):
    member = member_for_user(request.user)
    page = Paginator(selectors.member_tickets(member=member), 20).get_page(request.GET.get("page"))
    return render(request, "support/my_tickets.html", {"page": page})


@login_required
@require_GET
def my_ticket(request, number: str):
    member = member_for_user(request.user)
    ticket = selectors.member_ticket(member=member, number=number)
    if ticket is None:
        raise Http404
    return render(request, "support/my_ticket.html", {"ticket": ticket, "events": ticket.events.public()})
